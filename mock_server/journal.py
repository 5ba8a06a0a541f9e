"""The request journal: what each client sent, what the mock thought of it, what it answered.

Bounded three ways, so a server that runs for days keeps a flat memory: by
entries, by the bytes they hold, and by age (oldest entries drop off first).
Age is measured on a real monotonic clock, not the mock's clock: advancing a
virtual clock by a day must not wipe the requests a test is about to inspect.
Cheap to write: an entry keeps the raw bytes it was given and is turned into
JSON only when someone reads the journal. Authorization headers are redacted
when the entry is written, so the key never sits in memory past the request.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from vidukit.mock_server.clock import iso_ms

REDACTED = "REDACTED"
_REDACTED = REDACTED.encode()
_SECRET_HEADERS = frozenset({b"authorization", b"x-mock-admin-token", b"cookie"})
#: What an entry costs beyond its bodies and headers (the objects holding them), for the bound.
_ENTRY_OVERHEAD = 400
DEFAULT_MAX_BYTES = 32 * 1024 * 1024
DEFAULT_MAX_AGE = 3600.0


@dataclass(slots=True)
class Entry:
    seq: int
    at: float
    provider: str
    method: str
    path: str
    query: str
    headers: list[tuple[bytes, bytes]]
    body: bytes
    violations: list[dict[str, str]] | None
    status: int
    response: bytes
    #: A fault that mangled the answer on its way out (cut, HTML page, closed): the client
    #: never received ``response`` as recorded.
    fault: str | None = None
    #: When it was recorded on the journal's own monotonic clock, and what it holds in bytes.
    stamp: float = 0.0
    size: int = 0
    #: What the ledger did for this request: each task charged, or the submit refused for
    #: want of funds (`vidukit.mock_server.ledger`); None when it did nothing.
    ledger: list[dict[str, Any]] | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.violations is None:
            verdict = None
        else:
            verdict = {"valid": not self.violations, "violations": self.violations}
        return {
            "seq": self.seq,
            "at": iso_ms(self.at),
            "provider": self.provider,
            "request": {
                "method": self.method,
                "path": self.path,
                "query": self.query,
                "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in self.headers],
                "body": _show(self.body),
            },
            "validation": verdict,
            "response": {"status": self.status, "body": _show(self.response)},
            "fault": self.fault,
            "ledger": self.ledger,
        }


#: Where `Entry`'s fields sit in a stored row (the row is the fields, in order).
_PROVIDER, _HEADERS, _STAMP, _SIZE = 2, 6, 12, 13
_SEP = b"\x00"
Headers = list[tuple[bytes, bytes]]


def _pack(raw: Iterable[tuple[bytes, bytes]]) -> tuple[bytes | Headers, int]:
    """The headers, secrets redacted, as one byte string with names and values between
    NULs, and the bytes of their names and values (what the byte bound counts).

    One string, because a journal of a thousand entries would otherwise keep some twenty
    objects alive per entry, and every request would be handed memory last touched a
    thousand requests ago. HTTP forbids NUL in a header; headers holding one anyway are
    kept as a list.
    """
    parts: list[bytes] = []
    secret = _SECRET_HEADERS  # ASGI header names are lower case
    for key, value in raw:
        parts.append(key)
        parts.append(_REDACTED if key in secret else value)
    packed = _SEP.join(parts)
    separators = len(parts) - 1 if parts else 0
    size = len(packed) - separators
    if packed.count(_SEP) != separators:
        return list(zip(parts[::2], parts[1::2], strict=True)), size
    return packed, size


def _unpack(stored: bytes | Headers) -> Headers:
    if not isinstance(stored, bytes):
        return list(stored)
    if not stored:
        return []
    parts = stored.split(_SEP)
    return list(zip(parts[::2], parts[1::2], strict=True))


def _entry(row: tuple[Any, ...]) -> Entry:
    fields = list(row)
    fields[_HEADERS] = _unpack(row[_HEADERS])
    return Entry(*fields)


def _show(raw: bytes) -> Any:
    """JSON bodies as JSON, anything else as text, so the journal itself is always JSON."""
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


def _no_time() -> float:
    return 0.0


class Journal:
    """*max_entries* 0 turns the journal off; *max_bytes* and *max_age* (seconds) 0 mean no
    bound of that kind. *monotonic* is the clock ages are measured on."""

    def __init__(
        self,
        max_entries: int,
        max_body_bytes: int = 64 * 1024,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_age: float = DEFAULT_MAX_AGE,
        monotonic: Callable[[], float] | None = None,
    ) -> None:
        self.max_entries = max_entries
        self.max_body_bytes = max_body_bytes
        self.max_bytes = max_bytes
        self.max_age = max_age
        self._monotonic = monotonic or _no_time
        self._rows: deque[tuple[Any, ...]] = deque()
        self._bytes = 0
        self._seq = 0

    def record(
        self,
        *,
        at: float,
        provider: str,
        method: str,
        path: str,
        query: bytes,
        raw_headers: Iterable[tuple[bytes, bytes]],
        body: bytes,
        violations: list[dict[str, str]] | None,
        status: int,
        response: bytes,
        fault: str | None = None,
        ledger: list[dict[str, Any]] | None = None,
    ) -> None:
        if self.max_entries <= 0:
            return
        self._seq += 1
        packed, header_bytes = _pack(raw_headers)
        limit = self.max_body_bytes
        # Copies cut to size: a body may be a view into a larger buffer (orjson's output keeps
        # its whole write buffer), which the byte bound would not see.
        if len(body) > limit or type(body) is not bytes:  # a request body is its own bytes
            body = bytes(memoryview(body)[:limit])
        response = bytes(memoryview(response)[:limit])
        size = _ENTRY_OVERHEAD + len(body) + len(response) + header_bytes
        stamp = self._monotonic()
        # A plain tuple in `Entry`'s field order: written on every request, turned into an
        # `Entry` only when read.
        rows = self._rows
        rows.append((self._seq, at, provider, method, path, query.decode("latin-1"), packed,
                     body, violations, status, response, fault, stamp, size, ledger))
        self._bytes += size
        self._prune(stamp)

    def _prune(self, now: float) -> None:
        rows = self._rows
        oldest = now - self.max_age if self.max_age > 0 else None
        while rows and (
            len(rows) > self.max_entries
            or (self.max_bytes > 0 and self._bytes > self.max_bytes and len(rows) > 1)
            or (oldest is not None and rows[0][_STAMP] < oldest)
        ):
            self._bytes -= rows.popleft()[_SIZE]

    @property
    def bytes_held(self) -> int:
        return self._bytes

    def entries(self, *, provider: str | None = None, since: int = 0) -> list[Entry]:
        self._prune(self._monotonic())
        return [
            _entry(row)
            for row in self._rows
            if row[0] > since and (provider is None or row[_PROVIDER] == provider)
        ]

    def clear(self) -> None:
        self._rows.clear()
        self._bytes = 0
        self._seq = 0

    def __len__(self) -> int:
        return len(self._rows)


__all__ = ["DEFAULT_MAX_AGE", "DEFAULT_MAX_BYTES", "REDACTED", "Entry", "Journal"]
