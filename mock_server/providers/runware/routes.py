"""Runware's HTTP surface: one endpoint, a JSON array of tasks (REST; WebSocket in websocket.py).

    POST /v1   [auth?, videoInference...]  -> {"data": [auth result?, acknowledgement...]}
               [auth?, getResponse...]     -> {"data": [...], "errors": [...]} (HTTP 200)

The key may sit in the body (a leading ``{"taskType": "authentication",
"apiKey"}`` task, which wins when present) or in ``Authorization: Bearer``,
so the body is read and parsed before the key is checked: a wrong content
type, an oversized or malformed body answer 415/413/400 even without a key.
The journal keeps the body with every ``apiKey`` value redacted.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from vidukit.mock_server.errors import InvalidRequest, Unauthorized
from vidukit.mock_server.http import Reply, check_json_type, parse_json, read_body
from vidukit.mock_server.providers.context import Exchange, ProviderContext
from vidukit.mock_server.providers.runware.errors import TaskViolations
from vidukit.mock_server.providers.runware.models import (
    SUBMIT,
    RunwareBackend,
    body_api_key,
    classify,
    redacted,
    task_refs,
)
from vidukit.mock_server.providers.runware.redaction import redact
from vidukit.mock_server.providers.runware.websocket import websocket_route

TASKS_PATH = "/v1"
MISSING_KEY = (
    "missing API key: send 'Authorization: Bearer <api key>' or lead the array with "
    '{"taskType": "authentication", "apiKey": "<api key>"}'
)

def routes(ctx: ProviderContext) -> list[BaseRoute]:
    backend = RunwareBackend(ctx.engine)

    async def tasks(request: Request, exchange: Exchange) -> Reply:
        check_json_type(request)
        raw = await read_body(request, ctx.config.max_body_bytes)
        exchange.body = redact(raw)
        body = parse_json(raw)
        key = body_api_key(body)
        if key is None and "authorization" not in request.headers:
            raise Unauthorized(MISSING_KEY)
        owner = ctx.owner_of(key) if key is not None else ctx.authenticate(request)
        try:
            message = classify(body)
        except TaskViolations as exc:
            exchange.violations = [v.to_dict() for v in exc.violations]
            raise
        try:
            ctx.validate(redacted(body), exchange, message)
        except InvalidRequest as exc:
            raise TaskViolations(exc.violations, task_refs(body)) from None
        if message == SUBMIT:
            options = ctx.task_options(request)
            answer = backend.submit(
                owner, body, progression=options.progression, outcome=options.outcome
            )
            return Reply(200, answer, "submit-response")
        answer = backend.poll(owner, body, media_url=lambda task: ctx.media_url(request, task))
        return Reply(200, answer, "result-response")

    return [Route(TASKS_PATH, ctx.endpoint(tasks), methods=["POST"]), websocket_route(ctx, backend)]
