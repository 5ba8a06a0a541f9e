"""The only place in the mock that reads time.

Everything that needs "now" (task progression, timestamps in responses, later
webhook schedules and quotas) is handed a `Clock`. Tests and clients that want
long lifecycles without sleeping run the server on a `VirtualClock`, which
moves only when told (``advance``, or ``POST /_mock/clock/advance``).
A test greps the package to keep ``time.time(`` and ``datetime.now(`` here.
"""

from __future__ import annotations

import math
import time
from functools import lru_cache
from typing import Protocol, runtime_checkable

#: Where a virtual clock starts unless told otherwise: 2026-01-01T00:00:00Z.
#: A fixed start makes every timestamp in a virtual-clock run reproducible.
VIRTUAL_EPOCH = 1_767_225_600.0


@runtime_checkable
class Clock(Protocol):
    """Wall time for timestamps, monotonic time for durations."""

    #: ``"real"`` or ``"virtual"``: the admin API reports it and refuses to
    #: advance a real clock.
    kind: str

    def now(self) -> float:
        """Seconds since the Unix epoch."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (for measuring durations)."""
        ...


class SystemClock:
    """The machine's clock."""

    kind = "real"
    # The clock functions themselves: read several times a request, a method wrapping
    # each would add a Python frame per read.
    now = staticmethod(time.time)
    monotonic = staticmethod(time.monotonic)


class VirtualClock:
    """A clock that stands still until `advance` moves it.

    ``now`` and ``monotonic`` move together, so a duration measured on it is
    exactly the sum of the advances in between.
    """

    kind = "virtual"

    def __init__(self, start: float = VIRTUAL_EPOCH) -> None:
        self._start = float(start)
        self._offset = 0.0

    def now(self) -> float:
        return self._start + self._offset

    def monotonic(self) -> float:
        return self._offset

    def advance(self, seconds: float) -> float:
        """Move forward by *seconds* (never back) and return the new ``now``."""
        seconds = float(seconds)
        if not seconds >= 0.0 or seconds == float("inf"):
            raise ValueError(f"a clock only moves forward by a finite amount, not {seconds!r}")
        self._offset += seconds
        return self.now()

    def reset(self) -> None:
        """Back to the start, as a freshly built server."""
        self._offset = 0.0


def make_clock(kind: str, *, start: float = VIRTUAL_EPOCH) -> Clock:
    """Build the clock a configuration names (``real`` or ``virtual``)."""
    if kind == "real":
        return SystemClock()
    if kind == "virtual":
        return VirtualClock(start)
    raise ValueError(f"unknown clock {kind!r}; choose 'real' or 'virtual'")


@lru_cache(maxsize=512)
def iso_ms(epoch: float) -> str:
    """ISO-8601 UTC with milliseconds and a ``Z``, as WaveSpeed and others print times.

    Cached for polls, which print a task's times again each time. The cache is small on
    purpose: every submit misses it (each task is created at its own instant), and a cache
    of thousands of entries churned them through cold memory, costing a busy server more
    than the polls gained.
    """
    whole = math.floor(epoch)
    millis = min(999, round((epoch - whole) * 1000))
    return f"{_iso_second(whole)}.{millis:03d}Z"


@lru_cache(maxsize=4096)  # every answer prints times, mostly of the last few seconds
def _iso_second(whole: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole))


__all__ = ["VIRTUAL_EPOCH", "Clock", "SystemClock", "VirtualClock", "iso_ms", "make_clock"]
