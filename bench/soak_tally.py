"""The soak's ledger: every response filed as expected or unexpected, with examples.

"Expected" means the provider documents it or the active scenario mix injects
it (see `bench.soak_server.SCENARIO_RULES`); everything else is unexpected
and fails the soak. Examples of unexpected responses are kept (bounded) with
the request that got them, so a report can be turned into a reproduction.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

MAX_EXAMPLES = 40
BUCKET = 30.0


@dataclass
class Tally:
    requests: Counter[str] = field(default_factory=Counter)
    expected: Counter[str] = field(default_factory=Counter)
    unexpected: Counter[str] = field(default_factory=Counter)
    examples: list[dict[str, Any]] = field(default_factory=list)
    lifecycles: Counter[str] = field(default_factory=Counter)
    videos: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    #: Requests per `BUCKET` seconds since `t0`: does throughput hold up over the run?
    timeline: Counter[int] = field(default_factory=Counter)
    t0: float = field(default_factory=time.monotonic)

    def request(self, provider: str) -> None:
        self.requests[provider] += 1
        self.timeline[int((time.monotonic() - self.t0) // BUCKET)] += 1

    def rates(self) -> list[float]:
        """Requests per second in each `BUCKET` of the run (the last one may be partial)."""
        last = max(self.timeline, default=-1)
        return [round(self.timeline[i] / BUCKET, 1) for i in range(last + 1)]

    def ok(self, kind: str) -> None:
        self.expected[kind] += 1

    def bad(self, kind: str, **detail: Any) -> None:
        self.unexpected[kind] += 1
        if len(self.examples) < MAX_EXAMPLES:
            self.examples.append({"kind": kind, **{k: _short(v) for k, v in detail.items()}})

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())

    @property
    def total_unexpected(self) -> int:
        return sum(self.unexpected.values())

    def latency_summary(self) -> dict[str, float | None]:
        if not self.latencies:
            return {"p50_s": None, "p99_s": None, "max_s": None}
        ordered = sorted(self.latencies)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        return {
            "p50_s": round(statistics.median(ordered), 3),
            "p99_s": round(p99, 3),
            "max_s": round(ordered[-1], 3),
        }


def _short(value: Any, limit: int = 600) -> Any:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str) and len(value) > limit:
        return value[:limit] + f"... ({len(value)} chars)"
    return value


__all__ = ["MAX_EXAMPLES", "Tally"]
