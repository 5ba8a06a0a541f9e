"""The store interface every task store implements.

Tasks: put, get, list, count, clear. A persistent (sqlite) or shared (redis)
store serialises with `Task.to_dict` / `Task.from_dict`. Callers always
``put`` a task back after changing it, so a store that copies on ``get``
behaves like the in-memory one that hands out the live object.

Beyond tasks, three small primitives for what several workers or instances
must agree on (see `vidukit.mock_server.storage` for what lives where and why):
*numbers* (atomic add: the task-id sequence, the virtual clock's offset),
*windows* (an atomic sliding-window admit: per-minute quotas) and *records*
(JSON objects by key, each optionally due at a time, with an atomic claim:
watched tasks and scheduled webhook deliveries, pending scenario choices).
``clear`` forgets all of it.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from vidukit.mock_server.tasks import Task

#: What `records` and `due_records` return: (key, record) pairs.
Records = list[tuple[str, dict[str, Any]]]
Keys = list[str]


@runtime_checkable
class TaskStore(Protocol):
    def put(self, task: Task) -> None:
        """Insert or replace the task with ``task.id``."""
        ...

    def get(self, task_id: str) -> Task | None:
        """The task with this id, or None."""
        ...

    def list(self, *, provider: str | None = None) -> list[Task]:
        """Tasks in creation order, optionally of one provider only."""
        ...

    def count(self) -> int:
        """How many tasks are stored."""
        ...

    def clear(self) -> None:
        """Forget every task, number, window and record."""
        ...

    def close(self) -> None:
        """Release connections and files (the app's lifespan ends); using it again reopens."""
        ...

    # -- numbers -----------------------------------------------------------------------

    def add_number(self, name: str, delta: float) -> float:
        """Atomically add *delta* to the named number (0 when unknown); the new value."""
        ...

    def read_number(self, name: str) -> float:
        """The named number (0 when unknown)."""
        ...

    # -- sliding windows ---------------------------------------------------------------

    def admit(self, key: str, at: float, window: float, limit: int | None) -> float | None:
        """Atomically count an event at *at* under *key*, unless *limit* counted events
        already lie in ``(at - window, at]``: then count nothing and return when the
        window next has room (the oldest event that keeps it full, plus *window*).
        A *limit* of None counts the event and never refuses (a limit set later sees it)."""
        ...

    # -- records -----------------------------------------------------------------------

    def put_record(
        self,
        space: str,
        key: str,
        record: dict[str, Any],
        *,
        due: float | None = None,
        only_new: bool = False,
    ) -> bool:
        """Store *record* under *key*, due at *due* (None: not due); keeps its first-put
        position. With *only_new*, change nothing and return False when *key* exists."""
        ...

    def get_record(self, space: str, key: str) -> dict[str, Any] | None:
        """The record under *key*, or None."""
        ...

    def pop_record(self, space: str, key: str) -> dict[str, Any] | None:
        """Remove and return the record: of callers racing for it, exactly one gets it."""
        ...

    def records(self, space: str) -> Records:
        """Every (key, record) of *space*, in first-put order."""
        ...

    def due_records(self, space: str, until: float) -> Records:
        """The (key, record) pairs due at or before *until*, earliest first."""
        ...

    def next_due(self, space: str, after: float | None = None) -> float | None:
        """The earliest due time (later than *after*, when given), or None."""
        ...

    def claim(self, space: str, key: str, due: float) -> bool:
        """Atomically take *key* off the due list if it is due at exactly *due*: True for
        one caller only (it then acts, and puts the record back); False for the others."""
        ...

    def drop_records(self, space: str, keys: Keys) -> None:
        """Forget these records (unknown keys are ignored)."""
        ...
