"""Runware's tasks on the wire: one endpoint (``POST /v1``) for submits and polls, told apart by
the task types in the array; the task id is the client's own ``taskUUID``; a poll answers
processing and successful generations in ``data`` and failed ones in ``errors``."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from vidukit.providers.wire import (
    FAILED,
    PROCESSING,
    QUEUED,
    SUCCEEDED,
    Action,
    Call,
    Wire,
    get,
    text,
)

#: Task type -> the request message an array of it is.
REQUESTS: Mapping[str, str] = {"videoInference": "submit-request", "getResponse": "poll-request"}


def tasks(body: Any, task_type: str) -> list[Mapping[str, Any]]:
    """The tasks of *task_type* in a request array."""
    if not isinstance(body, list):
        return []
    return [t for t in body if isinstance(t, Mapping) and t.get("taskType") == task_type]


def _items(body: Any, key: str, task_id: str | None) -> list[Mapping[str, Any]]:
    """The ``data`` / ``errors`` items for *task_id*, else every item (one task per poll)."""
    items = [i for i in (get(body, key) or []) if isinstance(i, Mapping)]
    mine = [i for i in items if task_id is not None and i.get("taskUUID") == task_id]
    return mine or items


def _task_id(request: Any, _body: Any) -> str | None:
    found = tasks(request, "videoInference")
    return text(found[0].get("taskUUID")) if found else None


def _statuses(message: str, body: Any, task_id: str | None) -> list[str]:
    if message != "result-response":
        return []
    # A failed task's item in errors carries no status word: it reads as "error".
    found: list[Any] = [i.get("status", "error") for i in _items(body, "errors", task_id)]
    found += [i.get("status") for i in _items(body, "data", task_id)]
    return [w for w in found if isinstance(w, str)]


def _polled(_path: str, _params: Mapping[str, str], body: Any) -> str | None:
    found = tasks(body, "getResponse")
    return text(found[0].get("taskUUID")) if found else None


def _operation(method: str, body: Any) -> Action:
    if method.upper() != "POST":
        return "other"
    if tasks(body, "getResponse"):
        return "poll"
    return "submit" if tasks(body, "videoInference") else "other"


def _every_task_id(request: Any, answer: Any) -> list[str]:
    """The client's own taskUUIDs; given the answer, those it acknowledges in ``data``."""
    sent = [t for t in (text(task.get("taskUUID")) for task in tasks(request, "videoInference"))
            if t]
    if answer is None:
        return sent
    acknowledged = {i.get("taskUUID") for i in _items(answer, "data", None)}
    return [t for t in sent if t in acknowledged]


def _error_code(body: Any, task_id: str | None) -> str | None:
    """``code`` of the task's item in ``errors`` (a failed task is only there)."""
    for item in (get(body, "errors") or []):
        if isinstance(item, Mapping) and (task_id is None or item.get("taskUUID") == task_id):
            return text(item.get("code"))
    return None


def webhook(body: Any, url: str | None) -> tuple[Any, Mapping[str, str] | None]:
    """The callback is ``webhookURL`` in each ``videoInference`` task."""
    body = copy.deepcopy(body)
    for task in tasks(body, "videoInference"):
        assert isinstance(task, dict)
        task.pop("webhookURL", None)
        if url:
            task["webhookURL"] = url
    return body, None


def credentials(body: Any, key: str) -> Any:
    """A leading ``authentication`` task's ``apiKey`` becomes *key* (a key in the body wins
    over the header), without the ``connectionSessionUUID`` of a session to resume: one
    another key opened is not this key's."""
    body = copy.deepcopy(body)
    for task in tasks(body, "authentication"):
        assert isinstance(task, dict)
        task["apiKey"] = key
        task.pop("connectionSessionUUID", None)
    return body


def request_message(body: Any) -> str | None:
    """``submit-request`` or ``poll-request`` for a task array; None when mixed or odd.

    A leading ``authentication`` task does not count.
    """
    if not isinstance(body, list):
        return None
    kinds = {
        REQUESTS.get(str(task.get("taskType")), "other")
        for task in body
        if isinstance(task, Mapping) and task.get("taskType") != "authentication"
    }
    if len(kinds) == 1 and "other" not in kinds:
        return kinds.pop()
    return None


WIRE = Wire(
    # No queued word: a queued task polls as processing (task-polling page).
    # queued, pending, scheduled, waiting: runware 0.5.24 keeps polling on them (README §8).
    ranks={"processing": PROCESSING, "success": SUCCEEDED, "error": FAILED,
           "queued": QUEUED, "pending": QUEUED, "scheduled": QUEUED, "waiting": QUEUED},
    submit=lambda body: Call("POST", "/v1", json=body),
    poll=lambda task_id: Call("POST", "/v1",
                              json=[{"taskType": "getResponse", "taskUUID": task_id}]),
    task_id=_task_id,
    statuses=_statuses,
    output_url=lambda body, task_id: next(
        (u for u in (text(i.get("videoURL")) for i in _items(body, "data", task_id)) if u),
        None,
    ),
    polled_task=_polled,
    operation=_operation,
    poll_marker=b'"getResponse"',
    request_message=request_message,
    error_code=_error_code,
    every_task_id=_every_task_id,
)
