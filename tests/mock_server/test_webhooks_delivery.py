"""Callbacks over real sockets: each provider's body, WaveSpeed's signature, retries, the clock.

The mock runs under uvicorn on 127.0.0.1 (``serving``) or in process; every
callback goes to a `Receiver` on 127.0.0.1, and the servers here deliver to
loopback URLs only (``webhook_targets="loopback"``), so nothing leaves the
machine even by mistake.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from mock_support import assert_valid, mock_config
from webhooks_support import (
    PROVIDERS,
    Receiver,
    Reply,
    receiving,
    submit_request,
    task_id_of,
)

from vidukit.mock_server import create_app
from vidukit.mock_server.testing import LiveServer, serving
from vidukit.mock_server.webhooks import DEFAULT_SECRET, POLICIES
from vidukit.webhooks import WebhookVerificationError, verify

AUTH = {"Authorization": "Bearer webhook-key"}
#: Attempts time out fast here, so a timeout test costs a fraction of a second.
TIMEOUT = 0.3


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    config = mock_config(webhook_targets="loopback", webhook_timeout=TIMEOUT)
    with serving(create_app(config)) as server:
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


def submit(mock: httpx.Client, provider: str, url: str, headers: Any = None, **extra: Any) -> str:
    path, body = submit_request(provider, url, **extra)
    response = mock.post(path, json=body, headers={**AUTH, **(headers or {})})
    assert response.status_code == 200, response.text
    return task_id_of(provider, response.json())


def advance(mock: httpx.Client, seconds: float) -> float:
    response = mock.post("/_mock/clock/advance", json={"seconds": seconds})
    assert response.status_code == 200, response.text
    return float(response.json()["now"])


def journal(mock: httpx.Client, task_id: str) -> list[dict[str, Any]]:
    response = mock.get("/_mock/webhooks", params={"task": task_id})
    assert response.status_code == 200, response.text
    deliveries: list[dict[str, Any]] = response.json()["deliveries"]
    return deliveries


# -- each provider's mechanism ------------------------------------------------------------------


@pytest.mark.parametrize("outcome", ["succeed", "fail"])
@pytest.mark.parametrize("provider", PROVIDERS)
def test_each_provider_calls_back_once_with_a_schema_valid_body(
    mock: httpx.Client, receiver: Receiver, provider: str, outcome: str
) -> None:
    task_id = submit(mock, provider, receiver.url(), {"X-Mock-Outcome": outcome})
    advance(mock, 10)  # default progression time=1,4: finished at +5 s
    (call,) = receiver.wait_for(1)
    body = call.json()
    assert_valid(provider, "webhook", body)
    assert call.headers["content-type"] == "application/json"
    if provider == "wavespeed":
        assert body["id"] == task_id
        assert body["status"] == ("completed" if outcome == "succeed" else "failed")
        assert body["input"]["prompt"] == "a cat turns its head"
        assert body["urls"]["get"].startswith("http://127.0.0.1:")
        assert body["urls"]["get"].endswith(f"/wavespeed/api/v3/predictions/{task_id}/result")
    elif provider in ("novita", "myrouter"):
        assert body["event_type"] == "ASYNC_TASK_RESULT"
        assert body["payload"]["task"]["task_id"] == task_id
        want = "TASK_STATUS_SUCCEED" if outcome == "succeed" else "TASK_STATUS_FAILED"
        assert body["payload"]["task"]["status"] == want
        assert body["payload"]["extra"]["webhook"] == {"url": receiver.url()}
    elif provider == "vtrix":
        status = "completed" if outcome == "succeed" else "failed"
        assert (body["id"], body["status"]) == (task_id, status)
    else:
        key = "data" if outcome == "succeed" else "errors"
        assert [item["taskUUID"] for item in body[key]] == [task_id]
    if outcome == "succeed":
        media = mock.get(f"/_mock/media/{task_id}.mp4")
        assert media.status_code == 200
        assert str(media.url) in call.body.decode()  # the output URL points back at the mock
    (delivery,) = journal(mock, task_id)
    assert delivery["state"] == "delivered" and delivery["url"] == receiver.url()


def test_runware_calls_once_per_result(mock: httpx.Client, receiver: Receiver) -> None:
    task_id = submit(mock, "runware", receiver.url(), numberResults=2, includeCost=True)
    advance(mock, 10)
    calls = receiver.wait_for(2)
    assert len(calls) == 2
    items = [c.json()["data"] for c in calls]
    for call in calls:
        assert_valid("runware", "webhook", call.json())
    assert [len(i) for i in items] == [1, 1]
    assert len({i[0]["videoUUID"] for i in items}) == 2
    assert all(i[0]["taskUUID"] == task_id and i[0]["cost"] > 0 for i in items)
    assert [d["part"] for d in journal(mock, task_id)] == [1, 2]


# -- WaveSpeed's signature ------------------------------------------------------------------------


def test_wavespeed_signature_verifies_with_the_helper_and_tampering_fails(
    mock: httpx.Client, receiver: Receiver
) -> None:
    submit(mock, "wavespeed", receiver.url())
    now = advance(mock, 10)
    (call,) = receiver.wait_for(1)
    secret = mock.get("/wavespeed/api/v3/webhook/secret", headers=AUTH).json()["data"]["secret"]
    assert secret == DEFAULT_SECRET and secret.startswith("whsec_")
    assert call.headers["webhook-signature"].startswith("v3,")
    # Signed on the mock's clock, when it was sent: as the task ended, 5 s after the submit.
    assert int(call.headers["webhook-timestamp"]) == int(now - 5)
    verify("wavespeed", secret, call.headers, call.body, now=now)

    tampered = call.body.replace(b'"completed"', b'"failed"')
    assert tampered != call.body
    with pytest.raises(WebhookVerificationError) as caught:
        verify("wavespeed", secret, call.headers, tampered, now=now)
    assert caught.value.reason == "bad-signature"
    with pytest.raises(WebhookVerificationError) as caught:
        verify("wavespeed", "whsec_someone_else", call.headers, call.body, now=now)
    assert caught.value.reason == "bad-signature"
    with pytest.raises(WebhookVerificationError) as caught:
        verify("wavespeed", secret, call.headers, call.body, now=now + 301)
    assert caught.value.reason == "expired"


def test_a_configured_secret_signs_and_is_served(mock: httpx.Client, receiver: Receiver) -> None:
    secret = "whsec_team_rotation_2"
    assert mock.put("/_mock/webhooks", json={"secret": secret}).status_code == 200
    served = mock.get("/wavespeed/api/v3/webhook/secret", headers=AUTH)
    assert served.json() == {"code": 200, "message": "success", "data": {"secret": secret}}
    assert mock.get("/wavespeed/api/v3/webhook/secret").status_code == 401
    submit(mock, "wavespeed", receiver.url())
    now = advance(mock, 10)
    (call,) = receiver.wait_for(1)
    verify("wavespeed", secret, call.headers, call.body, now=now)
    with pytest.raises(WebhookVerificationError):
        verify("wavespeed", DEFAULT_SECRET, call.headers, call.body, now=now)


@pytest.mark.parametrize("provider", ["novita", "vtrix", "runware"])
def test_unsigned_providers_send_no_signature(
    mock: httpx.Client, receiver: Receiver, provider: str
) -> None:
    submit(mock, provider, receiver.url())
    advance(mock, 10)
    (call,) = receiver.wait_for(1)
    assert not {"webhook-id", "webhook-signature", "webhook-timestamp"} & set(call.headers)


# -- retries ------------------------------------------------------------------------------------


def test_a_failing_receiver_is_retried_with_backoff_on_the_mock_clock(
    mock: httpx.Client, receiver: Receiver
) -> None:
    receiver.script("/hook", 500, 503, 200)
    task_id = submit(mock, "novita", receiver.url(), {"X-Mock-Progression": "time=0,1"})
    advance(mock, 1)
    assert len(receiver.wait_for(1)) == 1
    advance(mock, 4.9)  # the first backoff is 5 s: not yet
    assert len(receiver.requests) == 1
    advance(mock, 0.1)
    assert len(receiver.wait_for(2)) == 2
    advance(mock, 10)  # the second backoff is 10 s
    calls = receiver.wait_for(3)
    assert len(calls) == 3
    assert len({c.body for c in calls}) == 1  # the same event each time
    assert [c.headers["x-mock-webhook-attempt"] for c in calls] == ["1", "2", "3"]
    (delivery,) = journal(mock, task_id)
    attempts = delivery["attempts"]
    assert [(a["attempt"], a["kind"], a["status"]) for a in attempts] == [
        (1, "first", 500),
        (2, "retry", 503),
        (3, "retry", 200),
    ]
    assert [a["at"][-10:] for a in attempts] == ["00:01.000Z", "00:06.000Z", "00:16.000Z"]
    assert all(a["url"] == receiver.url() and a["latency_ms"] > 0 for a in attempts)
    assert "HTTP 500" in attempts[0]["error"] and attempts[2]["error"] is None
    assert delivery["state"] == "delivered"


@pytest.mark.parametrize("provider", ["novita", "wavespeed"])
def test_giving_up_after_the_documented_number_of_attempts(
    mock: httpx.Client, receiver: Receiver, provider: str
) -> None:
    receiver.script("/hook", *[500] * 20)
    task_id = submit(mock, provider, receiver.url(), {"X-Mock-Progression": "time=0,1"})
    advance(mock, 3600)  # far past every backoff
    expected = 1 + POLICIES[provider].retries  # Novita: 1 + 5 (documented); WaveSpeed: 1 + 3
    assert expected == {"novita": 6, "wavespeed": 4}[provider]
    assert len(receiver.wait_for(expected)) == expected
    (delivery,) = journal(mock, task_id)
    assert delivery["state"] == "gave-up" and delivery["next_attempt_at"] is None
    assert len(delivery["attempts"]) == expected
    advance(mock, 3600)
    time.sleep(0.05)
    assert len(receiver.requests) == expected


def test_a_timeout_counts_as_a_failure(mock: httpx.Client, receiver: Receiver) -> None:
    receiver.script("/slow", Reply(200, sleep=TIMEOUT + 0.3), 200)
    task_id = submit(mock, "vtrix", receiver.url("/slow"), {"X-Mock-Progression": "time=0,1"})
    advance(mock, 1)
    advance(mock, 5)
    assert len(receiver.wait_for(2)) == 2
    (delivery,) = journal(mock, task_id)
    first, second = delivery["attempts"]
    assert first["status"] is None and "timeout" in first["error"]
    assert first["latency_ms"] >= TIMEOUT * 1000 * 0.9
    assert second["status"] == 200 and delivery["state"] == "delivered"


def test_an_unreachable_receiver_is_recorded(mock: httpx.Client, receiver: Receiver) -> None:
    url = receiver.url()
    receiver.stop()  # nothing listens on that port any more
    task_id = submit(mock, "vtrix", url, {"X-Mock-Progression": "time=0,1"})
    advance(mock, 1)
    (delivery,) = journal(mock, task_id)
    (attempt,) = delivery["attempts"]
    assert attempt["status"] is None and "Connect" in attempt["error"]
    assert delivery["state"] == "scheduled"


# -- the clock ----------------------------------------------------------------------------------


def test_the_virtual_clock_delivers_on_advance_and_not_before(
    mock: httpx.Client, receiver: Receiver
) -> None:
    """Nobody polls: the dispatcher knows when the task ends and sends then."""
    submit(mock, "wavespeed", receiver.url())  # time=1,4: ends 5 s after the submit
    advance(mock, 4.9)
    time.sleep(0.2)  # the background task is running: give it every chance to misbehave
    assert receiver.requests == []
    advance(mock, 0.1)
    assert len(receiver.requests) == 1  # sent before the advance answered


def test_a_forced_outcome_is_delivered_without_an_advance(
    mock: httpx.Client, receiver: Receiver
) -> None:
    task_id = submit(mock, "novita", receiver.url())
    forced = mock.post(f"/_mock/tasks/{task_id}/outcome", json={"outcome": "fail"})
    assert forced.status_code == 200
    (call,) = receiver.wait_for(1)  # due now: the background task sends it
    assert call.json()["payload"]["task"]["status"] == "TASK_STATUS_FAILED"


def test_the_real_clock_delivers_in_the_background(receiver: Receiver) -> None:
    config = mock_config(clock="real", webhook_targets="loopback")
    with serving(create_app(config)) as server, httpx.Client(base_url=server.url) as mock:
        started = time.monotonic()
        submit(mock, "vtrix", receiver.url(), {"X-Mock-Progression": "time=0,0.2"})
        (call,) = receiver.wait_for(1, timeout=5)
        assert call.at - started >= 0.2  # not before the task ended
        assert call.json()["status"] == "completed"


def test_an_immediate_task_nobody_polls_is_delivered(
    mock: httpx.Client, receiver: Receiver
) -> None:
    submit(mock, "wavespeed", receiver.url(), {"X-Mock-Progression": "immediate"})
    (call,) = receiver.wait_for(1)  # due at once: no advance, no poll
    assert call.json()["status"] == "completed"


@pytest.mark.parametrize("asked", ["TASK_STATUS_SUCCEED", "TASK_STATUS_FAILED"])
def test_novita_test_mode_reports_the_chosen_status_at_once(
    mock: httpx.Client, receiver: Receiver, asked: str
) -> None:
    path, body = submit_request("novita", receiver.url())
    body["extra"]["webhook"]["test_mode"] = {"enabled": True, "return_task_status": asked}
    assert mock.post(path, json=body, headers=AUTH).status_code == 200
    (call,) = receiver.wait_for(1)
    assert_valid("novita", "webhook", call.json())
    assert call.json()["payload"]["task"]["status"] == asked


# -- in process ---------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_in_process_an_advance_delivers_too(
    make_client: Callable[..., httpx.AsyncClient], receiver: Receiver
) -> None:
    async with make_client(webhook_targets="loopback") as client:
        task_uuid = "7d3f0a9b-1c2e-4f5a-8b6c-2e9d4a7f1b03"
        path, body = submit_request("runware", receiver.url(), taskUUID=task_uuid)
        headers = {**AUTH, "X-Mock-Progression": "polls=1"}
        assert (await client.post(path, json=body, headers=headers)).status_code == 200
        poll = [{"taskType": "getResponse", "taskUUID": task_uuid}]
        assert (await client.post(path, json=poll, headers=AUTH)).json()["data"][0]["status"] == (
            "success"
        )
        assert receiver.requests == []  # in process, nothing runs in the background
        await client.post("/_mock/clock/advance", json={"seconds": 0})
        (call,) = receiver.wait_for(1)
        assert_valid("runware", "webhook", call.json())


def test_non_loopback_targets_are_refused_without_a_connection(mock: httpx.Client) -> None:
    fast = {"X-Mock-Progression": "time=0,1"}
    task_id = submit(mock, "vtrix", "https://hooks.example/never", fast)
    advance(mock, 100)
    (delivery,) = journal(mock, task_id)
    (attempt,) = delivery["attempts"]
    assert delivery["state"] == "gave-up"
    assert attempt["status"] is None and attempt["error"].startswith("refused")
    assert attempt["latency_ms"] == 0


def test_reset_forgets_the_webhook_journal(mock: httpx.Client, receiver: Receiver) -> None:
    submit(mock, "vtrix", receiver.url())
    advance(mock, 10)
    assert mock.get("/_mock/webhooks").json()["count"] == 1
    mock.post("/_mock/reset")
    shown = mock.get("/_mock/webhooks").json()
    assert (shown["count"], shown["watching"]) == (0, [])
