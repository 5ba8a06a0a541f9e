"""fal's webhook signature (https://docs.fal.ai/model-apis/model-endpoints/webhooks,
"Verifying Your Webhook"), made and checked the way fal documents it.

Every webhook POST carries four headers::

    X-Fal-Webhook-Request-Id:  <the request's id>
    X-Fal-Webhook-User-Id:     <the account's user id>
    X-Fal-Webhook-Timestamp:   <unix seconds when it was sent>
    X-Fal-Webhook-Signature:   <hex Ed25519 signature>

signed over the four lines ``request_id``, ``user_id``, ``timestamp`` and the hex
SHA-256 of the raw body, joined by ``\\n``; a receiver verifies it against any Ed25519
key of fal's JWKS (``https://rest.alpha.fal.ai/.well-known/jwks.json``; OKP keys whose
``x`` is the base64url public key) and refuses a timestamp more than 300 s away.

The mock holds no fal key. It derives an Ed25519 key pair from its webhook secret (the
secret every signing provider of the mock shares, ``PUT /_mock/webhooks``), publishes
the public half as its own JWKS (``/.well-known/jwks.json`` under its fal routes) and
signs with the private half, as user ``USER_ID``. So `verify` takes either a JWKS
document (what a real receiver has) or the mock's secret, from which it derives the
same public key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from vidukit.providers.spec import Signing
from vidukit.webhooks import WebhookVerificationError, header

from .wire import JWKS_PATH

REQUEST_ID_HEADER = "x-fal-webhook-request-id"
USER_ID_HEADER = "x-fal-webhook-user-id"
TIMESTAMP_HEADER = "x-fal-webhook-timestamp"
SIGNATURE_HEADER = "x-fal-webhook-signature"
#: "within ±5 minutes" (the webhooks page's examples).
MAX_AGE_SECONDS = 300
#: fal's own key set; the mock serves its keys at the same path under its fal routes.
FAL_JWKS_URL = "https://rest.alpha.fal.ai/.well-known/jwks.json"
#: The account the mock's deliveries name: a fixed TEST value, no real fal user.
USER_ID = "vidukit-mock-user"
_KEY_LABEL = b"vidukit mock: fal webhook Ed25519 key\n"


def private_key(secret: str) -> Ed25519PrivateKey:
    """The mock's signing key: fixed by its webhook secret, so every instance agrees."""
    return Ed25519PrivateKey.from_private_bytes(
        hashlib.sha256(_KEY_LABEL + secret.encode()).digest()
    )


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _public_raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def jwks(secret: str) -> dict[str, Any]:
    """The JWKS the mock publishes for *secret*: one OKP Ed25519 key."""
    raw = _public_raw(private_key(secret).public_key())
    return {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": _b64url(raw),
                      "kid": hashlib.sha256(raw).hexdigest()[:16], "use": "sig",
                      "alg": "EdDSA"}]}


def message(request_id: str, user_id: str, timestamp: str, raw_body: bytes) -> bytes:
    """The signed bytes: the three header values and the body's hex SHA-256, one a line."""
    digest = hashlib.sha256(raw_body).hexdigest()
    return "\n".join((request_id, user_id, timestamp, digest)).encode()


def _request_id(raw_body: bytes, fallback: str) -> str:
    try:
        found = json.loads(raw_body).get("request_id")
    except (ValueError, AttributeError):
        return fallback
    return found if isinstance(found, str) and found else fallback


def sign(secret: str, event_id: str, timestamp: int, raw_body: bytes) -> dict[str, str]:
    """The four headers of a signed delivery (the request id is the body's own)."""
    request_id, stamp = _request_id(raw_body, event_id), str(timestamp)
    signature = private_key(secret).sign(message(request_id, USER_ID, stamp, raw_body))
    return {REQUEST_ID_HEADER: request_id, USER_ID_HEADER: USER_ID,
            TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: signature.hex()}


def public_keys(keys: str | Mapping[str, Any]) -> list[Ed25519PublicKey]:
    """The Ed25519 keys of a JWKS (a mapping or its JSON text), else of the mock's secret."""
    document: Any = keys
    if isinstance(keys, str):
        if not keys.lstrip().startswith("{"):
            return [private_key(keys).public_key()]
        try:
            document = json.loads(keys)
        except ValueError as exc:
            raise WebhookVerificationError(
                "bad-signature", f"the JWKS is not JSON: {exc}") from None
    found = []
    for jwk in document.get("keys", []) if isinstance(document, Mapping) else []:
        if not isinstance(jwk, Mapping) or jwk.get("crv") != "Ed25519":
            continue
        x = str(jwk.get("x", ""))
        try:
            found.append(Ed25519PublicKey.from_public_bytes(
                base64.urlsafe_b64decode(x + "=" * (-len(x) % 4))))
        except ValueError:
            continue
    if not found:
        raise WebhookVerificationError("bad-signature", "the JWKS holds no Ed25519 key")
    return found


def verify(
    secret: str,
    headers: Mapping[str, str],
    raw_body: bytes,
    *,
    now: float | None = None,
    tolerance: float | None = MAX_AGE_SECONDS,
) -> None:
    """Return quietly for a genuine, fresh webhook; raise `WebhookVerificationError` otherwise.

    *secret* is fal's JWKS document (JSON text, as fetched) or the mock's webhook secret.
    *raw_body* is the bytes exactly as received.
    """
    names = (REQUEST_ID_HEADER, USER_ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER)
    found = {name: header(headers, name) for name in names}
    missing = [name for name, value in found.items() if not value]
    if missing:
        raise WebhookVerificationError(
            "missing-header", f"not a signed fal webhook: missing {', '.join(missing)}")
    request_id, user_id, stamp, signature = (str(found[name]) for name in names)
    if not stamp.isdigit():
        raise WebhookVerificationError(
            "bad-timestamp", f"{TIMESTAMP_HEADER} must be unix seconds, got {stamp!r}")
    if tolerance is not None:
        age = (time.time() if now is None else now) - int(stamp)
        if abs(age) > tolerance:
            raise WebhookVerificationError(
                "expired",
                f"{TIMESTAMP_HEADER} {stamp} is {abs(age):.0f} s "
                f"{'old' if age > 0 else 'in the future'}; at most {tolerance:g} s is accepted")
    try:
        signed = bytes.fromhex(signature)
    except ValueError:
        raise WebhookVerificationError(
            "bad-signature", f"{SIGNATURE_HEADER} is not hex") from None
    signed_message = message(request_id, user_id, stamp, raw_body)
    for key in public_keys(secret):
        try:
            key.verify(signed, signed_message)
        except InvalidSignature:
            continue
        return
    raise WebhookVerificationError(
        "bad-signature",
        f"{SIGNATURE_HEADER} matches no key of the JWKS: another key set, or the body was "
        "changed (verify the raw bytes, before any JSON parsing)")


#: A receiver fetches fal's JWKS (the webhooks page, "Verifying Your Webhook"); on the mock,
#: its own at the same path under the fal routes.
SIGNING = Signing(sign=sign, verify=verify, max_age=MAX_AGE_SECONDS, keys_url=FAL_JWKS_URL,
                  keys_path=JWKS_PATH)

__all__ = [
    "FAL_JWKS_URL",
    "MAX_AGE_SECONDS",
    "REQUEST_ID_HEADER",
    "SIGNATURE_HEADER",
    "SIGNING",
    "TIMESTAMP_HEADER",
    "USER_ID",
    "USER_ID_HEADER",
    "jwks",
    "message",
    "private_key",
    "public_keys",
    "sign",
    "verify",
]
