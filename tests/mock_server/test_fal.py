"""fal.ai's queue API end to end on a real socket: submit, status, result, cancel, errors,
and the signed webhooks, checked by a receiver written from fal's webhooks page alone.

Expected values come from fal's pages (provider-docs/README.md §10): the queue page
(``IN_QUEUE`` with ``queue_position``, ``IN_PROGRESS`` with ``logs``, ``COMPLETED``; the
status, result and cancel URLs under the app id ``fal-ai/vidu``), the Model Errors page
(422 with ``detail`` a list of ``{loc, msg, type}``) and the webhooks page (``status``
OK/ERROR, ``payload``; Ed25519 over request id, user id, timestamp and the body's hex
SHA-256, one a line, against the JWKS; 10 retries over 2 hours). The verifier below uses
PyNaCl, not the ``cryptography`` package the mock signs with.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import nacl.encoding
import nacl.exceptions
import nacl.signing
import pytest
from media_support import probe
from mock_support import mock_config
from webhooks_support import Receiver, receiving

from vidukit.mock_server import create_app
from vidukit.mock_server.testing import LiveServer, serving
from vidukit.validation import validate
from vidukit.webhooks import WebhookVerificationError, verify

PROVIDER = "fal"
KEY = "fal-e2e-key"
AUTH = {"Authorization": f"Key {KEY}"}
MODEL = "/fal-ai/vidu/q2/reference-to-video/pro"
APP = "/fal-ai/vidu"
BODY = {"prompt": "a red kite over salt flats",
        "reference_image_urls": ["https://img.example/ref-1.png"],
        "duration": 2, "resolution": "540p", "aspect_ratio": "9:16"}
#: Queued 10 s, then running 10 s (virtual clock: nothing moves until the test says so).
SLOW = {"X-Mock-Progression": "time=10,10"}


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    with serving(create_app(mock_config(api_keys=(KEY,)))) as server:
        yield server


@pytest.fixture
def client(live: LiveServer) -> Iterator[httpx.Client]:
    live.state.reset()
    with httpx.Client(base_url=live.base_url(PROVIDER), timeout=10.0) as http:
        yield http


@pytest.fixture
def mock(live: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.url, timeout=10.0) as http:
        yield http


def valid(message: str, body: Any) -> Any:
    errors = [v for v in validate(PROVIDER, message, body) if v.severity == "error"]
    assert errors == [], errors
    return body


def submit(client: httpx.Client, headers: dict[str, str] | None = None,
           query: str = "", body: Any = None) -> dict[str, Any]:
    answer = client.post(MODEL + query, json=BODY if body is None else body,
                         headers={**AUTH, **(headers or {})})
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = valid("submit-response", answer.json())
    return found


def status(client: httpx.Client, request_id: str, logs: bool = False) -> dict[str, Any]:
    answer = client.get(f"{APP}/requests/{request_id}/status",
                        params={"logs": "1" if logs else "0"}, headers=AUTH)
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = valid("result-response", answer.json())
    return found


def advance(mock: httpx.Client, seconds: float) -> float:
    answer = mock.post("/_mock/clock/advance", json={"seconds": seconds})
    assert answer.status_code == 200, answer.text
    return float(answer.json()["now"])


# -- the queue -------------------------------------------------------------------------


def test_a_request_goes_through_the_queue_to_a_video_of_the_asked_shape(
    live: LiveServer, client: httpx.Client, mock: httpx.Client
) -> None:
    queued = submit(client, SLOW)
    request_id = queued["request_id"]
    base = f"{live.base_url(PROVIDER)}{APP}/requests/{request_id}"
    assert (queued["status_url"], queued["response_url"], queued["cancel_url"]) == (
        f"{base}/status", base, f"{base}/cancel")
    assert queued["gateway_request_id"] == request_id
    # IN_QUEUE, its position falling as the queue drains, never below 0.
    positions = [status(client, request_id)["queue_position"] for _ in range(3)]
    assert [status(client, request_id)["status"]] == ["IN_QUEUE"]
    assert positions == sorted(positions, reverse=True) and positions[0] > positions[-1] == 0
    early = client.get(f"{APP}/requests/{request_id}", headers=AUTH)
    assert early.status_code == 400
    assert valid("error-response", early.json())["detail"] == "Request is still in progress"
    advance(mock, 10)
    running = status(client, request_id, logs=True)
    assert running["status"] == "IN_PROGRESS"
    assert running["logs"] and all(line["message"] for line in running["logs"])
    assert status(client, request_id)["logs"] is None  # logs only when asked
    advance(mock, 10)
    done = status(client, request_id)
    assert done["status"] == "COMPLETED" and done.get("error") is None
    assert done["metrics"]["inference_time"] == 10
    result = client.get(f"{APP}/requests/{request_id}", headers=AUTH)
    assert result.status_code == 200, result.text
    video = valid("result-response", result.json())["video"]
    assert video["content_type"] == "video/mp4"
    mp4 = httpx.get(video["url"], timeout=30)
    assert mp4.status_code == 200
    shape = probe(mp4.content)
    assert (shape.width, shape.height) == (528, 960)  # 540p 9:16 (provider-docs §5 table)
    assert shape.seconds == pytest.approx(2, abs=0.1)


def test_a_failed_request_is_completed_with_its_error_and_its_result_is_the_error(
    client: httpx.Client,
) -> None:
    queued = submit(client, {"X-Mock-Outcome": "fail:content_policy_violation",
                             "X-Mock-Progression": "immediate"})
    done = status(client, queued["request_id"])
    assert done["status"] == "COMPLETED"
    assert done["error_type"] == "content_policy_violation"
    assert done["error"]
    result = client.get(f"{APP}/requests/{queued['request_id']}", headers=AUTH)
    assert result.status_code == 422  # a model error (Model Errors page)
    [problem] = valid("error-response", result.json())["detail"]
    assert problem["type"] == "content_policy_violation"
    assert problem["loc"] == ["body", "prompt"]


def test_an_invalid_body_answers_422_with_one_detail_per_problem(client: httpx.Client) -> None:
    body = {"prompt": "x" * 2001, "reference_image_urls": [], "resolution": "4k"}
    answer = client.post(MODEL, json=body, headers=AUTH)
    assert answer.status_code == 422
    detail = valid("error-response", answer.json())["detail"]
    assert sorted((tuple(d["loc"]), d["type"]) for d in detail) == [
        (("body", "prompt"), "prompt.maxLength"),
        (("body", "reference_image_urls"), "reference_image_urls.minItems"),
        (("body", "resolution"), "resolution.enum"),
    ]


@pytest.mark.parametrize("header", [None, "Key", "Basic abc", "Key wrong-key"])
def test_a_request_without_a_valid_key_answers_401(client: httpx.Client,
                                                   header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    answer = client.post(MODEL, json=BODY, headers=headers)
    assert answer.status_code == 401
    assert valid("error-response", answer.json())["detail"]


def test_a_bearer_token_is_taken_as_the_clients_send_it(client: httpx.Client) -> None:
    """fal-client sends ``Bearer`` for a ``fal auth login`` token (auth.py)."""
    answer = client.post(MODEL, json=BODY, headers={"Authorization": f"Bearer {KEY}"})
    assert answer.status_code == 200


def test_an_unknown_request_is_404_everywhere(client: httpx.Client) -> None:
    for method, suffix in (("GET", "/status"), ("GET", ""), ("PUT", "/cancel")):
        answer = client.request(method, f"{APP}/requests/no-such-request{suffix}", headers=AUTH)
        assert answer.status_code == 404, (method, suffix)
        assert valid("error-response", answer.json())["detail"]


# -- cancel ------------------------------------------------------------------------------


@pytest.mark.parametrize("wait", [0, 10], ids=["queued", "running"])
def test_a_cancel_of_an_unfinished_request_is_requested_and_the_request_ends(
    client: httpx.Client, mock: httpx.Client, wait: float
) -> None:
    queued = submit(client, SLOW)
    advance(mock, wait)
    before = status(client, queued["request_id"])["status"]
    assert before == ("IN_QUEUE" if wait == 0 else "IN_PROGRESS")
    answer = client.put(f"{APP}/requests/{queued['request_id']}/cancel", headers=AUTH)
    assert (answer.status_code, answer.json()) == (200, {"status": "CANCELLATION_REQUESTED"})
    done = status(client, queued["request_id"])
    assert done["status"] == "COMPLETED" and done["error"]
    again = client.put(f"{APP}/requests/{queued['request_id']}/cancel", headers=AUTH)
    assert (again.status_code, again.json()) == (400, {"status": "ALREADY_COMPLETED"})


def test_a_cancel_of_a_finished_request_answers_already_completed(client: httpx.Client) -> None:
    queued = submit(client, {"X-Mock-Progression": "immediate"})
    answer = client.put(queued["cancel_url"], headers=AUTH)
    assert (answer.status_code, answer.json()) == (400, {"status": "ALREADY_COMPLETED"})
    valid("error-response", answer.json())
    assert client.get(queued["response_url"], headers=AUTH).status_code == 200


# -- webhooks, verified as fal's page says, with another library --------------------------


def fal_docs_verify(jwks: dict[str, Any], headers: dict[str, str], body: bytes,
                    now: float) -> bool:
    """A receiver written from https://docs.fal.ai/model-apis/model-endpoints/webhooks."""
    request_id = headers.get("x-fal-webhook-request-id")
    user_id = headers.get("x-fal-webhook-user-id")
    timestamp = headers.get("x-fal-webhook-timestamp")
    signature = headers.get("x-fal-webhook-signature")
    if not (request_id and user_id and timestamp and signature):
        return False
    if abs(now - int(timestamp)) > 300:
        return False
    signed = "\n".join([request_id, user_id, timestamp, hashlib.sha256(body).hexdigest()])
    for key in jwks["keys"]:
        raw = nacl.encoding.URLSafeBase64Encoder.decode(
            (key["x"] + "=" * (-len(key["x"]) % 4)).encode())
        try:
            nacl.signing.VerifyKey(raw).verify(signed.encode(), bytes.fromhex(signature))
        except nacl.exceptions.BadSignatureError:
            continue
        return True
    return False


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as found:
        yield found


