"""One HTTP attempt of one delivery: headers (and the provider's signature), POST, verdict.

Never raises for anything the receiver does: a refused connection, a timeout,
a 500 or a reset all come back as an `Attempt` with ``error`` set, which the
dispatcher counts as a failure. Proxies from the environment are ignored
(``trust_env=False``): a callback goes straight to the URL the client gave.
"""

from __future__ import annotations

import ipaddress
import ssl
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import httpx

from vidukit.mock_server.clock import Clock
from vidukit.mock_server.http import dumps
from vidukit.mock_server.webhooks.records import Attempt, AttemptKind, Delivery
from vidukit.providers import spec

USER_AGENT = "vidukit-mock-webhooks/1"
#: Mock-only headers, so a receiver (and its logs) can tell attempts and copies apart.
ATTEMPT_HEADER = "x-mock-webhook-attempt"
TASK_HEADER = "x-mock-task-id"
#: What a bad-signature attempt signs with instead of the secret.
WRONG_SECRET = "whsec_not_the_secret_you_were_given"


@cache
def _tls() -> ssl.SSLContext:
    """Built once: loading the CA bundle costs about 70 ms, far more than a callback."""
    return httpx.create_ssl_context()


def client() -> httpx.AsyncClient:
    """A client for one round of attempts (one per event loop: tests run many loops)."""
    return httpx.AsyncClient(trust_env=False, follow_redirects=False, verify=_tls())


def encode(body: Any) -> bytes:
    """The exact bytes sent (and signed): compact JSON, as the mock's answers."""
    return dumps(body)


def is_loopback_url(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def headers_for(delivery: Delivery, number: int, now: float, secret: str) -> dict[str, str]:
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        ATTEMPT_HEADER: str(number),
        TASK_HEADER: delivery.task_id,
    }
    signing = spec(delivery.provider).signing
    if delivery.policy.signed and signing is not None:
        key = WRONG_SECRET if delivery.options.bad_signature else secret
        if signing.sign_target is not None:
            headers.update(signing.sign_target(key, delivery.url, delivery.id, int(now),
                                               delivery.body))
        elif signing.sign is not None:
            headers.update(signing.sign(key, delivery.id, int(now), delivery.body))
    return headers


async def attempt(
    http: httpx.AsyncClient,
    delivery: Delivery,
    kind: AttemptKind,
    *,
    now: float,
    secret: str,
    stopwatch: Clock,
    loopback_only: bool,
) -> Attempt:
    """POST *delivery* once and say how it went; *stopwatch* measures real latency."""
    number = len(delivery.attempts) + 1
    signature = None
    if delivery.policy.signed:
        signature = "bad" if delivery.options.bad_signature else "valid"
    record = Attempt(number, kind, now, delivery.url, None, 0.0, None, signature)
    if loopback_only and not is_loopback_url(delivery.url):
        record.error = "refused: not a loopback URL, and this server calls loopback URLs only"
        record.refused = True
        return record
    headers = headers_for(delivery, number, now, secret)
    started = stopwatch.monotonic()
    try:
        response = await http.post(
            delivery.url, content=delivery.body, headers=headers, timeout=delivery.policy.timeout
        )
        record.status = response.status_code
        if not record.ok:
            record.error = f"HTTP {response.status_code} (a callback needs a 2xx answer)"
    except httpx.TimeoutException:
        record.error = f"timeout: no answer within {delivery.policy.timeout:g} s"
    except httpx.HTTPError as exc:
        record.error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    except (httpx.InvalidURL, ValueError) as exc:  # InvalidURL is no HTTPError
        record.error = f"bad URL: {exc}"
    record.latency_ms = round((stopwatch.monotonic() - started) * 1000, 3)
    return record


__all__ = [
    "ATTEMPT_HEADER",
    "TASK_HEADER",
    "USER_AGENT",
    "WRONG_SECRET",
    "attempt",
    "client",
    "encode",
    "headers_for",
    "is_loopback_url",
]
