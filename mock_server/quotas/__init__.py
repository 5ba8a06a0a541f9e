"""Per-provider quotas on the engine: concurrent tasks wait queued, excess submits get a 429.

Both limits are per API key (the task's owner) and per provider, and both
are *derived* from the stored tasks, like every other state in the engine:
nothing counts in the background, a reset forgets everything, and the same
submissions at the same (virtual) times give the same schedule.

Concurrency (`Quotas.gate`, the engine's start gate)
    A task on a time progression is ready to start processing when its
    queue time is up; with a limit of N it starts only when fewer than N of
    the key's earlier tasks are still processing, and never before an
    earlier task started (first in, first out). A task stuck in processing
    (``stay-processing``) holds its slot for good, as it would for real.
    ``polls=N`` and ``immediate`` tasks are driven by their client, not by
    time, and neither wait for nor hold a slot.

Rate (`Quotas.check_submit`, before a task is stored)
    With ``per_minute`` = M, the key's (M+1)-th submit within 60 seconds
    of the mock's clock is refused with `QuotaExceeded`, which the scenario
    layer answers as the provider's 429 with ``Retry-After`` = the seconds
    until the oldest counted submit leaves the window. A refused submit is
    not counted. Submits are counted by the store (``TaskStore.admit``), one
    atomic step, so instances sharing a store share the limit; every submit
    is counted, so a limit set at run time sees the minute before it.
"""

from __future__ import annotations

import heapq
import math

from vidukit.mock_server.clock import Clock
from vidukit.mock_server.engine import FAILED, PROCESSING, SUCCEEDED, Engine
from vidukit.mock_server.quotas.settings import (
    DOCUMENTED,
    PROFILES,
    WINDOW_SECONDS,
    Limits,
    QuotaSettings,
)
from vidukit.mock_server.storage import TaskStore
from vidukit.mock_server.tasks import Task

_TERMINAL = (SUCCEEDED, FAILED)


class QuotaExceeded(Exception):
    """A submit over the provider's per-minute limit (answered 429 with Retry-After)."""

    def __init__(self, provider: str, limit: int, retry_after: int) -> None:
        super().__init__(
            f"{provider}: at most {limit} submits per {WINDOW_SECONDS:g} s per API key; "
            f"retry after {retry_after} s"
        )
        self.provider = provider
        self.limit = limit
        self.retry_after = retry_after


class Quotas:
    """The quota rules of one mock server, hooked on its engine when built."""

    def __init__(
        self, *, engine: Engine, store: TaskStore, clock: Clock, settings: QuotaSettings
    ) -> None:
        self.store = store
        self.clock = clock
        self.settings = settings
        self._initial = settings
        engine.set_gate(self.gate)
        engine.before_create(self.check_submit)

    def reset(self) -> None:
        self.settings = self._initial

    # -- concurrency -------------------------------------------------------------------

    def gate(self, task: Task, ready: float) -> float:
        """When *task* may start processing, given it is ready at *ready* (``inf``: never)."""
        if PROCESSING in task.entered:
            return task.entered[PROCESSING]
        limit = self.settings.for_provider(task.provider).concurrency
        if not limit:
            return ready
        # The `limit` latest times at which earlier tasks give their slot back (a min-heap):
        # its smallest is when a slot is next free for a task that comes after them all.
        ends: list[float] = []
        floor = -math.inf  # first in, first out: nobody starts before an earlier task
        for peer in self.store.list(provider=task.provider):
            if peer.id == task.id:
                return max(ready, floor, _free_slot_at(ends, limit))
            if peer.owner != task.owner or peer.progression.mode != "time":
                continue
            start = peer.entered.get(PROCESSING)
            if start is None:
                if peer.state == FAILED:  # refused while queued: never took a slot
                    continue
                peer_ready = peer.created_at + peer.progression.queue_seconds
                start = max(peer_ready, floor, _free_slot_at(ends, limit))
            floor = max(floor, start)
            _keep_latest(ends, _end(peer, start), limit)
        return max(ready, floor, _free_slot_at(ends, limit))  # not stored yet

    # -- rate --------------------------------------------------------------------------

    def check_submit(self, task: Task) -> None:
        """Refuse *task* with `QuotaExceeded` when its key is over the per-minute limit."""
        limit = self.settings.for_provider(task.provider).per_minute or None
        now = task.created_at
        # Counted in the store, atomically: instances sharing it admit the limit together.
        # Counted with no limit too, so that a limit set at run time sees the last minute.
        key = f"submits:{task.provider}:{task.owner}"
        frees_at = self.store.admit(key, now, WINDOW_SECONDS, limit)
        if frees_at is None or limit is None:
            return
        raise QuotaExceeded(task.provider, limit, max(1, math.ceil(round(frees_at - now, 6))))

    # -- view --------------------------------------------------------------------------

    def view(self) -> dict[str, object]:
        return self.settings.view()


def _keep_latest(ends: list[float], end: float, limit: int) -> None:
    if len(ends) < limit:
        heapq.heappush(ends, end)
    elif end > ends[0]:
        heapq.heapreplace(ends, end)


def _free_slot_at(ends: list[float], limit: int) -> float:
    """The first time fewer than *limit* earlier tasks still hold a slot (-inf: one is free)."""
    return ends[0] if len(ends) >= limit else -math.inf


def _end(task: Task, start: float) -> float:
    """When *task*, started at *start*, gives its slot back."""
    if task.state in _TERMINAL:
        return task.entered[task.state]
    if task.forced or task.outcome.kind == "stay-processing":
        return math.inf
    return start + task.progression.processing_seconds


__all__ = [
    "DOCUMENTED",
    "PROFILES",
    "Limits",
    "QuotaExceeded",
    "QuotaSettings",
    "Quotas",
]
