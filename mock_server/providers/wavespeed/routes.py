"""WaveSpeed's HTTP surface: submit, and the result on both documented paths.

    POST /api/v3/vidu/reference-to-video-q2      (?webhook=<url> accepted and kept)
    GET  /api/v3/predictions/{id}/result         (seed 000, SDK, webhook urls.get)
    GET  /api/v3/predictions/{id}                (get-result, what-are-predictions)
    GET  /api/v3/webhook/secret                  (verifying_webhook; the mock's one secret)

Auth is ``Authorization: Bearer <key>`` on every route, checked first.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from vidukit.mock_server.http import Reply
from vidukit.mock_server.providers.context import Exchange, ProviderContext
from vidukit.mock_server.providers.wavespeed.models import WaveSpeedBackend
from vidukit.mock_server.providers.wavespeed.status import envelope, prediction, secret_data

SUBMIT_PATH = "/api/v3/vidu/reference-to-video-q2"
RESULT_PATH = "/api/v3/predictions/{id}/result"
PREDICTION_PATH = "/api/v3/predictions/{id}"
SECRET_PATH = "/api/v3/webhook/secret"


def routes(ctx: ProviderContext) -> list[BaseRoute]:
    backend = WaveSpeedBackend(ctx.engine)

    async def submit(request: Request, exchange: Exchange) -> Reply:
        owner = ctx.authenticate(request)
        body = await ctx.json_body(request, exchange, "submit-request")
        options = ctx.task_options(request)
        task = backend.submit(
            owner,
            body,
            progression=options.progression,
            outcome=options.outcome,
            # Most submits have no query string: skip parsing an empty one.
            webhook=request.query_params.get("webhook") if request.scope["query_string"] else None,
        )
        data = prediction(
            task, base_url=ctx.base_url(request), media_url=ctx.media_url(request, task)
        )
        return Reply(200, envelope(data), "submit-response")

    async def result(request: Request, exchange: Exchange) -> Reply:
        owner = ctx.authenticate(request)
        task = backend.result(owner, request.path_params["id"])
        data = prediction(
            task, base_url=ctx.base_url(request), media_url=ctx.media_url(request, task)
        )
        return Reply(200, envelope(data), "result-response")

    async def webhook_secret(request: Request, exchange: Exchange) -> Reply:
        ctx.authenticate(request)
        return Reply(200, envelope(secret_data(ctx.state.webhooks.secret)))

    poll = ctx.endpoint(result)
    return [
        Route(SECRET_PATH, ctx.endpoint(webhook_secret), methods=["GET"]),
        Route(SUBMIT_PATH, ctx.endpoint(submit), methods=["POST"]),
        Route(RESULT_PATH, poll, methods=["GET"]),
        Route(PREDICTION_PATH, poll, methods=["GET"]),
    ]
