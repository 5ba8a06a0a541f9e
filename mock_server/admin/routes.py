"""The admin API under ``/_mock/``: inspect and steer the mock from tests and curl.

Outside every provider's namespace, answers in its own small JSON shape:
successes are objects, failures ``{"error": "<what went wrong and what to
send instead>", "status": N}``. Bad input is a 4xx, never a 500. When an admin
token is configured every route except the media files requires
``Authorization: Bearer <token>`` (or ``X-Mock-Admin-Token: <token>``).
"""

from __future__ import annotations

import hmac
import logging
import math
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from vidukit.mock_server.admin.errors import AdminError
from vidukit.mock_server.admin.views import clock_view, defaults_view, task_view
from vidukit.mock_server.clock import VirtualClock
from vidukit.mock_server.dashboard import dashboard_routes
from vidukit.mock_server.engine import TaskFinished, UnknownTask
from vidukit.mock_server.errors import ProviderError
from vidukit.mock_server.http import JSON_TYPE, dumps, parse_json, read_body
from vidukit.mock_server.ledger.admin import ENDPOINTS as LEDGER_ENDPOINTS
from vidukit.mock_server.ledger.admin import ledger_routes
from vidukit.mock_server.media.serve import media_endpoint
from vidukit.mock_server.media.uploads import upload_routes
from vidukit.mock_server.providers import Provider
from vidukit.mock_server.providers.context import resolve_outcome
from vidukit.mock_server.scenarios.admin import ENDPOINTS as SCENARIO_ENDPOINTS
from vidukit.mock_server.scenarios.admin import scenario_routes
from vidukit.mock_server.state import MockState
from vidukit.mock_server.tasks import Outcome, Progression
from vidukit.mock_server.webhooks.admin import webhook_routes

logger = logging.getLogger("vidukit.mock_server.admin")

_MAX_ADMIN_BODY = 64 * 1024
_ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

#: Every admin route, as the index and the 404 list them.
ENDPOINTS: tuple[str, ...] = (
    "GET  /_mock/",
    "GET  /_mock/tasks?provider=<id>&state=<state>",
    "GET  /_mock/tasks/{id}",
    'POST /_mock/tasks/{id}/outcome  {"outcome": "succeed"|"fail"|"stay-processing", '
    '"error_code": ...}',
    'PUT  /_mock/tasks/{id}/progression  {"progression": "time=Q,P"|"polls=N"|"immediate"}',
    "GET  /_mock/journal?provider=<id>&since=<seq>&limit=<n>",
    "POST /_mock/reset",
    "GET  /_mock/clock",
    'POST /_mock/clock/advance  {"seconds": N}',
    "GET  /_mock/progression",
    'PUT  /_mock/progression  {"progression": "time=Q,P"|"polls=N"|"immediate", '
    '"outcome": "succeed"|"fail[:code]"|"stay-processing"}',
    "GET  /_mock/media/{task id}.mp4",
    "PUT  /_mock/media/uploads/{id}  (an upload ticket's URL; the body is the file)",
    "GET  /_mock/media/uploads/{id}/{filename}",
    "GET  /_mock/webhooks?task=<id>&provider=<id>",
    'PUT  /_mock/webhooks  {"secret": "whsec_...", "options": "duplicate,delay=S,..."}',
    'PUT  /_mock/webhooks/tasks/{id}  {"options": "duplicate,out-of-order,..."}',
    *SCENARIO_ENDPOINTS,
    *LEDGER_ENDPOINTS,
    "GET  /_mock/ui/  the dashboard (HTML)",
    "GET  /_mock/docs  this API in Swagger UI (HTML, served offline)",
)

#: 9999-12-31T23:59:59Z: ISO timestamps (and Python's datetime) end there.
_LAST_SECOND = 253402300799.0


def _json(body: Any, status: int = 200) -> Response:
    return Response(dumps(body), status, media_type=JSON_TYPE)


AdminHandler = Callable[[Request], Awaitable[Any]]


