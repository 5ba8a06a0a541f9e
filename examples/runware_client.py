"""A Runware client for Vidu Q2 reference-to-video (model ``vidu:3@1``, REST, httpx).

    POST {base}/v1  [{"taskType": "videoInference", "taskUUID": <uuid4>, ...}]
                    -> {"data": [{"taskType": "videoInference", "taskUUID"}]}
    POST {base}/v1  [{"taskType": "getResponse", "taskUUID": <same>}]
                    -> {"data": [{"status": "processing"}]}
                     | {"data": [{"status": "success", "videoURL", ...}]}
                     | {"errors": [{"code", "status": "error", "message", "taskUUID"}]}  (HTTP 200)

The client chooses the task id (a fresh UUID v4 per task). That makes a
retried submit safe: when the first try went through but its answer was lost,
the retry is refused as ``conflictTaskUUID``, which here means "already
accepted". Size is a width x height pair from the model page's table; the
amplitude sits in ``providerSettings.vidu``; Runware's seed must be >= 1.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, ClassVar

from .common import (
    ApiError,
    PollingClient,
    Result,
    UnexpectedResponse,
    UnsupportedRequest,
    run_adapter,
)

DEFAULT_BASE_URL = "https://api.runware.ai"
TASKS_PATH = "/v1"
MODEL = "vidu:3@1"
TASK_TYPE = "videoInference"

#: (resolution, aspect ratio) -> (width, height): the vidu:3@1 model page's allowed pairs.
SIZES: dict[tuple[str, str], tuple[int, int]] = {
    ("360p", "16:9"): (640, 352),
    ("360p", "4:3"): (544, 400),
    ("360p", "1:1"): (480, 480),
    ("360p", "3:4"): (400, 544),
    ("360p", "9:16"): (352, 640),
    ("540p", "16:9"): (960, 528),
    ("540p", "4:3"): (816, 608),
    ("540p", "1:1"): (720, 720),
    ("540p", "3:4"): (608, 816),
    ("540p", "9:16"): (528, 960),
    ("720p", "16:9"): (1280, 720),
    ("720p", "4:3"): (1104, 816),
    ("720p", "1:1"): (960, 960),
    ("720p", "3:4"): (816, 1104),
    ("720p", "9:16"): (720, 1280),
    ("1080p", "16:9"): (1920, 1080),
    ("1080p", "4:3"): (1674, 1238),
    ("1080p", "1:1"): (1440, 1440),
    ("1080p", "3:4"): (1238, 1674),
    ("1080p", "9:16"): (1080, 1920),
}


def to_wire(request: Mapping[str, Any], task_uuid: str) -> list[dict[str, Any]]:
    """The submit body: one videoInference task in an array."""
    size = SIZES.get((request["resolution"], request["aspect_ratio"]))
    if size is None:
        raise UnsupportedRequest(
            f"Runware has no size for {request['resolution']} {request['aspect_ratio']}"
        )
    task: dict[str, Any] = {
        "taskType": TASK_TYPE,
        "taskUUID": task_uuid,
        "model": MODEL,
        "positivePrompt": request["prompt"],
        "width": size[0],
        "height": size[1],
        "duration": request["duration"],
        "providerSettings": {"vidu": {"movementAmplitude": request["movement_amplitude"]}},
        "inputs": {"referenceImages": list(request["images"])},
    }
    if request.get("seed") is not None:
        task["seed"] = request["seed"]
    return [task]


def _mine(items: Any, task_uuid: str) -> list[Mapping[str, Any]]:
    """The items of a ``data`` or ``errors`` list that belong to this task."""
    if not isinstance(items, list):
        return []
    return [i for i in items if isinstance(i, Mapping) and i.get("taskUUID") == task_uuid]


def read_response(body: Any, task_uuid: str) -> Result | None:
    """The outcome a getResponse answer shows for *task_uuid*, or None while it runs."""
    if not isinstance(body, Mapping):
        raise UnexpectedResponse(f"Runware answer is not an object: {body!r:.300}")
    errors = _mine(body.get("errors"), task_uuid)
    if errors:
        text = "; ".join(f"{e.get('code')}: {e.get('message')}" for e in errors)
        return Result.failed(task_uuid, text)
    items = _mine(body.get("data"), task_uuid)
    for item in items:
        if item.get("status") == "success":
            url = item.get("videoURL")
            if not isinstance(url, str) or not url:
                return Result.failed(task_uuid, "success without a videoURL")
            return Result.succeeded(task_uuid, url)
        if item.get("status") == "error":
            return Result.failed(task_uuid, str(item.get("message") or "task failed"))
    return None


def _is_duplicate(error: ApiError, task_uuid: str) -> bool:
    return any(e.get("code") == "conflictTaskUUID" for e in _mine(
        error.body.get("errors") if isinstance(error.body, Mapping) else None, task_uuid))


class RunwareClient(PollingClient):
    """Submit a videoInference task, then poll it with getResponse until it is finished."""

    default_base_url: ClassVar[str] = DEFAULT_BASE_URL

    def submit(self, request: Mapping[str, Any]) -> str:
        """Start a task; its taskUUID."""
        task_uuid = str(uuid.uuid4())
        try:
            body = self.api.call("POST", TASKS_PATH, json=to_wire(request, task_uuid))
        except ApiError as exc:
            if exc.attempt > 1 and _is_duplicate(exc, task_uuid):
                return task_uuid  # an earlier try was accepted; its answer was lost
            raise
        acknowledged = _mine(body.get("data") if isinstance(body, Mapping) else None, task_uuid)
        if not acknowledged:
            raise UnexpectedResponse(f"Runware did not acknowledge the task: {body!r:.300}")
        return task_uuid

    def result(self, task_uuid: str) -> Result | None:
        poll = [{"taskType": "getResponse", "taskUUID": task_uuid}]
        return read_response(self.api.call("POST", TASKS_PATH, json=poll), task_uuid)



def adapter(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    """The contract harness's entry point: one generation, reported as a plain dict."""
    return run_adapter(RunwareClient, request, endpoint)
