"""The webhook-hint client on fal: callbacks verified against the key set fal publishes.

fal signs each callback with Ed25519 and a receiver verifies it against fal's JWKS,
published on another host than the queue API (the webhooks page,
https://docs.fal.ai/model-apis/model-endpoints/webhooks, "Verifying Your Webhook"): the
signature is hex, over ``request_id``, ``user_id``, ``timestamp`` and the hex SHA-256 of
the raw body, one a line, and a timestamp more than 300 s away is refused. The forged
callbacks below are signed by this test with PyNaCl from that description, never with
vidukit's signing module; the genuine one is the mock's own delivery, checked here the
same way against the JWKS the mock serves.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import nacl.encoding
import nacl.exceptions
import nacl.signing
import pytest
from hypothesis import strategies as st

from examples.fal_client import FalClient
from examples.webhook_hint_client import CallbackHint, callback_secret, submit_with_callback
from vidukit.contract_tests.harness import Behaviour, verify_client
from vidukit.contract_tests.harness._behaviour import Fault
from vidukit.contract_tests.harness._webhook import Received, WebhookReceiver
from vidukit.mock_server import create_app
from vidukit.mock_server.config import MockConfig
from vidukit.mock_server.testing import LiveServer, serving
from vidukit.providers import specs
from vidukit.providers.spec import Signing
from vidukit.webhooks import keys_url

PROVIDER = "fal"
KEY = "fal-hint-key"
#: fal's key set, on its REST host (the webhooks page), not the queue API's.
FAL_JWKS = "https://rest.alpha.fal.ai/.well-known/jwks.json"
#: The queue API a real client talks to (provider-docs/README.md §10).
FAL_QUEUE = "https://queue.fal.run"
REQUEST = {"prompt": "a paper boat on a canal", "images": ["https://img.example/boat.png"],
           "duration": 4, "resolution": "540p", "aspect_ratio": "16:9",
           "movement_amplitude": "auto", "seed": None}
HEADERS = ("x-fal-webhook-request-id", "x-fal-webhook-user-id", "x-fal-webhook-timestamp",
           "x-fal-webhook-signature")


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    # A virtual clock that starts now: fal's receivers refuse a timestamp 300 s away from
    # their own clock, and the hint client reads the machine's.
    config = MockConfig(api_keys=(KEY,), clock="virtual", virtual_start=time.time(),
                        jitter=0.0, progression="time=1,1", webhook_targets="loopback")
    with serving(create_app(config)) as server:
        yield server


def signed_as_fal_documents(key: nacl.signing.SigningKey, headers: dict[str, str],
                            body: bytes) -> str:
    """The hex signature fal's page describes, over the delivery's own ids and stamp."""
    request_id, user_id, stamp = (headers[name] for name in HEADERS[:3])
    lines = "\n".join([request_id, user_id, stamp, hashlib.sha256(body).hexdigest()])
    return key.sign(lines.encode()).signature.hex()


def docs_verify(jwks: dict[str, Any], headers: dict[str, str], body: bytes) -> bool:
    """A receiver written from fal's page alone (PyNaCl, each OKP key's ``x``)."""
    request_id, user_id, stamp, signature = (headers[name] for name in HEADERS)
    lines = "\n".join([request_id, user_id, stamp, hashlib.sha256(body).hexdigest()])
    for jwk in jwks["keys"]:
        raw = nacl.encoding.URLSafeBase64Encoder.decode(
            (jwk["x"] + "=" * (-len(jwk["x"]) % 4)).encode())
        try:
            nacl.signing.VerifyKey(raw).verify(lines.encode(), bytes.fromhex(signature))
        except nacl.exceptions.BadSignatureError:
            continue
        return True
    return False


def jwks_of(key: nacl.signing.SigningKey) -> dict[str, Any]:
    raw = key.verify_key.encode(nacl.encoding.URLSafeBase64Encoder).decode().rstrip("=")
    return {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": raw, "use": "sig"}]}


def one_delivery(live: LiveServer, secret: str) -> tuple[Received, str]:
    """A fal task submitted by the hint path, with its callback answered by a CallbackHint
    holding *secret*; the mock's clock moved past the task's end. (callback, its URL)."""
    with WebhookReceiver() as receiver, FalClient(KEY, base_url=live.base_url(PROVIDER)) as client:
        slot = receiver.open()
        hint = CallbackHint(PROVIDER, secret, url=slot.url)
        slot.serve(hint.receive)
        task_id, _ = submit_with_callback(client, PROVIDER, REQUEST, slot.url)
        hint.expect(task_id)
        httpx.post(f"{live.url}/_mock/clock/advance", json={"seconds": 5}, timeout=5)
        assert hint.wait(5.0), "no callback woke the client"
        [received] = slot.received
        return received, slot.url


def test_the_client_finds_fals_keys_where_it_talks_to_fal_and_the_mocks_on_the_mock() -> None:
    assert keys_url(PROVIDER, FAL_QUEUE) == FAL_JWKS
    assert keys_url(PROVIDER, FAL_QUEUE + "/") == FAL_JWKS
    mock = "http://127.0.0.1:8000/fal"
    assert keys_url(PROVIDER, mock) == mock + "/.well-known/jwks.json"
    # A provider that publishes no keys has none to find, wherever it is asked.
    keyless = [pid for pid, s in specs().items() if s.signing is None or s.signing.keys_url is None]
    assert keyless and all(keys_url(pid, mock) is None for pid in keyless)


def test_a_signing_with_only_one_of_the_two_key_places_is_refused() -> None:
    fal_signing = specs()[PROVIDER].signing
    assert fal_signing is not None and fal_signing.verify is not None
    with pytest.raises(ValueError, match="keys_url and keys_path together"):
        Signing(sign=fal_signing.sign, verify=fal_signing.verify, keys_url=FAL_JWKS)


def test_the_hint_client_accepts_the_mocks_genuine_callback_and_refuses_forged_ones(
        live: LiveServer) -> None:
    live.state.reset()
    served = httpx.get(live.base_url(PROVIDER) + "/.well-known/jwks.json", timeout=5).json()
    with FalClient(KEY, base_url=live.base_url(PROVIDER)) as client:
        secret = callback_secret(client, PROVIDER, KEY)
    assert secret is not None and json.loads(secret) == served  # fetched, not derived

    genuine, url = one_delivery(live, secret)
    assert genuine.status == 200, genuine.error
    assert docs_verify(served, dict(genuine.headers), genuine.body)  # genuine by fal's page

    forger = nacl.signing.SigningKey(hashlib.sha256(b"not fal's key").digest())
    forged = {**genuine.headers,
              HEADERS[3]: signed_as_fal_documents(forger, dict(genuine.headers), genuine.body)}
    assert forged[HEADERS[3]] != genuine.headers[HEADERS[3]]
    assert CallbackHint(PROVIDER, secret, url=url).receive(forged, genuine.body) == 401
    # The forgery is well formed: a receiver holding the forger's key set takes it.
    forgers = CallbackHint(PROVIDER, json.dumps(jwks_of(forger)), url=url)
    forgers.expect(genuine.headers[HEADERS[0]])
    assert forgers.receive(forged, genuine.body) == 200
    # The genuine signature over a changed body is refused too (the body is signed).
    tampered = genuine.body.replace(b'"OK"', b'"ERROR"')
    assert tampered != genuine.body
    refused = CallbackHint(PROVIDER, secret, url=url)
    assert refused.receive(dict(genuine.headers), tampered) == 401
    assert not refused.wait(0)  # a refused callback does not wake the client


def test_a_genuine_callback_about_another_request_is_refused_and_an_early_one_is_held(
        live: LiveServer) -> None:
    """fal's callback names its request (``request_id``): the client takes only its own."""
    live.state.reset()
    with FalClient(KEY, base_url=live.base_url(PROVIDER)) as client:
        secret = callback_secret(client, PROVIDER, KEY)
    assert secret is not None
    genuine, url = one_delivery(live, secret)
    headers, mine = dict(genuine.headers), genuine.headers[HEADERS[0]]

    # The lost submit's request, after the resubmit named another one: refused, no wake-up.
    other = CallbackHint(PROVIDER, secret, url=url, hold=0.05)
    other.expect("a-resubmitted-request")
    assert other.receive(headers, genuine.body) == CallbackHint.NOT_MINE == 409
    assert not other.wait(0)
    # Before any submit answer named the client's request, and none comes in time: refused.
    assert CallbackHint(PROVIDER, secret, url=url, hold=0.05).receive(
        headers, genuine.body) == 409
    # Its own, come before the submit answer: held until the answer names the request.
    early = CallbackHint(PROVIDER, secret, url=url, hold=5.0)
    threading.Timer(0.1, early.expect, args=(mine,)).start()
    assert early.receive(headers, genuine.body) == 200 and early.wait(0)


def test_after_a_lost_submit_answer_the_client_leaves_no_accepted_callback_uncollected() -> None:
    """The submit's answer is cut, the client resubmits (fal documents no way to find out),
    and both requests call back: accepting the first one's callback would tell the client of
    a paid video it never collects."""
    lost_answer = Behaviour(progression="immediate", webhook="duplicate",
                            faults=(Fault("truncated-body", on="submit"),))
    report = verify_client(PROVIDER, "examples.webhook_hint_client:adapter", mode="webhook",
                           examples=2, seed=1, shrink_seconds=0,
                           behaviour_strategy=st.just(lost_answer))
    assert report.passed, report.to_text()
    assert "collects-what-it-paid-for" in report.checks
    [resubmitted] = report.risks  # two paid requests: the lost one did call back
    assert resubmitted.startswith("no-double-charge") and "2 paid tasks" in resubmitted