def hooked(receiver: Receiver) -> str:
    return "?" + urlencode({"fal_webhook": receiver.url("/fal/hook")})


def test_a_finished_request_calls_back_signed_as_fal_documents(
    live: LiveServer, client: httpx.Client, mock: httpx.Client, receiver: Receiver
) -> None:
    queued = submit(client, SLOW, hooked(receiver))
    now = advance(mock, 20)
    (call,) = receiver.wait_for(1)
    body = valid("webhook", call.json())
    assert body["status"] == "OK" and body["request_id"] == queued["request_id"]
    assert body["payload"]["video"]["url"].endswith(".mp4")
    # The JWKS, fetched over HTTP from the mock, as a receiver would from fal.
    jwks = httpx.get(f"{live.base_url(PROVIDER)}/.well-known/jwks.json", timeout=5).json()
    assert [(k["kty"], k["crv"]) for k in jwks["keys"]] == [("OKP", "Ed25519")]
    assert call.headers["x-fal-webhook-request-id"] == queued["request_id"]
    assert fal_docs_verify(jwks, call.headers, call.body, now)
    tampered = call.body.replace(b'"OK"', b'"ERROR"')
    assert not fal_docs_verify(jwks, call.headers, tampered, now)
    # vidukit's helper agrees, with the JWKS text or the mock's secret.
    verify(PROVIDER, json.dumps(jwks), call.headers, call.body, now=now)
    verify(PROVIDER, live.state.webhooks.secret, call.headers, call.body, now=now)
    with pytest.raises(WebhookVerificationError) as refused:
        verify(PROVIDER, json.dumps(jwks), call.headers, tampered, now=now)
    assert refused.value.reason == "bad-signature"
    with pytest.raises(WebhookVerificationError) as stale:
        verify(PROVIDER, json.dumps(jwks), call.headers, call.body, now=now + 301)
    assert stale.value.reason == "expired"


