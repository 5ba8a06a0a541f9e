"""The default store: tasks in a dict, fast, and gone when the process exits.

A million stored tasks must fit in well under a gigabyte and must not make
the garbage collector pause for a second: as live objects a task costs about
1.3 kB and half a dozen tracked containers. So only the tasks in use stay
live (the most recently touched `hot_tasks`); the others are kept as one
compact JSON row each (about 0.5 kB, a bytes object the collector never
visits) and are thawed on the next ``get``. Callers put a task back after
changing it (the store contract), so a thawed copy behaves like the live one.

``max_tasks`` bounds the store: past it, the oldest tasks are forgotten (a
poll for one answers not-found, as for a real provider's expired task).
"""

from __future__ import annotations

from array import array
from collections import OrderedDict, deque
from typing import Any

from vidukit.mock_server.http import dumps, loads_exact
from vidukit.mock_server.storage.base import Keys, Records
from vidukit.mock_server.tasks import Task

#: A frozen task's row: these `Task.to_dict` values in this order (the id is the key).
_ROW = (
    "provider", "owner", "created_at", "progression", "outcome", "seed", "request", "meta",
    "state", "entered", "polls", "forced",
)  # fmt: skip
DEFAULT_HOT_TASKS = 2_000


def freeze(task: Task) -> bytes:
    # `Task.to_dict`'s values in `_ROW` order, without its copies of ``meta`` and
    # ``entered``: they are serialised at once (one task is frozen per new task, once the
    # hot set is full).
    row = [task.provider, task.owner, task.created_at, task.progression.spec(),
           task.outcome.spec(), task.seed, task.request, task.meta, task.state, task.entered,
           task.polls, task.forced]
    # Copied to size: orjson's own bytes object keeps its whole 4 kB write buffer, which
    # would undo the point of freezing.
    return bytes(memoryview(dumps(row)))


def thaw(task_id: str, row: bytes) -> Task:
    data = dict(zip(_ROW, loads_exact(row), strict=True))
    data["id"] = task_id
    return Task.from_dict(data)


class _Window:
    """One key's event times within the window, oldest first, as raw doubles.

    A busy key records every submit of the last minute (a limit set at run time must see
    them): tens of thousands of times under load. Kept as float objects in a deque,
    each would pin a scrap of memory until it expired, and the allocator would hand out
    cold memory to every request; an array holds the numbers themselves, in one block.
    """

    __slots__ = ("start", "times")

    #: Expired times are cut from the front in one move once this many have gathered.
    COMPACT_AT = 4096

    def __init__(self) -> None:
        self.times = array("d")
        self.start = 0  # the first time still in the window

    def expire(self, until: float) -> int:
        """Forget the times at or before *until*; how many are left."""
        times, start = self.times, self.start
        end = len(times)
        while start < end and times[start] <= until:
            start += 1
        if start >= self.COMPACT_AT and 2 * start >= end:
            del times[:start]
            end -= start
            start = 0
        self.start = start
        return end - start


class MemoryTaskStore:
    """Tasks in insertion (= creation) order.

    One process only, so "atomic" is free: the event loop runs one call at a time.
    """

    def __init__(self, *, max_tasks: int = 0, hot_tasks: int = DEFAULT_HOT_TASKS) -> None:
        if max_tasks < 0 or hot_tasks < 1:
            raise ValueError("max_tasks must be 0 (no bound) or more; hot_tasks at least 1")
        self.max_tasks = max_tasks
        self._hot_size = hot_tasks
        #: id -> the live task, or its frozen row; in creation order.
        self._tasks: dict[str, Task | bytes] = {}
        #: The ids of the live tasks, least recently used first.
        self._hot: OrderedDict[str, None] = OrderedDict()
        #: Creation order, for dropping the oldest past ``max_tasks`` (popping the front
        #: of a dict is linear in the holes it leaves).
        self._created: deque[str] = deque()
        self._numbers: dict[str, float] = {}
        self._windows: dict[str, _Window] = {}
        #: space -> key -> [record, due]; dicts keep first-put order on update.
        self._spaces: dict[str, dict[str, list[Any]]] = {}

    def put(self, task: Task) -> None:
        task_id = task.id
        tasks = self._tasks
        new = task_id not in tasks
        tasks[task_id] = task
        self._touch(task_id)
        if new and self.max_tasks:
            created = self._created
            created.append(task_id)
            while len(tasks) > self.max_tasks:
                old = created.popleft()
                tasks.pop(old, None)
                self._hot.pop(old, None)

    def get(self, task_id: str) -> Task | None:
        value = self._tasks.get(task_id)
        if value is None or type(value) is Task:
            if value is not None:
                self._hot.move_to_end(task_id)
            return value
        assert isinstance(value, bytes)
        task = self._tasks[task_id] = thaw(task_id, value)
        self._touch(task_id)
        return task

    def _touch(self, task_id: str) -> None:
        hot = self._hot
        if task_id in hot:
            hot.move_to_end(task_id)
            return
        hot[task_id] = None
        if len(hot) > self._hot_size:
            cold, _ = hot.popitem(last=False)
            value = self._tasks.get(cold)
            if isinstance(value, Task):
                self._tasks[cold] = freeze(value)

    def list(self, *, provider: str | None = None) -> list[Task]:
        found = []
        for task_id, value in self._tasks.items():
            task = value if isinstance(value, Task) else thaw(task_id, value)
            if provider is None or task.provider == provider:
                found.append(task)
        return found

    def count(self) -> int:
        return len(self._tasks)

    def clear(self) -> None:
        self._tasks.clear()
        self._hot.clear()
        self._created.clear()
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
        # One process, one clock: events arrive in time order, so the oldest come first.
        events = self._windows.get(key)
        if events is None:
            events = self._windows[key] = _Window()
        count = events.expire(at - window)
        if limit is None or count < limit:
            events.times.append(at)
            return None
        return events.times[len(events.times) - limit] + window

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
        entries = self._spaces.get(space)  # asked on every submit (balances): no spare dict
        entry = entries.get(key) if entries is not None else None
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
