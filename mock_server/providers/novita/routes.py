"""The v3 async HTTP surface (Novita's; MyRouter mounts the same with its own backend).

    POST /v3/async/vidu-q2-reference2video     (extra.webhook.url accepted and kept)
    GET  /v3/async/task-result?task_id=<id>    (a missing task_id is a 400)

Auth is checked first on both routes: ``Authorization: Bearer <key>`` (the docs, the Python
``novita-client``) or ``Authorization: <key>`` with no scheme, as Novita's official JavaScript
SDK sends it (``novita-sdk`` src/class.ts, provider-docs README §8; the live API evidently
takes both). Any other scheme, or an empty header, is ``FAILED_TO_AUTH``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from vidukit.mock_server.errors import BadRequest
from vidukit.mock_server.http import Reply, bearer_or_raw_key
from vidukit.mock_server.providers.context import Exchange, ProviderContext
from vidukit.mock_server.providers.novita.models import NovitaBackend, V3AsyncBackend
from vidukit.mock_server.providers.novita.status import submit_response, task_result
from vidukit.mock_server.tasks import Task

SUBMIT_PATH = "/v3/async/vidu-q2-reference2video"
RESULT_PATH = "/v3/async/task-result"


def v3_async_routes(
    ctx: ProviderContext,
    backend: V3AsyncBackend,
    submitted: Callable[[Task], dict[str, Any]],
) -> list[BaseRoute]:
    """Both routes on *backend*; *submitted* renders the submit answer (the clones differ there)."""

    async def submit(request: Request, exchange: Exchange) -> Reply:
        owner = ctx.owner_of(bearer_or_raw_key(request))
        body = await ctx.json_body(request, exchange, "submit-request")
        options = ctx.task_options(request)
        task = backend.submit(owner, body, progression=options.progression, outcome=options.outcome)
        return Reply(200, submitted(task), "submit-response")

    async def result(request: Request, exchange: Exchange) -> Reply:
        owner = ctx.owner_of(bearer_or_raw_key(request))
        task_id = request.query_params.get("task_id")
        if not task_id:
            raise BadRequest(f"task_id is required: GET {RESULT_PATH}?task_id=<task id>")
        task = backend.result(owner, task_id)
        body = task_result(task, now=ctx.clock.now(), media_url=ctx.media_url(request, task))
        return Reply(200, body, "result-response")

    return [
        Route(SUBMIT_PATH, ctx.endpoint(submit), methods=["POST"]),
        Route(RESULT_PATH, ctx.endpoint(result), methods=["GET"]),
    ]


def routes(ctx: ProviderContext) -> list[BaseRoute]:
    return v3_async_routes(ctx, NovitaBackend(ctx.engine), submit_response)
