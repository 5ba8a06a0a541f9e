"""MyRouter's vocabulary: Novita's TASK_STATUS_* words and task-result body.

MyRouter's page renders ``task.status`` as a bare string; the Novita enum is
assumed (UNCONFIRMED). Only the submit answer differs: it adds the optional
``provider_request_id`` (seed 002), here the id the backend kept with the task.
"""

from __future__ import annotations

from typing import Any

from vidukit.mock_server.providers.novita.status import (
    DEFAULT_FAILURE_CODE,
    FAILURE_CODES,
    STATUS,
    task_result,
    webhook,
)
from vidukit.mock_server.tasks import Task


def submit_response(task: Task) -> dict[str, Any]:
    return {"task_id": task.id, "provider_request_id": task.meta["provider_request_id"]}


__all__ = [
    "DEFAULT_FAILURE_CODE",
    "FAILURE_CODES",
    "STATUS",
    "submit_response",
    "task_result",
    "webhook",
]