def admin_routes(state: MockState) -> list[BaseRoute]:
    """Routes relative to ``/_mock``."""
    engine = state.engine
    token = state.config.admin_token

    def guarded(handler: AdminHandler) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            try:
                if token is not None and not _token_ok(request, token):
                    raise AdminError(
                        401,
                        "the admin API needs 'Authorization: Bearer <admin token>' "
                        "(or X-Mock-Admin-Token)",
                    )
                return _json(await handler(request))
            except AdminError as exc:
                return _json({"error": exc.message, "status": exc.status}, exc.status)
            except Exception:
                logger.exception("bug in the admin API at %s", request.url.path)
                failure = {"error": "internal error in the mock's admin API", "status": 500}
                return _json(failure, 500)

        return run

    def find_task(task_id: str) -> Any:
        task = engine.get(task_id)
        if task is None:
            raise AdminError(404, f"no task {task_id!r}; GET /_mock/tasks lists them")
        return engine.observe(task)

    async def index(request: Request) -> Any:
        return {
            "providers": {pid: state.prefixes[pid] or "/" for pid in state.providers},
            "clock": state.clock.kind,
            "endpoints": list(ENDPOINTS),
        }

    async def list_tasks(request: Request) -> Any:
        provider = request.query_params.get("provider")
        if provider is not None and provider not in state.providers:
            raise AdminError(400, f"unknown provider {provider!r}; mounted: {_ids(state)}")
        wanted = request.query_params.get("state")
        tasks = [engine.observe(t) for t in state.store.list(provider=provider)]
        views = [
            task_view(t, engine, state.providers.get(t.provider))
            for t in tasks
            if wanted is None or t.state == wanted
        ]
        return {"count": len(views), "tasks": views}

    async def show_task(request: Request) -> Any:
        task = find_task(request.path_params["id"])
        return task_view(task, engine, state.providers.get(task.provider))

    async def force_outcome(request: Request) -> Any:
        task = find_task(request.path_params["id"])
        body = await _object_body(request)
        raw = body.get("outcome")
        if not isinstance(raw, str):
            raise AdminError(400, 'send {"outcome": "succeed" | "fail" | "stay-processing"}')
        code = body.get("error_code")
        if isinstance(code, bool) or not isinstance(code, str | int | None):
            raise AdminError(400, "error_code must be a string or an integer")
        try:
            outcome = Outcome.parse(raw)
            if code is not None:
                if outcome.kind != "fail":
                    raise ValueError("error_code goes with outcome 'fail' only")
                outcome = Outcome("fail", str(code))
            provider = state.providers[task.provider]
            outcome = resolve_outcome(provider, outcome)
            task = engine.force(task.id, outcome)
        except ValueError as exc:
            raise AdminError(400, str(exc)) from None
        except TaskFinished as exc:
            raise AdminError(409, str(exc)) from None
        except UnknownTask:
            raise AdminError(404, f"no task {task.id!r}") from None
        return task_view(task, engine, state.providers.get(task.provider))

    async def reprogram(request: Request) -> Any:
        task = find_task(request.path_params["id"])
        body = await _object_body(request)
        try:
            progression = Progression.parse(_text(body.get("progression"), "progression"))
            task = engine.reprogram(task.id, progression)
        except ValueError as exc:
            raise AdminError(400, str(exc)) from None
        except TaskFinished as exc:
            raise AdminError(409, str(exc)) from None
        return task_view(task, engine, state.providers.get(task.provider))

    async def journal(request: Request) -> Any:
        query = request.query_params
        provider = query.get("provider")
        since = _int_param(query.get("since"), "since", 0)
        limit = _int_param(query.get("limit"), "limit", state.journal.max_entries)
        entries = state.journal.entries(provider=provider, since=since)
        if limit < len(entries):
            entries = entries[len(entries) - limit :] if limit > 0 else []
        return {"count": len(entries), "entries": [e.to_dict() for e in entries]}

    async def reset(request: Request) -> Any:
        state.reset()
        return {"reset": True, "clock": clock_view(state.clock)}

    async def clock(request: Request) -> Any:
        return clock_view(state.clock)

    async def advance(request: Request) -> Any:
        clock = state.clock
        if not isinstance(clock, VirtualClock):
            raise AdminError(
                409,
                "the server runs on the real clock, which cannot be advanced; "
                "start it with --clock virtual (MockConfig(clock='virtual'))",
            )
        seconds = (await _object_body(request)).get("seconds")
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, int | float)
            or not math.isfinite(seconds)
            or seconds < 0
        ):
            raise AdminError(400, 'send {"seconds": N} with a finite number N >= 0')
        if clock.now() + seconds > _LAST_SECOND:
            raise AdminError(
                400,
                f"advancing {seconds} s would take the clock past 9999-12-31T23:59:59Z, "
                "the last time the providers' timestamps can show",
            )
        await state.webhooks.advance(seconds)  # moves the clock, sending callbacks due on the way
        return clock_view(clock)

    async def get_defaults(request: Request) -> Any:
        return defaults_view(engine)

    async def put_defaults(request: Request) -> Any:
        body = await _object_body(request)
        unknown = sorted(set(body) - {"progression", "outcome"})
        if unknown or not body:
            raise AdminError(400, 'send {"progression": "...", "outcome": "..."} (either or both)')
        try:
            progression = engine.progression
            outcome = engine.outcome
            if "progression" in body:
                progression = Progression.parse(_text(body["progression"], "progression"))
            if "outcome" in body:
                outcome = Outcome.parse(_text(body["outcome"], "outcome"))
                _check_default_code(outcome, state.providers.values())
        except ValueError as exc:
            raise AdminError(400, str(exc)) from None
        engine.progression, engine.outcome = progression, outcome
        return defaults_view(engine)

    async def unknown(request: Request) -> Any:
        raise AdminError(
            404,
            f"no admin route {request.method} {request.url.path}; routes: "
            + "; ".join(" ".join(e.split()) for e in ENDPOINTS),
        )

    return [
        Route("/media/{name}", media_endpoint(state), methods=["GET"]),
        *upload_routes(state.uploads),
        *webhook_routes(state, guarded),
        *ledger_routes(state, guarded),
        *scenario_routes(state.scenarios, state.quotas, guarded, AdminError),
        *dashboard_routes(state),
        Route("/", guarded(index), methods=["GET"]),
        Route("/tasks", guarded(list_tasks), methods=["GET"]),
        Route("/tasks/{id}", guarded(show_task), methods=["GET"]),
        Route("/tasks/{id}/outcome", guarded(force_outcome), methods=["POST"]),
        Route("/tasks/{id}/progression", guarded(reprogram), methods=["PUT"]),
        Route("/journal", guarded(journal), methods=["GET"]),
        Route("/reset", guarded(reset), methods=["POST"]),
        Route("/clock", guarded(clock), methods=["GET"]),
        Route("/clock/advance", guarded(advance), methods=["POST"]),
        Route("/progression", guarded(get_defaults), methods=["GET"]),
        Route("/progression", guarded(put_defaults), methods=["PUT"]),
        Route("/{path:path}", guarded(unknown), methods=_ALL_METHODS),
    ]


