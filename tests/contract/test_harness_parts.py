"""The harness's parts alone: calling an adapter, finding one, the mock handle, the report."""

from __future__ import annotations

import asyncio
import time
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from hypothesis import given

from vidukit.contract_tests.canonical import CanonicalRequest
from vidukit.contract_tests.checks import AdapterRun
from vidukit.contract_tests.harness import (
    MAX_FAULT_REPEATS,
    STUCK_OUTCOME,
    AdapterNotFound,
    Behaviour,
    CheckFailure,
    Example,
    Fault,
    HarnessError,
    MockHandle,
    Report,
    behaviours,
    call_adapter,
    load_adapter,
    verify_client,
)
from vidukit.contract_tests.harness._runner import give_up_after, task_deadline
from vidukit.mock_server import MockConfig, create_app
from vidukit.mock_server.testing import serving

REQUEST = CanonicalRequest(prompt="a\x00b\ufffe", images=["https://img.example/a.png"],
                           duration=5, resolution="720p", aspect_ratio="16:9",
                           movement_amplitude="auto", seed=None)


# --------------------------------------------------------------------------- calling


def test_a_sync_adapter_gets_copies_and_its_answer_is_kept() -> None:
    def adapter(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
        request["images"].clear()
        return {"status": "failed", "error": endpoint["provider"]}

    run = call_adapter(adapter, REQUEST, {"provider": "vtrix"}, budget=2)
    assert run.result == {"status": "failed", "error": "vtrix"} and run.returned
    assert REQUEST["images"] == ["https://img.example/a.png"]


def test_an_escaping_exception_is_a_crash_with_its_traceback() -> None:
    def adapter(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
        raise TimeoutError("the client's own timeout, not a hang")

    run = call_adapter(adapter, REQUEST, {}, budget=2)
    assert not run.hung and run.error is not None
    assert "TimeoutError: the client's own timeout" in run.error and "Traceback" in run.error


def test_a_blocked_sync_adapter_is_a_hang_at_the_budget() -> None:
    started = time.monotonic()
    run = call_adapter(lambda r, e: time.sleep(5), REQUEST, {}, budget=0.2)
    assert run.hung and run.budget == 0.2
    assert time.monotonic() - started < 1.0


def test_a_watch_stops_a_running_adapter_with_its_reason() -> None:
    looks: list[float] = []

    def watch() -> str | None:
        looks.append(time.monotonic())
        return "kept polling" if len(looks) >= 3 else None

    started = time.monotonic()
    run = call_adapter(lambda r, e: time.sleep(5), REQUEST, {}, budget=10, watch=watch)
    assert run.stopped == "kept polling" and not run.hung and not run.returned
    assert run.cut_short and run.result is None
    assert len(looks) == 3 and time.monotonic() - started < 1.0


def test_a_watch_does_not_touch_an_adapter_that_returns() -> None:
    run = call_adapter(lambda r, e: {"status": "failed", "error": "x"}, REQUEST, {}, budget=2,
                       watch=lambda: "never asked")
    assert run.returned and not run.stopped


def test_an_async_adapter_is_awaited_and_cancelled_at_the_budget() -> None:
    async def quick(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
        await asyncio.sleep(0)
        return {"status": "succeeded", "video_url": "u"}

    async def stuck(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
        await asyncio.Event().wait()
        return {}

    assert call_adapter(quick, REQUEST, {}, budget=2).result == {
        "status": "succeeded", "video_url": "u"}
    started = time.monotonic()
    assert call_adapter(stuck, REQUEST, {}, budget=0.2).hung
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize(("spec", "says"), [
    ("examples.wavespeed_client", "expected MODULE:FUNCTION"),
    ("no_such_module_here:adapter", "cannot import no_such_module_here"),
    ("examples.wavespeed_client:nope", "has no 'nope'"),
    ("examples.wavespeed_client:DEFAULT_BASE_URL", "is not callable"),
])
def test_load_adapter_says_what_is_wrong(spec: str, says: str) -> None:
    with pytest.raises(AdapterNotFound, match=says):
        load_adapter(spec)


def test_load_adapter_finds_a_function() -> None:
    from examples.novita_client import adapter

    assert load_adapter("examples.novita_client:adapter") is adapter


# --------------------------------------------------------------------------- behaviours


@given(behaviours())
def test_drawn_behaviours_stay_within_the_harness_bounds(behaviour: Behaviour) -> None:
    assert len({f.on for f in behaviour.faults}) == len(behaviour.faults) <= 2
    assert all(1 <= f.count <= MAX_FAULT_REPEATS for f in behaviour.faults)
    described = behaviour.describe()
    assert f"progression {behaviour.progression}" in described
    assert behaviour.to_dict()["faults"] == [
        {"scenario": f.scenario, "on": f.on, "count": f.count} for f in behaviour.faults]


@given(behaviours(retryable_only=True))
def test_retryable_only_draws_429_and_5xx(behaviour: Behaviour) -> None:
    assert all(f.retryable for f in behaviour.faults)


@given(behaviours(stuck=False))
def test_stuck_false_never_draws_a_stuck_task(behaviour: Behaviour) -> None:
    assert behaviour.outcome != STUCK_OUTCOME


def test_a_stuck_task_gets_a_short_deadline_and_a_bounded_wait_before_the_stop() -> None:
    stuck = Behaviour(outcome=STUCK_OUTCOME, faults=(Fault("http-503", "poll", 2),))
    assert task_deadline(Behaviour(), 30.0, None) == 10.0
    assert task_deadline(stuck, 30.0, None) == 2.0
    assert task_deadline(stuck, 3.0, None) == 1.0  # never more than an ordinary task gets
    assert task_deadline(stuck, 30.0, 5.0) == task_deadline(Behaviour(), 30.0, 5.0) == 5.0
    assert give_up_after(Behaviour(), 10.0) is None
    assert give_up_after(Behaviour(outcome=STUCK_OUTCOME), 2.0) == 4.0
    assert give_up_after(stuck, 2.0) == 8.0  # 2 s more per struck request


def test_failure_outcomes_use_the_providers_own_codes() -> None:
    behaviour = Behaviour(outcome="fail-content-moderation")
    assert behaviour.failure_code("wavespeed") == "1200"
    assert behaviour.failure_code("runware") == "contentPolicyViolation"
    assert Behaviour().failure_code("novita") is None


# --------------------------------------------------------------------------- the mock


def test_an_external_mock_is_driven_through_its_admin_api() -> None:
    with serving(create_app(MockConfig(jitter=0.0))) as live:
        report = verify_client("vtrix", "examples.vtrix_client:adapter", examples=2, seed=1,
                               mock_url=live.url, transient_faults=False)
        assert report.passed, report.to_text()
        assert live.state.journal.entries(provider="vtrix"), "the external mock was not used"


def test_a_mock_on_a_virtual_clock_is_refused() -> None:
    with (serving(create_app(MockConfig(clock="virtual"))) as live,
          pytest.raises(HarnessError, match="virtual clock")):
        MockHandle(live.url).__enter__()


def test_arrange_steers_the_next_tasks_and_requests() -> None:
    behaviour = Behaviour(progression="polls=2", outcome="fail-timeout", extra_fields=True,
                          faults=(Fault("http-503", "poll", 2),))
    with MockHandle() as mock:
        mock.reset()
        mock.arrange("novita", behaviour)
        from examples.novita_client import adapter

        answer = adapter(dict(REQUEST, prompt="x"), {
            "provider": "novita", "base_url": mock.base_url("novita"), "api_key": "k",
            "poll_interval": 0.01})
        [task] = mock.tasks("novita")
        fired = mock.fired("novita")
    assert answer["status"] == "failed"
    assert task["state"] == "failed" and task["outcome"] == "fail:InternalServiceFailure"
    assert task["polls"] == 2
    assert fired.count("http-503;on=poll") == 2 and "extra-fields" in fired


def test_a_stuck_task_stays_processing_and_a_correct_client_gives_up_by_its_deadline() -> None:
    with MockHandle() as mock:
        mock.reset()
        mock.arrange("novita", Behaviour(progression="polls=1", outcome=STUCK_OUTCOME))
        from examples.novita_client import adapter

        started = time.perf_counter()
        answer = adapter(dict(REQUEST, prompt="x"), {
            "provider": "novita", "base_url": mock.base_url("novita"), "api_key": "k",
            "poll_interval": 0.05, "poll_timeout": 1.0})
        took = time.perf_counter() - started
        [task] = mock.tasks("novita")
    assert answer["status"] == "failed" and "PollTimeout" in answer["error"]
    assert 0.5 < took < 2.0
    assert task["state"] == "processing" and task["polls"] >= 3


# --------------------------------------------------------------------------- the report


def _report() -> Report:
    entry = {"seq": 1, "at": "2026-01-01T00:00:00.000Z", "provider": "wavespeed",
             "request": {"method": "POST", "path": "/wavespeed/x", "query": "",
                         "body": {"prompt": REQUEST["prompt"]}},
             "validation": {"valid": True, "violations": []},
             "response": {"status": 200, "body": {"ok": 1}}, "fault": "truncated-body"}
    example = Example(REQUEST, Behaviour(faults=(Fault("truncated-body", "poll", 1),)),
                      AdapterRun(error="Traceback\nKeyError: '\x01'"), (entry,),
                      ({"id": "t", "state": "succeeded"},), ("truncated-body;on=poll",),
                      (CheckFailure("survives-transient-faults", "desc", ("crashed\x02",)),))
    return Report("wavespeed", "m:f", ("no-hang", "survives-transient-faults"), 9, 3, 1.5,
                  example)


def test_junit_xml_is_well_formed_and_names_the_broken_check() -> None:
    root = ET.fromstring(_report().to_junit_xml())
    [suite] = root.findall("testsuite")
    assert suite.get("tests") == "2" and suite.get("failures") == "1"
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert set(cases) == {"no-hang", "survives-transient-faults"}
    assert cases["no-hang"].find("failure") is None
    failure = cases["survives-transient-faults"].find("failure")
    assert failure is not None and failure.get("type") == "survives-transient-faults"
    assert "canonical request:" in (failure.text or "") and "\\u0000" in (failure.text or "")


def test_a_passing_report_has_no_failure_elements() -> None:
    report = Report("runware", "m:f", ("no-hang",), 1, 2, 0.1)
    root = ET.fromstring(report.to_junit_xml())
    assert report.passed and root.find(".//failure") is None
    assert "all checks held: no-hang" in report.to_text()


def test_the_text_report_shows_the_exchange_and_what_struck_it() -> None:
    text = _report().to_text()
    for part in ("FAILED: 1 of 2 check(s) broke\n  survives-transient-faults: crashed",
                 "#1 +0.00s POST /wavespeed/x [valid] -> 200 [fault: truncated-body",
                 "scenarios that struck", "KeyError", "reproduce: --seed 9"):
        assert part in text, part


def test_the_verbose_text_report_keeps_the_journal_times_and_the_whole_traceback() -> None:
    text = _report().to_text(verbose=True)
    for part in ("#1 2026-01-01T00:00:00.000Z POST /wavespeed/x [valid]",
                 "   < 200 [fault: truncated-body", "    Traceback\n    KeyError"):
        assert part in text, part
