"""fal.ai's queue on the wire: ``request_id``, the status word, ``video.url``.

The queue API splits a request over three URLs under the app id (``fal-ai/vidu``, the
model id without its sub-path): ``/requests/{id}/status`` (polled), ``/requests/{id}``
(the result, once COMPLETED) and ``/requests/{id}/cancel``. A request that failed is
COMPLETED too, with ``error`` and ``error_type`` on its status: this reader calls such a
status ``ERROR``, fal's own word for a failed request (its webhook ``status``), so that
a failure ranks as one.
"""

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
)

#: The model id (provider-docs §10) and the app id its queue URLs use.
MODEL_ID = "fal-ai/vidu/q2/reference-to-video/pro"
APP_ID = "fal-ai/vidu"

SUBMIT_PATH = f"/{MODEL_ID}"
REQUEST_PATH = f"/{APP_ID}/requests/{{id}}"
STATUS_PATH = f"{REQUEST_PATH}/status"
CANCEL_PATH = f"{REQUEST_PATH}/cancel"
#: The mock's own JWKS, at the path fal serves its keys on (rest.alpha.fal.ai).
JWKS_PATH = "/.well-known/jwks.json"

#: A COMPLETED status with an error, as this reader names it.
FAILED_WORD = "ERROR"


def webhook(body: Any, url: str | None) -> tuple[Any, Mapping[str, str] | None]:
    """The callback is the ``fal_webhook`` query parameter of the submit; the body has no
    callback field, so it is sent as it is."""
    return copy.deepcopy(body), ({"fal_webhook": url} if url else None)


def statuses(message: str, body: Any, _task: str | None) -> list[str]:
    word = get(body, "status")
    if not isinstance(word, str):
        return []
    if message == "webhook":
        return [FAILED_WORD if word == FAILED_WORD else "COMPLETED"]
    if word == "COMPLETED" and get(body, "error") is not None:
        return [FAILED_WORD]
    return [word]


def _error_code(body: Any, _task: str | None) -> str | None:
    """``error_type`` of a failed request's status (fal-client's ``Completed.error_type``)."""
    return text(get(body, "error_type"))


WIRE = Wire(
    ranks={"IN_QUEUE": QUEUED, "IN_PROGRESS": PROCESSING, "COMPLETED": SUCCEEDED,
           FAILED_WORD: FAILED},
    submit=lambda body: Call("POST", SUBMIT_PATH, json=body),
    # With the runner's logs, as ``fal_client.status(..., with_logs=True)`` asks.
    poll=lambda task_id: Call("GET", STATUS_PATH.format(id=task_id), params={"logs": "1"}),
    task_id=lambda _req, body: text(get(body, "request_id")),
    statuses=statuses,
    output_url=lambda body, _t: text(get(body, "video", "url")),
    result=lambda task_id: Call("GET", REQUEST_PATH.format(id=task_id)),
    # The status call only: the result fetch after COMPLETED is not another look at the
    # task's state. Unanchored, as the journal's paths carry the mount prefix (/fal).
    polled_task=path_id(rf"/{APP_ID}/requests/([^/]+)/status$"),
    error_code=_error_code,
    # The webhook body's request_id (provider-docs/README.md §10, the webhooks page).
    callback_task=lambda body: text(get(body, "request_id")),
)

__all__ = [
    "APP_ID",
    "CANCEL_PATH",
    "FAILED_WORD",
    "JWKS_PATH",
    "MODEL_ID",
    "REQUEST_PATH",
    "STATUS_PATH",
    "SUBMIT_PATH",
    "WIRE",
    "webhook",
]
