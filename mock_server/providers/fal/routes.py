"""fal.ai's queue API, thin: parse, authenticate, call the backend, serialise.

    POST /fal-ai/vidu/q2/reference-to-video/pro   submit (?fal_webhook=<url>)
    GET  /fal-ai/vidu/requests/{id}/status        status (?logs=1 for the runner's logs)
    GET  /fal-ai/vidu/requests/{id}               result (the error status when it failed)
    PUT  /fal-ai/vidu/requests/{id}/cancel        cancel
    GET  /.well-known/jwks.json                   the mock's webhook keys (no auth)

Auth: ``Authorization: Key <key>`` (fal's documents), or ``Bearer <key>`` (what fal's
clients send for a ``fal auth login`` token, and what vidukit's own clients send).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from vidukit.mock_server.engine import SUCCEEDED
from vidukit.mock_server.http import Reply, scheme_key
from vidukit.mock_server.providers.context import Exchange, ProviderContext
from vidukit.providers.fal.signing import jwks
from vidukit.providers.fal.wire import (
    CANCEL_PATH,
    JWKS_PATH,
    REQUEST_PATH,
    STATUS_PATH,
    SUBMIT_PATH,
)

from .errors import ResultError
from .models import Backend
from .status import error_detail, output, status, submitted

SCHEMES = ("key", "bearer")
#: ``logs`` values that ask for the runner's logs (the JS client sends 1/0, Python true/false).
LOGS_ON = frozenset({"1", "true"})
#: Cancel answers: fal's statuses with their HTTP statuses. fal's cancel reference lists the
#: statuses under its success answer (200); the 400 for ALREADY_COMPLETED is UNCONFIRMED
#: (fal-client raises on it, as on every non-2xx).
CANCEL_HTTP = {"CANCELLATION_REQUESTED": 200, "ALREADY_COMPLETED": 400}


def api_key(request: Request) -> str:
    """The key of ``Authorization: Key <key>`` (or ``Bearer <key>``); 401 otherwise."""
    return scheme_key(
        request, SCHEMES,
        missing="Missing Authorization header (expected 'Key <FAL_KEY>')",
        wrong=lambda _scheme: "Invalid authentication (expected 'Authorization: Key <FAL_KEY>')",
    )


def routes(ctx: ProviderContext) -> list[BaseRoute]:
    backend = Backend(ctx.engine)

    def owner(request: Request) -> str:
        return ctx.owner_of(api_key(request))

    async def submit(request: Request, exchange: Exchange) -> Reply:
        who = owner(request)
        body = await ctx.json_body(request, exchange, "submit-request")
        options = ctx.task_options(request)
        webhook = request.query_params.get("fal_webhook") if request.scope["query_string"] \
            else None
        task = backend.submit(who, body, progression=options.progression,
                              outcome=options.outcome, webhook=webhook)
        return Reply(200, submitted(task, base_url=ctx.base_url(request)), "submit-response",
                     headers={"x-fal-request-id": task.id})

    async def request_status(request: Request, exchange: Exchange) -> Reply:
        task = backend.look(owner(request), request.path_params["id"])
        logs = request.query_params.get("logs", "").lower() in LOGS_ON
        return Reply(200, status(task, base_url=ctx.base_url(request), logs=logs),
                     "result-response", headers={"x-fal-request-id": task.id})

    async def result(request: Request, exchange: Exchange) -> Reply:
        task = backend.look(owner(request), request.path_params["id"])
        if task.state == SUCCEEDED:
            return Reply(200, output(task, media_url=ctx.media_url(request, task)),
                         "result-response", headers={"x-fal-request-id": task.id})
        if status(task, base_url="", logs=False)["status"] != "COMPLETED":
            raise ResultError(400, "Request is still in progress", task.id)
        raise ResultError(*error_detail(task), task.id)

    async def cancel(request: Request, exchange: Exchange) -> Reply:
        answer = backend.cancel(owner(request), request.path_params["id"])
        return Reply(CANCEL_HTTP[answer], {"status": answer},
                     "error-response" if CANCEL_HTTP[answer] >= 400 else None)

    async def keys(request: Request, exchange: Exchange) -> Reply:
        return Reply(200, jwks(ctx.state.webhooks.secret))

    return [
        Route(JWKS_PATH, ctx.endpoint(keys), methods=["GET"]),
        Route(SUBMIT_PATH, ctx.endpoint(submit), methods=["POST"]),
        Route(STATUS_PATH, ctx.endpoint(request_status), methods=["GET"]),
        Route(CANCEL_PATH, ctx.endpoint(cancel), methods=["PUT"]),
        Route(REQUEST_PATH, ctx.endpoint(result), methods=["GET"]),
    ]
