"""Runware's WebSocket transport: ``ws://<mock>/runware/v1``, the REST protocol in frames.

Runware serves one protocol on two transports (how-to-connect page): the
WebSocket carries the same task arrays as ``POST /v1``, one JSON array per
text frame, and answers each with one JSON object, ``{"data": [...]}`` or
``{"errors": [...]}``, built by the same backend and error renderer as REST::

    -> [{"taskType": "authentication", "apiKey": K}]
    <- {"data": [{"taskType": "authentication", "connectionSessionUUID": U}]}
    -> [{"taskType": "authentication", "apiKey": K, "connectionSessionUUID": U}]  (resume)
    <- {"data": [{"taskType": "authentication", "connectionSessionUUID": U}]}
    -> [{"taskType": "ping", "ping": true}]  <- {"data": [{"taskType": "ping", "pong": true}]}
    -> [videoInference...]                   <- {"data": [acknowledgement...]}
    -> [getResponse...]                      <- {"data": [...]} and/or {"errors": [...]}

Choices (Runware documents only the handshake and the 120 s idle close):

* The connection is authenticated by a frame that leads with an
  authentication task; until then every other task array is answered with
  ``invalidApiKey`` and the socket stays open, so the client may try again
  (neither SDK needs the server to close it; whether Runware does is
  UNCONFIRMED). A rejected key leaves the connection unauthenticated.
* ``connectionSessionUUID`` is fixed per key (the REST backend's rule); a
  resume echoes the UUID it names. Tasks belong to the key, not the
  connection, so a new connection of the same key polls the old tasks.
* The heartbeat ping is undocumented: both official SDKs send
  ``[{"taskType": "ping", "ping": true}]`` and wait for the pong item. It is
  answered before authentication too and is not written to the journal.
* After 120 s without a frame from the client (on the mock's clock, so a
  virtual clock closes only when advanced) the server closes with 1000.
* A frame's answer carries the HTTP status REST would have sent only in the
  journal (``method`` ``WS``); the socket itself has no status.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from vidukit.mock_server.errors import (
    InternalError,
    InvalidRequest,
    PayloadTooLarge,
    ProviderError,
    Unauthorized,
)
from vidukit.mock_server.http import Reply, dumps, parse_json
from vidukit.mock_server.providers.context import Exchange, ProviderContext
from vidukit.mock_server.providers.runware.errors import TaskViolations
from vidukit.mock_server.providers.runware.models import (
    SUBMIT,
    RunwareBackend,
    authentication_task,
    classify,
    redacted,
    task_refs,
)
from vidukit.mock_server.providers.runware.redaction import redact
from vidukit.validation import validator

logger = logging.getLogger("vidukit.mock_server.runware.websocket")

#: The WebSocket's path relative to the provider's base (``wss://ws-api.runware.ai/v1``).
WS_PATH = "/v1"
#: "The connection closes after 120 s idle" (how-to-connect page).
IDLE_SECONDS = 120.0
#: How often an idle watch on a virtual clock looks whether the clock was advanced.
VIRTUAL_TICK_SECONDS = 0.05
IDLE_CLOSE_CODE = 1000
IDLE_CLOSE_REASON = "idle for 120 s"

PING = "ping"
PONG_ITEM: dict[str, Any] = {"taskType": PING, "pong": True}
NOT_AUTHENTICATED = (
    "the connection is not authenticated: send "
    '[{"taskType": "authentication", "apiKey": "<api key>"}] as the first message'
)
BAD_KEY = "the authentication task needs a non-empty apiKey string"
LONE_AUTH_RULE = "video-task-required"
WS_METHOD = "WS"


def is_ping(element: Any) -> bool:
    """``{"taskType": "ping", "ping": true}``, exactly as both SDKs send it."""
    return (
        isinstance(element, dict)
        and element.get("taskType") == PING
        and element.get("ping") is True
        and len(element) == 2
    )


def http_view(websocket: WebSocket) -> Request:
    """The handshake as the HTTP request it upgraded from (``ws`` -> ``http``).

    The core's per-request helpers (`ProviderContext.task_options`,
    ``media_url``) read headers and the URL's origin; through this view a
    media URL points at ``http://`` as the schemas and any HTTP client expect.
    """
    scope = dict(websocket.scope)
    scope["type"] = "http"
    scope["scheme"] = "https" if scope.get("scheme") == "wss" else "http"
    scope.setdefault("method", "GET")
    return Request(scope)


class Connection:
    """One client's socket: its authentication and the answer to each frame."""

    def __init__(self, ctx: ProviderContext, backend: RunwareBackend, handshake: Request) -> None:
        self.ctx = ctx
        self.backend = backend
        self.handshake = handshake
        self.owner: str | None = None
        self.check = ctx.config.check_responses

    def answer(self, raw: bytes, exchange: Exchange) -> Reply:
        """The reply to one frame; provider errors become Runware's ``errors`` body."""
        try:
            reply = self._answer(raw, exchange)
        except ProviderError as exc:
            reply = self.ctx.render(exc)
        except Exception:
            logger.exception("bug in the Runware WebSocket answering a frame")
            reply = self.ctx.render(InternalError())
        return self._checked(reply) if self.check and reply.message else reply

    def _answer(self, raw: bytes, exchange: Exchange) -> Reply:
        if len(raw) > self.ctx.config.max_body_bytes:
            raise PayloadTooLarge(
                f"the message is larger than {self.ctx.config.max_body_bytes} bytes"
            )
        exchange.body = redact(raw)
        body = parse_json(raw)
        if isinstance(body, list) and body and all(is_ping(e) for e in body):
            return Reply(200, {"data": [dict(PONG_ITEM) for _ in body]}, "submit-response")
        auth = authentication_task(body)
        owner = self._owner_for(auth)
        if auth is not None and len(body) == 1:
            self._validate(body, exchange, SUBMIT, ignore=LONE_AUTH_RULE)
            self.owner = owner
            return Reply(200, {"data": [self.backend.session(owner, auth)]}, "submit-response")
        try:
            message = classify(body)
        except TaskViolations as exc:
            exchange.violations = [v.to_dict() for v in exc.violations]
            raise
        self._validate(body, exchange, message)
        self.owner = owner
        if message == SUBMIT:
            options = self.ctx.task_options(self.handshake)
            answer = self.backend.submit(
                owner, body, progression=options.progression, outcome=options.outcome
            )
            return Reply(200, answer, "submit-response")
        answer = self.backend.poll(
            owner, body, media_url=lambda task: self.ctx.media_url(self.handshake, task)
        )
        return Reply(200, answer, "result-response")

    def _owner_for(self, auth: dict[str, Any] | None) -> str:
        """Who the frame acts for: its own authentication task's key, else the connection's.

        A rejected key signs the connection out, whatever it was before.
        """
        if auth is None:
            if self.owner is None:
                raise Unauthorized(NOT_AUTHENTICATED)
            return self.owner
        key = auth.get("apiKey")
        try:
            if not isinstance(key, str) or not key:
                raise Unauthorized(BAD_KEY)
            return self.ctx.owner_of(key)
        except Unauthorized:
            self.owner = None
            raise

    def _validate(
        self, body: Any, exchange: Exchange, message: str, *, ignore: str | None = None
    ) -> None:
        try:
            self.ctx.validate(redacted(body), exchange, message)
        except InvalidRequest as exc:
            kept = [v for v in exc.violations if v.rule != ignore]
            exchange.violations = [v.to_dict() for v in kept]
            if kept:
                raise TaskViolations(kept, task_refs(body)) from None

    def _checked(self, reply: Reply) -> Reply:
        assert reply.message is not None
        check = validator("runware", reply.message)
        if check.is_valid(reply.body):
            return reply
        found = "; ".join(
            f"{v.path or '/'}: {v.message}" for v in check.violations(reply.body, notes=False)
        )
        logger.error("runware WebSocket answer breaks %s: %s", reply.message, found)
        return self.ctx.render(InternalError(f"mock bug: answer breaks {reply.message}: {found}"))


