"""Webhook mode: the harness's loopback receiver, the ``webhook-outcome`` check, and whole runs.

A webhook-driven client registers the callback URL the harness gives it and
installs its receiving logic on the harness's receiver; the check reads the
mock's webhook journal (what each attempt got back) and the adapter's answer.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import httpx
import pytest
from hypothesis import given, settings

from vidukit.contract_tests.canonical import CanonicalRequest
from vidukit.contract_tests.checks import REGISTRY, AdapterRun, CheckContext
from vidukit.contract_tests.harness import select_checks, verify_client
from vidukit.contract_tests.harness._webhook import WebhookReceiver, webhook_behaviours
from vidukit.errors import ToolkitError

REQUEST = CanonicalRequest(prompt="p", images=["https://img.example/a.png"], duration=5,
                           resolution="720p", aspect_ratio="16:9", movement_amplitude="auto",
                           seed=None)
ORIGIN = "http://127.0.0.1:9"
TASK = "t1"
MEDIA = f"{ORIGIN}/_mock/media/{TASK}.mp4"

# --------------------------------------------------------------------------- the receiver


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as running:
        yield running


def test_each_example_gets_its_own_url_answered_by_the_clients_handler(
        receiver: WebhookReceiver) -> None:
    first, second = receiver.open(), receiver.open()
    assert first.url != second.url and first.url.startswith("http://127.0.0.1:")
    seen: list[tuple[str, bytes]] = []

    def handler(headers: Mapping[str, str], body: bytes) -> int:
        seen.append((headers["x-token"], body))
        return 204

    first.serve(handler)
    answer = httpx.post(first.url, content=b'{"a": 1}', headers={"X-Token": "yes"})

    assert answer.status_code == 204 and seen == [("yes", b'{"a": 1}')]
    assert [(r.status, r.body) for r in first.received] == [(204, b'{"a": 1}')]
    assert httpx.post(second.url, content=b"{}").status_code == 503  # no handler installed yet
    receiver.close(first)
    assert httpx.post(first.url, content=b"{}").status_code == 410
    assert len(first.received) == 1


@pytest.mark.parametrize(("handler", "status", "error"), [
    (lambda h, b: 1 / 0, 500, "ZeroDivisionError"),
    (lambda h, b: "ok", 500, "not an HTTP status"),
    (lambda h, b: 401, 401, None),
])
def test_a_crashing_or_odd_handler_is_a_500_and_says_why(
        receiver: WebhookReceiver, handler: Any, status: int, error: str | None) -> None:
    slot = receiver.open()
    slot.serve(handler)
    assert httpx.post(slot.url, content=b"{}").status_code == status
    [received] = slot.received
    assert received.status == status
    assert (received.error is None) if error is None else (error in (received.error or ""))


# --------------------------------------------------------------------------- the check

CHECK = REGISTRY["webhook-outcome"]


def _delivery(*attempts: tuple[int, str | None], task: str = TASK,
              body: Any = None) -> dict[str, Any]:
    return {"task_id": task, "url": "http://127.0.0.1:1/cb", "state": "delivered",
            "body": body if body is not None else {"id": task, "outputs": [MEDIA]},
            "attempts": [{"attempt": n, "kind": "first" if n == 1 else "retry",
                          "status": status, "ok": 200 <= status < 300, "signature": signature}
                         for n, (status, signature) in enumerate(attempts, 1)]}


def _ctx(result: Any, deliveries: list[dict[str, Any]], state: str = "succeeded",
         mode: str = "webhook") -> CheckContext:
    return CheckContext(provider="wavespeed", request=REQUEST, run=AdapterRun(result=result),
                        tasks=({"id": TASK, "state": state},), origin=ORIGIN,
                        options={"mode": mode, "webhooks": deliveries})


SUCCESS = {"status": "succeeded", "video_url": MEDIA}
FAILURE = {"status": "failed", "error": "timeout"}


def test_the_check_holds_for_a_verified_callback_reported_as_it_said() -> None:
    assert CHECK(_ctx(SUCCESS, [_delivery((200, "valid"))])) == []
    failed = _delivery((200, None), body={"id": TASK, "status": "failed", "outputs": []})
    assert CHECK(_ctx(FAILURE, [failed], state="failed")) == []
    # refused (bad signature) then nothing accepted: the outcome came from polling
    assert CHECK(_ctx(SUCCESS, [_delivery((401, "bad"), (401, "bad"))])) == []


def test_accepting_a_bad_signature_is_a_finding() -> None:
    [message] = CHECK(_ctx(SUCCESS, [_delivery((200, "bad"))]))
    assert "accepted (HTTP 200)" in message and "signature does not verify" in message


def test_reporting_other_than_the_accepted_callback_is_a_finding() -> None:
    [wrong_url] = CHECK(_ctx({"status": "succeeded", "video_url": "https://cdn.x/v.mp4"},
                             [_delivery((200, "valid"))]))
    assert "'https://cdn.x/v.mp4'" in wrong_url and MEDIA in wrong_url
    [missed] = CHECK(_ctx(FAILURE, [_delivery((200, "valid"))]))
    assert "saying the task succeeded" in missed
    failed = _delivery((200, None), body={"id": TASK, "status": "failed", "outputs": []})
    [optimist] = CHECK(_ctx(SUCCESS, [failed], state="failed"))
    assert "every accepted callback said the task failed" in optimist


# Vidu calls back "on each state change" with the GET-creations body (provider-docs README
# §6 "Callback"; states created, queueing, processing, success, failed): a ``processing``
# callback, then the final one. The first says the task is under way, nothing about its end.
VIDU_RUNNING = {"id": TASK, "state": "processing", "err_code": "", "creations": []}
VIDU_SUCCESS = {"id": TASK, "state": "success", "err_code": "",
                "creations": [{"id": f"{TASK}-1", "url": MEDIA}]}


def _vidu(result: Any, deliveries: list[dict[str, Any]], state: str = "succeeded"
          ) -> CheckContext:
    return CheckContext(provider="vidu", request=REQUEST, run=AdapterRun(result=result),
                        tasks=({"id": TASK, "state": state},), origin=ORIGIN,
                        options={"mode": "webhook", "webhooks": deliveries})


def test_an_accepted_processing_callback_says_nothing_about_the_outcome() -> None:
    running = _delivery((200, "valid"), body=VIDU_RUNNING)
    # The two callbacks crossed the client's own poll: it answered from the API before the
    # final callback was sent (still scheduled when the journal was read).
    crossed = {**_delivery(body=VIDU_SUCCESS), "state": "scheduled"}
    assert CHECK(_vidu(SUCCESS, [running, crossed])) == []
    # A failure reported for a succeeded task is outcome-matches' to judge: no accepted
    # callback said the task succeeded.
    assert CHECK(_vidu(FAILURE, [running, crossed])) == []


def test_a_final_callback_after_a_processing_one_is_still_judged() -> None:
    running = _delivery((200, "valid"), body=VIDU_RUNNING)
    final = _delivery((200, "valid"), body=VIDU_SUCCESS)
    assert CHECK(_vidu(SUCCESS, [running, final])) == []
    [missed] = CHECK(_vidu(FAILURE, [running, final]))
    assert "saying the task succeeded" in missed
    [wrong_url] = CHECK(_vidu({"status": "succeeded", "video_url": "https://cdn.x/v.mp4"},
                              [running, final]))
    assert MEDIA in wrong_url
    # accepting a forged callback is a finding whatever state it claims
    [forged] = CHECK(_vidu(SUCCESS, [_delivery((200, "bad"), body=VIDU_RUNNING), final]))
    assert "signature does not verify" in forged


def test_a_client_that_registered_no_callback_is_a_finding_and_poll_mode_is_not_judged() -> None:
    [message] = CHECK(_ctx(SUCCESS, []))
    assert "registered no callback URL" in message
    assert CHECK(_ctx(SUCCESS, [], mode="poll")) == []
    assert CHECK(_ctx(SUCCESS, [_delivery((200, "bad"))], mode="poll")) == []


# --------------------------------------------------------------------------- runs


@settings(max_examples=60, database=None)
@given(behaviour=webhook_behaviours("novita"))
def test_webhook_behaviours_end_on_the_clock_and_sign_only_where_signed(behaviour: Any) -> None:
    assert not behaviour.progression.startswith("polls=")
    assert "bad-signature" not in behaviour.webhook


def test_webhook_mode_selects_its_check_and_rejects_unknown_modes() -> None:
    assert "webhook-outcome" not in [c.name for c in select_checks()]
    assert "webhook-outcome" in [c.name for c in select_checks(mode="webhook")]
    with pytest.raises(ToolkitError, match="mode must be one of poll, webhook"):
        verify_client("wavespeed", "examples.wavespeed_webhook_client:adapter", mode="push")


def test_the_webhook_example_client_passes_with_transient_faults_too() -> None:
    report = verify_client("wavespeed", "examples.wavespeed_webhook_client:adapter",
                           mode="webhook", examples=8, seed=3)
    assert report.passed, report.to_text()
    assert report.checks[-2:] == ("webhook-outcome", "webhook-fallback")


def test_a_receiver_that_skips_verification_is_shown_with_its_callbacks() -> None:
    from examples.broken.wavespeed_webhook import webhook_accepts_bad_signature

    report = verify_client("wavespeed", webhook_accepts_bad_signature, mode="webhook",
                           examples=15, seed=4, transient_faults=False, shrink_seconds=10)

    assert report.failed_checks == ("webhook-outcome",), report.to_text()
    text = report.to_text()
    assert "callback delivery: bad-signature" in text
    assert "callbacks (1):" in text and "signature bad: 200" in text
