"""A Vtrix client for Vidu Q2 reference-to-video (model ``viduq2_pro_reference``, httpx).

    POST {base}/model/v1/generation            {"model": ..., "input": [{"params": {...}}]}
                                               -> {"id", "status", "model", "created_at"}
    GET  {base}/model/v1/generation/task/{id}  -> status: in_progress (pending, processing)
                                                  | completed (output[].content[].url)
                                                  | failed (error.message / error_message)

Vtrix has no ``movement_amplitude``: only ``auto`` (the model's own choice) can
be sent. The task path is confirmed by third parties only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from .common import (
    PollingClient,
    Result,
    UnexpectedResponse,
    UnsupportedRequest,
    run_adapter,
)

DEFAULT_BASE_URL = "https://cloud.vtrix.ai"
SUBMIT_PATH = "/model/v1/generation"
TASK_PATH = "/model/v1/generation/task/{id}"
MODEL = "viduq2_pro_reference"


def to_wire(request: Mapping[str, Any]) -> dict[str, Any]:
    """The generation envelope around the canonical fields (amplitude excepted)."""
    if request["movement_amplitude"] != "auto":
        raise UnsupportedRequest("Vtrix has no movement_amplitude; only 'auto' can be honoured")
    params: dict[str, Any] = {
        "prompt": request["prompt"],
        "images": list(request["images"]),
        "duration": request["duration"],
        "resolution": request["resolution"],
        "aspect_ratio": request["aspect_ratio"],
    }
    if request.get("seed") is not None:
        params["seed"] = request["seed"]
    return {"model": MODEL, "input": [{"params": params}]}


def _video_url(output: Any) -> str | None:
    """The first ``{"type": "video", "url"}`` in ``output[].content[]``."""
    for item in output if isinstance(output, list) else []:
        content = item.get("content") if isinstance(item, Mapping) else None
        for part in content if isinstance(content, list) else []:
            if not isinstance(part, Mapping) or part.get("type") != "video":
                continue
            if isinstance(part.get("url"), str) and part["url"]:
                return str(part["url"])
    return None


def read_task(body: Any) -> Result | None:
    """The outcome a task body shows, or None while it is unfinished (any other word)."""
    if not isinstance(body, Mapping) or not isinstance(body.get("id"), str):
        raise UnexpectedResponse(f"Vtrix answer without a task id: {body!r:.300}")
    task_id = body["id"]
    status = body.get("status")
    if status == "completed":
        url = _video_url(body.get("output"))
        if url is None:
            return Result.failed(task_id, "completed without a video URL")
        return Result.succeeded(task_id, url)
    if status == "failed":
        error = body.get("error")
        if isinstance(error, Mapping):
            text = error.get("message") or error.get("error_message") or "task failed"
            return Result.failed(task_id, f"{error.get('code')}: {text}")
        return Result.failed(task_id, str(error or "task failed"))
    return None


class VtrixClient(PollingClient):
    """Submit a generation, then poll its task until it is finished."""

    default_base_url: ClassVar[str] = DEFAULT_BASE_URL

    def submit(self, request: Mapping[str, Any]) -> str:
        """Start a task; its id."""
        body = self.api.call("POST", SUBMIT_PATH, json=to_wire(request),
                             ambiguous=self.ambiguous_submit)
        if not isinstance(body, Mapping) or not isinstance(body.get("id"), str):
            raise UnexpectedResponse(f"Vtrix submit answer without an id: {body!r:.300}")
        return str(body["id"])

    def result(self, task_id: str) -> Result | None:
        return read_task(self.api.call("GET", TASK_PATH.format(id=task_id)))



def adapter(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    """The contract harness's entry point: one generation, reported as a plain dict."""
    return run_adapter(VtrixClient, request, endpoint)
