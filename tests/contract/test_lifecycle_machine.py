"""The mock verified against its own schemas: a lifecycle state machine per provider.

Each ``Test<Provider>Lifecycle`` runs `lifecycle_machine.LifecycleMachine`
with that provider's adapter on the loaded Hypothesis profile (``ci``: 25
examples) for `STEPS` steps, after first replaying the fixed regression
scenarios in `REGRESSIONS` (a failure the search once found stays checked on
every run, whatever the search draws this time). The remaining tests prove
the checks can fail: each invariant rejects a bad history, and a machine
given a wrong reading of a provider fails.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, settings
from hypothesis.stateful import run_state_machine_as_test

from vidukit.contract_tests.strategies import from_schema
from vidukit.mock_server.engine.lifecycle import PROCESSING, QUEUED

from .lifecycle_adapters import (
    MYROUTER,
    NOVITA,
    RUNWARE,
    VTRIX,
    WAVESPEED,
    Observation,
    ProviderAdapter,
)
from .lifecycle_checks import (
    check_moves_along_the_table,
    check_outputs_exactly_when_completed,
    check_progress_never_goes_back,
    check_terminal_never_changes,
    onward,
)
from .lifecycle_machine import DEFAULT_PLAN, LifecycleMachine, replay
from .lifecycle_model import Ending, Plan

#: Steps per example: room for a few submits, many polls, clock jumps and forces.
STEPS = 50
#: The loaded profile (``ci`` by default) with the step count; health checks off, as
#: Hypothesis itself sets them for state machines (big drawn bodies trip data_too_large).
SEARCH = settings(stateful_step_count=STEPS, suppress_health_check=list(HealthCheck))


@cache
def smallest_body(provider: str) -> Any:
    """The simplest valid submit body Hypothesis can find (what a shrunk failure shows)."""
    quick = settings(database=None, phases=(Phase.generate, Phase.shrink), max_examples=25)
    return find(from_schema(provider, "submit-request"), lambda _: True, settings=quick)


def forced_failure_then_polls(machine: Any) -> None:
    """Found by the Novita machine: a task on ``polls=3`` polled once (processing, 33%),
    forced to fail, then polled twice must show the same failed answer both times."""
    machine.set_default_progression(plan=DEFAULT_PLAN)
    body = smallest_body(machine.adapter.provider)
    task = machine.submit(body=body, plan=Plan("polls", polls=3), ending=None).values[0]
    machine.poll(task=task, times=1, alternative_path=False)
    machine.force_outcome(task=task, ending=Ending("fail"))
    machine.poll(task=task, times=2, alternative_path=False)


REGRESSIONS: tuple[Callable[[Any], None], ...] = (forced_failure_then_polls,)

def machine_for(adapter: ProviderAdapter, name: str | None = None) -> type[LifecycleMachine]:
    """The generic machine bound to *adapter* (a class: Hypothesis builds one per run)."""
    title = name or f"{adapter.provider.title()}Lifecycle"
    return type(title, (LifecycleMachine,), {"adapter": adapter})


def verify(machine: type[LifecycleMachine], search: settings) -> None:
    """Replay every regression scenario, then let Hypothesis search."""
    for scenario in REGRESSIONS:
        replay(machine, scenario)
    run_state_machine_as_test(machine, settings=search)


def _test_case(adapter: ProviderAdapter) -> Any:
    """*adapter*'s machine as a unittest case pytest collects, on the loaded profile."""
    machine = machine_for(adapter)

    class Case(machine.TestCase):  # type: ignore[name-defined,misc]
        settings = SEARCH

        def runTest(self) -> None:
            verify(machine, self.settings)

    Case.__name__ = Case.__qualname__ = f"Test{machine.__name__}"
    return Case


TestWavespeedLifecycle = _test_case(WAVESPEED)
TestVtrixLifecycle = _test_case(VTRIX)
TestNovitaLifecycle = _test_case(NOVITA)
TestMyrouterLifecycle = _test_case(MYROUTER)
TestRunwareLifecycle = _test_case(RUNWARE)


