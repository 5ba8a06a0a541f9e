"""`vidukit.webhooks`: the WaveSpeed signature helper teams use in their own receivers.

Expected signatures are computed here from the documented recipe (HMAC-SHA256
over ``id.timestamp.body`` keyed with the secret minus ``whsec_``), not taken
from the code under test.
"""

from __future__ import annotations

import hashlib
import hmac

import pytest

from vidukit.errors import ToolkitError
from vidukit.providers.wavespeed.signing import signature as wavespeed_signature
from vidukit.webhooks import WebhookVerificationError, signed_providers, verify

SECRET = "whsec_abc123"
BODY = b'{"id":"p1","status":"completed"}'
STAMP = 1_767_225_605


def documented(secret: str, webhook_id: str, stamp: int, body: bytes) -> str:
    key = secret[len("whsec_") :].encode()
    return "v3," + hmac.new(key, f"{webhook_id}.{stamp}.".encode() + body, "sha256").hexdigest()


def headers(**overrides: str) -> dict[str, str]:
    base = {
        "webhook-id": "evt-1",
        "webhook-timestamp": str(STAMP),
        "webhook-signature": documented(SECRET, "evt-1", STAMP, BODY),
    }
    base.update(overrides)
    return base


def test_the_signature_follows_the_documented_recipe() -> None:
    assert wavespeed_signature(SECRET, "evt-1", STAMP, BODY) == documented(
        SECRET, "evt-1", STAMP, BODY
    )
    # The prefix is removed, not base64-decoded: "abc123" itself is the key.
    raw = hmac.new(b"abc123", b"evt-1.1767225605." + BODY, hashlib.sha256).hexdigest()
    assert wavespeed_signature(SECRET, "evt-1", STAMP, BODY) == f"v3,{raw}"


def test_a_genuine_webhook_passes_with_any_header_case() -> None:
    verify("wavespeed", SECRET, headers(), BODY, now=STAMP + 10)
    shouted = {k.upper(): v for k, v in headers().items()}
    verify("wavespeed", SECRET, shouted, BODY, now=STAMP - 10)


def test_one_matching_signature_among_several_passes() -> None:
    several = f"v3,{'0' * 64} {documented(SECRET, 'evt-1', STAMP, BODY)}"
    verify("wavespeed", SECRET, headers(**{"webhook-signature": several}), BODY, now=STAMP)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"body": BODY + b" "}, "bad-signature"),
        ({"secret": "whsec_abc124"}, "bad-signature"),
        ({"webhook-id": "evt-2"}, "bad-signature"),
        ({"webhook-timestamp": str(STAMP + 1)}, "bad-signature"),
        ({"webhook-signature": "v1," + "0" * 64}, "bad-signature"),
        ({"webhook-timestamp": "soon"}, "bad-timestamp"),
        ({"now": STAMP + 301}, "expired"),
        ({"now": STAMP - 301}, "expired"),
    ],
)
def test_each_kind_of_forgery_is_refused(change: dict[str, object], reason: str) -> None:
    body = change.pop("body", BODY)
    secret = change.pop("secret", SECRET)
    now = change.pop("now", STAMP)
    assert isinstance(body, bytes) and isinstance(secret, str) and isinstance(now, int)
    sent = headers(**{k: str(v) for k, v in change.items()})
    with pytest.raises(WebhookVerificationError) as caught:
        verify("wavespeed", secret, sent, body, now=now)
    assert caught.value.reason == reason


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_a_missing_header_is_named(missing: str) -> None:
    sent = headers()
    del sent[missing]
    with pytest.raises(WebhookVerificationError, match=missing) as caught:
        verify("wavespeed", SECRET, sent, BODY, now=STAMP)
    assert caught.value.reason == "missing-header"


def test_the_age_check_can_be_turned_off_or_widened() -> None:
    verify("wavespeed", SECRET, headers(), BODY, now=STAMP + 10_000, tolerance=None)
    verify("wavespeed", SECRET, headers(), BODY, now=STAMP + 500, tolerance=600)
    with pytest.raises(WebhookVerificationError):
        verify("wavespeed", SECRET, headers(), BODY, now=STAMP + 500)


def test_the_door_refuses_a_provider_that_signs_nothing() -> None:
    documented_unsigned = ("novita", "runware", "vtrix", "myrouter")
    unsigned = [p for p in documented_unsigned if p not in signed_providers()]
    assert unsigned, "these providers document no signature"
    with pytest.raises(ToolkitError, match="does not sign"):
        verify(unsigned[0], SECRET, headers(), BODY, now=STAMP)
