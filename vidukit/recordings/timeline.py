"""A recording read as a timeline: how long the task queued, how long it ran, how it ended.

This is what a replay needs from a recording and what the statistics count. The
mock's lifecycle has one queued, one processing and one terminal state, so a
recording's statuses fold onto it by rank (`vidukit.providers.wire`): the queue
wait ends at the first status of rank 1 or more, processing ends at the terminal
status. A task never seen processing (refused in the queue) queues until it ends
and runs for no time, as the mock then shows it: processing and finished at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from vidukit.providers.wire import PROCESSING, TERMINAL
from vidukit.recordings.document import Recording

Ending = Literal["succeeded", "failed", "unfinished"]


@dataclass(frozen=True)
class Timeline:
    #: Seconds from the submit until the task was first seen processing (or finished).
    queue_seconds: float
    #: Seconds from then until it was seen finished; None when it never finished.
    processing_seconds: float | None
    ending: Ending
    error_code: str | None
    #: Whether it was ever seen processing (None: never left the queue while watched).
    started: bool

    @property
    def total_seconds(self) -> float | None:
        if self.processing_seconds is None:
            return None
        return self.queue_seconds + self.processing_seconds


def timeline(recording: Recording) -> Timeline:
    return from_document(recording.document)


def from_document(document: Any) -> Timeline:
    statuses = sorted(document["statuses"], key=lambda s: float(s["at"]))
    outcome = document["outcome"]
    ending: Ending = outcome["kind"]
    began = next((float(s["at"]) for s in statuses if int(s["rank"]) >= PROCESSING), None)
    ended: float | None = None
    if ending != "unfinished":
        ended = outcome.get("at")
        if ended is None:
            ended = next((float(s["at"]) for s in statuses if int(s["rank"]) in TERMINAL), None)
    if began is None:
        began = ended if ended is not None else float(statuses[-1]["at"])
    started = any(int(s["rank"]) == PROCESSING for s in statuses)
    processing = None if ended is None else max(0.0, float(ended) - began)
    return Timeline(round(began, 3), None if processing is None else round(processing, 3),
                    ending, outcome.get("error_code"), started)


__all__ = ["Ending", "Timeline", "from_document", "timeline"]
