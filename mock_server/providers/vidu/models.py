"""Vidu's backend: tasks on the shared engine, with no web framework in sight."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from vidukit.mock_server.engine import Engine
from vidukit.mock_server.tasks import Outcome, Progression, Task

from .errors import PageSizeOutOfRange, TaskNotFound
from .status import STATUS

PROVIDER_ID = "vidu"

#: The documented defaults (submit-request.json), kept with the task for prices and media.
DEFAULT_DURATION = 5
DEFAULT_RESOLUTION = "720p"
#: ``model_versions`` filter words (/docs/tasks-list: "q2-pro") -> the request's model.
MODEL_VERSIONS: dict[str, str] = {"q2-pro": "viduq2-pro", "q2": "viduq2"}
#: Task-list paging: UNCONFIRMED parameter names and bounds (the page documents the
#: filters only); a size outside them is the documented 400 PageSizeOutOfRange.
PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX = 10, 100


@dataclass(frozen=True)
class Page:
    tasks: list[Task]
    total: int
    next_page: int | None


def split_words(values: Iterable[str]) -> set[str]:
    """Repeated parameters and comma-separated lists alike (``a,b`` or ``x=a&x=b``)."""
    return {w.strip() for v in values for w in v.split(",") if w.strip()}


class Backend:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def submit(
        self,
        owner: str,
        body: dict[str, Any],
        *,
        progression: Progression | None,
        outcome: Outcome,
    ) -> Task:
        """Create a task from a validated request body."""
        meta: dict[str, Any] = {
            # duration 0 is q2-pro's "auto": the mock renders the default length.
            "duration_seconds": body.get("duration", DEFAULT_DURATION) or DEFAULT_DURATION,
            "resolution": body.get("resolution", DEFAULT_RESOLUTION),
        }
        if body.get("callback_url"):
            meta["webhook"] = body["callback_url"]  # delivered by mock_server.webhooks
        return self.engine.create(
            provider=PROVIDER_ID,
            owner=owner,
            request=body,
            progression=progression,
            outcome=outcome,
            meta=meta,
        )

    def result(self, owner: str, task_id: str) -> Task:
        """The task as its owner sees it now; counts as a poll."""
        task = self.engine.poll(PROVIDER_ID, owner, task_id)
        if task is None:
            raise TaskNotFound(f"task {task_id} not found")
        return task

    def tasks(self, owner: str, *, states: set[str], models: set[str], page: int,
              page_size: int) -> Page:
        """The owner's tasks, newest first, filtered by state word and model version."""
        if not 1 <= page_size <= PAGE_SIZE_MAX:
            raise PageSizeOutOfRange(f"page size {page_size} out of range 1..{PAGE_SIZE_MAX}")
        # An unknown version word matches no task (it names no model this mock serves).
        wanted = {MODEL_VERSIONS[m] for m in models & set(MODEL_VERSIONS)}
        found = []
        for task in self.engine.store.list(provider=PROVIDER_ID):
            if task.owner != owner:
                continue
            task = self.engine.observe(task)
            model = task.request.get("model") if isinstance(task.request, dict) else None
            if states and STATUS[task.state] not in states:
                continue
            if models and model not in wanted:
                continue
            found.append(task)
        found.sort(key=lambda t: (t.created_at, t.id), reverse=True)
        start = (page - 1) * page_size
        chunk = found[start:start + page_size]
        more = start + page_size < len(found)
        return Page(chunk, len(found), page + 1 if more else None)
