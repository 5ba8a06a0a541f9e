"""Runware's vocabulary for the engine's states, its result items, and the cost rule.

Statuses (task-polling page): a generation is ``processing``, ``success`` or
``error``. Runware has no queued word (the older page's ``pending`` is drift
the schema rejects), so a queued task also polls as ``processing``. A
finished generation is a ``data`` item; a failed one is an ``errors`` item
``{code, status: "error", message, documentation, taskUUID, taskType}``
(schemas/runware/result-response.json).

Everything here renders from what the backend stored in ``task.meta`` (the
client's taskUUID, duration, resolution, includeCost, numberResults, seed);
nothing reads the clock or the request again.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from typing import Any

from vidukit.canonical import pixel_sizes
from vidukit.mock_server.engine import FAILED, PROCESSING, QUEUED, SUCCEEDED
from vidukit.mock_server.media import pricing
from vidukit.mock_server.tasks import Task

TASK_TYPE = "videoInference"
MODEL = "vidu:3@1"

#: Documented defaults of videoInference for vidu:3@1 (model page, providers/vidu page).
DEFAULT_DURATION = 5
#: Resolution when width/height are absent (frameImages infer it from the first frame).
#: UNCONFIRMED: Runware does not say; 720p is Vidu's own default resolution.
DEFAULT_RESOLUTION = "720p"

STATUS: dict[str, str] = {
    QUEUED: "processing",
    PROCESSING: "processing",
    SUCCEEDED: "success",
    FAILED: "error",
}

#: Codes a failed generation may carry. Only timeoutProvider is documented (errors page);
#: providerError is a mock convention (UNCONFIRMED) for a generic provider failure;
#: contentPolicyViolation is in the official runware-sdk's error catalogue
#: (Runware/runware-python runware/errors.py ``_SAFETY_CODES``), which files it as ``safety``.
FAILURE_CODES: dict[str, str] = {
    "timeoutProvider": "The provider did not answer in time.",
    "providerError": "The provider failed to generate the video.",
    "contentPolicyViolation": "The generated content was flagged by content moderation.",
    # The rest of the official SDKs' catalogue for a failed task (runware-sdk runware/errors.py,
    # provider-docs §8): sent only on request (`X-Mock-Outcome: fail:<code>`), so a client can
    # be tried against each word its SDK files.
    "providerContentPolicyViolation": "The provider's content moderation refused the task.",
    "taskFailedOrNotFound": "The task failed or was not found.",
    "taskCancelled": "The task was cancelled.",
}
DEFAULT_FAILURE_CODE = "timeoutProvider"

DOCS_ERRORS = "https://runware.ai/docs/platform/errors"
DOCS_AUTH = "https://runware.ai/docs/platform/authentication"
DOCS_VIDEO = "https://runware.ai/docs/en/video-inference/api-reference"
DOCS_POLLING = "https://runware.ai/docs/platform/task-polling"

#: ``cost`` is written to five decimals.
_PLACES = Decimal("0.00001")


@cache
def dimension_rows() -> Mapping[tuple[int, int], str]:
    """(width, height) -> resolution, from the schema's table of allowed pairs (one source)."""
    return {size: pair[0] for pair, size in pixel_sizes("runware").items()}


def resolution_of(task: Mapping[str, Any]) -> str:
    """The resolution a (validated) videoInference task asks for."""
    size = (task.get("width"), task.get("height"))
    return dimension_rows().get(size, DEFAULT_RESOLUTION)  # type: ignore[arg-type]


def cost(resolution: str, duration_seconds: float) -> float:
    """USD for one video: the per-second rate times the length, to five decimals."""
    amount = pricing.video_cost("runware", resolution, duration_seconds) or Decimal(0)
    return float(amount.quantize(_PLACES))


def acknowledgement(task_uuid: str) -> dict[str, Any]:
    """The submit answer's item for one accepted task (deliveryMethod async)."""
    return {"taskType": TASK_TYPE, "taskUUID": task_uuid}


