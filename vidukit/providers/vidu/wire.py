"""Vidu's tasks on the wire: ``task_id`` on submit, ``state`` and ``creations[].url`` on poll."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from vidukit.providers.wire import (
    FAILED,
    PROCESSING,
    QUEUED,
    SUCCEEDED,
    Call,
    Wire,
    get,
    path_id,
    text,
    words,
)

SUBMIT_PATH = "/ent/v2/reference2video"
CREATIONS_PATH = "/ent/v2/tasks/{id}/creations"
TASKS_PATH = "/ent/v2/tasks"


def webhook(body: Any, url: str | None) -> tuple[Any, Mapping[str, str] | None]:
    """The callback is the body's ``callback_url``; None removes it."""
    changed = copy.deepcopy(body)
    if isinstance(changed, dict):
        changed.pop("callback_url", None)
        if url:
            changed["callback_url"] = url
    return changed, None


def _task_id(_request: Any, body: Any) -> str | None:
    """``task_id`` on submit; ``id`` on a creations answer (optional there, §6)."""
    return text(get(body, "task_id")) or text(get(body, "id"))


def _error_code(body: Any, _task: str | None) -> str | None:
    return text(get(body, "err_code"))


WIRE = Wire(
    # GET creations' states (§6, §9): created -> queueing -> processing -> success | failed.
    ranks={"created": QUEUED, "queueing": QUEUED, "processing": PROCESSING,
           "success": SUCCEEDED, "failed": FAILED},
    submit=lambda body: Call("POST", SUBMIT_PATH, json=body),
    poll=lambda task_id: Call("GET", CREATIONS_PATH.format(id=task_id)),
    task_id=_task_id,
    statuses=lambda _m, body, _t: words(get(body, "state")),
    output_url=lambda body, _t: text(get(body, "creations", 0, "url")),
    # Unanchored: the journal's paths carry the mount prefix (/vidu).
    polled_task=path_id(r"/ent/v2/tasks/([^/]+)/creations$"),
    error_code=_error_code,
)

__all__ = ["CREATIONS_PATH", "SUBMIT_PATH", "TASKS_PATH", "WIRE", "webhook"]
