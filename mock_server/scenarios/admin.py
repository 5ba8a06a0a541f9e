"""``/_mock/scenarios`` and ``/_mock/quotas``: choose faults and limits on a running server.

    GET    /_mock/scenarios   pending choices, rules, history, the catalogue
    POST   /_mock/scenarios   {"scenario": "http-503", "provider"?: "wavespeed",
                               "count"?: 1, "for"?: "requests" | "tasks", "on"?: "poll"}
    DELETE /_mock/scenarios   forget every pending choice
    GET    /_mock/quotas      the limits in force
    PUT    /_mock/quotas      {"profile"?: "documented" | "off", "<provider>"?: {"concurrency":
                               N, "per_minute": N}}

``for`` defaults to ``tasks`` for a task scenario and ``requests`` for a
request scenario; a request scenario ``for: tasks`` strikes the polls of
the next N tasks (``times`` per task, in the scenario text). The admin API's
own guard (token, error shape) wraps these: `scenario_routes` is handed the
admin module's ``guarded`` wrapper and error class.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Literal

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from vidukit.mock_server.errors import ProviderError
from vidukit.mock_server.http import parse_json, read_body
from vidukit.mock_server.quotas import Quotas
from vidukit.mock_server.quotas.settings import QuotaSettings
from vidukit.mock_server.scenarios.controller import Scenarios
from vidukit.mock_server.scenarios.spec import Scenario

ENDPOINTS: tuple[str, ...] = (
    "GET  /_mock/scenarios",
    'POST /_mock/scenarios  {"scenario": "http-503", "provider": ..., "count": N, '
    '"for": "requests"|"tasks", "on": "submit"|"poll"|"any"}',
    "DELETE /_mock/scenarios",
    "GET  /_mock/quotas",
    'PUT  /_mock/quotas  {"profile": "documented"|"off", "<provider>": {"concurrency": N, '
    '"per_minute": N}}',
)
_MAX_BODY = 64 * 1024
_SELECT_KEYS = frozenset({"scenario", "provider", "count", "for", "on"})

Guard = Callable[[Callable[[Request], Awaitable[Any]]], Callable[[Request], Awaitable[Response]]]


def scenario_routes(
    scenarios: Scenarios,
    quotas: Quotas,
    guarded: Guard,
    error: Callable[[int, str], Exception],
) -> list[BaseRoute]:
    """Routes relative to ``/_mock``; *error(status, message)* builds the admin's error."""

    async def body_of(request: Request) -> dict[str, Any]:
        try:
            raw = await read_body(request, _MAX_BODY)
            body = parse_json(raw) if raw.strip() else {}
        except ProviderError as exc:
            raise error(exc.status, exc.detail) from None
        if not isinstance(body, dict):
            raise error(400, "the body must be a JSON object")
        return body

    async def show(request: Request) -> Any:
        return scenarios.view()

    async def select(request: Request) -> Any:
        body = await body_of(request)
        unknown = sorted(set(body) - _SELECT_KEYS)
        if unknown:
            raise error(400, f"unknown field(s) {unknown}; send {ENDPOINTS[1].split('  ', 1)[1]}")
        text = body.get("scenario")
        if not isinstance(text, str):
            raise error(400, 'send {"scenario": "<name>[;param=value...]"}')
        count = body.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 1_000_000:
            raise error(400, "count must be a whole number >= 1")
        provider = body.get("provider")
        if provider is not None and not isinstance(provider, str):
            raise error(400, "provider must be a provider id")
        on = body.get("on")
        try:
            scenario = Scenario.parse(text, extra={"on": on} if on is not None else None)
            wanted = body.get("for") or ("tasks" if _is_task(scenario) else "requests")
            if wanted not in ("tasks", "requests"):
                raise ValueError(f"for must be 'tasks' or 'requests', not {wanted!r}")
            target: Literal["tasks", "requests"] = "tasks" if wanted == "tasks" else "requests"
            pending = scenarios.select(scenario, target=target, count=count, provider=provider)
        except ValueError as exc:
            raise error(400, str(exc)) from None
        return pending.view()

    async def clear(request: Request) -> Any:
        return {"cleared": scenarios.clear()}

    async def show_quotas(request: Request) -> Any:
        return quotas.view()

    async def put_quotas(request: Request) -> Any:
        body = await body_of(request)
        profile = body.get("profile", "off")
        if not isinstance(profile, str):
            raise error(400, "profile must be 'documented' or 'off'")
        overrides = {k: v for k, v in body.items() if k != "profile"}
        try:
            quotas.settings = QuotaSettings.build(profile, overrides)
        except ValueError as exc:
            raise error(400, str(exc)) from None
        return quotas.view()

    return [
        Route("/scenarios", guarded(show), methods=["GET"]),
        Route("/scenarios", guarded(select), methods=["POST"]),
        Route("/scenarios", guarded(clear), methods=["DELETE"]),
        Route("/quotas", guarded(show_quotas), methods=["GET"]),
        Route("/quotas", guarded(put_quotas), methods=["PUT"]),
    ]


def _is_task(scenario: Scenario) -> bool:
    return scenario.name != "none" and scenario.family == "task"


__all__ = ["ENDPOINTS", "scenario_routes"]
