"""WaveSpeed's HTTP surface: submit, and the result on both documented paths.

    POST /api/v3/vidu/reference-to-video-q2      (?webhook=<url> accepted and kept)
    GET  /api/v3/predictions/{id}/result         (seed 000, SDK, webhook urls.get)
    GET  /api/v3/predictions/{id}                (get-result, what-are-predictions)
    GET|POST /api/v3/predictions                 (the key's predictions, paged; listing.py)
    GET  /api/v3/webhook/secret                  (verifying_webhook; the mock's one secret)
    POST /api/v3/media/uploads                   (the Python SDK's upload ticket; uploads.py)
    POST /api/v3/media/upload/binary             (the JS SDK 0.2.x one-request upload)

Auth is ``Authorization: Bearer <key>`` on every route, checked first.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from vidukit.mock_server.http import Reply, check_json_type, origin, parse_json, read_body
from vidukit.mock_server.providers.context import Exchange, ProviderContext
from vidukit.mock_server.providers.wavespeed import listing
from vidukit.mock_server.providers.wavespeed.models import WaveSpeedBackend
from vidukit.mock_server.providers.wavespeed.status import envelope, prediction, secret_data
from vidukit.mock_server.providers.wavespeed.uploads import BINARY_PATH, TICKET_PATH, binary, ticket

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

    async def list_predictions(request: Request, exchange: Exchange) -> Reply:
        owner = ctx.authenticate(request)
        if request.method == "POST":
            check_json_type(request)
            exchange.body = await read_body(request, ctx.config.max_body_bytes)
            params = parse_json(exchange.body) if exchange.body else {}
            if not isinstance(params, dict):
                raise listing.BadListing("the body must be a JSON object of list parameters")
        else:
            params = dict(request.query_params)
        base, query = ctx.base_url(request), listing.Query(params)
        data = listing.page(ctx.engine, owner, query, lambda task: prediction(
            task, base_url=base, media_url=ctx.media_url(request, task)))
        return Reply(200, envelope(data))

    async def webhook_secret(request: Request, exchange: Exchange) -> Reply:
        ctx.authenticate(request)
        return Reply(200, envelope(secret_data(ctx.state.webhooks.secret)))

    async def upload_ticket(request: Request, exchange: Exchange) -> Reply:
        ctx.authenticate(request)
        check_json_type(request)
        exchange.body = await read_body(request, ctx.config.max_body_bytes)
        here = origin(request, ctx.config.public_url)
        return Reply(200, envelope(ticket(ctx.state.uploads, parse_json(exchange.body), here)))

    async def upload_binary(request: Request, exchange: Exchange) -> Reply:
        ctx.authenticate(request)
        content = await read_body(request, ctx.config.max_body_bytes)
        here = origin(request, ctx.config.public_url)
        kind = request.headers.get("content-type", "")
        return Reply(200, envelope(binary(ctx.state.uploads, kind, content, here)))

    poll = ctx.endpoint(result)
    return [
        Route(TICKET_PATH, ctx.endpoint(upload_ticket), methods=["POST"]),
        Route(BINARY_PATH, ctx.endpoint(upload_binary), methods=["POST"]),
        Route(SECRET_PATH, ctx.endpoint(webhook_secret), methods=["GET"]),
        Route(listing.LIST_PATH, ctx.endpoint(list_predictions), methods=["GET", "POST"]),
        Route(SUBMIT_PATH, ctx.endpoint(submit), methods=["POST"]),
        Route(RESULT_PATH, poll, methods=["GET"]),
        Route(PREDICTION_PATH, poll, methods=["GET"]),
    ]
