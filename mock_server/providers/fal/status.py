"""fal.ai's queue vocabulary for the engine's states, and the bodies of its answers.

A request is IN_QUEUE (with a ``queue_position`` that drops by one at each status poll,
from `QUEUE_START` to 0: the mock's choice, fal's position depends on its traffic), then
IN_PROGRESS (with the runner's ``logs`` when asked), then COMPLETED. A failed or cancelled
request is COMPLETED as well, with ``error`` and ``error_type`` on its status (fal-client's
``Completed``); its result answers the error (`result_error`). `STATUS` calls that state
``ERROR``, the word fal's webhooks and the wire reader use for it.
"""

from __future__ import annotations

from typing import Any

from vidukit.mock_server.clock import iso_ms
from vidukit.mock_server.engine import FAILED, PROCESSING, QUEUED, SUCCEEDED
from vidukit.mock_server.tasks import Task
from vidukit.providers.fal.wire import FAILED_WORD, REQUEST_PATH

STATUS: dict[str, str] = {
    QUEUED: "IN_QUEUE",
    PROCESSING: "IN_PROGRESS",
    SUCCEEDED: "COMPLETED",
    FAILED: FAILED_WORD,
}

#: fal's error types (https://fal.ai/docs/documentation/model-apis/errors) -> the message
#: a failed request shows. ``request_cancelled`` is the mock's type for a cancelled request
#: (UNCONFIRMED: fal documents no type for it).
FAILURE_CODES: dict[str, str] = {
    "content_policy_violation": "The content was flagged by a content checker.",
    "unsupported_image_format": "The reference image's format is not supported.",
    "file_download_error": "Failed to download the file at the given URL.",
    "generation_timeout": "The generation did not finish in time.",
    "internal_server_error": "Internal server error.",
    "request_cancelled": "Request was cancelled.",
}
DEFAULT_FAILURE_CODE = "internal_server_error"
CANCELLED = "request_cancelled"

#: error type -> (HTTP status of the result, the input the error points at). 422 for the
#: model's input errors, 504 for a timeout, 500 otherwise (Model Errors page: 'e.g. 500
#: for internal errors, 504 for timeouts'); a cancelled request's result is a 400 (UNCONFIRMED).
RESULT_ERRORS: dict[str, tuple[int, tuple[str | int, ...]]] = {
    "content_policy_violation": (422, ("body", "prompt")),
    "unsupported_image_format": (422, ("body", "reference_image_urls", 0)),
    "file_download_error": (422, ("body", "reference_image_urls", 0)),
    "generation_timeout": (504, ("body",)),
    "internal_server_error": (500, ("body",)),
}
DOCS_ERRORS = "https://docs.fal.ai/errors#"

#: Where a new request starts in the queue (the mock's choice).
QUEUE_START = 2
CONTENT_TYPE = "video/mp4"


def error_type(task: Task) -> str:
    code = task.outcome.error_code or DEFAULT_FAILURE_CODE
    return code if code in FAILURE_CODES else DEFAULT_FAILURE_CODE


def urls(task: Task, base_url: str) -> dict[str, str]:
    request = base_url + REQUEST_PATH.format(id=task.id)
    return {"response_url": request, "status_url": f"{request}/status",
            "cancel_url": f"{request}/cancel"}


def submitted(task: Task, *, base_url: str) -> dict[str, Any]:
    """The submit answer: the id, the three URLs, and the place in the queue."""
    return {"request_id": task.id, "gateway_request_id": task.id, **urls(task, base_url),
            "status": "IN_QUEUE", "queue_position": QUEUE_START}


def _logs(task: Task) -> list[dict[str, str]]:
    started = task.entered.get(PROCESSING, task.created_at)
    lines = [{"message": "Generating video", "level": "INFO", "source": "user",
              "timestamp": iso_ms(started)}]
    ended = task.entered.get(task.state) if task.state in (SUCCEEDED, FAILED) else None
    if ended is not None:
        lines.append({"message": "Done" if task.state == SUCCEEDED else FAILURE_CODES[
            error_type(task)], "level": "INFO" if task.state == SUCCEEDED else "ERROR",
            "source": "user", "timestamp": iso_ms(ended)})
    return lines


def status(task: Task, *, base_url: str, logs: bool) -> dict[str, Any]:
    """The status answer; *logs*: the client asked for them (``?logs=1``)."""
    body: dict[str, Any] = {"status": STATUS[task.state], "request_id": task.id,
                            **urls(task, base_url)}
    if task.state == QUEUED:
        body["queue_position"] = max(0, QUEUE_START - task.polls)
        return body
    body["logs"] = _logs(task) if logs else None
    if task.state == PROCESSING:
        return body
    body["status"] = "COMPLETED"
    started = task.entered.get(PROCESSING, task.created_at)
    body["metrics"] = {"inference_time": round(task.entered[task.state] - started, 3)}
    if task.state == FAILED:
        body["error"] = FAILURE_CODES[error_type(task)]
        body["error_type"] = error_type(task)
    return body


def output(task: Task, *, media_url: str) -> dict[str, Any]:
    """The result of a COMPLETED request: the model's output (a File named ``video``)."""
    return {"video": {"url": media_url, "content_type": CONTENT_TYPE,
                      "file_name": f"{task.id}.mp4"},
            "seed": task.request.get("seed", task.seed) if isinstance(task.request, dict)
            else task.seed}


def error_detail(task: Task) -> tuple[int, Any]:
    """(HTTP status, ``detail``) of a failed request's result."""
    kind = error_type(task)
    if kind == CANCELLED:
        return 400, FAILURE_CODES[kind]
    http, loc = RESULT_ERRORS[kind]
    return http, [{"loc": list(loc), "msg": FAILURE_CODES[kind], "type": kind,
                   "url": DOCS_ERRORS + kind}]


def webhook(task: Task, *, base_url: str, media_url: str) -> list[dict[str, Any]]:
    """The one callback of a finished request: OK with the result, or ERROR with the error
    details as ``payload`` and 'Invalid status code: <HTTP status>' as ``error`` (webhooks
    page, Response errors)."""
    body: dict[str, Any] = {"request_id": task.id, "gateway_request_id": task.id}
    if task.state == SUCCEEDED:
        return [{**body, "status": "OK", "payload": output(task, media_url=media_url),
                 "error": None, "payload_error": None}]
    http, detail = error_detail(task)
    return [{**body, "status": "ERROR", "payload": {"detail": detail},
             "error": f"Invalid status code: {http}", "payload_error": None}]
