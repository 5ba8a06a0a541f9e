"""A virtual clock whose time lives in the store, so every worker and instance sees one time.

`VirtualClock` keeps its offset in the process; this one keeps it as the
store number ``clock-offset``: an advance on one instance moves the clock of
all of them, and a server restarted on a persistent store resumes at the
virtual time it had (``POST /_mock/reset`` rewinds it, as it clears the store).
The start (``MockConfig.virtual_start``) is configuration, not state.
"""

from __future__ import annotations

from vidukit.mock_server.clock import VIRTUAL_EPOCH, Clock, SystemClock, VirtualClock
from vidukit.mock_server.storage.base import TaskStore

OFFSET = "clock-offset"


class StoredClock(VirtualClock):
    def __init__(self, store: TaskStore, start: float = VIRTUAL_EPOCH) -> None:
        super().__init__(start)
        self._store = store

    def now(self) -> float:
        return self._start + self._store.read_number(OFFSET)

    def monotonic(self) -> float:
        return self._store.read_number(OFFSET)

    def advance(self, seconds: float) -> float:
        seconds = float(seconds)
        if not seconds >= 0.0 or seconds == float("inf"):
            raise ValueError(f"a clock only moves forward by a finite amount, not {seconds!r}")
        return self._start + self._store.add_number(OFFSET, seconds)

    def reset(self) -> None:
        offset = self._store.read_number(OFFSET)
        if offset:
            self._store.add_number(OFFSET, -offset)


def store_clock(kind: str, store: TaskStore, *, start: float = VIRTUAL_EPOCH) -> Clock:
    """The clock a configuration names (``real`` or ``virtual``), its time kept in *store*."""
    if kind == "real":
        return SystemClock()
    if kind == "virtual":
        return StoredClock(store, start)
    raise ValueError(f"unknown clock {kind!r}; choose 'real' or 'virtual'")


__all__ = ["OFFSET", "StoredClock", "store_clock"]
