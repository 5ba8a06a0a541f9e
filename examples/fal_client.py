"""A fal.ai queue client for Vidu Q2 reference-to-video (httpx), written from fal's queue page.

    POST {base}/fal-ai/vidu/q2/reference-to-video/pro  -> {request_id, status_url, response_url,
                                                          cancel_url, ...}
    GET  {base}/fal-ai/vidu/requests/{id}/status      -> IN_QUEUE | IN_PROGRESS | COMPLETED
    GET  {base}/fal-ai/vidu/requests/{id}             -> {video: {url, ...}} once COMPLETED

A request that failed is COMPLETED too, with ``error`` and ``error_type`` on its status:
this client reads them there and never fetches the result of a failed request (whose
answer is the error itself, 422/500/504). Auth is ``Authorization: Key <FAL_KEY>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from .common import PollingClient, Result, UnexpectedResponse, run_adapter

DEFAULT_BASE_URL = "https://queue.fal.run"
SUBMIT_PATH = "/fal-ai/vidu/q2/reference-to-video/pro"
STATUS_PATH = "/fal-ai/vidu/requests/{id}/status"
RESULT_PATH = "/fal-ai/vidu/requests/{id}"


def to_wire(request: Mapping[str, Any]) -> dict[str, Any]:
    """The submit body: fal calls the images ``reference_image_urls``; no seed is random."""
    body: dict[str, Any] = {
        "prompt": request["prompt"],
        "reference_image_urls": list(request["images"]),
        "duration": request["duration"],
        "resolution": request["resolution"],
        "aspect_ratio": request["aspect_ratio"],
        "movement_amplitude": request["movement_amplitude"],
    }
    if request.get("seed") is not None:
        body["seed"] = request["seed"]
    return body


def request_id(body: Any) -> str:
    found = body.get("request_id") if isinstance(body, Mapping) else None
    if not isinstance(found, str) or not found:
        raise UnexpectedResponse(f"fal answer without a request_id: {body!r:.300}")
    return found


def read_status(task_id: str, body: Any) -> str | Result | None:
    """COMPLETED with an error -> the failure; COMPLETED -> "fetch"; else None (unfinished).

    A status this client does not know counts as unfinished: the deadline still ends
    the wait.
    """
    if not isinstance(body, Mapping) or body.get("status") != "COMPLETED":
        return None
    if body.get("error") is not None:
        return Result.failed(task_id, f"{body['error']} ({body.get('error_type')})")
    return "fetch"


def read_result(task_id: str, body: Any) -> Result:
    video = body.get("video") if isinstance(body, Mapping) else None
    url = video.get("url") if isinstance(video, Mapping) else None
    if not isinstance(url, str) or not url:
        return Result.failed(task_id, "COMPLETED without a video URL")
    return Result.succeeded(task_id, url)


class FalClient(PollingClient):
    """Queue a request, follow its status, then fetch its result."""

    default_base_url: ClassVar[str] = DEFAULT_BASE_URL

    def __init__(self, api_key: str, **options: Any) -> None:
        super().__init__(api_key, **options)
        self.api.headers["Authorization"] = f"Key {api_key}"

    def submit(self, request: Mapping[str, Any]) -> str:
        return request_id(self.api.call("POST", SUBMIT_PATH, json=to_wire(request)))

    def result(self, task_id: str) -> Result | None:
        seen = read_status(task_id, self.api.call("GET", STATUS_PATH.format(id=task_id)))
        if seen != "fetch":
            return seen if isinstance(seen, Result) else None
        return read_result(task_id, self.api.call("GET", RESULT_PATH.format(id=task_id)))


def adapter(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    """The contract harness's entry point: one generation, reported as a plain dict."""
    return run_adapter(FalClient, request, endpoint)
