"""A Vidu client for Vidu Q2 reference-to-video on Vidu's own API (model ``viduq2-pro``, httpx).

    POST {base}/ent/v2/reference2video       {"model": "viduq2-pro", "images", "prompt", ...}
                                             -> {"task_id", "state": "created", "credits", ...}
    GET  {base}/ent/v2/tasks/{id}/creations  -> state: created | queueing | processing
                                                | success (creations[0].url)
                                                | failed (err_code)

Authentication is ``Authorization: Token <key>``: Vidu answers ``Bearer`` with 401.
``movement_amplitude`` is sent as asked, although Vidu documents it as having no effect
on q2 models.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import httpx

from .common import (
    PollingClient,
    PollPolicy,
    Result,
    RetryPolicy,
    UnexpectedResponse,
    run_adapter,
)

DEFAULT_BASE_URL = "https://api.vidu.com"
SUBMIT_PATH = "/ent/v2/reference2video"
CREATIONS_PATH = "/ent/v2/tasks/{id}/creations"
MODEL = "viduq2-pro"


def to_wire(request: Mapping[str, Any]) -> dict[str, Any]:
    """The canonical fields 1:1 in non-subject mode, with the model."""
    body: dict[str, Any] = {
        "model": MODEL,
        "prompt": request["prompt"],
        "images": list(request["images"]),
        "duration": request["duration"],
        "resolution": request["resolution"],
        "aspect_ratio": request["aspect_ratio"],
        "movement_amplitude": request["movement_amplitude"],
    }
    if request.get("seed") is not None:
        body["seed"] = request["seed"]
    return body


def read_creations(task_id: str, body: Any) -> Result | None:
    """The outcome a GET-creations body shows, or None while the task runs (any other state)."""
    if not isinstance(body, Mapping):
        raise UnexpectedResponse(f"Vidu creations answer is not an object: {body!r:.300}")
    state = body.get("state")
    if state == "success":
        creations = body.get("creations")
        first = creations[0] if isinstance(creations, list) and creations else None
        url = first.get("url") if isinstance(first, Mapping) else None
        if not isinstance(url, str) or not url:
            return Result.failed(task_id, "success without a creation URL")
        return Result.succeeded(task_id, url)
    if state == "failed":
        return Result.failed(task_id, str(body.get("err_code") or "task failed"))
    return None


class ViduClient(PollingClient):
    """Submit a reference-to-video task, then poll its creations until it is finished."""

    default_base_url: ClassVar[str] = DEFAULT_BASE_URL

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str | None = None,
        poll: PollPolicy | None = None,
        retry: RetryPolicy | None = None,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        extra: dict[str, Any] = {} if sleep is None else {"sleep": sleep}
        super().__init__(api_key, base_url=base_url, poll=poll, retry=retry, http=http, **extra)
        self.api.headers["Authorization"] = f"Token {api_key}"

    def submit(self, request: Mapping[str, Any]) -> str:
        """Start a task; its id."""
        body = self.api.call("POST", SUBMIT_PATH, json=to_wire(request))
        if not isinstance(body, Mapping) or not isinstance(body.get("task_id"), str):
            raise UnexpectedResponse(f"Vidu submit answer without a task_id: {body!r:.300}")
        return str(body["task_id"])

    def result(self, task_id: str) -> Result | None:
        return read_creations(task_id, self.api.call("GET", CREATIONS_PATH.format(id=task_id)))


def adapter(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    """The contract harness's entry point: one generation, reported as a plain dict."""
    return run_adapter(ViduClient, request, endpoint)
