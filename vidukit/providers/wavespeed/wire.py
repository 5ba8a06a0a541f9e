"""WaveSpeed's tasks on the wire: ``data.id``, ``data.status``, ``data.outputs``."""

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
    by_method,
    get,
    path_id,
    text,
    words,
)

SUBMIT_PATH = "/api/v3/vidu/reference-to-video-q2"
#: The parameters of the prediction list (``POST /api/v3/predictions``, Common API page).
LIST_PARAMS = frozenset({"page", "page_size", "model", "status", "created_after",
                         "created_before"})


def _operation(method: str, body: Any) -> Action:
    """A POST whose body holds only list parameters reads the prediction list: it starts
    nothing, so a reader of the journal must not count it as a submit."""
    if (method.upper() == "POST" and isinstance(body, Mapping) and body
            and set(body) <= LIST_PARAMS):
        return "other"
    return by_method(method, body)


def webhook(body: Any, url: str | None) -> tuple[Any, Mapping[str, str] | None]:
    """The callback is the ``webhook`` query parameter of the submit (seed 000); the body
    has no callback field, so it is sent as it is."""
    return copy.deepcopy(body), ({"webhook": url} if url else None)


def _error_code(body: Any, _task: str | None) -> str | None:
    """``data.code``: the task error code of a failed prediction (a number on the wire)."""
    code = get(body, "data", "code")
    return None if code is None or isinstance(code, bool) else str(code)


WIRE = Wire(
    # cancelled and timeout: terminal in the official Python SDK's wait loop (README §8).
    ranks={"created": QUEUED, "processing": PROCESSING, "completed": SUCCEEDED,
           "failed": FAILED, "cancelled": FAILED, "timeout": FAILED},
    submit=lambda body: Call("POST", SUBMIT_PATH, json=body),
    poll=lambda task_id: Call("GET", f"/api/v3/predictions/{task_id}/result"),
    task_id=lambda _req, body: text(get(body, "data", "id")),
    statuses=lambda _m, body, _t: words(get(body, "data", "status")),
    output_url=lambda body, _t: text(get(body, "data", "outputs", 0)),
    polled_task=path_id(r"/api/v3/predictions/([^/]+?)(?:/result)?$"),
    error_code=_error_code,
    operation=_operation,
)
