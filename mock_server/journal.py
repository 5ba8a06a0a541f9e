"""The request journal: what each client sent, what the mock thought of it, what it answered.

Bounded (oldest entries drop off), and cheap to write: an entry keeps the raw
bytes it was given and is turned into JSON only when someone reads the
journal. Authorization headers are redacted when the entry is written, so the
key never sits in memory past the request.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mock_server.clock import iso_ms

REDACTED = "REDACTED"
_REDACTED = REDACTED.encode()
_SECRET_HEADERS = frozenset({b"authorization", b"x-mock-admin-token", b"cookie"})


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
        }


def _show(raw: bytes) -> Any:
    """JSON bodies as JSON, anything else as text, so the journal itself is always JSON."""
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


class Journal:
    def __init__(self, max_entries: int, max_body_bytes: int = 64 * 1024) -> None:
        self.max_entries = max_entries
        self.max_body_bytes = max_body_bytes
        self._entries: deque[Entry] = deque(maxlen=max_entries)
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
    ) -> None:
        if self.max_entries <= 0:
            return
        self._seq += 1
        headers = [(k, _REDACTED if k.lower() in _SECRET_HEADERS else v) for k, v in raw_headers]
        limit = self.max_body_bytes
        self._entries.append(
            Entry(
                seq=self._seq,
                at=at,
                provider=provider,
                method=method,
                path=path,
                query=query.decode("latin-1"),
                headers=headers,
                body=body[:limit],
                violations=violations,
                status=status,
                response=response[:limit],
                fault=fault,
            )
        )

    def entries(self, *, provider: str | None = None, since: int = 0) -> list[Entry]:
        return [
            e
            for e in self._entries
            if e.seq > since and (provider is None or e.provider == provider)
        ]

    def clear(self) -> None:
        self._entries.clear()
        self._seq = 0

    def __len__(self) -> int:
        return len(self._entries)


__all__ = ["REDACTED", "Entry", "Journal"]
