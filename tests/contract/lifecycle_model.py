"""The lifecycle machine's model: what state a task should show, from its specs alone.

Written from the progression and outcome grammar docs/guide/mock-server.md documents
(``time=Q,P``: Q s queued then P s processing; ``polls=N``: the N-th poll
sees the end; ``immediate``: every look after the submit answer sees the end;
``stay-processing`` never ends; an admin force ends a task at once or holds it
in processing, and a finished task cannot be forced), not from the engine's
code, so the two can disagree. Times are seconds since the run started.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from vidukit.mock_server.engine.lifecycle import FAILED, PROCESSING, QUEUED, SUCCEEDED

TERMINAL = frozenset({SUCCEEDED, FAILED})

Mode = Literal["time", "polls", "immediate"]
Kind = Literal["succeed", "fail", "stay-processing"]


def _seconds(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class Plan:
    """A progression, drawn as data and sent in its text form."""

    mode: Mode
    queue: float = 0.0
    processing: float = 0.0
    polls: int = 1

    def spec(self) -> str:
        if self.mode == "immediate":
            return "immediate"
        if self.mode == "polls":
            return f"polls={self.polls}"
        return f"time={_seconds(self.queue)},{_seconds(self.processing)}"


@dataclass(frozen=True)
class Ending:
    """An outcome (``X-Mock-Outcome`` or an admin force), with its optional error code."""

    kind: Kind
    code: str | None = None

    def spec(self) -> str:
        return f"fail:{self.code}" if self.kind == "fail" and self.code else self.kind


@dataclass
class TaskModel:
    """One task as the model expects it; ``state`` is the last state it has predicted."""

    created_at: float
    plan: Plan
    ending: Ending
    polls: int = 0
    forced: Ending | None = None
    state: str = QUEUED

    def look(self, now: float) -> str:
        """The state any look at *now* shows (a poll counts itself in ``polls`` first)."""
        if self.state not in TERMINAL and self.forced is None:
            self.state = self._natural(now)
        return self.state

    def force(self, now: float, ending: Ending) -> bool:
        """Apply an admin force at *now*; False when the task had already finished (409)."""
        if self.look(now) in TERMINAL:
            return False
        self.forced = ending
        if ending.kind == "stay-processing":
            self.state = PROCESSING
        else:
            self.state = SUCCEEDED if ending.kind == "succeed" else FAILED
        return True

    def failure_code(self, default: str) -> str:
        """The code a failed task of this model must report."""
        chosen = self.forced if self.forced is not None else self.ending
        return chosen.code or default

    def _natural(self, now: float) -> str:
        final = {"succeed": SUCCEEDED, "fail": FAILED}.get(self.ending.kind, PROCESSING)
        plan = self.plan
        if plan.mode == "immediate":
            return final
        if plan.mode == "polls":
            if self.polls == 0:
                return QUEUED
            return PROCESSING if self.polls < plan.polls else final
        started = self.created_at + plan.queue
        if now < started:
            return QUEUED
        return PROCESSING if now < started + plan.processing else final


__all__ = ["TERMINAL", "Ending", "Plan", "TaskModel"]
