"""The task record and the two small specs that steer it, as plain data.

Shared by the engine (which moves tasks), the stores (which keep them), the
admin API (which shows them) and the providers (which render them). Nothing
here reads the clock or the network, so a store can serialise a `Task` with
`Task.to_dict` / `Task.from_dict` and get it back unchanged.

Specs have one text form used everywhere (``--progression``, the
``X-Mock-Progression`` header, ``PUT /_mock/progression``):

``immediate``
    every look at the task after the submit answer sees it finished.
``polls=N``
    the N-th poll sees it finished; polls before that see it processing.
``time=P`` or ``time=Q,P``
    Q seconds queued (default 0), then P seconds processing, then finished.

and for outcomes (``--outcome``, ``X-Mock-Outcome``, admin):
``succeed``, ``fail``, ``fail:<provider error code>``, ``stay-processing``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

ProgressionMode = Literal["time", "polls", "immediate"]
OutcomeKind = Literal["succeed", "fail", "stay-processing"]

PROGRESSION_HELP = "expected 'immediate', 'polls=N' (N >= 1), 'time=P' or 'time=Q,P' (seconds >= 0)"
OUTCOME_HELP = "expected 'succeed', 'fail', 'fail:<error code>' or 'stay-processing'"
_MAX_SECONDS = 7 * 24 * 3600.0  # a week: WaveSpeed keeps predictions that long


def _seconds(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or not 0.0 <= value <= _MAX_SECONDS:
        raise ValueError(text)
    return round(value, 3)


def _fmt(seconds: float) -> str:
    return f"{seconds:.3f}".rstrip("0").rstrip(".")


@dataclass(frozen=True, slots=True)
class Progression:
    """How a task moves from queued to finished."""

    mode: ProgressionMode
    queue_seconds: float = 0.0
    processing_seconds: float = 0.0
    polls: int = 1

    @classmethod
    def parse(cls, text: str) -> Progression:
        """Read the text form; `ValueError` with the expected grammar otherwise."""
        return _parse_progression(text)

    @classmethod
    def _parse(cls, text: str) -> Progression:
        raw = text.strip().lower()
        name, _, value = raw.partition("=")
        try:
            if name == "immediate" and not value:
                return cls("immediate")
            if name == "polls":
                polls = int(value)
                if not 1 <= polls <= 1_000_000:
                    raise ValueError(value)
                return cls("polls", polls=polls)
            if name == "time":
                parts = [_seconds(p) for p in value.split(",")]
                if len(parts) == 1:
                    return cls("time", 0.0, parts[0])
                if len(parts) == 2:
                    return cls("time", parts[0], parts[1])
        except ValueError:
            pass
        raise ValueError(f"bad progression {text!r}: {PROGRESSION_HELP}")

    def spec(self) -> str:
        """The text form `parse` reads back to an equal value."""
        if self.mode == "immediate":
            return "immediate"
        if self.mode == "polls":
            return f"polls={self.polls}"
        return f"time={_fmt(self.queue_seconds)},{_fmt(self.processing_seconds)}"

    def scaled(self, factor: float) -> Progression:
        """The same progression with both durations multiplied (per-task jitter)."""
        if self.mode != "time" or factor == 1.0:
            return self
        return Progression(
            "time",
            round(self.queue_seconds * factor, 3),
            round(self.processing_seconds * factor, 3),
            self.polls,
        )


@dataclass(frozen=True, slots=True)
class Outcome:
    """Where a task ends. ``error_code`` is the provider's own code, as text."""

    kind: OutcomeKind = "succeed"
    error_code: str | None = None

    @classmethod
    def parse(cls, text: str) -> Outcome:
        return _parse_outcome(text)

    @classmethod
    def _parse(cls, text: str) -> Outcome:
        raw = text.strip()
        name, sep, code = raw.partition(":")
        name = name.lower()
        if name == "succeed" and not sep:
            return cls("succeed")
        if name == "stay-processing" and not sep:
            return cls("stay-processing")
        if name == "fail" and (not sep or code.strip()):
            return cls("fail", code.strip() or None)
        raise ValueError(f"bad outcome {text!r}: {OUTCOME_HELP}")

    def spec(self) -> str:
        if self.kind == "fail" and self.error_code:
            return f"fail:{self.error_code}"
        return self.kind


# Specs are frozen values read back for every stored task a store thaws: parse each once.
@lru_cache(maxsize=4096)
def _parse_progression(text: str) -> Progression:
    return Progression._parse(text)


@lru_cache(maxsize=1024)
def _parse_outcome(text: str) -> Outcome:
    return Outcome._parse(text)


@dataclass(slots=True)
class Task:
    """One submitted job: what was asked, how it should go, and what it has shown so far.

    ``state`` and ``entered`` record what observers have been shown; the engine
    derives the next state from the clock and ``polls`` whenever it looks.
    ``owner`` is a hash of the API key, never the key. ``meta`` holds what the
    provider needs to render the task later (model name, resolution...).
    """

    id: str
    provider: str
    owner: str
    created_at: float
    progression: Progression
    outcome: Outcome
    seed: int
    request: Any
    meta: dict[str, Any] = field(default_factory=dict)
    state: str = "queued"
    entered: dict[str, float] = field(default_factory=dict)
    polls: int = 0
    forced: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "provider": self.provider,
            "owner": self.owner,
            "created_at": self.created_at,
            "progression": self.progression.spec(),
            "outcome": self.outcome.spec(),
            "seed": self.seed,
            "request": self.request,
            "meta": dict(self.meta),
            "state": self.state,
            "entered": dict(self.entered),
            "polls": self.polls,
            "forced": self.forced,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Task:
        return cls(
            id=data["id"],
            provider=data["provider"],
            owner=data["owner"],
            created_at=float(data["created_at"]),
            progression=Progression.parse(data["progression"]),
            outcome=Outcome.parse(data["outcome"]),
            seed=int(data["seed"]),
            request=data["request"],
            meta=dict(data["meta"]),
            state=data["state"],
            entered={k: float(v) for k, v in data["entered"].items()},
            polls=int(data["polls"]),
            forced=bool(data["forced"]),
        )


#: ``meta`` key of a replayed task's recorded progress: ``[[offset seconds, fraction], ...]``
#: (written by `vidukit.mock_server.replay`, read by the statuses of providers that show one).
REPLAY_PROGRESS = "replay_progress"


def replayed_progress(task: Task, now: float) -> float | None:
    """The recorded fraction done (0..1) a replayed *task* shows at *now*: the last sample at
    or before its offset; None for a task not replayed, or before its first sample."""
    samples = task.meta.get(REPLAY_PROGRESS)
    if not samples:
        return None
    offset = now - task.created_at + 1e-6
    seen = [float(value) for at, value in samples if float(at) <= offset]
    return seen[-1] if seen else None


__all__ = [
    "OUTCOME_HELP",
    "PROGRESSION_HELP",
    "REPLAY_PROGRESS",
    "Outcome",
    "Progression",
    "Task",
    "replayed_progress",
]
