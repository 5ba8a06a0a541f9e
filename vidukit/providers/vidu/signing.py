"""Vidu's callback signature (https://platform.vidu.com/docs/callback-signature, §6 and §9).

Every callback POST carries::

    Date:                  <RFC 7231 date, GMT>
    x-request-nonce:       <random text>
    X-HMAC-SIGNED-HEADERS: Date;x-request-nonce
    X-HMAC-ALGORITHM:      hmac-sha256
    X-HMAC-ACCESS-KEY:     vidu
    X-HMAC-SIGNATURE:      base64(HMAC-SHA256(key, string to sign))

The key is the API token that created the task (§9). The string to sign is::

    POST\\n<path of callback_url>\\n<query of callback_url>\\nvidu\\n<Date>\\n
    <name>:<value>\\n   for each header named in X-HMAC-SIGNED-HEADERS, in order

ending with a newline (§9). Readings where the page is terse, each a choice: the query
line is the callback URL's parameters sorted by name, ``name=value`` joined by ``&``
(empty without a query), and a header's name is written as X-HMAC-SIGNED-HEADERS
spells it. The body is not signed: a receiver learns who called and where, not that the
body is intact. How old a Date may be is not documented: 300 s here (UNCONFIRMED).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping
from email.utils import formatdate, parsedate_to_datetime
from urllib.parse import parse_qsl, urlsplit

from vidukit.providers.spec import Signing
from vidukit.webhooks import WebhookVerificationError, header

METHOD = "POST"
ACCESS_KEY = "vidu"
ALGORITHM = "hmac-sha256"
#: UNCONFIRMED: the document gives no maximum age.
MAX_AGE_SECONDS = 300

DATE_HEADER = "Date"
NONCE_HEADER = "x-request-nonce"
SIGNED_HEADERS_HEADER = "X-HMAC-SIGNED-HEADERS"
SIGNATURE_HEADER = "X-HMAC-SIGNATURE"
ALGORITHM_HEADER = "X-HMAC-ALGORITHM"
ACCESS_KEY_HEADER = "X-HMAC-ACCESS-KEY"
SIGNED = (DATE_HEADER, NONCE_HEADER)


def canonical_query(url: str) -> str:
    """The callback URL's query, parameters sorted by name, as ``a=1&b=2``."""
    pairs = sorted(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    return "&".join(f"{name}={value}" for name, value in pairs)


def string_to_sign(url: str, signed: Mapping[str, str]) -> str:
    """What the HMAC covers: the request line parts, the access key, Date, each signed header."""
    path = urlsplit(url).path or "/"
    lines = [METHOD, path, canonical_query(url), ACCESS_KEY, signed[DATE_HEADER]]
    lines += [f"{name}:{value}" for name, value in signed.items()]
    return "\n".join(lines) + "\n"


def signature(key: str, url: str, signed: Mapping[str, str]) -> str:
    digest = hmac.new(key.encode(), string_to_sign(url, signed).encode(), hashlib.sha256)
    return base64.b64encode(digest.digest()).decode("ascii")


def sign(key: str, url: str, event_id: str, timestamp: int, _raw_body: bytes) -> dict[str, str]:
    """The headers of one signed callback to *url*, sent at *timestamp*."""
    nonce = hashlib.sha256(f"{event_id}:{timestamp}".encode()).hexdigest()[:32]
    signed = {DATE_HEADER: formatdate(timestamp, usegmt=True), NONCE_HEADER: nonce}
    return {
        **signed,
        SIGNED_HEADERS_HEADER: ";".join(signed),
        ALGORITHM_HEADER: ALGORITHM,
        ACCESS_KEY_HEADER: ACCESS_KEY,
        SIGNATURE_HEADER: signature(key, url, signed),
    }


def _age(date: str, now: float | None) -> float:
    try:
        sent = parsedate_to_datetime(date).timestamp()
    except (TypeError, ValueError):
        raise WebhookVerificationError(
            "bad-timestamp", f"Date must be an RFC 7231 date, got {date!r}"
        ) from None
    return (time.time() if now is None else now) - sent


def verify(
    secret: str,
    url: str,
    headers: Mapping[str, str],
    raw_body: bytes,
    *,
    now: float | None = None,
    tolerance: float | None = MAX_AGE_SECONDS,
) -> None:
    """Return quietly for a genuine, fresh callback to *url*; raise
    `WebhookVerificationError` otherwise. *secret* is the API token that created the task;
    *raw_body* is not signed (and not read)."""
    del raw_body
    names = header(headers, SIGNED_HEADERS_HEADER.lower())
    given = header(headers, SIGNATURE_HEADER.lower())
    missing = [n for n, v in ((SIGNED_HEADERS_HEADER, names), (SIGNATURE_HEADER, given)) if not v]
    signed: dict[str, str] = {}
    for name in (names or "").split(";"):
        value = header(headers, name.strip().lower()) if name.strip() else None
        if value is None:
            missing.append(name.strip() or "(empty name)")
        else:
            signed[name.strip()] = value
    if DATE_HEADER not in signed and not missing:
        missing.append(f"{DATE_HEADER} among the signed headers")
    if missing:
        raise WebhookVerificationError(
            "missing-header", f"not a signed Vidu callback: missing {', '.join(missing)}"
        )
    algorithm = header(headers, ALGORITHM_HEADER.lower())
    if algorithm is not None and algorithm.lower() != ALGORITHM:
        raise WebhookVerificationError(
            "bad-signature", f"{ALGORITHM_HEADER} is {algorithm!r}, not {ALGORITHM}"
        )
    if tolerance is not None:
        age = _age(signed[DATE_HEADER], now)
        if abs(age) > tolerance:
            raise WebhookVerificationError(
                "expired",
                f"Date is {abs(age):.0f} s {'old' if age > 0 else 'in the future'}; "
                f"at most {tolerance:g} s is accepted",
            )
    assert given is not None
    if not hmac.compare_digest(signature(secret, url, signed), given):
        raise WebhookVerificationError(
            "bad-signature",
            f"{SIGNATURE_HEADER} does not match: wrong API token, or a URL other than the one "
            "the callback was sent to (path and query are signed)",
        )


SIGNING = Signing(sign_target=sign, verify_target=verify, max_age=MAX_AGE_SECONDS,
                  key="api-key")

__all__ = [
    "ACCESS_KEY",
    "ALGORITHM",
    "MAX_AGE_SECONDS",
    "SIGNING",
    "canonical_query",
    "sign",
    "signature",
    "string_to_sign",
    "verify",
]
