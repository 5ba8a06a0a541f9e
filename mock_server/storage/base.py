"""The store interface every task store implements.

Deliberately small (put, get, list, count, clear): a persistent (sqlite) or
shared (redis) store implements the same five methods, serialising with
`Task.to_dict` / `Task.from_dict`. Callers always ``put`` a task back after
changing it, so a store that copies on ``get`` behaves like the in-memory one
that hands out the live object.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from mock_server.tasks import Task


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
        """Forget every task."""
        ...