def session(session_uuid: str) -> dict[str, Any]:
    """The answer item for a leading authentication task."""
    return {"taskType": "authentication", "connectionSessionUUID": session_uuid}


def derived_uuid(*parts: object) -> str:
    """A version-4 UUID fixed by *parts*: the same task always shows the same ids."""
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def sdk_form(task: Task) -> dict[str, Any]:
    """The SDK-form scenario the task carries (``meta["sdk_form"]``: name and parameters)."""
    form = task.meta.get("sdk_form")
    return form if isinstance(form, dict) else {}


def fails_in_data(task: Task) -> bool:
    """A failed task answers with an item in ``data`` (``data-error``) instead of ``errors``."""
    return task.state == FAILED and sdk_form(task).get("name") == "data-error"


def failure(task: Task) -> dict[str, Any]:
    """A failed task's ``errors`` item."""
    code = task.outcome.error_code or DEFAULT_FAILURE_CODE
    return {
        "code": code,
        "status": STATUS[FAILED],
        "message": FAILURE_CODES.get(code, FAILURE_CODES[DEFAULT_FAILURE_CODE]),
        "documentation": DOCS_ERRORS,
        "taskUUID": task.meta["taskUUID"],
        "taskType": TASK_TYPE,
    }


def generations(task: Task, media_url: str) -> list[dict[str, Any]]:
    """A task's ``data`` items: one ``processing`` item, or one per result once succeeded.

    ``numberResults`` videos each get their own videoUUID and URL; the n-th
    result's seed is the task's seed plus n (UNCONFIRMED: Runware's images do
    this). ``cost`` is per video and only present when the task asked for it.
    """
    task_uuid = task.meta["taskUUID"]
    form = sdk_form(task)
    if fails_in_data(task):
        # runware-sdk (runware/client.py _AsyncCollector.ingest): a data item
        # {status: "error", error: {code, message}, taskUUID} ends the task as failed.
        failed = failure(task)
        error = {"code": failed["code"], "message": failed["message"]}
        return [{"taskType": TASK_TYPE, "taskUUID": task_uuid, "status": "error", "error": error}]
    if task.state != SUCCEEDED:
        word = form["word"] if form.get("name") == "pending-status" else STATUS[task.state]
        return [{"taskType": TASK_TYPE, "taskUUID": task_uuid, "status": word}]
    seed = task.meta.get("seed") or task.seed
    price = cost(task.meta["resolution"], task.meta["duration_seconds"])
    items = []
    for n in range(task.meta.get("numberResults", 1)):
        item: dict[str, Any] = {
            "taskType": TASK_TYPE,
            "taskUUID": task_uuid,
            "status": STATUS[SUCCEEDED],
            "videoUUID": derived_uuid("runware-video", task.id, task.seed, n),
            "videoURL": media_url if n == 0 else f"{media_url}?result={n + 1}",
            "seed": seed + n,
        }
        if task.meta.get("includeCost"):
            item["cost"] = price
        items.append(item)
    return items


def webhook(task: Task, *, base_url: str, media_url: str) -> list[dict[str, Any]]:
    """One POST per result ("one call per result"), each ``{"data": [item]}``; a failure
    is one ``{"errors": [item]}`` (that Runware calls back on failure is UNCONFIRMED)."""
    if task.state == FAILED:
        return [{"errors": [failure(task)]}]
    return [{"data": [item]} for item in generations(task, media_url)]


__all__ = [
    "DEFAULT_DURATION",
    "DEFAULT_FAILURE_CODE",
    "DEFAULT_RESOLUTION",
    "FAILURE_CODES",
    "MODEL",
    "STATUS",
    "TASK_TYPE",
    "acknowledgement",
    "cost",
    "derived_uuid",
    "dimension_rows",
    "failure",
    "generations",
    "resolution_of",
    "session",
    "webhook",
]
