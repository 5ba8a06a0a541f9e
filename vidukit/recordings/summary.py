"""Statistics over many task recordings: how a provider really behaved.

Grouped by provider and request shape: the number of tasks, percentiles of the
queue wait, of the processing time and of the total (finished tasks only for the
last two), and the mix of outcomes (``succeeded``, ``failed:<code>``,
``unfinished``). Percentiles interpolate linearly between the two nearest
ranks (numpy's default): p50 of 1, 2, 3, 4 is 2.5.

`scenario_file` turns the same recordings into a scenario file for ``vidukit
serve --scenarios``: each provider's recorded (queue, processing, outcome)
combinations as a weighted ``progressions`` list (at most `MAX_PROGRESSIONS` per
provider, picked evenly over the totals, so the spread survives), with the
recorded error codes as they were.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from vidukit.recordings.document import Recording
from vidukit.recordings.timeline import Timeline, timeline

PERCENTILES: tuple[int, ...] = (50, 90, 99)
MAX_PROGRESSIONS = 50


def percentile(values: Sequence[float], p: float) -> float | None:
    """The *p*-th percentile (0..100) by linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * p / 100.0
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    value = ordered[low] + (ordered[high] - ordered[low]) * (position - low)
    return round(value, 3)


def outcome_word(line: Timeline) -> str:
    if line.ending == "failed":
        return f"failed:{line.error_code}" if line.error_code else "failed"
    return line.ending


@dataclass
class Group:
    provider: str
    shape: str
    timelines: list[Timeline] = field(default_factory=list)

    def stats(self) -> dict[str, Any]:
        queue = [t.queue_seconds for t in self.timelines]
        done = [t for t in self.timelines if t.processing_seconds is not None]
        processing = [t.processing_seconds or 0.0 for t in done]
        total = [t.total_seconds or 0.0 for t in done]
        mix = Counter(outcome_word(t) for t in self.timelines)
        return {
            "provider": self.provider,
            "shape": self.shape,
            "tasks": len(self.timelines),
            "queue_seconds": {f"p{p}": percentile(queue, p) for p in PERCENTILES},
            "processing_seconds": {f"p{p}": percentile(processing, p) for p in PERCENTILES},
            "total_seconds": {f"p{p}": percentile(total, p) for p in PERCENTILES},
            "outcomes": dict(sorted(mix.items(), key=lambda kv: (-kv[1], kv[0]))),
        }


def summarize(recordings: Iterable[Recording]) -> list[dict[str, Any]]:
    """One statistics row per (provider, shape), in that order."""
    groups: dict[tuple[str, str], Group] = {}
    for recording in recordings:
        key = (recording.provider, recording.shape)
        groups.setdefault(key, Group(*key)).timelines.append(timeline(recording))
    return [groups[key].stats() for key in sorted(groups)]


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def render_text(rows: Sequence[Mapping[str, Any]]) -> str:
    """The table ``vidukit recordings summarize`` prints."""
    head = ("provider", "shape", "tasks", "queue s p50/p90/p99",
            "processing s p50/p90/p99", "outcomes")
    lines = [head]
    for row in rows:
        cells = [
            row["provider"], row["shape"], str(row["tasks"]),
            "/".join(_fmt(row["queue_seconds"][f"p{p}"]) for p in PERCENTILES),
            "/".join(_fmt(row["processing_seconds"][f"p{p}"]) for p in PERCENTILES),
            ", ".join(f"{word} {count}" for word, count in row["outcomes"].items()),
        ]
        lines.append(tuple(cells))
    widths = [max(len(line[i]) for line in lines) for i in range(len(head) - 1)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line[:-1], widths, strict=True))
        + "  " + line[-1]
        for line in lines
    ) + "\n"


def _entry(line: Timeline) -> tuple[str, str]:
    """A timeline as the (progression, outcome) text forms a scenario file takes."""
    if line.ending == "unfinished":
        return f"time={line.queue_seconds:g},0", "stay-processing"
    progression = f"time={line.queue_seconds:g},{line.processing_seconds or 0.0:g}"
    if line.ending == "failed":
        return progression, f"fail:{line.error_code}" if line.error_code else "fail"
    return progression, "succeed"


def _sampled(timelines: Sequence[Timeline]) -> list[Timeline]:
    """At most `MAX_PROGRESSIONS`, picked evenly over the totals (unfinished ones last)."""
    ordered = sorted(timelines, key=lambda t: (t.total_seconds is None, t.total_seconds or 0.0,
                                               t.queue_seconds))
    if len(ordered) <= MAX_PROGRESSIONS:
        return ordered
    step = (len(ordered) - 1) / (MAX_PROGRESSIONS - 1)
    return [ordered[round(i * step)] for i in range(MAX_PROGRESSIONS)]


def scenario_file(recordings: Iterable[Recording], *, seed: int = 0) -> dict[str, Any]:
    """A scenario config whose ``progressions`` give back each provider's recorded tasks.

    Each entry is one recorded (queue, processing, outcome) combination, weighted by how
    many tasks had it, so timing and outcome keep their joint distribution: a provider
    that failed its slow tasks keeps failing the slow ones.
    """
    by_provider: dict[str, list[Timeline]] = {}
    for recording in recordings:
        by_provider.setdefault(recording.provider, []).append(timeline(recording))
    progressions: list[dict[str, Any]] = []
    for provider in sorted(by_provider):
        weights = Counter(_entry(t) for t in _sampled(by_provider[provider]))
        for (progression, outcome), weight in sorted(weights.items()):
            progressions.append({"progression": progression, "outcome": outcome,
                                 "weight": weight, "provider": provider})
    return {"seed": seed, "progressions": progressions}


__all__ = ["MAX_PROGRESSIONS", "PERCENTILES", "percentile", "render_text", "scenario_file",
           "summarize"]
