"""Run a mock app on a real socket inside a test process.

``with serving(create_app(config)) as live: httpx.get(live.url + "/_mock/")``
starts uvicorn on 127.0.0.1 on a free port in a background thread, returns
once it accepts connections, and shuts it down (finishing in-flight
requests) on exit. Used by this project's end-to-end and SDK tests, and by
teams that want the mock inside their own suite without a separate process.

``serving(app, tls=True)`` answers ``https://127.0.0.1:<port>`` instead, with a
certificate from a CA made for this server alone in a temporary folder (never the
user's cache), removed on exit; ``live.ca_path`` is that CA, for the client's
``verify=`` or ``SSL_CERT_FILE``. Pass ``tls_dir=`` to keep (and reuse) the CA there.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from starlette.applications import Starlette

from vidukit.mock_server.net import KEEP_ALIVE_SECONDS, listening_socket
from vidukit.mock_server.state import MockState
from vidukit.mock_server.tls import ensure_certificates
from vidukit.mock_server.tls_server import TlsServer, server_context


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: Starlette
    #: The CA that signed the server's certificate (``tls=True``), else None.
    ca_path: Path | None = None

    @property
    def state(self) -> MockState:
        state: MockState = self.app.state.mock
        return state

    def base_url(self, provider: str) -> str:
        """The URL that replaces *provider*'s real origin."""
        return self.url + self.state.prefixes[provider]


@contextmanager
def serving(
    app: Starlette,
    *,
    host: str = "127.0.0.1",
    timeout: float = 10.0,
    tls: bool = False,
    tls_dir: Path | None = None,
) -> Iterator[LiveServer]:
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, timeout_keep_alive=KEEP_ALIVE_SECONDS
    )
    with ExitStack() as stack:
        sock = listening_socket(host, 0)
        stack.callback(sock.close)
        port = sock.getsockname()[1]
        shown = f"[{host}]" if ":" in host else host
        if not tls:
            server, plain = uvicorn.Server(config), [sock]
            live = LiveServer(url=f"http://{shown}:{port}", app=app)
        else:
            folder = tls_dir or Path(stack.enter_context(tempfile.TemporaryDirectory()))
            files = ensure_certificates(folder, [host])
            server = TlsServer(config, tls_sockets=[sock], context=server_context(files))
            plain = []
            live = LiveServer(url=f"https://{shown}:{port}", app=app, ca_path=files.ca_cert)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": plain}, name=f"mock-server-{port}", daemon=True
        )
        thread.start()
        try:
            _wait_started(server, thread, timeout)
            yield live
        finally:
            server.should_exit = True
            thread.join(timeout=10)


def _wait_started(server: uvicorn.Server, thread: threading.Thread, timeout: float) -> None:
    ready = threading.Event()
    while not server.started and thread.is_alive():
        ready.wait(0.01)
        timeout -= 0.01
        if timeout <= 0:
            raise RuntimeError("the mock server did not start within the timeout")
    if not server.started:
        raise RuntimeError("the mock server stopped during start-up")


__all__ = ["LiveServer", "serving"]
