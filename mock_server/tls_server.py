"""One uvicorn server that also answers TLS: ``vidukit serve --tls`` and ``serving(tls=True)``.

uvicorn applies one TLS setting to every socket it is given, so the plain and the
TLS listener cannot share a stock `uvicorn.Server`; two servers on one app would run
the app's lifespan twice (two webhook dispatchers, the store closed twice) and fight
over the signal handlers. `TlsServer` instead adds the TLS sockets to the one server
after its start-up: one app, one lifespan, one set of connections, so a signal's
graceful shutdown lets in-flight requests on both listeners finish.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Sequence

import uvicorn

from vidukit.mock_server.tls import TlsFiles


def server_context(files: TlsFiles) -> ssl.SSLContext:
    """The listener's TLS settings: the server chain and key, HTTP/1.1 only in ALPN (what
    uvicorn speaks; a client offering h2 then settles on HTTP/1.1)."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(files.cert, files.key)
    context.set_alpn_protocols(["http/1.1"])
    return context


class TlsServer(uvicorn.Server):
    """A `uvicorn.Server` that, once started, also serves its app over TLS on *tls_sockets*."""

    def __init__(
        self,
        config: uvicorn.Config,
        *,
        tls_sockets: Sequence[socket.socket],
        context: ssl.SSLContext,
    ) -> None:
        super().__init__(config)
        self._tls_sockets = tuple(tls_sockets)
        self._context = context

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if not self.started:
            return
        loop = asyncio.get_running_loop()
        config = self.config

        def protocol() -> asyncio.Protocol:
            # The same factory uvicorn builds for its own sockets: shared server state, so
            # shutdown and the connection count cover both listeners.
            return config.http_protocol_class(  # type: ignore[call-arg]
                config=config,
                server_state=self.server_state,
                app_state=self.lifespan.state,
                _loop=loop,
            )

        for sock in self._tls_sockets:
            self.servers.append(
                await loop.create_server(
                    protocol, sock=sock, ssl=self._context, backlog=config.backlog
                )
            )


__all__ = ["TlsServer", "server_context"]
