"""The listening socket, made once for `vidukit serve` and for the tests' live servers."""

from __future__ import annotations

import socket

#: How long an idle keep-alive connection stays open. uvicorn's 5 s equals httpx's (and
#: others') default client-side expiry, so a client would now and then reuse a connection
#: the server is closing and see a spurious read error; providers' own front ends keep
#: connections for about a minute, and so does the mock.
KEEP_ALIVE_SECONDS = 75


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound TCP socket for uvicorn's ``sockets=``; raises OSError when the address is taken.

    Binding ourselves lets ``--port 0`` pick a free port and report it before serving; it
    listens at once, so a client that connects as soon as the port is printed waits in the
    backlog until uvicorn accepts, instead of being refused.
    TCP_NODELAY is set here because accepted connections inherit it: a socket handed to
    uvicorn this way otherwise keeps Nagle on, and every keep-alive response then waits
    about 40 ms for the client's delayed ACK.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(2048)  # uvicorn's default backlog
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock
