"""Vidu's vocabulary for the engine's states, and its task bodies (GET creations, the list).

States (§6, §9): ``created`` (the submit answer) -> ``queueing`` -> ``processing`` ->
``success`` | ``failed``. A failed task still answers HTTP 200, with ``err_code``. A
callback is sent on each state change after the submit (processing, then success or
failed: the states the callback documentation names), each body the GET-creations body.
"""

from __future__ import annotations

from typing import Any

from vidukit.mock_server.clock import iso_ms
from vidukit.mock_server.engine import FAILED, PROCESSING, QUEUED, SUCCEEDED
from vidukit.mock_server.tasks import Task
from vidukit.providers.vidu.credits import credits_for

#: The state the submit answer shows (the engine's queued, before any look).
CREATED = "created"

STATUS: dict[str, str] = {
    QUEUED: "queueing",
    PROCESSING: "processing",
    SUCCEEDED: "success",
    FAILED: "failed",
}

#: err_code values a failed task may carry (/docs/error-code) -> message.
FAILURE_CODES: dict[str, str] = {
    "CreationPolicyViolation": "the creation was flagged by content moderation",
    "TaskPromptPolicyViolation": "the prompt was flagged by content moderation",
    "AuditSubmitIllegal": "the submitted content failed the audit",
    "FieldInvalid": "the model rejected an input",
    "ImageDownloadFailure": "a reference image could not be downloaded",
    "ImageFormatInvalid": "a reference image is not in a supported format",
    "ModelUnavailable": "the model is unavailable",
    "UserCancelled": "the task was cancelled",
    "InternalServiceFailure": "internal service failure",
}
DEFAULT_FAILURE_CODE = "InternalServiceFailure"

_ECHOED = ("model", "prompt", "images", "videos", "subjects", "duration", "aspect_ratio",
           "resolution", "bgm", "audio", "movement_amplitude", "payload", "off_peak",
           "watermark")
_DEFAULTS: dict[str, Any] = {"duration": 5, "aspect_ratio": "16:9", "resolution": "720p",
                             "bgm": False, "movement_amplitude": "auto", "payload": "",
                             "off_peak": False, "watermark": False}


def _request(task: Task) -> dict[str, Any]:
    return task.request if isinstance(task.request, dict) else {}


def submitted(task: Task) -> dict[str, Any]:
    """The submit answer: the task, state 'created', and the request as stored."""
    request = _request(task)
    body: dict[str, Any] = {"task_id": task.id, "state": CREATED}
    for name in _ECHOED:
        if name in request:
            body[name] = request[name]
        elif name in _DEFAULTS:
            body[name] = _DEFAULTS[name]
    body["seed"] = request.get("seed") or task.seed
    body["credits"] = credits_for(request)
    body["created_at"] = iso_ms(task.created_at)
    return body


def creation_id(task: Task) -> str:
    """The one creation's id: fixed by the task, so every look shows the same."""
    return f"{task.id}-1"


def creations(task: Task, *, media_url: str, cover_url: str, watermarked_url: str
              ) -> dict[str, Any]:
    """GET /ent/v2/tasks/{id}/creations for *task* as it stands."""
    request = _request(task)
    state = STATUS[task.state]
    body: dict[str, Any] = {
        "id": task.id,
        "state": state,
        "err_code": "",
        "credits": credits_for(request),
        "payload": request.get("payload", ""),
        "bgm": request.get("bgm", False),
        "off_peak": request.get("off_peak", False),
        "creations": [],
    }
    if task.state == SUCCEEDED:
        creation = {"id": creation_id(task), "url": media_url, "cover_url": cover_url}
        if request.get("watermark") is True:
            creation["watermarked_url"] = watermarked_url
        body["creations"] = [creation]
    elif task.state == FAILED:
        body["err_code"] = task.outcome.error_code or DEFAULT_FAILURE_CODE
    return body


def listed(task: Task, *, media_url: str, cover_url: str, watermarked_url: str
           ) -> dict[str, Any]:
    """One task of ``GET /ent/v2/tasks``: its creations body plus model and created_at."""
    body = creations(task, media_url=media_url, cover_url=cover_url,
                     watermarked_url=watermarked_url)
    request = _request(task)
    body["model"] = request.get("model")
    body["created_at"] = iso_ms(task.created_at)
    return body


def webhook(task: Task, *, base_url: str, media_url: str) -> list[dict[str, Any]]:
    """The callbacks of a finished task, in order: processing, then its final state.

    Vidu calls "on each state change"; the mock's dispatcher sends a task's callbacks
    when it ends, so the processing callback goes out just before the final one (its
    body is what GET creations showed while the task was processing).
    """
    urls = media_urls(task, base_url=base_url, media_url=media_url)
    final = creations(task, **urls)
    running = {**final, "state": STATUS[PROCESSING], "err_code": "", "creations": []}
    return [running, final]


def media_urls(task: Task, *, base_url: str, media_url: str) -> dict[str, str]:
    """The video, its cover (served by this provider's routes) and the watermarked copy."""
    return {"media_url": media_url, "cover_url": f"{base_url}/mock-covers/{task.id}.png",
            "watermarked_url": f"{media_url}?watermark=1"}


__all__ = ["CREATED", "DEFAULT_FAILURE_CODE", "FAILURE_CODES", "STATUS", "creation_id",
           "creations", "listed", "media_urls", "submitted", "webhook"]