def test_a_failed_request_calls_back_with_error(
    client: httpx.Client, mock: httpx.Client, receiver: Receiver
) -> None:
    submit(client, {**SLOW, "X-Mock-Outcome": "fail:file_download_error"}, hooked(receiver))
    advance(mock, 20)
    (call,) = receiver.wait_for(1)
    body = valid("webhook", call.json())
    assert body["status"] == "ERROR"
    assert body["error"] == "Invalid status code: 422"
    assert body["payload"]["detail"][0]["type"] == "file_download_error"


def test_a_bad_signature_fails_the_docs_verifier(
    live: LiveServer, client: httpx.Client, mock: httpx.Client, receiver: Receiver
) -> None:
    submit(client, {**SLOW, "X-Mock-Webhook": "bad-signature"}, hooked(receiver))
    now = advance(mock, 20)
    (call,) = receiver.wait_for(1)
    jwks = httpx.get(f"{live.base_url(PROVIDER)}/.well-known/jwks.json", timeout=5).json()
    assert not fal_docs_verify(jwks, call.headers, call.body, now)


def test_a_refused_callback_is_retried_10_times_over_2_hours(
    client: httpx.Client, mock: httpx.Client, receiver: Receiver
) -> None:
    """The webhooks page: 'it will retry 10 times in the span of 2 hours'."""
    receiver.script("/fal/hook", *([500] * 11))
    submit(client, {"X-Mock-Progression": "immediate"}, hooked(receiver))
    advance(mock, 0)
    receiver.wait_for(1)
    advance(mock, 2 * 3600)
    calls = receiver.wait_for(11)
    assert len(calls) == 11
    stamps = [int(c.headers["x-fal-webhook-timestamp"]) for c in calls]
    assert stamps[-1] - stamps[0] <= 2 * 3600
    assert stamps == sorted(stamps)
