"""The validating proxy: forward everything unchanged, judge what carries a catalogue message.

Every request to the proxy goes to ``upstream + path`` with the same method,
query, headers (the key included) and body; the answer comes back with the
same status, headers and body. On the way, requests and answers of the
provider's documented operations are validated by an `Observer`; its
findings go to the journal (``GET /_proxy/journal``, and a JSON-lines file
if asked) and make the report (``GET /_proxy/report``, and the summary the
command prints at the end).

Large bodies are never held whole: an answer is buffered only when it carries
a catalogue message (a JSON answer of a known operation, at most
`MAX_JUDGED_BYTES`); anything else, output videos above all, is relayed chunk
by chunk as it arrives (`httpx` streaming into a Starlette
`StreamingResponse`), and ``stats`` counts what was relayed that way.

Keys: the ``Authorization`` header is forwarded and never stored; each key
seen (and Runware's in-body ``apiKey``) is added to the scrubber, so it cannot
appear in a journal line, a report or a recording.
"""

from __future__ import annotations

import json
import logging
import re
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from vidukit.drift.messages import match
from vidukit.drift.observer import Exchange, Observer, now_iso
from vidukit.drift.report import at_or_above

logger = logging.getLogger("vidukit.proxy")

ADMIN = "/_proxy"
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
#: Answers of documented operations up to this size are judged; bigger ones are relayed.
MAX_JUDGED_BYTES = 8 * 1024 * 1024
_HOP_BY_HOP = frozenset({
    b"connection", b"keep-alive", b"proxy-authenticate", b"proxy-authorization", b"te",
    b"trailer", b"trailers", b"transfer-encoding", b"upgrade", b"host",
})
_API_KEY = re.compile(r'"apiKey"\s*:\s*"((?:[^"\\]|\\.)*)"')


@dataclass
class Stats:
    """What was relayed without being held whole."""

    streamed_responses: int = 0
    streamed_bytes: int = 0
    streamed_chunks: int = 0
    largest_chunk: int = 0


@dataclass
class ProxyState:
    provider: str
    upstream: str
    observer: Observer
    journal_file: Path | None = None
    journal: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=1000))
    stats: Stats = field(default_factory=Stats)
    client: httpx.AsyncClient | None = None


def _forwarded_headers(request: Request) -> list[tuple[bytes, bytes]]:
    return [(k, v) for k, v in request.headers.raw if k.lower() not in _HOP_BY_HOP]


def _answer_headers(response: httpx.Response, *, decoded: bool) -> dict[str, str]:
    """The upstream's headers minus hop-by-hop ones; a decoded body loses its encoding."""
    drop = {"content-length", *(("content-encoding",) if decoded else ())}
    return {k: v for k, v in response.headers.multi_items()
            if k.lower().encode() not in _HOP_BY_HOP and k.lower() not in drop}


def _learn_keys(state: ProxyState, request: Request, body: bytes) -> None:
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    state.observer.scrubber.add_secret(token.strip() if scheme.lower() == "bearer" else auth)
    if b'"apiKey"' in body:
        for found in _API_KEY.finditer(body.decode("utf-8", "replace")):
            state.observer.scrubber.add_secret(found.group(1))


def _journal(state: ProxyState, exchange: Exchange, *, streamed: bool) -> None:
    scrub = state.observer.scrubber
    entry = {
        "seq": exchange.seq,
        "at": now_iso(),
        "method": exchange.method,
        "path": scrub.text(exchange.path),
        "query": scrub.value(dict(exchange.query)),
        "status": exchange.status,
        "request_message": exchange.request_message,
        "response_message": exchange.response_message,
        "streamed": streamed,
        "findings": [{"kind": f.kind, "severity": f.severity, "message": f.message,
                      "path": f.path, "rule": f.rule, "detail": f.detail}
                     for f in exchange.findings],
    }
    state.journal.append(entry)
    if state.journal_file is not None:
        with state.journal_file.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
    worst = [f for f in exchange.findings if at_or_above(f.severity, "notable")]
    if worst:
        logger.warning("%s %s -> %s: %d finding(s): %s", exchange.method, entry["path"],
                       exchange.status, len(exchange.findings),
                       "; ".join(f"{f.kind} {f.path or ''}".strip() for f in worst[:3]))


