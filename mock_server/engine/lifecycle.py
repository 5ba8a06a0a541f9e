"""The task lifecycle as data: states, allowed transitions, terminal states.

Every provider's vocabulary is a renaming of these four engine states (each
provider's ``status.py`` holds its mapping). The table is checked when an
engine is built, so a bad edit fails at start-up with a message naming the
broken rule rather than as a task stuck in a state nobody can leave.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from vidukit.mock_server.errors import InvalidTransitionTable

QUEUED = "queued"
PROCESSING = "processing"
SUCCEEDED = "succeeded"
FAILED = "failed"

#: The states the engine itself moves tasks through; a table must have all of them.
ENGINE_STATES: frozenset[str] = frozenset({QUEUED, PROCESSING, SUCCEEDED, FAILED})


@dataclass(frozen=True)
class Lifecycle:
    initial: str
    transitions: tuple[tuple[str, str], ...]
    terminal: frozenset[str]

    @property
    def states(self) -> frozenset[str]:
        found = {self.initial, *self.terminal}
        for source, target in self.transitions:
            found.update((source, target))
        return frozenset(found)

    def exits(self, state: str) -> tuple[str, ...]:
        return tuple(target for source, target in self.transitions if source == state)

    def allows(self, source: str, target: str) -> bool:
        return (source, target) in self.transitions

    def reachable(self) -> frozenset[str]:
        seen = {self.initial}
        todo = deque([self.initial])
        while todo:
            for target in self.exits(todo.popleft()):
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        return frozenset(seen)

    def validate(self, required: Iterable[str] = ENGINE_STATES) -> None:
        """Raise `InvalidTransitionTable` naming the first rule the table breaks."""
        problems: list[str] = []
        missing = sorted(set(required) - self.states)
        if missing:
            problems.append(f"missing state(s) {missing}")
        if len(set(self.transitions)) != len(self.transitions):
            problems.append("a transition is listed twice")
        unreachable = sorted(self.states - self.reachable())
        if unreachable:
            problems.append(f"state(s) {unreachable} cannot be reached from {self.initial!r}")
        for state in sorted(self.terminal):
            if self.exits(state):
                problems.append(f"terminal state {state!r} has exits {list(self.exits(state))}")
        for state in sorted(self.states - self.terminal):
            if not self.exits(state):
                problems.append(f"state {state!r} is not terminal but has no exit")
        if problems:
            raise InvalidTransitionTable("invalid lifecycle table: " + "; ".join(problems))


#: The one lifecycle every provider maps onto. ``queued -> failed`` is a task
#: refused before it runs (forced to fail while still waiting in the queue).
LIFECYCLE = Lifecycle(
    initial=QUEUED,
    transitions=(
        (QUEUED, PROCESSING),
        (QUEUED, FAILED),
        (PROCESSING, SUCCEEDED),
        (PROCESSING, FAILED),
    ),
    terminal=frozenset({SUCCEEDED, FAILED}),
)

__all__ = [
    "ENGINE_STATES",
    "FAILED",
    "LIFECYCLE",
    "PROCESSING",
    "QUEUED",
    "SUCCEEDED",
    "Lifecycle",
]
