"""Vtrix's HTTP surface: one generation endpoint for every model, and the task poll.

    POST /model/v1/generation            {"model": "viduq2_pro_reference",
                                          "input": [{"params": {...}}]}
    GET  /model/v1/generation/task/{id}  (third-party-confirmed path)

Auth is ``Authorization: Bearer <key>`` on every route, checked first. A body
naming another Vtrix model breaks the schema's ``model`` const and gets a 400
listing ``model.const`` with the rest (this mock serves one model).
``input[0].params.callback_url`` is kept with the task for later delivery.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from vidukit.mock_server.http import Reply
from vidukit.mock_server.providers.context import Exchange, ProviderContext
from vidukit.mock_server.providers.vtrix.models import VtrixBackend
from vidukit.mock_server.providers.vtrix.status import result, submitted

SUBMIT_PATH = "/model/v1/generation"
TASK_PATH = "/model/v1/generation/task/{id}"


def routes(ctx: ProviderContext) -> list[BaseRoute]:
    backend = VtrixBackend(ctx.engine)
    clock = ctx.clock

    async def submit(request: Request, exchange: Exchange) -> Reply:
        owner = ctx.authenticate(request)
        body = await ctx.json_body(request, exchange, "submit-request")
        options = ctx.task_options(request)
        task = backend.submit(owner, body, progression=options.progression, outcome=options.outcome)
        return Reply(200, submitted(task), "submit-response")

    async def poll(request: Request, exchange: Exchange) -> Reply:
        owner = ctx.authenticate(request)
        task = backend.result(owner, request.path_params["id"])
        body = result(task, media_url=ctx.media_url(request, task), now=clock.now())
        return Reply(200, body, "result-response")

    return [
        Route(SUBMIT_PATH, ctx.endpoint(submit), methods=["POST"]),
        Route(TASK_PATH, ctx.endpoint(poll), methods=["GET"]),
    ]
