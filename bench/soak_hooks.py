"""The soak's webhook receiver: a tiny HTTP/1.1 server on loopback, in the soak's own loop.

Every lifecycle that asks for a callback registers ``/hook/<provider>/<token>``,
so each delivery is matched to the task it reports on without parsing ids out
of every provider's body shape. The receiver checks each body against the
provider's ``webhook`` schema (and its signature, where the provider's spec signs
callbacks), and refuses a share of first attempts with a 500 so the mock's retry
schedule runs under load too. It is hand-rolled on asyncio streams rather than a
second uvicorn so it cannot take over the soak's signal handling.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from vidukit import validate
from vidukit.providers import spec
from vidukit.webhooks import WebhookVerificationError, verify

MAX_BODY = 5 * 1024 * 1024


@dataclass
class Hook:
    """What one lifecycle expects from its callback."""

    provider: str
    #: The API key of the submit: the signing key where a provider signs with it.
    key: str = ""
    deliveries: int = 0
    refused: int = 0
    #: Mock time (monotonic seconds of the soak) when the client saw the task end.
    ended_at: float | None = None


@dataclass
class WebhookReceiver:
    secret: str
    refuse_share: float = 0.15
    seed: int = 0
    hooks: dict[str, Hook] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    #: (kind, detail) for every delivery that broke a rule.
    problems: list[tuple[str, str]] = field(default_factory=list)
    port: int = 0
    _server: asyncio.Server | None = None

    def __post_init__(self) -> None:
        self._rng = random.Random(f"soak-hooks:{self.seed}")

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._connection, "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)

    def url(self, provider: str, token: str, key: str = "") -> str:
        self.hooks[token] = Hook(provider, key)
        return f"http://127.0.0.1:{self.port}/hook/{provider}/{token}"

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                pairs = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:]]
                headers = httpx.Headers([p for p in pairs if len(p) == 2])
                body = await _body(reader, headers)
                status = self._handle(method, target, headers, body)
                reason = b"OK" if status == 200 else b"Error"
                writer.write(b"HTTP/1.1 %d %s\r\ncontent-length: 0\r\n\r\n" % (status, reason))
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    break
        except (
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
            ConnectionError,
            ValueError,
        ):
            pass
        finally:
            writer.close()

    def _handle(self, method: str, target: str, headers: httpx.Headers, raw: bytes) -> int:
        parts = target.split("?", 1)[0].strip("/").split("/")
        if method != "POST" or len(parts) != 3 or parts[0] != "hook":
            self._problem("webhook-unknown-target", f"{method} {target}")
            return 404
        provider, token = parts[1], parts[2]
        hook = self.hooks.get(token)
        if hook is None or hook.provider != provider:
            self._problem("webhook-unknown-token", f"{method} {target}")
            return 404
        self.counts["deliveries"] += 1
        try:
            body: Any = json.loads(raw)
        except ValueError:
            self._problem("webhook-not-json", f"{provider}: {raw[:200]!r}")
            return 200
        violations = validate(provider, "webhook", body)
        errors = [v for v in violations if getattr(v, "severity", "error") == "error"]
        if errors:
            self._problem("webhook-schema", f"{provider}: {errors[0]} in {json.dumps(body)[:300]}")
        signing = spec(provider).signing
        if signing is not None:
            secret = hook.key if signing.key == "api-key" else self.secret
            try:
                # The URL it was sent to: a signature may cover its path and query.
                verify(provider, secret, headers, raw, url=f"http://127.0.0.1:{self.port}{target}")
            except WebhookVerificationError as exc:
                self._problem("webhook-signature", f"{exc.reason}: {exc}")
        if hook.deliveries == 0 and hook.refused == 0 and self._rng.random() < self.refuse_share:
            hook.refused += 1
            self.counts["refused (retry expected)"] += 1
            return 500
        hook.deliveries += 1
        return 200

    def _problem(self, kind: str, detail: str) -> None:
        self.counts[kind] += 1
        self.problems.append((kind, detail))


async def _body(reader: asyncio.StreamReader, headers: httpx.Headers) -> bytes:
    if headers.get("transfer-encoding", "").lower() == "chunked":
        chunks: list[bytes] = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                return b"".join(chunks)
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
    length = int(headers.get("content-length", "0"))
    if length > MAX_BODY:
        raise ValueError("webhook body too large")
    return await reader.readexactly(length)


__all__ = ["Hook", "WebhookReceiver"]
