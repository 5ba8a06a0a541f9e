"""WaveSpeed's vocabulary for the engine's states, and its prediction object.

Statuses: created ("Task received and queued") -> processing -> completed |
failed (get-result, what-are-predictions). A failed task still answers HTTP 200
with code 200 and message "success"; the failure shows in ``data.status``,
``data.error`` and (placement UNCONFIRMED, allowed by the schema)
``data.code``, the task error code from WaveSpeed's error-codes page.
"""

from __future__ import annotations

from typing import Any

from vidukit.mock_server.clock import iso_ms
from vidukit.mock_server.engine import FAILED, PROCESSING, QUEUED, SUCCEEDED
from vidukit.mock_server.tasks import Task

#: The model id: the submit path after /api/v3/ (WaveSpeed's convention).
MODEL = "vidu/reference-to-video-q2"

STATUS: dict[str, str] = {
    QUEUED: "created",
    PROCESSING: "processing",
    SUCCEEDED: "completed",
    FAILED: "failed",
}

#: Task error codes from https://wavespeed.ai/docs/error-codes (0 = success is not a failure).
FAILURE_CODES: dict[str, str] = {
    "1200": "content moderation: the input or output was flagged",
    "1400": "missing parameter",
    "1401": "invalid parameter",
    "1402": "media access failed: a reference image could not be downloaded",
    "1403": "task execution failed",
    "1405": "task failed",
    "5000": "internal error",
    "5003": "service unavailable",
    "5004": "timeout",
}
DEFAULT_FAILURE_CODE = "1403"

#: SDK-form scenarios (``meta["sdk_form"]``) -> the terminal status a failed task shows,
#: its error text and its task code (None: no code). The official Python SDK's wait loop
#: stops on both (WaveSpeedAI/wavespeed-python src/wavespeed/api/client.py ``_wait``).
TERMINAL_FORMS: dict[str, tuple[str, str, int | None]] = {
    "cancelled": ("cancelled", "the task was cancelled", None),
    "timeout-status": ("timeout", "the task timed out", 5004),
}


def sdk_form(task: Task) -> str | None:
    """The SDK-form scenario the task carries, if any (mock_server.scenarios.catalogue)."""
    form = task.meta.get("sdk_form")
    return form.get("name") if isinstance(form, dict) else None


def result_url(base_url: str, task_id: str) -> str:
    return f"{base_url}/api/v3/predictions/{task_id}/result"


def inference_ms(task: Task) -> int:
    """Time spent processing, once finished; 0 before (the schema: '0 until the task has run')."""
    started = task.entered.get(PROCESSING)
    ended = task.entered.get(task.state) if task.state in (SUCCEEDED, FAILED) else None
    if started is None or ended is None:
        return 0
    return max(0, round((ended - started) * 1000))


def prediction(task: Task, *, base_url: str, media_url: str) -> dict[str, Any]:
    """The ``data`` object of submit and result responses."""
    completed = task.state == SUCCEEDED
    failed = task.state == FAILED
    code = task.outcome.error_code or DEFAULT_FAILURE_CODE
    data: dict[str, Any] = {
        "id": task.id,
        "model": MODEL,
        "outputs": [media_url] if completed else [],
        "urls": {"get": result_url(base_url, task.id)},
        # meta["nsfw"]: set by the ``nsfw`` fault scenario (mock_server.scenarios).
        "has_nsfw_contents": [task.meta.get("nsfw") is True] if completed else [],
        "status": STATUS[task.state],
        "created_at": iso_ms(task.created_at),
        "error": FAILURE_CODES.get(code, FAILURE_CODES[DEFAULT_FAILURE_CODE]) if failed else "",
        "timings": {"inference": inference_ms(task)},
    }
    if failed:
        data["code"] = int(code)
        terminal = TERMINAL_FORMS.get(sdk_form(task) or "")
        if terminal is not None:
            data["status"], data["error"], task_code = terminal
            data.pop("code")
            if task_code is not None:
                data["code"] = task_code
    return data


def webhook(task: Task, *, base_url: str, media_url: str) -> list[dict[str, Any]]:
    """The one callback of a finished prediction: the prediction unwrapped, with ``input``.

    Documented fields only (webhook schema), plus ``code`` on failure as in the
    result; no ``timings``, which the webhook page does not show.
    """
    data = prediction(task, base_url=base_url, media_url=media_url)
    del data["timings"]
    if data["status"] in ("cancelled", "timeout"):
        # The webhook page: callbacks come "when the task reaches completed or failed".
        data["status"] = STATUS[FAILED]
    if task.state == FAILED and sdk_form(task) == "webhook-without-outputs":
        # outputs is "Only present when status is completed" (how-to-use-webhooks).
        del data["outputs"]
    return [{**data, "input": task.request}]


def secret_data(secret: str) -> dict[str, Any]:
    """``data`` of GET /api/v3/webhook/secret. The docs show only the call and the
    ``whsec_`` prefix: ``{"secret": ...}`` in the usual envelope is UNCONFIRMED."""
    return {"secret": secret}


def envelope(data: dict[str, Any]) -> dict[str, Any]:
    """WaveSpeed wraps every 200 answer, failed tasks included, in code/message/data."""
    return {"code": 200, "message": "success", "data": data}
