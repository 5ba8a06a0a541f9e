"""One provider call as a careful client makes it: classify the answer, retry what is transient.

Transient means what the scenario mix injects and a real client must
survive: 429 (honouring ``Retry-After``), the fault 5xx bodies, an HTML page
from a "gateway", JSON cut short, a connection closed with no answer or
part of one. Each is recognised by its exact signature (status, the
provider's error schema, the catalogue's fault message), so a 5xx the mix
did not inject, a body that breaks the provider's response schema, a
refused connection or a timeout is filed as unexpected.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
from soak_tally import Tally

from vidukit import is_valid, validate
from vidukit.mock_server.scenarios.bodies import MESSAGES as FAULT_MESSAGES
from vidukit.providers import spec

MAX_TRIES = 8
MAX_RETRY_AFTER = 65.0
FAULT_STATUSES = frozenset({500, 502, 503, 504})
HTML_STATUSES = frozenset({200, 500, 502, 503, 504})


@dataclass
class Answer:
    status: int
    body: Any
    headers: httpx.Headers
    attempt: int


@dataclass
class Request:
    provider: str
    operation: str  # submit or poll
    method: str
    url: str
    key: str
    #: The response schema a 2xx answer must match.
    message: str
    json_body: Any = None
    params: dict[str, str] | None = None

    def describe(self) -> dict[str, Any]:
        return {
            "request": f"{self.method} {self.url}"
            + (f"?{'&'.join(f'{k}={v}' for k, v in self.params.items())}" if self.params else ""),
            "body": json.dumps(self.json_body)[:400] if self.json_body is not None else None,
        }


def body_strings(body: Any, depth: int = 4) -> Iterator[str]:
    """Every string in an error body, a few levels down: where a provider puts its message
    differs (its error renderer knows), and the soak only asks whether the fault's is there."""
    if isinstance(body, str):
        yield body
    elif depth > 0 and isinstance(body, dict | list):
        for value in body.values() if isinstance(body, dict) else body:
            yield from body_strings(value, depth - 1)


def is_injected(status: int, body: Any) -> bool:
    """A fault body as the catalogue builds it: the status's message, maybe with its wait."""
    base = FAULT_MESSAGES.get(status)
    return base is not None and any(
        message == base or message.startswith(base + " (retry after ")
        for message in body_strings(body))


def schema_problem(provider: str, message: str, body: Any) -> str | None:
    if is_valid(provider, message, body):
        return None
    errors = [v for v in validate(provider, message, body) if v.severity == "error"]
    return "; ".join(f"{v.path or '/'}: {v.message}" for v in errors[:3]) or "invalid"


def retry_after(headers: httpx.Headers) -> float | None:
    raw = headers.get("retry-after")
    if raw is None:
        return None
    try:
        return min(MAX_RETRY_AFTER, max(0.0, float(raw)))
    except ValueError:
        return None


def backoff(attempt: int, rng: random.Random) -> float:
    return min(2.0, 0.05 * 2**attempt) * (0.5 + rng.random())


async def call(
    http: httpx.AsyncClient, tally: Tally, req: Request, rng: random.Random
) -> Answer | None:
    """Send *req* until it gets a real answer; None when every try met a fault."""
    tag = f"{req.provider} {req.operation}"
    for attempt in range(1, MAX_TRIES + 1):
        tally.request(req.provider)
        try:
            response = await http.request(
                req.method,
                req.url,
                json=req.json_body,
                params=req.params,
                headers={"Authorization": spec(req.provider).surface.authorization(req.key)},
            )
        except httpx.RemoteProtocolError as exc:
            # connection-closed (no status line) or truncated-body;mode=short-read.
            tally.ok(f"connection dropped ({_dropped(exc)})")
            await asyncio.sleep(backoff(attempt, rng))
            continue
        except httpx.TimeoutException as exc:
            tally.bad("client timeout", where=tag, error=repr(exc), **req.describe())
            continue
        except httpx.TransportError as exc:
            tally.bad("transport error", where=tag, error=repr(exc), **req.describe())
            await asyncio.sleep(backoff(attempt, rng))
            continue
        status, text = response.status_code, response.content
        ctype = response.headers.get("content-type", "")
        if ctype.startswith("text/html"):
            if status in HTML_STATUSES and b"<html" in text.lower():
                tally.ok(f"not-json page {status}")
                await asyncio.sleep(backoff(attempt, rng))
                continue
            tally.bad("html answer", where=tag, status=status, response=text, **req.describe())
            return None
        try:
            body = json.loads(text)
        except ValueError:
            if ctype.startswith("application/json") and text:
                tally.ok("truncated JSON")
                await asyncio.sleep(backoff(attempt, rng))
                continue
            tally.bad("not JSON", where=tag, status=status, ctype=ctype, response=text,
                      **req.describe())  # fmt: skip
            return None
        if status == 429 or status in FAULT_STATUSES:
            problem = schema_problem(req.provider, "error-response", body)
            wait = retry_after(response.headers)
            if problem is not None:
                tally.bad(f"{status} body breaks error-response", where=tag, problem=problem,
                          response=text, **req.describe())  # fmt: skip
            elif not is_injected(status, body):
                tally.bad(f"{status} not injected", where=tag, response=text, **req.describe())
            elif status == 429 and wait is None:
                tally.bad("429 without Retry-After", where=tag, response=text, **req.describe())
            else:
                tally.ok(
                    f"HTTP {status} on {req.operation}"
                    + (" (retried)" if status != 429 else f", Retry-After {wait:g}")
                )
            await asyncio.sleep(wait if wait is not None else backoff(attempt, rng))
            continue
        if 200 <= status < 300 or 400 <= status < 500:
            message = req.message if status < 300 else "error-response"
            problem = schema_problem(req.provider, message, body)
            if problem is not None:
                tally.bad(f"{message} breaks its schema", where=tag, status=status,
                          problem=problem, response=text, **req.describe())  # fmt: skip
        return Answer(status, body, response.headers, attempt)
    tally.bad("retries exhausted", where=tag, tries=MAX_TRIES, **req.describe())
    return None


def _dropped(exc: Exception) -> str:
    text = str(exc).lower()
    if "without sending" in text:
        return "closed, no answer"
    return "cut short"


__all__ = ["Answer", "Request", "body_strings", "call", "is_injected", "schema_problem"]
