"""Vidu's HTTP surface, thin: parse, authenticate, call the backend, serialise.

    POST /ent/v2/reference2video        submit (submit-request -> submit-response)
    GET  /ent/v2/tasks/{id}/creations   poll   (-> result-response, in every state)
    GET  /ent/v2/tasks                  the key's tasks (states, model_versions, paging)
    GET  /mock-covers/{id}.png          a creation's cover_url: its video's first frame

Auth is ``Authorization: Token <key>`` on every API route, checked first; a Bearer
header gets Vidu's 401.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from vidukit.mock_server.errors import BadRequest
from vidukit.mock_server.http import Reply
from vidukit.mock_server.providers.context import Exchange, ProviderContext
from vidukit.providers.vidu.wire import CREATIONS_PATH, SUBMIT_PATH, TASKS_PATH

from .auth import token_key
from .cover import cover_endpoint
from .models import PAGE_SIZE_DEFAULT, Backend, split_words
from .status import creations, listed, media_urls, submitted

#: A file path under the covers' folder, as storage serves files (not an API route).
COVER_PATH = "/mock-covers/{path:path}"


def _number(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise BadRequest(f"{name} must be a positive whole number, got {raw!r}")
    return int(raw)


def routes(ctx: ProviderContext) -> list[BaseRoute]:
    backend = Backend(ctx.engine)

    def owner(request: Request) -> str:
        return ctx.owner_of(token_key(request))

    async def submit(request: Request, exchange: Exchange) -> Reply:
        who = owner(request)
        body = await ctx.json_body(request, exchange, "submit-request")
        options = ctx.task_options(request)
        task = backend.submit(who, body, progression=options.progression,
                              outcome=options.outcome)
        return Reply(200, submitted(task), "submit-response")

    async def result(request: Request, exchange: Exchange) -> Reply:
        who = owner(request)
        task = backend.result(who, request.path_params["id"])
        urls = media_urls(task, base_url=ctx.base_url(request),
                          media_url=ctx.media_url(request, task))
        return Reply(200, creations(task, **urls), "result-response")

    async def tasks(request: Request, exchange: Exchange) -> Reply:
        who = owner(request)
        query = request.query_params
        page = backend.tasks(
            who,
            states=split_words(query.getlist("states")),
            models=split_words(query.getlist("model_versions")),
            page=_number(request, "page", 1),
            page_size=_number(request, "page_size", PAGE_SIZE_DEFAULT),
        )
        base = ctx.base_url(request)
        items = [listed(t, **media_urls(t, base_url=base, media_url=ctx.media_url(request, t)))
                 for t in page.tasks]
        body = {"tasks": items, "total": page.total, "next_page": page.next_page}
        return Reply(200, body)

    cover = cover_endpoint(ctx.engine)

    async def cover_route(request: Request) -> Response:
        return await cover(request.path_params["path"])

    return [
        Route(SUBMIT_PATH, ctx.endpoint(submit), methods=["POST"]),
        Route(CREATIONS_PATH, ctx.endpoint(result), methods=["GET"]),
        Route(TASKS_PATH, ctx.endpoint(tasks), methods=["GET"]),
        Route(COVER_PATH, cover_route, methods=["GET"]),
    ]
