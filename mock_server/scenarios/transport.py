"""Faults below HTTP: an answer cut short, an HTML page instead of JSON, no answer at all.

These are `Response` objects that misbehave when sent. Closing a connection
without an answer cannot be said in ASGI: an app that returns without
sending makes uvicorn answer ``500 Internal Server Error`` itself (and log
"ASGI callable returned without starting response"). So `ClosedConnection`
reaches uvicorn's transport through its ``receive`` callable (the request
cycle it is bound to) and closes it; once uvicorn has seen the disconnect it
sends nothing more. A client sees the server hang up with no status line
(httpx: ``RemoteProtocolError: Server disconnected without sending a
response``).

Under an ASGI server without a reachable transport (``httpx.ASGITransport``
in-process) there is no socket to close: the app raises `ConnectionDropped`
instead, which the in-process client receives as an exception.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

HTML_TYPE = "text/html; charset=utf-8"
_REASONS = {
    200: "OK",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Temporarily Unavailable",
    504: "Gateway Time-out",
}


class ConnectionDropped(ConnectionError):
    """Raised in-process where a real server would close the socket with no answer."""


def _transport(receive: Receive) -> Any:
    """The asyncio transport behind uvicorn's ``receive``, or None under another server."""
    cycle = getattr(receive, "__self__", None)
    transport = getattr(cycle, "transport", None)
    return transport if hasattr(transport, "close") else None


async def _hang_up(receive: Receive) -> None:
    transport = _transport(receive)
    if transport is None:
        raise ConnectionDropped("the mock closed the connection without an answer (scenario)")
    transport.close()
    cycle = receive.__self__  # type: ignore[attr-defined]
    # connection_lost runs on the next loop turns; once it has, uvicorn stays silent.
    for _ in range(20):
        if getattr(cycle, "disconnected", True):
            break
        await asyncio.sleep(0)


class ClosedConnection(Response):
    """No status line, no byte: the socket just closes."""

    def __init__(self) -> None:
        super().__init__(b"", 200)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await _hang_up(receive)


class ShortRead(Response):
    """Headers promise the whole body; part of it is sent, then the socket closes."""

    def __init__(self, original: Response, keep: float) -> None:
        body = bytes(original.body)
        super().__init__(body, original.status_code, media_type=original.media_type)
        self.sent = body[: int(len(body) * keep)]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if _transport(receive) is None:
            raise ConnectionDropped("the mock cut the answer short and closed the connection")
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        await send({"type": "http.response.body", "body": self.sent, "more_body": True})
        await _hang_up(receive)


def truncated_json(original: Response, keep: float) -> Response:
    """A complete HTTP answer whose JSON body stops part-way (a decode error, not a socket one)."""
    body = bytes(original.body)
    cut = body[: int(len(body) * keep)]
    if cut == body:  # never hand back a whole (parseable) body
        cut = body[:-1]
    headers = {k: v for k, v in original.headers.items() if k.lower() == "retry-after"}
    return Response(cut, original.status_code, headers=headers, media_type=original.media_type)


def gateway_page(status: int) -> str:
    """The HTML a reverse proxy answers with; for 200, a CDN's interstitial page."""
    reason = _REASONS.get(status, "Error")
    if status == 200:
        return (
            "<!DOCTYPE html><html><head><title>Just a moment...</title></head>"
            "<body><p>Checking your browser before accessing the site.</p></body></html>"
        )
    return (
        f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
        f"<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    )


def html_response(status: int) -> Response:
    return Response(gateway_page(status), status, media_type=HTML_TYPE)


__all__ = [
    "HTML_TYPE",
    "ClosedConnection",
    "ConnectionDropped",
    "ShortRead",
    "gateway_page",
    "html_response",
    "truncated_json",
]
