"""``stops-when-broke`` alone, on hand-built examples (no mock, no adapter).

A refused submit is written as ``GET /_mock/journal`` shows it: the provider's refusal
(WaveSpeed's 403 here) with the ledger's note ``{"refused": "insufficient-funds"}``.
"""

from __future__ import annotations

from typing import Any

from vidukit.contract_tests.canonical import CanonicalRequest, to_wire
from vidukit.contract_tests.checks import REGISTRY, AdapterRun, CheckContext

REQUEST = CanonicalRequest(prompt="a cat", images=["https://img.example/cat.png"], duration=5,
                           resolution="720p", aspect_ratio="16:9", movement_amplitude="auto",
                           seed=None)
SUBMIT = "/wavespeed/api/v3/vidu/reference-to-video-q2"
FAILED = AdapterRun(result={"status": "failed", "error": "HTTP 403"}, elapsed=0.1, budget=5)
CHECK = REGISTRY["stops-when-broke"]


def submit(seq: int, *, refused: bool = True) -> dict[str, Any]:
    note = [{"refused": "insufficient-funds", "price": "0.065", "balance": "0",
             "unit": "USD"}] if refused else None
    return {"seq": seq, "at": "2026-12-06T09:00:00.000Z", "provider": "wavespeed",
            "request": {"method": "POST", "path": SUBMIT, "query": "", "headers": [],
                        "body": to_wire("wavespeed", REQUEST)},
            "validation": {"valid": True, "violations": []},
            "response": {"status": 403, "body": {"code": 403, "message": "insufficient "
                                                 "balance", "data": None}},
            "fault": None, "ledger": note}


def judge(run: AdapterRun, *entries: dict[str, Any]) -> list[str]:
    return CHECK(CheckContext(provider="wavespeed", request=REQUEST, run=run,
                              exchange=tuple(entries)))


def test_one_refused_submit_reported_failed_holds() -> None:
    assert judge(FAILED, submit(1)) == []


def test_a_403_that_is_not_about_money_is_not_this_checks_business() -> None:
    assert judge(AdapterRun(result={"status": "succeeded", "video_url": "x"}),
                 submit(1, refused=False), submit(2, refused=False)) == []


def test_resubmitting_after_the_refusal_breaks_it() -> None:
    [message] = judge(FAILED, submit(1), submit(2), submit(3))
    assert "submitted 2 more time(s) after #1 POST" in message and "HTTP 403" in message


def test_an_exception_is_left_to_no_crash() -> None:
    raised = AdapterRun(error="Traceback ...\nApiError: HTTP 403", elapsed=0.1, budget=5)
    assert judge(raised, submit(1)) == []


def test_a_success_or_a_hang_after_the_refusal_break_it() -> None:
    claimed = AdapterRun(result={"status": "succeeded", "video_url": ""}, budget=5)
    assert "expected {'status': 'failed'" in judge(claimed, submit(1))[0]
    hung = AdapterRun(hung=True, elapsed=5.0, budget=5)
    assert "had not returned 5.0 s after" in judge(hung, submit(1))[0]
