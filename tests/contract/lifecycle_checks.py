"""The lifecycle invariants as plain functions over what a task has shown, in order.

Pure (no mock, no Hypothesis), so the test file can prove each one fails on a
bad history, and the state machine calls them after every step. Each raises
`AssertionError` naming the task, the observations and the rule broken.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from vidukit import validate
from vidukit.mock_server.engine.lifecycle import FAILED, LIFECYCLE, SUCCEEDED, Lifecycle

from .lifecycle_adapters import Observation, ProviderAdapter


def schema_errors(provider: str, message: str, body: Any) -> list[str]:
    """Every error-severity violation of *body* as *provider*'s *message*, one line each."""
    return [
        f"{v.path or '/'}: {v.message} [{v.rule}]"
        for v in validate(provider, message, body, notes=False)
        if v.severity == "error"
    ]


def onward(state: str, table: Lifecycle = LIFECYCLE) -> frozenset[str]:
    """*state* and every state the transition table can reach from it."""
    seen = {state}
    todo = deque([state])
    while todo:
        for target in table.exits(todo.popleft()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return frozenset(seen)


def _states(adapter: ProviderAdapter, task: str, seen: Observation) -> frozenset[str]:
    states = adapter.states_of(seen.word)
    assert states, f"{task}: {seen.word!r} is not one of {sorted(set(adapter.words.values()))}"
    return states


def check_moves_along_the_table(
    adapter: ProviderAdapter, task: str, history: Sequence[Observation]
) -> None:
    """Each observed state is the previous one or reachable from it in the table.

    Where a word stands for several engine states (Vtrix ``in_progress``,
    Runware ``processing``), some reading of the two words must be a legal move.
    """
    for before, after in pairwise(history):
        sources = _states(adapter, task, before)
        targets = _states(adapter, task, after)
        assert any(targets & onward(s) for s in sources), (
            f"{task}: {before.word!r} -> {after.word!r} is not a move of the lifecycle "
            f"({sorted(sources)} -> {sorted(targets)}); history {[o.word for o in history]}"
        )


def check_terminal_never_changes(
    adapter: ProviderAdapter, task: str, history: Sequence[Observation]
) -> None:
    """Once a task shows a terminal word, every later answer shows exactly the same end."""
    for index, seen in enumerate(history):
        if _states(adapter, task, seen) <= LIFECYCLE.terminal:
            for later in history[index + 1 :]:
                assert later == seen, f"{task}: finished as {seen}, later showed {later}"
            return


def check_outputs_exactly_when_completed(
    adapter: ProviderAdapter, task: str, seen: Observation
) -> None:
    """Outputs appear exactly on success, a failure exactly on failure."""
    succeeded = seen.word == adapter.words[SUCCEEDED]
    failed = _states(adapter, task, seen) == {FAILED}
    assert bool(seen.outputs) == succeeded, f"{task}: {seen.word!r} with outputs {seen.outputs}"
    assert (seen.failure is not None) == failed, (
        f"{task}: {seen.word!r} with failure {seen.failure!r}"
    )


def check_progress_never_goes_back(task: str, history: Sequence[Observation]) -> None:
    """Progress stays within [0, 1] and never decreases over the answers that carry it."""
    shown = [o.progress for o in history if o.progress is not None]
    for value in shown:
        assert 0.0 <= value <= 1.0, f"{task}: progress {value} outside [0, 1]"
    for before, after in pairwise(shown):
        assert after >= before, f"{task}: progress went back from {before} to {after}: {shown}"


__all__ = [
    "check_moves_along_the_table",
    "check_outputs_exactly_when_completed",
    "check_progress_never_goes_back",
    "check_terminal_never_changes",
    "onward",
    "schema_errors",
]
