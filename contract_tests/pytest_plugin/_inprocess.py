"""A mock app reachable without a socket: its own event loop in a thread, a sync transport to it.

httpx's `ASGITransport` is async-only, and Starlette's TestClient warns that
its httpx support is deprecated (warnings are errors in many suites). This is
the small part of a TestClient the fixture needs: the app's lifespan runs in
a background loop (so callbacks still go out), and each sync request is
handed to that loop whole and read back whole.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator

import httpx
from starlette.applications import Starlette

_START_TIMEOUT = 10.0


class _LoopTransport(httpx.BaseTransport):
    def __init__(self, app: Starlette, loop: asyncio.AbstractEventLoop) -> None:
        self._asgi = httpx.ASGITransport(app=app)
        self._loop = loop

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        content = request.read()

        async def send() -> tuple[int, httpx.Headers, bytes]:
            copy = httpx.Request(request.method, request.url, headers=request.headers,
                                 content=content)
            answer = await self._asgi.handle_async_request(copy)
            body = await answer.aread()
            return answer.status_code, answer.headers, body

        status, headers, body = asyncio.run_coroutine_threadsafe(send(), self._loop).result()
        return httpx.Response(status, headers=headers, content=body, request=request)


@contextlib.contextmanager
def in_process_client(app: Starlette, origin: str) -> Iterator[httpx.Client]:
    """An httpx.Client on *origin* whose requests go straight into *app*, lifespan running."""
    loop = asyncio.new_event_loop()
    started, failed = threading.Event(), []
    stop: asyncio.Event | None = None

    async def live() -> None:
        nonlocal stop
        stop = asyncio.Event()
        try:
            async with app.router.lifespan_context(app):
                started.set()
                await stop.wait()
        except BaseException as exc:  # start-up failed: say so to the waiting thread
            failed.append(exc)
            started.set()

    thread = threading.Thread(target=loop.run_until_complete, args=(live(),),
                              name="vidu-mock-in-process", daemon=True)
    thread.start()
    if not started.wait(_START_TIMEOUT) or failed:
        raise RuntimeError(f"the in-process mock did not start: {failed[:1]}")
    try:
        with httpx.Client(transport=_LoopTransport(app, loop), base_url=origin) as http:
            yield http
    finally:
        if stop is not None:
            loop.call_soon_threadsafe(stop.set)
        thread.join(_START_TIMEOUT)
        loop.close()


__all__ = ["in_process_client"]
