"""Each provider's task plumbing: where the task id, the status and the output live.

The probe needs to follow one task (submit, poll, fetch) and the lifecycle
check needs to read status words; the example clients under ``examples/`` hold
the same facts, but they hide raw bodies behind a `Result`, and a drift check
must see every raw body. Reading is lenient on purpose: when a provider
renames a field the probe does not need, it must keep going and let the
validator report the rename, instead of stopping blind.

Status words are ranked ``0`` queued, ``1`` processing, ``2`` succeeded,
``3`` failed; a task's statuses must never go down in rank, and a finished
task (rank 2 or 3) must keep its word. `tests/drift` checks this table
against the schemas' enums and the mock's own vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

QUEUED, PROCESSING, SUCCEEDED, FAILED = 0, 1, 2, 3
TERMINAL = frozenset({SUCCEEDED, FAILED})


@dataclass(frozen=True)
class Call:
    """One HTTP request, relative to the provider's base URL."""

    method: str
    path: str
    params: Mapping[str, str] | None = None
    json: Any = None


def _get(body: Any, *keys: str | int) -> Any:
    node = body
    for key in keys:
        if isinstance(key, int):
            if not isinstance(node, list) or len(node) <= key:
                return None
        elif not isinstance(node, Mapping):
            return None
        node = node[key] if isinstance(key, int) else node.get(key)
    return node


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _items(body: Any, key: str, task_id: str | None) -> list[Mapping[str, Any]]:
    """Runware's ``data`` / ``errors`` items for *task_id*, else every item (one task per poll)."""
    items = [i for i in (_get(body, key) or []) if isinstance(i, Mapping)]
    mine = [i for i in items if task_id is not None and i.get("taskUUID") == task_id]
    return mine or items


@dataclass(frozen=True)
class Wire:
    """What the probe and the lifecycle check need to know about one provider's tasks."""

    provider: str
    #: Status word -> rank (QUEUED, PROCESSING, SUCCEEDED, FAILED).
    ranks: Mapping[str, int]
    submit: Callable[[Any], Call]
    poll: Callable[[str], Call]
    #: (submit request body, submit response body) -> the task id.
    task_id: Callable[[Any, Any], str | None]
    #: (message, body, task id) -> the status words the body shows for that task.
    statuses: Callable[[str, Any, str | None], list[str]]
    #: Result body -> the first output URL.
    output_url: Callable[[Any, str | None], str | None]
    #: (path, query parameters, request body) of a poll -> the task id it asks about.
    polled_task: Callable[[str, Mapping[str, str], Any], str | None]

    def status(self, message: str, body: Any, task_id: str | None) -> str | None:
        words = self.statuses(message, body, task_id)
        return words[0] if words else None


def _path_id(pattern: str) -> Callable[[str, Mapping[str, str], Any], str | None]:
    compiled = re.compile(pattern)

    def read(path: str, _params: Mapping[str, str], _body: Any) -> str | None:
        found = compiled.search(path)
        return found.group(1) if found else None

    return read


# --------------------------------------------------------------------------- per provider


def _wavespeed() -> Wire:
    submit_path = "/api/v3/vidu/reference-to-video-q2"
    return Wire(
        provider="wavespeed",
        ranks={"created": QUEUED, "processing": PROCESSING, "completed": SUCCEEDED,
               "failed": FAILED},
        submit=lambda body: Call("POST", submit_path, json=body),
        poll=lambda task_id: Call("GET", f"/api/v3/predictions/{task_id}/result"),
        task_id=lambda _req, body: _text(_get(body, "data", "id")),
        statuses=lambda _m, body, _t: [w for w in [_get(body, "data", "status")]
                                       if isinstance(w, str)],
        output_url=lambda body, _t: _text(_get(body, "data", "outputs", 0)),
        polled_task=_path_id(r"/predictions/([^/]+)"),
    )


def _vtrix_url(body: Any, _task: str | None) -> str | None:
    for output in _get(body, "output") or []:
        for content in _get(output, "content") or []:
            url = _text(_get(content, "url"))
            if url:
                return url
    return None


def _vtrix() -> Wire:
    return Wire(
        provider="vtrix",
        ranks={"pending": QUEUED, "in_progress": PROCESSING, "processing": PROCESSING,
               "completed": SUCCEEDED, "failed": FAILED},
        submit=lambda body: Call("POST", "/model/v1/generation", json=body),
        poll=lambda task_id: Call("GET", f"/model/v1/generation/task/{task_id}"),
        task_id=lambda _req, body: _text(_get(body, "id")),
        statuses=lambda _m, body, _t: [w for w in [_get(body, "status")] if isinstance(w, str)],
        output_url=_vtrix_url,
        polled_task=_path_id(r"/generation/task/([^/]+)"),
    )


def _v3_async(provider: str) -> Wire:
    return Wire(
        provider=provider,
        ranks={"TASK_STATUS_QUEUED": QUEUED, "TASK_STATUS_PROCESSING": PROCESSING,
               "TASK_STATUS_SUCCEED": SUCCEEDED, "TASK_STATUS_FAILED": FAILED},
        submit=lambda body: Call("POST", "/v3/async/vidu-q2-reference2video", json=body),
        poll=lambda task_id: Call("GET", "/v3/async/task-result", params={"task_id": task_id}),
        task_id=lambda _req, body: _text(_get(body, "task_id")),
        statuses=lambda _m, body, _t: [w for w in [_get(body, "task", "status")]
                                       if isinstance(w, str)],
        output_url=lambda body, _t: _text(_get(body, "videos", 0, "video_url")),
        polled_task=lambda _path, params, _body: params.get("task_id") or None,
    )


def _runware_task_id(request: Any, _body: Any) -> str | None:
    """Runware's task id is the client's own taskUUID, sent with the submit."""
    for task in request if isinstance(request, list) else []:
        if isinstance(task, Mapping) and task.get("taskType") == "videoInference":
            return _text(task.get("taskUUID"))
    return None


def _runware_statuses(message: str, body: Any, task_id: str | None) -> list[str]:
    if message != "result-response":
        return []
    words = [i.get("status") for i in _items(body, "errors", task_id)]
    words += [i.get("status") for i in _items(body, "data", task_id)]
    return [w for w in words if isinstance(w, str)]


def _runware_polled(body: Any) -> str | None:
    for task in body if isinstance(body, list) else []:
        if isinstance(task, Mapping) and task.get("taskType") == "getResponse":
            return _text(task.get("taskUUID"))
    return None


def _runware() -> Wire:
    return Wire(
        provider="runware",
        # No queued word: a queued task polls as processing (task-polling page).
        ranks={"processing": PROCESSING, "success": SUCCEEDED, "error": FAILED},
        submit=lambda body: Call("POST", "/v1", json=body),
        poll=lambda task_id: Call("POST", "/v1",
                                  json=[{"taskType": "getResponse", "taskUUID": task_id}]),
        task_id=_runware_task_id,
        statuses=_runware_statuses,
        output_url=lambda body, task_id: next(
            (u for u in (_text(i.get("videoURL")) for i in _items(body, "data", task_id)) if u),
            None,
        ),
        polled_task=lambda _path, _params, body: _runware_polled(body),
    )


WIRES: Mapping[str, Wire] = {
    w.provider: w
    for w in (_wavespeed(), _vtrix(), _v3_async("novita"), _v3_async("myrouter"), _runware())
}


def wire(provider: str) -> Wire:
    return WIRES[provider]


__all__ = ["FAILED", "PROCESSING", "QUEUED", "SUCCEEDED", "TERMINAL", "WIRES", "Call", "Wire",
           "wire"]
