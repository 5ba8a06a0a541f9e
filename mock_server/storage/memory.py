"""The default store: tasks in a dict, fast, and gone when the process exits."""

from __future__ import annotations

from collections import deque
from typing import Any

from mock_server.storage.base import Keys, Records
from mock_server.tasks import Task


class MemoryTaskStore:
    """Tasks in insertion (= creation) order; ``get`` hands out the live object.

    One process only, so "atomic" is free: the event loop runs one call at a time.
    """

    def __init__(self) -> None:
        self._tasks: dict[str, Task] = {}
        self._numbers: dict[str, float] = {}
        self._windows: dict[str, deque[float]] = {}
        #: space -> key -> [record, due]; dicts keep first-put order on update.
        self._spaces: dict[str, dict[str, list[Any]]] = {}

    def put(self, task: Task) -> None:
        self._tasks[task.id] = task

    def get(self, task_id: str) -> Task | None:
        return self._tasks.get(task_id)

    def list(self, *, provider: str | None = None) -> list[Task]:
        return [t for t in self._tasks.values() if provider is None or t.provider == provider]

    def count(self) -> int:
        return len(self._tasks)

    def clear(self) -> None:
        self._tasks.clear()
        self._numbers.clear()
        self._windows.clear()
        self._spaces.clear()

    def close(self) -> None:
        pass

    # -- numbers -----------------------------------------------------------------------

    def add_number(self, name: str, delta: float) -> float:
        value = self._numbers.get(name, 0.0) + delta
        self._numbers[name] = value
        return value

    def read_number(self, name: str) -> float:
        return self._numbers.get(name, 0.0)

    # -- sliding windows ---------------------------------------------------------------

    def admit(self, key: str, at: float, window: float, limit: int | None) -> float | None:
        # One process, one clock: events arrive in time order, so the oldest are on the left.
        events = self._windows.get(key)
        if events is None:
            events = self._windows[key] = deque()
        while events and events[0] <= at - window:
            events.popleft()
        if limit is None or len(events) < limit:
            events.append(at)
            return None
        return events[len(events) - limit] + window

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
        entries = self._spaces.setdefault(space, {})
        if only_new and key in entries:
            return False
        entries[key] = [record, due]
        return True

    def get_record(self, space: str, key: str) -> dict[str, Any] | None:
        entry = self._spaces.get(space, {}).get(key)
        return entry[0] if entry is not None else None

    def pop_record(self, space: str, key: str) -> dict[str, Any] | None:
        entry = self._spaces.get(space, {}).pop(key, None)
        return entry[0] if entry is not None else None

    def records(self, space: str) -> Records:
        return [(key, entry[0]) for key, entry in self._spaces.get(space, {}).items()]

    def due_records(self, space: str, until: float) -> Records:
        due = [
            (entry[1], n, key, entry[0])
            for n, (key, entry) in enumerate(self._spaces.get(space, {}).items())
            if entry[1] is not None and entry[1] <= until
        ]
        return [(key, record) for _, _, key, record in sorted(due, key=lambda d: d[:2])]

    def next_due(self, space: str, after: float | None = None) -> float | None:
        times = [
            entry[1]
            for entry in self._spaces.get(space, {}).values()
            if entry[1] is not None and (after is None or entry[1] > after)
        ]
        return min(times, default=None)

    def claim(self, space: str, key: str, due: float) -> bool:
        entry = self._spaces.get(space, {}).get(key)
        if entry is None or entry[1] is None or entry[1] != due:
            return False
        entry[1] = None
        return True

    def drop_records(self, space: str, keys: Keys) -> None:
        entries = self._spaces.get(space, {})
        for key in keys:
            entries.pop(key, None)