def websocket_route(ctx: ProviderContext, backend: RunwareBackend) -> BaseRoute:
    """The WebSocket endpoint at `WS_PATH`, sharing *backend* with the REST route."""
    state = ctx.state
    clock = ctx.clock

    async def watch_idle(websocket: WebSocket, last_frame: list[float]) -> None:
        """Close the socket once the client has been silent for `IDLE_SECONDS` (mock clock)."""
        while True:
            remaining = IDLE_SECONDS - (clock.monotonic() - last_frame[0])
            if remaining <= 0:
                break
            tick = remaining if clock.kind == "real" else min(remaining, VIRTUAL_TICK_SECONDS)
            await asyncio.sleep(tick)
        if websocket.application_state == WebSocketState.CONNECTED:
            with contextlib.suppress(RuntimeError, OSError):
                await websocket.close(IDLE_CLOSE_CODE, IDLE_CLOSE_REASON)

    def journal(websocket: WebSocket, exchange: Exchange, reply: Reply, content: bytes) -> None:
        scope = websocket.scope
        state.journal.record(
            at=clock.now(),
            provider="runware",
            method=WS_METHOD,
            path=scope["path"],
            query=scope.get("query_string", b""),
            raw_headers=scope["headers"],
            body=exchange.body,
            violations=exchange.violations,
            status=reply.status,
            response=content,
        )

    async def endpoint(websocket: WebSocket) -> None:
        await websocket.accept()
        connection = Connection(ctx, backend, http_view(websocket))
        last_frame = [clock.monotonic()]
        watchdog = asyncio.create_task(watch_idle(websocket, last_frame))
        try:
            while True:
                frame = await websocket.receive()
                if frame["type"] == "websocket.disconnect":
                    break
                last_frame[0] = clock.monotonic()
                text, data = frame.get("text"), frame.get("bytes")
                raw = text.encode() if text is not None else data or b""
                exchange = Exchange()
                reply = connection.answer(raw, exchange)
                content = dumps(reply.body)
                if not _is_ping_answer(reply):
                    journal(websocket, exchange, reply, content)
                if websocket.application_state != WebSocketState.CONNECTED:
                    break
                await websocket.send_text(content.decode())
        except (WebSocketDisconnect, RuntimeError, OSError):
            # The socket went away mid-send (closed by the client or by the idle watch).
            pass
        finally:
            watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watchdog

    return WebSocketRoute(WS_PATH, endpoint)


def _is_ping_answer(reply: Reply) -> bool:
    data = reply.body.get("data") if isinstance(reply.body, dict) else None
    if not data:
        return False
    return all(item.get("taskType") == PING for item in data)


__all__ = [
    "IDLE_SECONDS",
    "PONG_ITEM",
    "WS_PATH",
    "Connection",
    "http_view",
    "is_ping",
    "websocket_route",
]
