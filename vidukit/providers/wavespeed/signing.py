"""WaveSpeed's webhook signature (https://wavespeed.ai/docs/docs-api/verifying_webhook).

Every webhook POST carries three headers::

    webhook-id:        <unique id of the event>
    webhook-timestamp: <unix seconds when it was sent>
    webhook-signature: v3,<hex>

where ``<hex>`` is HMAC-SHA256 over ``{webhook-id}.{webhook-timestamp}.{raw body}``,
keyed with the account's secret (``GET /api/v3/webhook/secret``) *minus* its
``whsec_`` prefix, used as text (not base64-decoded). A timestamp more than
300 s away from now is refused, so a captured request cannot be replayed.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping

from vidukit.providers.spec import Signing
from vidukit.webhooks import WebhookVerificationError, header

SIGNATURE_VERSION = "v3"
SECRET_PREFIX = "whsec_"
#: WaveSpeed's ``WebhookMaxAgeSeconds``.
MAX_AGE_SECONDS = 300

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"

def signing_key(secret: str) -> bytes:
    """The HMAC key: the secret without its ``whsec_`` prefix, as UTF-8 text."""
    return secret.removeprefix(SECRET_PREFIX).encode()


def signature(secret: str, webhook_id: str, timestamp: int | str, raw_body: bytes) -> str:
    """The ``webhook-signature`` value for this event: ``v3,<hex>``."""
    message = f"{webhook_id}.{timestamp}.".encode() + raw_body
    digest = hmac.new(signing_key(secret), message, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION},{digest}"


def sign(secret: str, event_id: str, timestamp: int, raw_body: bytes) -> dict[str, str]:
    """The three headers of a signed delivery."""
    stamp = str(timestamp)
    return {ID_HEADER: event_id, TIMESTAMP_HEADER: stamp,
            SIGNATURE_HEADER: signature(secret, event_id, stamp, raw_body)}


def verify(
    secret: str,
    headers: Mapping[str, str],
    raw_body: bytes,
    *,
    now: float | None = None,
    tolerance: float | None = MAX_AGE_SECONDS,
) -> None:
    """Return quietly for a genuine, fresh webhook; raise `WebhookVerificationError` otherwise.

    *headers* is any mapping (Starlette's, httpx's, a dict); *raw_body* the
    bytes exactly as received. *now* defaults to the machine's clock;
    ``tolerance=None`` skips the age check. A ``webhook-signature`` holding
    several space-separated signatures passes when any one of them matches.
    """
    found = {name: header(headers, name) for name in (ID_HEADER, TIMESTAMP_HEADER)}
    signatures = header(headers, SIGNATURE_HEADER)
    missing = [name for name, value in found.items() if not value]
    if not signatures:
        missing.append(SIGNATURE_HEADER)
    if missing:
        raise WebhookVerificationError(
            "missing-header", f"not a signed WaveSpeed webhook: missing {', '.join(missing)}"
        )
    webhook_id, stamp = found[ID_HEADER], found[TIMESTAMP_HEADER]
    assert webhook_id is not None and stamp is not None and signatures is not None
    if not stamp.isdigit():
        raise WebhookVerificationError(
            "bad-timestamp", f"{TIMESTAMP_HEADER} must be unix seconds, got {stamp!r}"
        )
    if tolerance is not None:
        current = time.time() if now is None else now
        age = current - int(stamp)
        if abs(age) > tolerance:
            raise WebhookVerificationError(
                "expired",
                f"{TIMESTAMP_HEADER} {stamp} is {abs(age):.0f} s "
                f"{'old' if age > 0 else 'in the future'}; at most {tolerance:g} s is accepted",
            )
    expected = signature(secret, webhook_id, stamp, raw_body)
    if not any(hmac.compare_digest(expected, given) for given in signatures.split()):
        raise WebhookVerificationError(
            "bad-signature",
            f"{SIGNATURE_HEADER} does not match the body: wrong secret, or the body was "
            "changed (verify the raw bytes, before any JSON parsing)",
        )


#: The secret comes from GET /api/v3/webhook/secret, in data.secret (verifying_webhook page;
#: the answer's shape is the mock's, as the surface says: the docs show only the call).
SIGNING = Signing(sign=sign, verify=verify, max_age=MAX_AGE_SECONDS,
                  secret_path="/api/v3/webhook/secret", secret_pointer="/data/secret")

__all__ = [
    "ID_HEADER",
    "MAX_AGE_SECONDS",
    "SECRET_PREFIX",
    "SIGNATURE_HEADER",
    "SIGNATURE_VERSION",
    "SIGNING",
    "TIMESTAMP_HEADER",
    "sign",
    "signature",
    "signing_key",
    "verify",
]