async def _relay(state: ProxyState, response: httpx.Response) -> AsyncIterator[bytes]:
    stats = state.stats
    stats.streamed_responses += 1
    async for chunk in response.aiter_raw():
        stats.streamed_chunks += 1
        stats.streamed_bytes += len(chunk)
        stats.largest_chunk = max(stats.largest_chunk, len(chunk))
        yield chunk


def _judged(response: httpx.Response, known: bool) -> bool:
    """Buffer (and judge) this answer? Only a bounded answer of a documented operation."""
    if not known:
        return False
    length = response.headers.get("content-length")
    if length is not None and length.isdigit():
        return int(length) <= MAX_JUDGED_BYTES
    return "json" in response.headers.get("content-type", "")


def create_proxy_app(provider: str, upstream: str, observer: Observer, *,
                     journal_file: Path | None = None, timeout: float = 120.0) -> Starlette:
    """A fresh proxy for *provider* in front of *upstream* (its base URL)."""
    state = ProxyState(provider, upstream.rstrip("/"), observer, journal_file)

    async def forward(request: Request) -> Response:
        if state.client is None:  # no lifespan (an in-process ASGI transport): make one now
            state.client = httpx.AsyncClient(timeout=timeout, follow_redirects=False)
        body = await request.body()
        _learn_keys(state, request, body)
        path = request.url.path
        query = request.url.query
        target = state.upstream + path + (f"?{query}" if query else "")
        outgoing = state.client.build_request(
            request.method, target, headers=_forwarded_headers(request), content=body)
        try:
            answer = await state.client.send(outgoing, stream=True)
        except httpx.HTTPError as exc:
            logger.warning("upstream unreachable for %s %s: %s", request.method, path,
                           type(exc).__name__)
            return JSONResponse({"error": f"vidukit proxy: upstream unreachable "
                                          f"({type(exc).__name__})"}, status_code=502)
        known = match(provider, request.method, path) is not None
        if not _judged(answer, known):
            exchange = Exchange(method=request.method, path=path, status=answer.status_code,
                                request_body=body, query=dict(request.query_params),
                                response_skipped=True)
            if known:  # a documented operation whose answer is too big to judge: say so
                observer.observe(exchange)
                _journal(state, exchange, streamed=True)
            return StreamingResponse(
                _relay(state, answer), status_code=answer.status_code,
                headers=_answer_headers(answer, decoded=False),
                background=BackgroundTask(answer.aclose))
        try:
            content = await answer.aread()
        finally:
            await answer.aclose()
        exchange = observer.observe(Exchange(
            method=request.method, path=path, status=answer.status_code, request_body=body,
            response_body=content, query=dict(request.query_params)))
        _journal(state, exchange, streamed=False)
        return Response(content, status_code=answer.status_code,
                        headers=_answer_headers(answer, decoded=True))

    async def report(request: Request) -> Response:
        result = observer.report(mode="proxy", source=state.upstream)
        return JSONResponse(result.to_dict())

    async def journal(request: Request) -> Response:
        return JSONResponse(list(state.journal))

    async def stats(request: Request) -> Response:
        return JSONResponse(state.stats.__dict__)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if state.client is not None:
                await state.client.aclose()
                state.client = None

    app = Starlette(
        routes=[
            Route(f"{ADMIN}/report", report, methods=["GET"]),
            Route(f"{ADMIN}/journal", journal, methods=["GET"]),
            Route(f"{ADMIN}/stats", stats, methods=["GET"]),
            Route("/{path:path}", forward, methods=ALL_METHODS),
        ],
        lifespan=lifespan,
    )
    app.state.proxy = state
    return app


__all__ = ["ADMIN", "MAX_JUDGED_BYTES", "ProxyState", "Stats", "create_proxy_app"]