# -- the checks can fail ---------------------------------------------------------------


def _seen(word: str, **fields: Any) -> Observation:
    return Observation(word=word, **fields)


def test_the_table_closure_follows_the_engine_table() -> None:
    assert onward(QUEUED) == {"queued", "processing", "succeeded", "failed"}
    assert onward(PROCESSING) == {"processing", "succeeded", "failed"}
    assert onward("succeeded") == {"succeeded"}


@pytest.mark.parametrize(
    ("adapter", "words"),
    [
        (WAVESPEED, ["completed", "processing"]),
        (WAVESPEED, ["processing", "created"]),
        (NOVITA, ["TASK_STATUS_FAILED", "TASK_STATUS_QUEUED"]),
        (VTRIX, ["completed", "in_progress"]),
        (RUNWARE, ["error", "processing"]),
        (WAVESPEED, ["created", "queued"]),  # not a WaveSpeed word at all
    ],
)
def test_a_move_against_the_table_is_refused(adapter: ProviderAdapter, words: list[str]) -> None:
    with pytest.raises(AssertionError):
        check_moves_along_the_table(adapter, "t", [_seen(w) for w in words])


@pytest.mark.parametrize(
    ("adapter", "words"),
    [
        (WAVESPEED, ["created", "created", "processing", "completed", "completed"]),
        (WAVESPEED, ["created", "failed"]),
        (VTRIX, ["in_progress", "in_progress", "completed"]),
        (RUNWARE, ["processing", "error"]),
    ],
)
def test_a_move_along_the_table_passes(adapter: ProviderAdapter, words: list[str]) -> None:
    check_moves_along_the_table(adapter, "t", [_seen(w) for w in words])
    check_terminal_never_changes(adapter, "t", [_seen(w) for w in words])


def test_a_changed_terminal_answer_is_refused() -> None:
    first = _seen("TASK_STATUS_FAILED", failure="InternalServiceFailure", progress=0.33)
    later = dataclasses.replace(first, progress=0.66)
    with pytest.raises(AssertionError, match="finished as"):
        check_terminal_never_changes(NOVITA, "t", [first, later])
    with pytest.raises(AssertionError):
        check_terminal_never_changes(WAVESPEED, "t", [_seen("completed"), _seen("failed")])


@pytest.mark.parametrize(
    "seen",
    [
        _seen("processing", outputs=("http://mock/_mock/media/t.mp4",)),
        _seen("completed"),
        _seen("failed"),
        _seen("completed", outputs=("http://mock/_mock/media/t.mp4",), failure="1403"),
    ],
)
def test_outputs_or_failures_in_the_wrong_state_are_refused(seen: Observation) -> None:
    with pytest.raises(AssertionError):
        check_outputs_exactly_when_completed(WAVESPEED, "t", seen)


@pytest.mark.parametrize("progress", [[0.5, 0.4], [0.0, 1.2], [-0.1]])
def test_progress_going_back_or_out_of_range_is_refused(progress: list[float]) -> None:
    with pytest.raises(AssertionError):
        check_progress_never_goes_back("t", [_seen("in_progress", progress=p) for p in progress])


@pytest.mark.parametrize(
    "wrong",
    [
        dataclasses.replace(
            WAVESPEED, words={**WAVESPEED.words, QUEUED: "processing", PROCESSING: "created"}
        ),
        dataclasses.replace(RUNWARE, default_failure_code="providerError"),
    ],
    ids=["wavespeed-swapped-words", "runware-wrong-default-code"],
)
def test_a_machine_with_a_wrong_reading_of_the_provider_fails(wrong: ProviderAdapter) -> None:
    search = settings(SEARCH, phases=(Phase.generate,), database=None)
    with pytest.raises(AssertionError):
        verify(machine_for(wrong, "WrongLifecycle"), search)
