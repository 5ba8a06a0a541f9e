"""Run a mock app on a real socket inside a test process.

``with serving(create_app(config)) as live: httpx.get(live.url + "/_mock/")``
starts uvicorn on 127.0.0.1 on a free port in a background thread, returns
once it accepts connections, and shuts it down (finishing in-flight
requests) on exit. Used by this project's end-to-end and SDK tests, and by
teams that want the mock inside their own suite without a separate process.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn
from starlette.applications import Starlette

from vidukit.mock_server.net import KEEP_ALIVE_SECONDS, listening_socket
from vidukit.mock_server.state import MockState


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: Starlette

    @property
    def state(self) -> MockState:
        state: MockState = self.app.state.mock
        return state

    def base_url(self, provider: str) -> str:
        """The URL that replaces *provider*'s real origin."""
        return self.url + self.state.prefixes[provider]


@contextmanager
def serving(
    app: Starlette, *, host: str = "127.0.0.1", timeout: float = 10.0
) -> Iterator[LiveServer]:
    sock = listening_socket(host, 0)
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            app, log_level="warning", access_log=False, timeout_keep_alive=KEEP_ALIVE_SECONDS
        )
    )
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"mock-server-{port}", daemon=True
    )
    thread.start()
    try:
        ready = threading.Event()
        while not server.started and thread.is_alive():
            ready.wait(0.01)
            timeout -= 0.01
            if timeout <= 0:
                raise RuntimeError("the mock server did not start within the timeout")
        if not server.started:
            raise RuntimeError("the mock server stopped during start-up")
        yield LiveServer(url=f"http://{host}:{port}", app=app)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


__all__ = ["LiveServer", "serving"]
