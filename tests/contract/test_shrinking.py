"""Shrinking reaches a small example within the default run, for the common failures.

Each broken client below has one of issue 18's common bugs. Run with every
default (25 examples, the default shrink time, transient faults on, the 30 s
budget), the failing example reported must be minimal, not "the smallest
found": one image, a short prompt a reader can see at a glance, and at most
one scenario. A client that polls a failed task forever is the one that used
to eat the time: every replay ran to the budget.
"""

from __future__ import annotations

from typing import Any

import pytest

from examples.broken.wavespeed import ignores_failure, polls_forever, wrong_enum
from vidukit.contract_tests.canonical_strategies import PLAIN_PROMPT
from vidukit.contract_tests.harness import DEFAULT_SHRINK_SECONDS, verify_client

#: A prompt this short is read at a glance.
SHORT = 10


@pytest.mark.parametrize(("adapter", "caught_by"), [
    (polls_forever, "no-poll-after-terminal"),
    (wrong_enum, "requests-valid"),
    (ignores_failure, "outcome-matches"),
], ids=["polls-forever", "wrong-enum", "ignores-failure"])
def test_the_default_run_shrinks_a_common_failure_to_a_small_example(
        adapter: Any, caught_by: str) -> None:
    report = verify_client("wavespeed", adapter, seed=5)
    example = report.example

    assert example is not None and caught_by in report.failed_checks, report.to_text()
    assert report.shrunk, f"shrinking hit its time limit:\n{report.to_text()}"
    assert len(example.request["images"]) == 1
    prompt = example.request["prompt"]
    assert len(prompt) <= SHORT and set(prompt) <= set(PLAIN_PROMPT), repr(prompt)
    assert len(example.fired) <= 1, example.fired
    assert len(example.behaviour.faults) + example.behaviour.extra_fields <= 1
    assert example.behaviour.progression == "immediate"
    # the whole run, shrinking included, stays well inside what shrinking may take alone
    assert report.elapsed < DEFAULT_SHRINK_SECONDS + 30, report.elapsed


def test_a_client_that_polls_forever_is_stopped_not_charged_with_a_hang() -> None:
    report = verify_client("wavespeed", polls_forever, examples=5, seed=5,
                           transient_faults=False, shrink_seconds=0.0)
    example = report.example

    assert example is not None and report.failed_checks == ("no-poll-after-terminal",)
    assert example.run.stopped and not example.run.hung
    assert example.run.elapsed < 5, example.run.elapsed  # not the 30 s budget
