"""Vtrix's vocabulary for the engine's states, and its task object.

Statuses: the mock emits ``in_progress``, ``completed`` and ``failed``, the
words of Vtrix's own model pages (Veo page) and of every third-party client.
Both unfinished engine states (queued and processing) are ``in_progress``:
the model docs have no separate queued word, and ``pending``/``processing``
appear only in Vtrix's CLI doc, whose output is the CLI's, not this API's.
The schemas accept all five words, so a client that handles only
``in_progress`` is exercised exactly as the model doc describes.

A task answers ``{id, created_at, status, model, metadata}`` always, plus
``progress`` (0..1) while in_progress, ``error`` when failed, and ``output``
and ``usage`` when completed (seed 001: "only appears when status is ...").
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from vidukit.mock_server.engine import FAILED, PROCESSING, QUEUED, SUCCEEDED
from vidukit.mock_server.tasks import Task, replayed_progress

#: The one model this mock serves (seed 001); the submit schema rejects any other.
MODEL = "viduq2_pro_reference"

IN_PROGRESS = "in_progress"

STATUS: dict[str, str] = {
    QUEUED: IN_PROGRESS,
    PROCESSING: IN_PROGRESS,
    SUCCEEDED: "completed",
    FAILED: "failed",
}

#: Task error codes (``error.code``), as text.
#:
#: ``002014001`` is Vtrix's one documented task error code ("Video generation
#: failed", Veo page). Vtrix documents no others, so the categories the
#: scenario catalogue needs are MOCK CONVENTIONS, deliberately named in words
#: so that nobody mistakes them for real Vtrix codes.
FAILURE_CODES: dict[str, str] = {
    "002014001": "Video generation failed",
    "content_moderation": "Content moderation failed: the input or output was flagged",
    "invalid_parameter": "Invalid parameter: the model rejected the request parameters",
    "media_access_failed": "Media access failed: a reference image or video could not be fetched",
    "timeout": "Video generation timed out",
    "internal_error": "Internal error during video generation",
}
DEFAULT_FAILURE_CODE = "002014001"
#: The codes above that Vtrix documents; every other one is a mock convention.
DOCUMENTED_FAILURE_CODES = frozenset({"002014001"})

#: Shown by an unfinished task that has no better estimate, so a client sees it move.
_CEILING = 0.99


def progress(task: Task, now: float) -> float:
    """How far an unfinished task is, 0.0 to 0.99, from its progression (never goes back).

    Queued is 0.0. Processing is the elapsed share of the processing time
    (time progression) or of the polls needed (poll progression); a finished
    task has no progress field at all. A replayed task shows its recording's values
    (`replayed_progress`), where the recording has them.
    """
    recorded = replayed_progress(task, now) if task.state in (QUEUED, PROCESSING) else None
    if recorded is not None:
        return round(min(recorded, _CEILING), 2)
    started = task.entered.get(PROCESSING)
    if task.state != PROCESSING or started is None:
        return 0.0
    plan = task.progression
    if plan.mode == "polls":
        share = task.polls / plan.polls
    elif plan.mode == "time" and plan.processing_seconds > 0:
        share = (now - started) / plan.processing_seconds
    else:
        share = _CEILING
    return round(min(max(share, 0.0), _CEILING), 2)


def submitted(task: Task) -> dict[str, Any]:
    """The submit answer: the new task as ``{id, status, model, created_at}``."""
    return {
        "id": task.id,
        "status": STATUS[task.state],
        "model": MODEL,
        "created_at": int(task.created_at),
    }


def sdk_form(task: Task) -> str | None:
    """The SDK-form scenario the task carries, if any (mock_server.scenarios.catalogue)."""
    form = task.meta.get("sdk_form")
    return form.get("name") if isinstance(form, dict) else None


def usage_detail(cost: str, seconds: int) -> dict[str, Any]:
    """The CLI's ``UsageInfo`` (cost, quantity, unit_price, extra_info): billed per second
    here, so quantity is the video's seconds and unit_price the cost of one (UNCONFIRMED)."""
    unit = (Decimal(cost) / seconds).quantize(Decimal("0.000001")) if seconds else Decimal(cost)
    return {"quantity": seconds, "unit_price": str(unit), "extra_info": {"unit": "second"}}


def result(task: Task, *, media_url: str, now: float) -> dict[str, Any]:
    """The body of ``GET /model/v1/generation/task/{id}`` for *task* as it is *now*.

    SDK forms (``meta["sdk_form"]``): ``error-string``, ``duration-string`` and
    ``usage-detail`` render what the official CLI's types allow instead.
    """
    form = sdk_form(task)
    body: dict[str, Any] = {
        "id": task.id,
        "created_at": int(task.created_at),
        "status": STATUS[task.state],
        "model": MODEL,
    }
    if task.state == SUCCEEDED:
        seconds = task.meta["duration_seconds"]
        duration = str(seconds) if form == "duration-string" else seconds
        body["output"] = [{"content": [{"type": "video", "url": media_url, "duration": duration}]}]
        body["usage"] = {"cost": task.meta["cost"], "discount": 0}
        if form == "usage-detail":
            body["usage"].update(usage_detail(task.meta["cost"], seconds))
    elif task.state == FAILED:
        code = task.outcome.error_code or DEFAULT_FAILURE_CODE
        text = FAILURE_CODES.get(code, FAILURE_CODES[DEFAULT_FAILURE_CODE])
        # Seed 001 names the text error_message, the Veo page message: both are sent.
        body["error"] = {"code": code, "message": text, "error_message": text}
        if form == "error-string":
            body["error"] = text
    else:
        body["progress"] = progress(task, now)
    body["metadata"] = {}
    return body


def webhook(task: Task, *, base_url: str, media_url: str) -> list[dict[str, Any]]:
    """The callback_url body: the finished task exactly as its poll answers it (schema choice)."""
    return [result(task, media_url=media_url, now=task.entered.get(task.state, task.created_at))]


__all__ = [
    "DEFAULT_FAILURE_CODE",
    "DOCUMENTED_FAILURE_CODES",
    "FAILURE_CODES",
    "IN_PROGRESS",
    "MODEL",
    "STATUS",
    "progress",
    "result",
    "submitted",
    "webhook",
]
