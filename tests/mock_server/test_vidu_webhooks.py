"""Vidu's callbacks over real sockets: one POST per state change, the GET-creations body, signed
the way /docs/callback-signature describes, retried up to 3 times.

The signature is checked twice: with `vidukit.webhooks.verify` (what a team's receiver
calls) and with `documented_signature` below, written from the document alone
(provider-docs/README.md §6 and §9), never from the code under test.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from mock_support import assert_valid, mock_config
from webhooks_support import Receiver, receiving

from vidukit.mock_server import create_app
from vidukit.mock_server.testing import LiveServer, serving
from vidukit.webhooks import WebhookVerificationError, verify

KEY = "vidu-callback-token"
AUTH = {"Authorization": f"Token {KEY}"}
BODY = {"model": "viduq2-pro", "prompt": "a lighthouse at dusk",
        "images": ["https://img.example/a.png"], "duration": 2, "resolution": "540p"}
HOOK = "/hooks/vidu"
QUERY = "team=video&b=2"


def documented_signature(token: str, url: str, headers: dict[str, str]) -> str:
    """base64(HMAC-SHA256(token, "POST\\n<path>\\n<query>\\nvidu\\n<Date>\\n" then
    "<name>:<value>\\n" for each signed header)); the query as sorted name=value pairs."""
    parts = urlsplit(url)
    query = "&".join(f"{k}={v}" for k, v in sorted(parse_qsl(parts.query)))
    names = headers["x-hmac-signed-headers"].split(";")
    text = f"POST\n{parts.path}\n{query}\nvidu\n{headers['date']}\n"
    text += "".join(f"{name}:{headers[name.lower()]}\n" for name in names)
    mac = hmac.new(token.encode(), text.encode(), hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    with serving(create_app(mock_config(webhook_timeout=0.3))) as server:
        yield server


@pytest.fixture
def mock(live: LiveServer) -> Iterator[httpx.Client]:
    live.state.reset()
    with httpx.Client(base_url=live.url, timeout=10) as client:
        yield client


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as r:
        yield r


def submit(mock: httpx.Client, url: str, **headers: str) -> str:
    answer = mock.post("/vidu/ent/v2/reference2video", json={**BODY, "callback_url": url},
                       headers={**AUTH, **headers})
    assert answer.status_code == 200, answer.text
    task_id: str = answer.json()["task_id"]
    return task_id


def advance(mock: httpx.Client, seconds: float) -> float:
    answer = mock.post("/_mock/clock/advance", json={"seconds": seconds})
    assert answer.status_code == 200, answer.text
    return float(answer.json()["now"])


def deliveries(mock: httpx.Client, task_id: str) -> list[dict[str, Any]]:
    answer = mock.get("/_mock/webhooks", params={"task": task_id})
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()["deliveries"]
    return found


@pytest.mark.parametrize("outcome", ["succeed", "fail:CreationPolicyViolation"])
def test_each_state_change_is_called_back_signed_with_the_tasks_token(
    mock: httpx.Client, receiver: Receiver, outcome: str
) -> None:
    url = receiver.url(f"{HOOK}?{QUERY}")
    task_id = submit(mock, url, **{"X-Mock-Outcome": outcome})
    now = advance(mock, 10)
    calls = receiver.wait_for(2)
    assert len(calls) == 2
    bodies = [c.json() for c in calls]
    final = "success" if outcome == "succeed" else "failed"
    assert [b["state"] for b in bodies] == ["processing", final]
    assert all(b["id"] == task_id for b in bodies)
    for call in calls:
        assert_valid("vidu", "webhook", call.json())
        headers = call.headers
        assert headers["x-hmac-algorithm"] == "hmac-sha256"
        assert headers["x-hmac-access-key"] == "vidu"
        assert headers["x-hmac-signed-headers"] == "Date;x-request-nonce"
        sent = parsedate_to_datetime(headers["date"]).timestamp()
        assert now - 10 <= sent <= now  # when the task ended, on the mock's clock
        assert headers["x-hmac-signature"] == documented_signature(KEY, url, headers)
        verify("vidu", KEY, headers, call.body, url=url, now=now)
    if outcome == "succeed":
        creation = bodies[1]["creations"][0]
        assert creation["url"].endswith(f"/_mock/media/{task_id}.mp4")
    else:
        assert bodies[1]["err_code"] == "CreationPolicyViolation"


def test_a_forged_or_misdirected_callback_is_refused(
    mock: httpx.Client, receiver: Receiver
) -> None:
    url = receiver.url(f"{HOOK}?{QUERY}")
    submit(mock, url)
    now = advance(mock, 10)
    call = receiver.wait_for(2)[0]
    cases: list[tuple[str, str, dict[str, str], str]] = [
        ("another token", url, {}, "bad-signature"),
        (KEY, receiver.url(f"{HOOK}?team=other&b=2"), {}, "bad-signature"),
        (KEY, receiver.url(f"/elsewhere?{QUERY}"), {}, "bad-signature"),
        (KEY, url, {"x-request-nonce": "replayed"}, "bad-signature"),
        (KEY, url, {"date": "Mon, 01 Jan 2024 00:00:00 GMT"}, "expired"),
    ]
    for token, target, changed, reason in cases:
        with pytest.raises(WebhookVerificationError) as caught:
            verify("vidu", token, {**call.headers, **changed}, call.body, url=target, now=now)
        assert caught.value.reason == reason, (token, target, changed)
    missing = {k: v for k, v in call.headers.items() if k != "x-hmac-signature"}
    with pytest.raises(WebhookVerificationError) as caught:
        verify("vidu", KEY, missing, call.body, url=url, now=now)
    assert caught.value.reason == "missing-header"


def test_a_failed_send_is_retried_up_to_three_times(
    mock: httpx.Client, receiver: Receiver
) -> None:
    receiver.script(HOOK, *[500] * 8)  # both callbacks (processing, success) fail each time
    task_id = submit(mock, receiver.url(HOOK))
    advance(mock, 10 + 5 + 10 + 20 + 1)  # the mock's backoff: 5, 10, 20 s
    found = deliveries(mock, task_id)
    assert [d["body"]["state"] for d in found] == ["processing", "success"]
    for delivery in found:
        assert delivery["max_attempts"] == 4  # the first send and 3 retries (§6)
        assert len(delivery["attempts"]) == 4 and delivery["state"] == "gave-up"
    assert len(receiver.on(HOOK)) == 8


def test_a_failed_processing_callback_is_not_resent_after_the_end_was_delivered(
    mock: httpx.Client, receiver: Receiver
) -> None:
    # The processing callback fails once; the success one, sent right after, is accepted.
    # Vidu documents retries (§6: "up to 3 retries") but no resend of an older state after a
    # newer one: a receiver must never be told "processing" after "success".
    receiver.script(HOOK, 500)
    task_id = submit(mock, receiver.url(HOOK))
    advance(mock, 10 + 5 + 10 + 20 + 1)  # past every retry the mock would make (5, 10, 20 s)
    states = [call.json()["state"] for call in receiver.on(HOOK)]
    assert states == ["processing", "success"]
    found = {d["body"]["state"]: d for d in deliveries(mock, task_id)}
    assert found["success"]["state"] == "delivered"
    assert found["processing"]["state"] == "superseded"
    assert [a["status"] for a in found["processing"]["attempts"]] == [500]
    assert found["processing"]["next_attempt_at"] is None


def test_a_failed_final_callback_is_still_retried_after_the_processing_one(
    mock: httpx.Client, receiver: Receiver
) -> None:
    receiver.script(HOOK, 200, 500)  # processing accepted, success refused once
    task_id = submit(mock, receiver.url(HOOK))
    advance(mock, 10 + 5 + 1)
    assert [call.json()["state"] for call in receiver.on(HOOK)] == [
        "processing", "success", "success"]
    assert {d["body"]["state"]: d["state"] for d in deliveries(mock, task_id)} == {
        "processing": "delivered", "success": "delivered"}
