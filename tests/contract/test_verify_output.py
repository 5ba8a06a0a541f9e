"""What ``vidukit verify`` prints for a broken client: the verdict first, then a short example.

The case of issue 18: a WaveSpeed client without a ``failed`` branch polled its
failed task 196 times, each answer a 760-character body, and the report was
about 380 lines with the verdict at the end. The snapshot below is that
example, built by hand so that it is byte-stable; the end-to-end test runs the
real broken client through the CLI.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from examples.broken.wavespeed import empty_url_on_failure
from vidukit.cli import main
from vidukit.contract_tests.canonical import CanonicalRequest
from vidukit.contract_tests.checks import REGISTRY, AdapterRun
from vidukit.contract_tests.harness import Behaviour, CheckFailure, Example, Report, verify_client

#: The default text must stay readable whatever the client did.
MAX_LINES = 40
TASK = "579941a77d4ff9c95486579a544f5b39"
SUBMIT = "/wavespeed/api/v3/vidu/reference-to-video-q2"
POLL = f"/wavespeed/api/v3/predictions/{TASK}/result"
REQUEST = CanonicalRequest(prompt="a cat", images=["https://img.example/a.png"], duration=5,
                           resolution="720p", aspect_ratio="16:9", movement_amplitude="auto",
                           seed=None)


def _prediction(status: str, length: int = 760) -> dict[str, Any]:
    """A WaveSpeed answer (doc 000's envelope) padded by its error text to *length* chars."""
    body: dict[str, Any] = {"code": 200, "message": "success",
                            "data": {"id": TASK, "model": "vidu/reference-to-video-q2",
                                     "outputs": [], "status": status, "error": ""}}
    body["data"]["error"] = "x" * (length - len(json.dumps(body)))
    return body


def _entry(seq: int, method: str, path: str, body: Any, answer: Any) -> dict[str, Any]:
    at = datetime.fromtimestamp(1_800_000_000 + 0.25 * (seq - 1), UTC)
    return {"seq": seq, "at": at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "provider": "wavespeed",
            "request": {"method": method, "path": path, "query": "", "body": body},
            "validation": {"valid": True, "violations": []} if method == "POST" else None,
            "response": {"status": 200, "body": answer}, "fault": None}


def _issue_report() -> Report:
    exchange = [_entry(1, "POST", SUBMIT, {"prompt": "a cat"}, _prediction("created")),
                *(_entry(seq, "GET", POLL, None, _prediction("failed")) for seq in range(2, 198))]
    message = (f"polled task {TASK} 195 more time(s) after #2 GET {POLL} -> 200 showed it "
               f"finished; first: #3 GET {POLL} -> 200")
    example = Example(
        REQUEST, Behaviour(outcome="fail-internal"),
        AdapterRun(hung=True, elapsed=30.0, budget=30.0), tuple(exchange),
        ({"id": TASK, "state": "failed"},), (),
        (CheckFailure("no-hang", "the adapter returns within the time budget",
                      (f"the adapter had not returned after 30 s (197 request(s) sent; its "
                       f"last request: GET {POLL})",)),
         CheckFailure("no-poll-after-terminal", "it never polls a finished task again",
                      (message,))))
    return Report("wavespeed", "examples.broken.wavespeed:polls_forever",
                  ("requests-valid", "no-hang", "no-poll-after-terminal"), 5, 7, 93.0, example,
                  shrunk=False)


#: The issue case as the short text prints it (reviewed by eye; regenerate deliberately).
SNAPSHOT = Path(__file__).parent / "snapshots" / "verify-polls-forever.txt"


def test_the_issue_case_prints_the_verdict_first_and_folds_the_repeated_polls() -> None:
    text = _issue_report().to_text()
    assert text + "\n" == SNAPSHOT.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_LINES


def test_verbose_prints_every_exchange_with_its_body_whole() -> None:
    text = _issue_report().to_text(verbose=True)
    body = json.dumps(_prediction("failed"), ensure_ascii=False)
    assert len(body) == 760 and text.count(body) == 196
    assert text.count(f"GET {POLL}\n") == 196 and "more polls" not in text


def test_answers_that_differ_are_not_folded_and_a_long_exchange_keeps_its_ends() -> None:
    exchange = [_entry(1, "POST", SUBMIT, {"prompt": "a cat"}, _prediction("created")),
                *(_entry(seq, "GET", POLL, None, _prediction("processing", 200 + seq))
                  for seq in range(2, 60))]
    example = Example(REQUEST, Behaviour(), AdapterRun(hung=True, budget=1.0), tuple(exchange))
    lines = example.to_text(provider="wavespeed").splitlines()
    start = lines.index("exchange (59 request(s)):")
    shown = lines[start + 1:lines.index("tasks: none")]
    # every answer differs (its length does): nothing folds, the middle is left out, counted
    assert not any("same answer" in line for line in shown)
    assert shown[-1].startswith("  #59 ") and shown[0].startswith("  #1 ")
    [gap] = [line for line in shown if line.startswith("  ... ")]
    hidden = int(gap.split(": ")[1].split()[0])
    assert hidden == 59 - sum(1 for line in shown if line.startswith("  #"))
    assert len(shown) <= 12


def test_a_traceback_is_cut_to_its_last_lines_unless_verbose() -> None:
    frames = [f'  File "client.py", line {n}, in step_{n}' for n in range(30)]
    error = "\n".join(["Traceback (most recent call last):", *frames, "KeyError: 'urls'"])
    failure = CheckFailure("no-crash", "d", (f"an exception escaped the adapter:\n{error}",))
    example = Example(REQUEST, Behaviour(), AdapterRun(error=error), failures=(failure,))
    report = Report("wavespeed", "m:f", ("no-crash",), 1, 1, 0.1, example)

    short = report.to_text().splitlines()
    assert short[2] == "  no-crash: an exception escaped the adapter:"
    assert "adapter: raised after 0.00 s: KeyError: 'urls'" in short
    assert short.count("    KeyError: 'urls'") == 1 and len(short) <= 20
    assert report.to_text(verbose=True).count("KeyError: 'urls'") == 2
    assert all(frame in report.to_text(verbose=True) for frame in frames)


def test_the_cli_report_of_a_client_that_polls_forever_is_short_and_quick(
    capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    status = main(["verify", "--provider", "wavespeed", "--adapter",
                   "examples.broken.wavespeed:polls_forever", "--seed", "5", "--examples", "8"])
    elapsed = time.monotonic() - started
    lines = capsys.readouterr().out.splitlines()

    assert status == 1, "\n".join(lines)
    assert len(lines) <= MAX_LINES, "\n".join(lines)
    defaults = len(REGISTRY.select())  # the default checks, gives-up included
    assert lines[1] == f"FAILED: 1 of {defaults} check(s) broke"
    assert lines[2].startswith("  no-poll-after-terminal: polled task ")
    assert lines[3] == "minimal failing example:"
    assert any(line.startswith("adapter: stopped by the harness: it polled task ")
               for line in lines)
    # the budget is 30 s per call: before the harness stopped such a client, each of the 8
    # examples hung that long (240 s and more with shrinking); the bound leaves a loaded
    # machine room, since this is a regression guard, not a speed target
    assert elapsed < 120, elapsed


def test_an_empty_url_for_a_failed_task_is_charged_to_outcome_matches_only() -> None:
    report = verify_client("wavespeed", empty_url_on_failure, examples=10, seed=5,
                           transient_faults=False, shrink_seconds=0.0)
    assert report.failed_checks == ("outcome-matches",), report.to_text()
    assert "reported success ('') but no task succeeded" in report.to_text()
