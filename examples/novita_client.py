"""A Novita client for Vidu Q2 reference-to-video (v3 async API, httpx).

    POST {base}/v3/async/vidu-q2-reference2video  -> {"task_id"}
    GET  {base}/v3/async/task-result?task_id=<id> -> task.status:
         TASK_STATUS_QUEUED | TASK_STATUS_PROCESSING
         | TASK_STATUS_SUCCEED (videos[0].video_url) | TASK_STATUS_FAILED (task.reason)

Each reference image becomes its own subject, ids "1".."n", so ``@1``..``@n`` in
a prompt name them; Novita spells the amplitude ``large`` as ``high``. A
failed task answers HTTP 200; the failure is in ``task.status`` and
``task.reason``. MyRouter clones this API (see `examples.myrouter_client`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from .common import (
    PollingClient,
    Result,
    UnexpectedResponse,
    run_adapter,
)

DEFAULT_BASE_URL = "https://api.novita.ai"
SUBMIT_PATH = "/v3/async/vidu-q2-reference2video"
RESULT_PATH = "/v3/async/task-result"
#: Canonical amplitude -> Novita's word (auto, small, medium, high).
AMPLITUDE = {"auto": "auto", "small": "small", "medium": "medium", "large": "high"}

SUCCEEDED = "TASK_STATUS_SUCCEED"
#: TASK_STATUS_CANCELED is UNCONFIRMED; should it ever come, it is certainly no success.
FAILED = frozenset({"TASK_STATUS_FAILED", "TASK_STATUS_CANCELED"})


def to_wire(request: Mapping[str, Any]) -> dict[str, Any]:
    """One subject per image; duration always sent (documented as required)."""
    body: dict[str, Any] = {
        "prompt": request["prompt"],
        "subjects": [
            {"id": str(n), "images": [url]} for n, url in enumerate(request["images"], start=1)
        ],
        "duration": request["duration"],
        "resolution": request["resolution"],
        "aspect_ratio": request["aspect_ratio"],
        "movement_amplitude": AMPLITUDE[request["movement_amplitude"]],
    }
    if request.get("seed") is not None:
        body["seed"] = request["seed"]
    return body


def read_task_result(body: Any, task_id: str) -> Result | None:
    """The outcome a task-result body shows, or None while it is unfinished."""
    task = body.get("task") if isinstance(body, Mapping) else None
    if not isinstance(task, Mapping):
        raise UnexpectedResponse(f"task-result answer without a task: {body!r:.300}")
    status = task.get("status")
    if status == SUCCEEDED:
        videos = body.get("videos")
        first = videos[0] if isinstance(videos, list) and videos else None
        url = first.get("video_url") if isinstance(first, Mapping) else None
        if not isinstance(url, str) or not url:
            return Result.failed(task_id, "succeeded without a video URL")
        return Result.succeeded(task_id, url)
    if status in FAILED:
        return Result.failed(task_id, str(task.get("reason") or status))
    return None


class NovitaClient(PollingClient):
    """Submit a generation, then poll the task result until it is finished."""

    default_base_url: ClassVar[str] = DEFAULT_BASE_URL

    def submit(self, request: Mapping[str, Any]) -> str:
        """Start a task; its id."""
        body = self.api.call("POST", SUBMIT_PATH, json=to_wire(request),
                             ambiguous=self.ambiguous_submit)
        if not isinstance(body, Mapping) or not isinstance(body.get("task_id"), str):
            raise UnexpectedResponse(f"submit answer without a task_id: {body!r:.300}")
        return str(body["task_id"])

    def result(self, task_id: str) -> Result | None:
        body = self.api.call("GET", RESULT_PATH, params={"task_id": task_id})
        return read_task_result(body, task_id)



def adapter(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    """The contract harness's entry point: one generation, reported as a plain dict."""
    return run_adapter(NovitaClient, request, endpoint)