def _ids(state: MockState) -> str:
    return ", ".join(state.providers)


def _token_ok(request: Request, token: str) -> bool:
    given = request.headers.get("x-mock-admin-token")
    if given is None:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        given = value.strip() if scheme.lower() == "bearer" else ""
    return hmac.compare_digest(given.encode(), token.encode())


async def _object_body(request: Request) -> dict[str, Any]:
    try:
        raw = await read_body(request, _MAX_ADMIN_BODY)
        if not raw.strip():
            return {}
        body = parse_json(raw)
    except ProviderError as exc:
        raise AdminError(exc.status, exc.detail) from None
    if not isinstance(body, dict):
        raise AdminError(400, "the body must be a JSON object")
    return body


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string")
    return value


def _int_param(raw: str | None, name: str, default: int) -> int:
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise AdminError(400, f"query parameter {name} must be an integer, got {raw!r}") from None
    if value < 0:
        raise AdminError(400, f"query parameter {name} must be >= 0")
    return value


__all__ = ["ENDPOINTS", "admin_routes"]


def _check_default_code(outcome: Outcome, providers: Iterable[Provider]) -> None:
    """A server-wide failure code must belong to at least one mounted provider."""
    code = outcome.error_code
    if code is None or any(code in p.failure_codes for p in providers):
        return
    known = "; ".join(f"{p.id}: {', '.join(p.failure_codes)}" for p in providers)
    raise ValueError(f"no mounted provider has error code {code!r} ({known})")
