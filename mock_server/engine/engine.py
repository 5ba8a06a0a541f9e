"""The lifecycle engine: one for every provider, framework-free.

A task's state is *derived* whenever someone looks at it: from the clock (time
progression), from how often its owner polled (poll progression), or at once
(immediate). No timer runs in the background, so advancing a virtual clock
moves every task at the next look, and a server that restarts on a
persistent store picks up where it was. What a look reveals is written back
(``state``, ``entered``) so later looks never go backwards, and each step is
checked against the transition table.

On-enter hooks (``engine.on_enter(state, hook)``) run when a task is first
seen in a state; webhooks hang off them. Checks (``before_create``,
``before_poll``) may refuse a new task or a poll by raising, and a start gate
(``set_gate``) may push back when a time-progressed task starts processing
(quotas and fault scenarios use these). Schedulers that must
act without a look (webhook delivery on a time progression) ask
`Engine.next_change_at` when the next change is due.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from vidukit.mock_server.clock import Clock
from vidukit.mock_server.engine.ids import Ids, first_units, request_digest
from vidukit.mock_server.engine.lifecycle import (
    FAILED,
    LIFECYCLE,
    PROCESSING,
    QUEUED,
    SUCCEEDED,
    Lifecycle,
)
from vidukit.mock_server.errors import ConfigError
from vidukit.mock_server.storage import TaskStore
from vidukit.mock_server.tasks import Outcome, Progression, Task

#: ``hook(task, state, at)``: called once when *task* enters *state* at time *at*.
Hook = Callable[[Task, str, float], None]
#: ``check(task)``: may refuse (raise) a task about to be stored, or a poll about to count.
Check = Callable[[Task], None]
#: ``gate(task, ready) -> start``: when *task*, ready at *ready*, may start processing
#: (``ready`` or later; ``math.inf`` for never). Must depend only on stored tasks.
Gate = Callable[[Task, float], float]


class EngineError(Exception):
    """A request to the engine that the lifecycle does not allow."""


class TaskFinished(EngineError):
    """The task is already in a terminal state, which has no exits."""


class UnknownTask(EngineError, KeyError):
    pass


class Engine:
    def __init__(
        self,
        *,
        clock: Clock,
        store: TaskStore,
        progression: Progression,
        outcome: Outcome | None = None,
        seed: int = 0,
        jitter: float = 0.0,
        lifecycle: Lifecycle = LIFECYCLE,
    ) -> None:
        lifecycle.validate()
        if not 0.0 <= jitter < 1.0:
            raise ConfigError(f"jitter must be in [0, 1), not {jitter!r}")
        self.clock = clock
        self.store = store
        self.lifecycle = lifecycle
        self.seed = seed
        self.jitter = jitter
        self.ids = Ids(seed, counter=lambda: int(store.add_number("task-ids", 1)))
        self._initial_defaults = (progression, outcome or Outcome())
        self.progression, self.outcome = self._initial_defaults
        self._hooks: dict[str, list[Hook]] = {}
        self._create_checks: list[Check] = []
        self._poll_checks: list[Check] = []
        self._gate: Gate | None = None

    # -- set-up ------------------------------------------------------------------------

    def on_enter(self, state: str, hook: Hook) -> None:
        if state not in self.lifecycle.states:
            raise ConfigError(f"no state {state!r}; states: {sorted(self.lifecycle.states)}")
        self._hooks.setdefault(state, []).append(hook)

    def before_create(self, check: Check) -> None:
        self._create_checks.append(check)

    def before_poll(self, check: Check) -> None:
        self._poll_checks.append(check)

    def set_gate(self, gate: Gate | None) -> None:
        self._gate = gate

    def reset(self) -> None:
        """Forget every task and go back to the configured defaults and id sequence."""
        self.store.clear()
        self.ids.reset()
        self.progression, self.outcome = self._initial_defaults

    # -- tasks -------------------------------------------------------------------------

    def create(
        self,
        *,
        provider: str,
        owner: str,
        request: Any,
        task_id: str | None = None,
        progression: Progression | None = None,
        outcome: Outcome | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> Task:
        """Store a new task in the initial state.

        Jitter applies only to the server's default progression: a client that
        asks for ``time=1,4`` gets exactly that.
        """
        digest = request_digest(self.seed, provider, request)
        spread, draw = first_units(digest)
        generation_seed = 1 + int(draw * (2**31 - 2))
        if progression is None:
            progression = self.progression.scaled(1.0 + self.jitter * (2.0 * spread - 1.0))
        now = self.clock.now()
        initial = self.lifecycle.initial
        task = Task(
            id=task_id or self.ids.hex(),
            provider=provider,
            owner=owner,
            created_at=now,
            progression=progression,
            outcome=outcome or self.outcome,
            seed=generation_seed,
            request=request,
            meta=dict(meta or {}),
            state=initial,
            entered={initial: now},
        )
        for check in self._create_checks:
            check(task)
        self.store.put(task)
        self._fire(task, initial, now)
        return task

    def get(self, task_id: str) -> Task | None:
        """The stored task without looking at it (its state is not brought up to date)."""
        return self.store.get(task_id)

    def poll(self, provider: str, owner: str, task_id: str) -> Task | None:
        """The task as its owner sees it now, counting the poll; None when it is not theirs.

        Tasks belong to the provider and the key that created them: an unknown id, another
        provider's task and another key's task all look the same, so a provider answers
        them with one not-found.
        """
        task = self.store.get(task_id)
        if task is None or task.provider != provider or task.owner != owner:
            return None
        return self.observe(task, poll=True)

    def observe(self, task: Task, *, poll: bool = False) -> Task:
        """Bring *task* up to date; a *poll* (its owner asking) also counts towards polls=N."""
        now = self.clock.now()
        if poll:
            for check in self._poll_checks:
                check(task)
            task.polls += 1
        if self._advance(task, now) or poll:
            self.store.put(task)
        return task

    def force(self, task_id: str, outcome: Outcome) -> Task:
        """End the task now with *outcome*, or hold it in processing (``stay-processing``)."""
        task = self.store.get(task_id)
        if task is None:
            raise UnknownTask(task_id)
        now = self.clock.now()
        self._advance(task, now)
        if task.state in self.lifecycle.terminal:
            raise TaskFinished(
                f"task {task_id} is already {task.state}; a finished task cannot change"
            )
        task.outcome = outcome
        task.forced = True
        self._advance(task, now)
        self.store.put(task)
        return task

    def reprogram(self, task_id: str, progression: Progression) -> Task:
        """Give an unfinished task a new progression, counted from its creation as before.

        States already shown stay shown (a task never goes back); a time
        progression whose milestones have passed moves the task at once.
        """
        task = self.store.get(task_id)
        if task is None:
            raise UnknownTask(task_id)
        now = self.clock.now()
        self._advance(task, now)
        if task.state in self.lifecycle.terminal:
            raise TaskFinished(
                f"task {task_id} is already {task.state}; a finished task cannot change"
            )
        task.progression = progression
        self._advance(task, now)
        self.store.put(task)
        return task

    def next_change_at(self, task: Task) -> float | None:
        """When the clock alone will next move *task*, or None if only a poll or force can."""
        if task.state in self.lifecycle.terminal or task.forced:
            return None
        if task.progression.mode != "time":
            return None
        for state, at in self._milestones(task, float("inf")):
            if state not in task.entered:
                return at if math.isfinite(at) else None
        return None

    # -- derivation --------------------------------------------------------------------

    def _milestones(self, task: Task, now: float) -> list[tuple[str, float]]:
        """The states *task* should have entered by *now*, in order, with when."""
        outcome = task.outcome
        final = SUCCEEDED if outcome.kind == "succeed" else FAILED
        if task.forced:
            if outcome.kind == "stay-processing":
                return [(PROCESSING, now)]
            if outcome.kind == "fail" and task.state == QUEUED:
                return [(FAILED, now)]
            return [(PROCESSING, now), (final, now)]
        progression = task.progression
        start = task.created_at
        if progression.mode == "immediate":
            steps = [(PROCESSING, start), (final, start)]
        elif progression.mode == "time":
            began = start + progression.queue_seconds
            if self._gate is not None:
                began = self._gate(task, began)
            steps = [(PROCESSING, began), (final, began + progression.processing_seconds)]
        elif task.polls <= 0:
            steps = []
        elif task.polls < progression.polls:
            steps = [(PROCESSING, now)]
        else:
            steps = [(PROCESSING, now), (final, now)]
        if outcome.kind == "stay-processing":
            steps = steps[:1]
        return [(state, at) for state, at in steps if at <= now]

    def _advance(self, task: Task, now: float) -> bool:
        if task.state in self.lifecycle.terminal:
            return False
        changed = False
        for state, at in self._milestones(task, now):
            if state in task.entered:
                continue
            if not self.lifecycle.allows(task.state, state):
                raise EngineError(f"lifecycle has no transition {task.state} -> {state}")
            entered_at = max(at, task.entered[task.state])
            task.state = state
            task.entered[state] = entered_at
            # The poll count each state was entered at: a finished task's poll-driven
            # progress must freeze there, however often it is polled afterwards.
            task.meta.setdefault("polls_entered", {})[state] = task.polls
            changed = True
            self._fire(task, state, entered_at)
        return changed

    def _fire(self, task: Task, state: str, at: float) -> None:
        for hook in self._hooks.get(state, ()):
            hook(task, state, at)


__all__ = ["Check", "Engine", "EngineError", "Gate", "Hook", "TaskFinished", "UnknownTask"]
