"""Raw-socket tools for the hostile-input tests: requests httpx will not send, read by hand.

httpx always sends a whole, well-formed request; an attacker sends headers and
stops, streams chunks forever, trickles one byte at a time, or puts bytes
that are not UTF-8 where a client library never would. `RawConnection` does
those on a real socket and parses the answer itself, so a test can ask "did
the server answer before the body ended?" instead of only "what did it say?".
"""

from __future__ import annotations

import json
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from vidukit.mock_server.testing import LiveServer

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
#: Only a bound for a failure (a server that waits for bytes that never come), never a speed claim.
DEADLINE = 10.0


@dataclass(frozen=True)
class Target:
    """One provider's submit endpoint and where its body holds a prompt.

    ``oversize_status``: what the mock answers for a body over the cap. WaveSpeed and
    Runware get 413; Vtrix's and the v3 async (Novita, MyRouter) error schemas allow no
    413, so those answer the nearest status they have, 400 (docs/providers/<id>.md, "How the
    mock behaves"; Vtrix names the rule ``body-size``).
    """

    provider: str
    submit: str
    prompt_at: tuple[str | int, ...]
    oversize_status: int
    #: A GET poll path with ``{id}``; None for Runware, which polls by POST.
    poll: str | None

    def body(self) -> Any:
        """A fresh valid submit body (the provider's ``minimal`` fixture; a new Runware UUID)."""
        path = FIXTURES / self.provider / "submit-request" / "valid" / "minimal.json"
        body = json.loads(path.read_text())
        if self.provider == "runware":
            body[0]["taskUUID"] = str(uuid.uuid4())
        return body

    def with_prompt(self, value: Any) -> Any:
        """A valid body whose prompt is replaced by *value* (which may be anything)."""
        body = self.body()
        holder = body
        for step in self.prompt_at[:-1]:
            holder = holder[step]
        holder[self.prompt_at[-1]] = value
        return body

    def with_extra(self, key: str, value: Any) -> Any:
        """A valid body whose prompt's object also carries *key* (an undeclared field)."""
        body = self.body()
        holder = body
        for step in self.prompt_at[:-1]:
            holder = holder[step]
        holder[key] = value
        return body


TARGETS: dict[str, Target] = {
    t.provider: t
    for t in (
        Target(
            "wavespeed",
            "/wavespeed/api/v3/vidu/reference-to-video-q2",
            ("prompt",),
            413,
            "/wavespeed/api/v3/predictions/{id}/result",
        ),
        Target(
            "vtrix",
            "/vtrix/model/v1/generation",
            ("input", 0, "params", "prompt"),
            400,
            "/vtrix/model/v1/generation/task/{id}",
        ),
        Target(
            "novita",
            "/novita/v3/async/vidu-q2-reference2video",
            ("prompt",),
            400,
            "/novita/v3/async/task-result?task_id={id}",
        ),
        Target(
            "myrouter",
            "/myrouter/v3/async/vidu-q2-reference2video",
            ("prompt",),
            400,
            "/myrouter/v3/async/task-result?task_id={id}",
        ),
        Target("runware", "/runware/v1", (0, "positivePrompt"), 413, None),
    )
}


@dataclass(frozen=True)
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class NoAnswer(AssertionError):
    """The server sent nothing (or an incomplete answer) before the deadline."""


def address(live: LiveServer) -> tuple[str, int]:
    parts = urlsplit(live.url)
    assert parts.hostname is not None and parts.port is not None
    return parts.hostname, parts.port


def request_head(
    method: str, path: bytes | str, headers: dict[str, bytes | str] | None = None
) -> bytes:
    """An HTTP/1.1 request head as raw bytes: values are sent exactly as given."""
    target = path.encode() if isinstance(path, str) else path
    lines = [method.encode() + b" " + target + b" HTTP/1.1", b"Host: 127.0.0.1"]
    for name, value in (headers or {}).items():
        raw = value.encode() if isinstance(value, str) else value
        lines.append(name.encode() + b": " + raw)
    return b"\r\n".join(lines) + b"\r\n\r\n"


def chunk(data: bytes) -> bytes:
    """One chunk of a ``Transfer-Encoding: chunked`` body."""
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


class RawConnection:
    """One TCP connection to the live server, driven byte by byte."""

    def __init__(self, live: LiveServer, timeout: float = DEADLINE) -> None:
        self.sock = socket.create_connection(address(live), timeout=timeout)
        self._buffer = b""

    def __enter__(self) -> RawConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.sock.close()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def answered(self) -> bool:
        """Whether the server has sent anything yet, without waiting for it."""
        if self._buffer:
            return True
        self.sock.setblocking(False)
        try:
            data = self.sock.recv(65536)
        except BlockingIOError:
            return False
        finally:
            self.sock.setblocking(True)
        self._buffer += data
        return True  # data, or b"": the server closed; either way it answered

    def response(self, deadline: float = DEADLINE) -> RawResponse:
        """Read one whole response (Content-Length framed), or raise `NoAnswer`."""
        end = time.monotonic() + deadline
        while b"\r\n\r\n" not in self._buffer:
            self._fill(end)
        head, _, rest = self._buffer.partition(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(rest) < length:
            self._fill(end)
            rest = self._buffer.partition(b"\r\n\r\n")[2]
        self._buffer = rest[length:]
        return RawResponse(int(status_line.split(" ")[1]), headers, rest[:length])

    def closed_by_server(self, deadline: float = DEADLINE) -> bool:
        """True once the server closes (EOF or reset) within *deadline*; False if still open."""
        end = time.monotonic() + deadline
        try:
            while time.monotonic() < end:
                self.sock.settimeout(max(0.01, end - time.monotonic()))
                data = self.sock.recv(65536)
                if not data:
                    return True
                self._buffer += data
        except TimeoutError:
            return False
        except OSError:
            return True
        return False

    def _fill(self, end: float) -> None:
        remaining = end - time.monotonic()
        if remaining <= 0:
            raise NoAnswer(f"no complete answer within the deadline; got {self._buffer[:200]!r}")
        self.sock.settimeout(remaining)
        try:
            data = self.sock.recv(65536)
        except TimeoutError:
            raise NoAnswer(f"no complete answer in time; got {self._buffer[:200]!r}") from None
        if not data:
            raise NoAnswer(f"the server closed the connection; got {self._buffer[:200]!r}")
        self._buffer += data


def send_until_refused(
    conn: RawConnection, pieces: int, piece: Callable[[int], bytes]
) -> int:
    """Send ``piece(i)`` for i in range(pieces) until the server answers or the socket breaks.

    Returns how many pieces went out before that (all of them if the server never
    answered while sending).
    """
    for i in range(pieces):
        if conn.answered():
            return i
        try:
            conn.send(piece(i))
        except OSError:  # reset or broken pipe: the server stopped reading and closed
            return i
    return pieces


__all__ = [
    "DEADLINE",
    "TARGETS",
    "NoAnswer",
    "RawConnection",
    "RawResponse",
    "Target",
    "address",
    "chunk",
    "request_head",
    "send_until_refused",
]
