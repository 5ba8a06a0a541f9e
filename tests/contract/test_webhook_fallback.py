"""``webhook-fallback`` on hand-built examples, then the broken webhook-only client end to end.

The journal entries are built as in `tests/contract/test_checks.py`; the webhook journal
as ``GET /_mock/webhooks`` shows it (a ``lost`` delivery has no attempts).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

from examples.wavespeed_webhook_client import WebhookInbox, run_webhook_adapter
from vidukit.contract_tests.checks import REGISTRY, AdapterRun, CheckContext
from vidukit.contract_tests.harness import Behaviour, verify_client
from vidukit.contract_tests.harness._webhook import MAX_CALLBACK_WAIT, callback_wait

from .test_checks import FAILED, OK, ORIGIN, REQUEST, TASK, poll, submit

CHECK = REGISTRY["webhook-fallback"]
LOST = {"task_id": TASK, "state": "lost", "attempts": [], "next_attempt_at": None}
LATE = {"task_id": TASK, "state": "scheduled", "attempts": [],
        "next_attempt_at": "2027-01-15T08:15:00.000Z"}


def refused(signature: str = "bad") -> dict[str, Any]:
    return {"task_id": TASK, "state": "gave-up", "next_attempt_at": None,
            "attempts": [{"attempt": 1, "status": 401, "ok": False, "signature": signature}]}


ACCEPTED = {"task_id": TASK, "state": "delivered", "next_attempt_at": None,
            "attempts": [{"attempt": 1, "status": 200, "ok": True, "signature": "valid"}]}


def ctx(*exchange: dict[str, Any], deliveries: list[dict[str, Any]], run: AdapterRun = OK,
        state: str = "succeeded", mode: str = "webhook", fired: tuple[str, ...] = (),
        poll_timeout: float = 10.0) -> CheckContext:
    return CheckContext(provider="wavespeed", request=REQUEST, run=run, exchange=exchange,
                        tasks=({"id": TASK, "state": state},), fired=fired, origin=ORIGIN,
                        poll_timeout=poll_timeout,
                        options={"mode": mode, "webhooks": deliveries})


POLLED = (submit(), poll(2, "processing", 1.5), poll(3, "completed", 2.0))


def test_a_client_that_polls_after_a_lost_late_or_refused_callback_passes() -> None:
    for deliveries in ([LOST], [LATE], [refused()]):
        assert CHECK(ctx(*POLLED, deliveries=deliveries)) == []
    failed_polls = (submit(), poll(2, "failed", 1.5))
    assert CHECK(ctx(*failed_polls, deliveries=[LOST], run=FAILED, state="failed")) == []


def test_a_callback_that_came_is_not_this_checks_business_nor_is_poll_mode() -> None:
    assert CHECK(ctx(submit(), deliveries=[ACCEPTED])) == []
    forged = {**ACCEPTED, "attempts": [{**ACCEPTED["attempts"][0], "signature": "bad"}]}
    assert CHECK(ctx(submit(), deliveries=[forged])) == []  # webhook-outcome's finding
    assert CHECK(ctx(submit(), deliveries=[LOST], mode="poll")) == []


def test_a_processing_callback_is_not_the_callback_that_reached_the_client() -> None:
    # Vidu's callbacks (provider-docs README §6: one per state change): "processing"
    # reached the client, the final "success" one was lost. The client must still learn
    # the end from the API; reporting failed without asking is a finding.
    running = {**ACCEPTED, "body": {"id": TASK, "state": "processing", "creations": []}}
    final = {**LOST, "body": {"id": TASK, "state": "success",
                              "creations": [{"url": f"{ORIGIN}/_mock/media/{TASK}.mp4"}]}}
    vidu = CheckContext(provider="vidu", request=REQUEST, run=FAILED, exchange=(),
                        tasks=({"id": TASK, "state": "succeeded"},), origin=ORIGIN,
                        poll_timeout=10.0, options={"mode": "webhook",
                                                    "webhooks": [running, final]})
    [message] = CHECK(vidu)
    assert "lost: the provider never sent it" in message
    assert "the task succeeded but the adapter reported failed" in message


def test_reporting_failure_for_a_succeeded_task_whose_callback_was_lost_is_a_finding() -> None:
    [message] = CHECK(ctx(submit(), deliveries=[LOST], run=FAILED))
    assert "lost: the provider never sent it" in message
    assert "the task succeeded but the adapter reported failed" in message


def test_a_right_answer_without_ever_seeing_the_end_is_a_guess() -> None:
    [message] = CHECK(ctx(submit(), deliveries=[LATE], run=FAILED, state="failed"))
    assert "late: not sent yet (first attempt due 2027-01-15T08:15:00.000Z)" in message
    assert "no answer of the API showed the task finished" in message
    # a poll that never reached the client (a cut body) taught it nothing either
    cut = (submit(), poll(2, "failed", 1.5, fault="truncated-body"))
    assert CHECK(ctx(*cut, deliveries=[refused()], run=FAILED, state="failed"))


def test_waiting_past_the_deadline_or_forever_is_a_finding() -> None:
    slow = AdapterRun(result=OK.result, elapsed=13.0, budget=30)
    [late] = CHECK(ctx(*POLLED, deliveries=[LOST], run=slow, poll_timeout=10.0))
    assert "only after 13.0 s, past its deadline of 10 s" in late
    assert CHECK(ctx(*POLLED, deliveries=[LOST], run=AdapterRun(
        result=OK.result, elapsed=11.5, budget=30), poll_timeout=10.0)) == []  # a poll in flight
    hung = AdapterRun(elapsed=30.0, hung=True, budget=30)
    [message] = CHECK(ctx(submit(), deliveries=[LOST], run=hung))
    assert "still waiting after 30.0 s" in message


def test_under_transient_faults_only_the_deadline_is_judged() -> None:
    assert CHECK(ctx(submit(), deliveries=[LOST], run=FAILED, fired=("http-503",))) == []


def test_the_callback_wait_suggested_fits_in_the_deadline() -> None:
    assert callback_wait(10.0) == MAX_CALLBACK_WAIT == 1.5
    assert callback_wait(2.0) == 0.5


def test_verify_names_a_lost_callback_in_its_report() -> None:
    """The report names the lost callback (catches and controls on every provider:
    tests/contract/test_broken_clients.py)."""
    from examples.broken.wavespeed_webhook import webhook_without_fallback

    caught = verify_client("wavespeed", webhook_without_fallback, mode="webhook", examples=1,
                           seed=1, transient_faults=False, shrink_seconds=0,
                           behaviour_strategy=st.just(Behaviour(webhook="lost")))
    assert "webhook-fallback" in caught.failed_checks, caught.to_text()
    text = caught.to_text()
    assert "callback delivery: lost" in text
    assert "no callback reached the client (lost: the provider never sent it)" in text


class _AcksAndDrops(WebhookInbox):
    """A receiver that answers 200 and loses the body (it 'queues' it nowhere)."""

    def receive(self, headers: Mapping[str, str], raw_body: bytes) -> int:
        return 200


def test_a_receiver_that_answers_200_and_drops_the_body_is_judged_as_documented() -> None:
    """The journal shows the callback delivered: webhook-fallback stays out of it. A client
    that still polls after its wait passes (it loses time, not the video); one that trusts
    the callback alone reports failed against an accepted success: webhook-outcome."""
    from examples.broken.wavespeed_webhook import _CallbackOnly

    plain = st.just(Behaviour())
    options: dict[str, Any] = {"mode": "webhook", "examples": 1, "seed": 1,
                               "transient_faults": False, "shrink_seconds": 0,
                               "behaviour_strategy": plain}

    def polls_after(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
        return run_webhook_adapter(request, endpoint, _AcksAndDrops)

    def trusts_callback(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
        return run_webhook_adapter(request, endpoint, _AcksAndDrops, _CallbackOnly)

    survived = verify_client("wavespeed", polls_after, **options)
    assert survived.passed, survived.to_text()
    lost = verify_client("wavespeed", trusts_callback, **options)
    assert "webhook-outcome" in lost.failed_checks, lost.to_text()
    assert "webhook-fallback" not in lost.failed_checks
