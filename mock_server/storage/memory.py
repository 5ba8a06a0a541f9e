"""The default store: tasks in a dict, fast, and gone when the process exits."""

from __future__ import annotations

from mock_server.tasks import Task


class MemoryTaskStore:
    """Tasks in insertion (= creation) order; ``get`` hands out the live object."""

    def __init__(self) -> None:
        self._tasks: dict[str, Task] = {}

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
