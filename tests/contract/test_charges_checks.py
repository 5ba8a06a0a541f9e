"""no-double-charge, collects-what-it-paid-for, their risk and strict-retries' reconciliation
with them, on hand-built examples (no mock, no adapter).

WaveSpeed documents a way to find out what a lost submit did (its prediction list), Novita
none (provider-docs README §1 and §4): the same duplicate is a failure on one and a risk on
the other, unless --strict-charges.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from vidukit.contract_tests.canonical import CanonicalRequest, to_wire
from vidukit.contract_tests.checks import REGISTRY, AdapterRun, CheckContext, find_risks
from vidukit.contract_tests.harness import Report
from vidukit.reports import verify_html

REQUEST = CanonicalRequest(prompt="a cat", images=["https://img.example/cat.png"], duration=5,
                           resolution="720p", aspect_ratio="16:9", movement_amplitude="large",
                           seed=11)
ORIGIN = "http://127.0.0.1:9"
SUBMIT = {"wavespeed": "/wavespeed/api/v3/vidu/reference-to-video-q2",
          "novita": "/novita/v3/async/vidu-q2-reference2video"}
LOST = "connection-closed;phase=after"


def url(task: str) -> str:
    return f"{ORIGIN}/_mock/media/{task}.mp4"


def answer(provider: str, task: str) -> dict[str, Any]:
    if provider == "novita":
        return {"task_id": task}
    return {"code": 200, "message": "success", "data": {"id": task, "status": "created"}}


def submit(provider: str, seq: int, task: str, *, status: int = 200,
           fault: str | None = None) -> dict[str, Any]:
    return {"seq": seq, "at": "2027-01-15T08:00:00.000Z", "provider": provider,
            "request": {"method": "POST", "path": SUBMIT[provider], "query": "", "headers": [],
                        "body": to_wire(provider, REQUEST)},
            "validation": {"valid": True, "violations": []},
            "response": {"status": 0 if fault and "closed" in fault else status,
                         "body": answer(provider, task) if status == 200 else {"error": "x"}},
            "fault": fault}


def ctx(provider: str, *exchange: dict[str, Any], tasks: tuple[str, ...] = ("t1", "t2"),
        result: Any = None, strict: bool = False, **extra: Any) -> CheckContext:
    run = AdapterRun(result=result or {"status": "succeeded", "video_url": url(tasks[-1])},
                     elapsed=0.1, budget=5)
    options = {"strict_charges": strict, **extra.pop("options", {})}
    return CheckContext(provider=provider, request=REQUEST, run=run, exchange=exchange,
                        tasks=tuple({"id": t, "state": "succeeded"} for t in tasks),
                        origin=ORIGIN, options=options, **extra)


def lost_then_resubmitted(provider: str, **kwargs: Any) -> CheckContext:
    return ctx(provider, submit(provider, 1, "t1", fault=LOST), submit(provider, 2, "t2"),
               **kwargs)


def broke(name: str, context: CheckContext) -> list[str]:
    return REGISTRY[name](context)


def test_a_resubmit_after_a_lost_answer_fails_where_the_provider_has_a_way_to_find_out() -> None:
    found = broke("no-double-charge", lost_then_resubmitted("wavespeed"))
    assert len(found) == 1
    assert "2 paid tasks (t1, t2)" in found[0] and "#1 POST" in found[0]
    assert "predictions" in found[0]  # names the documented way: the prediction list
    assert find_risks(["no-double-charge"], lost_then_resubmitted("wavespeed")) == []


def test_where_the_provider_has_none_it_is_a_risk_unless_strict() -> None:
    lenient = lost_then_resubmitted("novita")
    assert broke("no-double-charge", lenient) == []
    [(name, risk)] = find_risks(["no-double-charge"], lenient)
    assert name == "no-double-charge" and risk.startswith("blind resubmit: 2 paid tasks")
    strict = lost_then_resubmitted("novita", strict=True)
    [failure] = broke("no-double-charge", strict)
    assert "--strict-charges" in failure
    assert find_risks(["no-double-charge"], strict) == []
    assert find_risks(["collects-what-it-paid-for"], lenient) == []  # only selected checks


def test_two_tasks_without_a_lost_answer_fail_everywhere() -> None:
    twice = ctx("novita", submit("novita", 1, "t1"), submit("novita", 2, "t2"))
    [failure] = broke("no-double-charge", twice)
    assert "every submit answer reached the client whole" in failure


@pytest.mark.parametrize("provider", ["wavespeed", "novita"])
def test_one_task_is_one_charge(provider: str) -> None:
    context = ctx(provider, submit(provider, 1, "t1", fault=LOST), tasks=("t1",), strict=True)
    assert broke("no-double-charge", context) == []


def test_a_succeeded_task_the_client_knew_of_must_be_collected() -> None:
    gave_up = ctx("novita", submit("novita", 1, "t1"), tasks=("t1",),
                  result={"status": "failed", "error": "poll failed"})
    [failure] = broke("collects-what-it-paid-for", gave_up)
    assert "task t1 succeeded" in failure and "#1 POST" in failure
    collected = ctx("novita", submit("novita", 1, "t1"), tasks=("t1",))
    assert broke("collects-what-it-paid-for", collected) == []


def test_a_task_whose_submit_answer_never_arrived_is_not_collects_business() -> None:
    lost = ctx("novita", submit("novita", 1, "t1", fault=LOST), tasks=("t1",),
               result={"status": "failed", "error": "connection closed"})
    assert broke("collects-what-it-paid-for", lost) == []


def test_an_accepted_callback_makes_the_task_known() -> None:
    callback = {"task_id": "t1", "url": "http://127.0.0.1:1/hook",
                "attempts": [{"attempt": 1, "ok": True, "status": 200, "signature": "valid"}]}
    heard = ctx("novita", submit("novita", 1, "t1", fault=LOST), tasks=("t1",),
                result={"status": "failed", "error": "gave up"},
                options={"webhooks": [callback]})
    [failure] = broke("collects-what-it-paid-for", heard)
    assert "a callback its receiver accepted" in failure


def _gave_up_after_a_503_on_submit(provider: str) -> CheckContext:
    refused = submit(provider, 1, "t1", status=503)
    return ctx(provider, refused, tasks=(), fired=("http-503",),
               result={"status": "failed", "error": "AmbiguousSubmit: HTTP 503"})


def test_strict_retries_excuses_giving_up_after_a_5xx_submit_only_without_a_way_to_find_out(
) -> None:
    assert broke("strict-retries", _gave_up_after_a_503_on_submit("novita")) == []
    [failure] = broke("strict-retries", _gave_up_after_a_503_on_submit("wavespeed"))
    assert "set to succeed but the adapter reported failed" in failure


def test_a_passing_report_lists_its_risks_in_text_and_junit() -> None:
    report = Report("novita", "m:f", ("no-double-charge",), 1, 3, 0.5,
                    risks=("no-double-charge (in 2 of 3 example(s)): blind resubmit: ...",))
    text = report.to_text()
    assert report.passed and "all checks held: no-double-charge" in text
    assert "risks (reported, not failed): 1" in text and "risk no-double-charge (in 2 of 3" in text
    assert '<property name="risk" value="no-double-charge (in 2 of 3' in report.to_junit_xml()
    page = verify_html(report)
    assert "Risks (reported, not failed)" in page and "blind resubmit: ..." in page


def test_an_output_the_client_fetched_is_collected_whatever_it_reports() -> None:
    """Issue 16: a task "had its output fetched or its URL returned"; the mock's ledger
    marks a task fetched when its output is served."""
    def known(fetched: bool) -> CheckContext:
        context = ctx("novita", submit("novita", 1, "t1"), tasks=("t1",),
                      result={"status": "failed", "error": "kept the file, lost the URL"})
        charge = {"amount": "0.1", "unit": "USD", "fetched": fetched}
        task = {"id": "t1", "state": "succeeded", "meta": {"ledger": charge}}
        return dataclasses.replace(context, tasks=(task,))

    assert broke("collects-what-it-paid-for", known(fetched=True)) == []
    [failure] = broke("collects-what-it-paid-for", known(fetched=False))
    assert "never fetched the output" in failure
