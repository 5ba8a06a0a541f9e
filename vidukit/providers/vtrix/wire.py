"""Vtrix's tasks on the wire: ``id`` and ``status`` at the top, videos in ``output[].content[]``."""

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
    Progress,
    Wire,
    get,
    path_id,
    text,
    words,
)


def _output_url(body: Any, _task: str | None) -> str | None:
    for output in get(body, "output") or []:
        for content in get(output, "content") or []:
            url = text(get(content, "url"))
            if url:
                return url
    return None


def webhook(body: Any, url: str | None) -> tuple[Any, Mapping[str, str] | None]:
    """The callback is ``callback_url`` in each ``input[].params`` (seed 001)."""
    body = copy.deepcopy(body)
    for item in get(body, "input") or []:
        params = get(item, "params")
        if isinstance(params, dict):
            params.pop("callback_url", None)
            if url:
                params["callback_url"] = url
    return body, None


def _error_code(body: Any, _task: str | None) -> str | None:
    """``error.code`` of a failed task."""
    code = get(body, "error", "code")
    return None if code is None else str(code)


WIRE = Wire(
    # in_progress (the model docs) and pending/processing (the CLI docs) are all accepted.
    ranks={"pending": QUEUED, "in_progress": PROCESSING, "processing": PROCESSING,
           "completed": SUCCEEDED, "failed": FAILED},
    submit=lambda body: Call("POST", "/model/v1/generation", json=body),
    poll=lambda task_id: Call("GET", f"/model/v1/generation/task/{task_id}"),
    task_id=lambda _req, body: text(get(body, "id")),
    statuses=lambda _m, body, _t: words(get(body, "status")),
    output_url=_output_url,
    polled_task=path_id(r"/model/v1/generation/task/([^/]+)$"),
    error_code=_error_code,
    # "progress: 0.0-1.0, only present when status is in_progress" (Veo page, same gateway).
    progress=Progress("/progress", 1.0, "https://doc.vtrix.ai/docs/api/google/"
                      "vtrix-veo-3-1-generate-preview (provider-docs/README.md §2)"),
)
