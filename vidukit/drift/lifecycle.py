"""Follow each task's status words over time: order violations and phase timings.

Two rules, both about what a polling client relies on:

1. Among known words, the rank never goes down (queued -> processing ->
   finished; `vidukit.drift.wire` ranks each provider's words).
2. A finished task keeps its word: once ``completed`` (or ``failed``), any
   other word, known or not, is a violation. A client stops at the first
   finished answer; a provider that later says otherwise has lost a state.

Unknown words break neither rule on their own (the analyser reports them as
``status-value``), so one drifted word is reported once, not twice.

Timings: the time from the submit to the first processing word (queue) and
from there to the first finished word (processing), measured on the
observer's clock at the moments answers arrived, so they are only as precise
as the polling interval.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from vidukit.drift.report import Finding, Timing
from vidukit.drift.wire import PROCESSING, QUEUED, TERMINAL, wire

#: A phase slower than this many times the mock's default (jitter included) is reported.
SLOW_FACTOR = 3.0


@dataclass(frozen=True)
class MockTimings:
    """The mock's default progression, which the measured phases are compared with."""

    queue_seconds: float
    processing_seconds: float
    jitter: float = 0.0


@dataclass
class _Task:
    submitted_at: float | None = None
    words: list[str] = field(default_factory=list)
    highest: int = -1
    finished: str | None = None
    processing_at: float | None = None
    finished_at: float | None = None


class Lifecycle:
    def __init__(self, provider: str, clock: Callable[[], float]) -> None:
        self.provider = provider
        self.wire = wire(provider)
        self.clock = clock
        self.tasks: dict[str, _Task] = {}

    def submitted(self, task_id: str, at: float) -> None:
        self.tasks.setdefault(task_id, _Task()).submitted_at = at

    def seen(self, task_id: str, word: str, message: str, at: float) -> list[Finding]:
        """Record *word* for *task_id*; the findings it makes (order violations)."""
        task = self.tasks.setdefault(task_id, _Task())
        previous = task.words[-1] if task.words else None
        task.words.append(word)
        rank = self.wire.ranks.get(word)
        found: list[Finding] = []
        if task.finished is not None and word != task.finished:
            found.append(self._finding(message, f"finished task went from {task.finished!r} "
                                                f"to {word!r}"))
        elif rank is not None and rank < task.highest and previous is not None:
            found.append(self._finding(message, f"status went back from {previous!r} to "
                                                f"{word!r}"))
        if rank is None:
            return found
        task.highest = max(task.highest, rank)
        if rank >= PROCESSING and task.processing_at is None and rank not in TERMINAL:
            task.processing_at = at
        if rank in TERMINAL and task.finished is None:
            task.finished = word
            task.finished_at = at
        return found

    def _finding(self, message: str, detail: str) -> Finding:
        return Finding(kind="lifecycle-order", provider=self.provider, message=message,
                       path="", detail=detail)

    def timings(self, mock: MockTimings) -> list[Timing]:
        """Queue and processing time of the first task followed from its submit."""
        task = next((t for t in self.tasks.values() if t.submitted_at is not None), None)
        if task is None or task.submitted_at is None:
            return []
        has_queue_word = QUEUED in self.wire.ranks.values()
        queue = processing = None
        if task.processing_at is not None and has_queue_word:
            queue = task.processing_at - task.submitted_at
        if task.finished_at is not None:
            start = task.processing_at if has_queue_word and task.processing_at else None
            processing = task.finished_at - (start or task.submitted_at)
        mock_processing = mock.processing_seconds + (0 if has_queue_word else mock.queue_seconds)
        found = [Timing("processing", _round(processing), mock_processing)]
        if has_queue_word:
            found.insert(0, Timing("queue", _round(queue), mock.queue_seconds))
        return found


def slow_phases(timings: list[Timing], mock: MockTimings, provider: str) -> list[Finding]:
    """``timing`` findings for phases much slower than the mock's defaults."""
    found = []
    for timing in timings:
        limit = timing.mock_seconds * (1 + mock.jitter) * SLOW_FACTOR
        if timing.observed_seconds is not None and timing.observed_seconds > max(limit, 1.0):
            found.append(Finding(
                kind="timing", provider=provider, message="result-response", path="",
                detail=(f"{timing.phase} took {timing.observed_seconds:g} s; the mock's default "
                        f"is {timing.mock_seconds:g} s (mirror it with --progression time=Q,P)"),
                observed=timing.observed_seconds))
    return found


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


__all__ = ["SLOW_FACTOR", "Lifecycle", "MockTimings", "slow_phases"]
