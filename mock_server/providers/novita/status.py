"""The v3 async vocabulary (Novita, and MyRouter's clone of it) and its task-result body.

Statuses: TASK_STATUS_QUEUED -> TASK_STATUS_PROCESSING -> TASK_STATUS_SUCCEED |
TASK_STATUS_FAILED (schemas/_shared/v3-async/task-status.json). A failed task
still answers HTTP 200; the failure shows in ``task.status`` and ``task.reason``.

Numbers the official SDK (novita-client, dataclass-wizard) reads as ``int``
are sent so that it can: ``video_url_ttl`` is the integer 3600, and the
documented strings ``extra.seed`` and ``extra.debug_info.*_time_ms`` always
hold digits ("0" for a time not reached yet, never ""; the SDK rejects an
empty string).

``progress_percent`` and ``eta`` follow the engine: on a time progression
they move with the clock through the processing window; on a poll
progression the percentage moves with the polls (eta 0: no time is known).
Neither goes back: a failed task keeps the percentage it reached.
"""

from __future__ import annotations

import math
from typing import Any

from vidukit.mock_server.engine import FAILED, PROCESSING, QUEUED, SUCCEEDED
from vidukit.mock_server.tasks import Task, replayed_progress
from vidukit.providers._v3async import VIDEO_URL_TTL as _DOCUMENTED_TTL

#: The value ``task.task_type`` carries (undocumented for this endpoint; the fixtures' choice).
TASK_TYPE = "VIDU_Q2_REFERENCE2VIDEO"
#: Seconds a video URL stays valid (jiekou clone doc's default); an int, as the SDK declares.
#: The media route enforces the same value (`vidukit.mock_server.media.lifetime`).
VIDEO_URL_TTL = _DOCUMENTED_TTL

STATUS: dict[str, str] = {
    QUEUED: "TASK_STATUS_QUEUED",
    PROCESSING: "TASK_STATUS_PROCESSING",
    SUCCEEDED: "TASK_STATUS_SUCCEED",
    FAILED: "TASK_STATUS_FAILED",
}

#: Why a task may fail. Novita documents ``task.reason`` only as free text "valid
#: when the task fails"; these codes are the task-level errors of Vidu, the
#: upstream both providers resell (README §6 error table), UNCONFIRMED as what
#: Novita or MyRouter pass on. The reason reads ``"<code>: <message>"``.
FAILURE_CODES: dict[str, str] = {
    "CreationPolicyViolation": "the generated video was blocked by content moderation",
    "TaskPromptPolicyViolation": "the prompt was blocked by content moderation",
    "AuditSubmitIllegal": "the request was rejected by content review",
    "ImageDownloadFailure": "a subject image could not be downloaded",
    "ImageFormatInvalid": "a subject image is not a supported image format",
    "ModelUnavailable": "the model is temporarily unavailable",
    "InternalServiceFailure": "internal error while generating the video",
}
DEFAULT_FAILURE_CODE = "InternalServiceFailure"
#: The official JS SDK's extra TaskStatus word (provider-docs §8): an unfinished task shows
#: it under the ``status-unknown`` scenario (``meta["sdk_form"]``).
UNKNOWN_STATUS = "TASK_STATUS_UNKNOWN"


def status_word(task: Task) -> str:
    form = task.meta.get("sdk_form")
    unknown = isinstance(form, dict) and form.get("name") == "status-unknown"
    if unknown and task.state in (QUEUED, PROCESSING):
        return UNKNOWN_STATUS
    return STATUS[task.state]


def reason(task: Task) -> str:
    """``task.reason``: empty unless the task failed (rule task.reason.when-failed)."""
    if task.state != FAILED:
        return ""
    code = task.outcome.error_code or DEFAULT_FAILURE_CODE
    return f"{code}: {FAILURE_CODES.get(code, FAILURE_CODES[DEFAULT_FAILURE_CODE])}"


def _ms(epoch: float | None) -> str:
    return str(round(epoch * 1000)) if epoch is not None else "0"


def _ceil(seconds: float) -> int:
    return max(0, math.ceil(round(seconds, 3)))


def progress(task: Task, now: float) -> tuple[int, int]:
    """``(progress_percent, eta)`` of *task* as seen at *now* (seconds since the epoch)."""
    if task.state == SUCCEEDED:
        return 100, 0
    plan = task.progression
    timed = plan.mode == "time" and not task.forced
    started = task.entered.get(PROCESSING)
    if task.state == QUEUED:
        if not timed:
            return 0, 0
        return 0, _ceil(task.created_at + plan.queue_seconds + plan.processing_seconds - now)
    if started is None:  # failed straight from the queue
        return 0, 0
    at = task.entered[FAILED] if task.state == FAILED else now
    if plan.mode == "time" and plan.processing_seconds > 0:
        fraction = (at - started) / plan.processing_seconds
        eta = _ceil(started + plan.processing_seconds - at) if timed else 0
    elif plan.mode == "polls":
        polls = task.polls
        if task.state == FAILED:  # frozen where it failed, however often it is polled since
            polls = task.meta.get("polls_entered", {}).get(FAILED, polls)
        fraction, eta = polls / plan.polls, 0
    else:
        fraction, eta = 0.0, 0
    recorded = replayed_progress(task, now) if task.state == PROCESSING else None
    if recorded is not None:  # a replayed task shows its recording's values
        fraction = recorded
    percent = min(99, max(0, math.floor(fraction * 100)))
    return percent, (eta if task.state == PROCESSING else 0)


def seed(task: Task) -> str:
    """The request's seed, or the engine's generation seed when none (or 0, 'random') was sent."""
    asked = task.request.get("seed") if isinstance(task.request, dict) else None
    return str(asked if isinstance(asked, int) and asked != 0 else task.seed)


def task_result(task: Task, *, now: float, media_url: str) -> dict[str, Any]:
    """The body of ``GET /v3/async/task-result`` (and the webhook's ``payload``)."""
    percent, eta = progress(task, now)
    finished = task.entered.get(task.state) if task.state in (SUCCEEDED, FAILED) else None
    extra: dict[str, Any] = {
        "seed": seed(task),
        "enable_nsfw_detection": False,
        "debug_info": {
            "request_info": "",
            "submit_time_ms": _ms(task.created_at),
            "execute_time_ms": _ms(task.entered.get(PROCESSING)),
            "complete_time_ms": _ms(finished),
        },
    }
    webhook = task.meta.get("webhook_request")
    if webhook is not None:
        extra["webhook"] = webhook
    videos = []
    if task.state == SUCCEEDED:
        videos.append({"video_url": media_url, "video_url_ttl": VIDEO_URL_TTL, "video_type": "mp4"})
    return {
        "extra": extra,
        "task": {
            "task_id": task.id,
            "task_type": TASK_TYPE,
            "status": status_word(task),
            "reason": reason(task),
            "eta": eta,
            "progress_percent": percent,
        },
        "images": [],
        "videos": videos,
        "audios": [],
    }


def webhook(task: Task, *, base_url: str, media_url: str) -> list[dict[str, Any]]:
    """The ASYNC_TASK_RESULT event of a finished task: its task-result as the payload."""
    ended = task.entered.get(task.state, task.created_at)
    payload = task_result(task, now=ended, media_url=media_url)
    return [{"event_type": "ASYNC_TASK_RESULT", "payload": payload}]


def submit_response(task: Task) -> dict[str, Any]:
    """Novita's submit answer: the task id, nothing else."""
    return {"task_id": task.id}
