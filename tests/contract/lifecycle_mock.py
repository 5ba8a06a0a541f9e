"""A fresh in-process mock driven synchronously, for Hypothesis state machines.

Stateful tests run their rules as plain calls, so the async ASGI transport is
driven on a private event loop owned by this object (closed in `close`):
no server socket, no threads, a few hundred microseconds per request.
Bodies are encoded with ``json.dumps`` (ASCII escapes) because drawn strings
may hold lone surrogates that cannot be encoded as UTF-8 text.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import httpx

from vidukit.mock_server import MockConfig, create_app

from .lifecycle_adapters import Call

_NO_BODY = object()


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any  # the parsed JSON, or a sentinel when the answer was not JSON (see is_json)
    text: str

    @property
    def is_json(self) -> bool:
        return self.body is not _NO_BODY


class InProcessMock:
    def __init__(self, config: MockConfig) -> None:
        self.app = create_app(config)
        self._loop = asyncio.new_event_loop()
        transport = httpx.ASGITransport(app=self.app)
        self._client = httpx.AsyncClient(transport=transport, base_url="http://mock")

    def send(self, call: Call, headers: dict[str, str] | None = None) -> Answer:
        content = None if call.body is None else json.dumps(call.body).encode("ascii")
        sent = dict(headers or {})
        if content is not None:
            sent["Content-Type"] = "application/json"
        response = self._loop.run_until_complete(
            self._client.request(
                call.method, call.path, content=content, params=dict(call.params), headers=sent
            )
        )
        try:
            body: Any = response.json()
        except ValueError:
            body = _NO_BODY
        return Answer(response.status_code, body, response.text)

    def close(self) -> None:
        self._loop.run_until_complete(self._client.aclose())
        self._loop.close()


__all__ = ["Answer", "InProcessMock"]
