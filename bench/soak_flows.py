"""Each provider's lifecycle on the wire: the submit body, the poll, and what a poll shows.

The wire forms follow ``examples/<provider>_client.py``; the submit bodies
are the catalogue's own valid fixtures (``fixtures/<p>/submit-request/valid``),
so the soak sends the whole variety the schemas accept, not one happy body.
Every callback field a fixture carries is pointed at the soak's receiver (or
removed), so the mock never calls outside loopback.
"""

from __future__ import annotations

import copy
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from soak_http import Answer, Request

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PROVIDERS: tuple[str, ...] = ("wavespeed", "vtrix", "novita", "myrouter", "runware")

RUNNING, SUCCEEDED, FAILED = "running", "succeeded", "failed"


@dataclass
class Look:
    """What one poll showed for one task."""

    state: str
    url: str | None = None
    code: str | None = None


@dataclass
class Submission:
    request: Request
    #: Novita/MyRouter test mode asking for TASK_STATUS_FAILED: the task fails by design.
    fails_by_design: bool = False
    #: Runware: the taskUUIDs the client chose.
    chosen: list[str] = field(default_factory=list)


def load_bodies(provider: str) -> list[Any]:
    folder = FIXTURES / provider / "submit-request" / "valid"
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


def submission(provider: str, base: str, key: str, template: Any, hook: str | None) -> Submission:
    body = copy.deepcopy(template)
    root = f"{base}/{provider}"
    if provider == "wavespeed":
        params = {"webhook": hook} if hook else None
        url = f"{root}/api/v3/vidu/reference-to-video-q2"
        return Submission(Request(provider, "submit", "POST", url, key, "submit-response",
                                  body, params))  # fmt: skip
    if provider == "vtrix":
        for item in body.get("input", []):
            params = item.get("params", {})
            params.pop("callback_url", None)
            if hook:
                params["callback_url"] = hook
        url = f"{root}/model/v1/generation"
        return Submission(Request(provider, "submit", "POST", url, key, "submit-response", body))
    if provider in ("novita", "myrouter"):
        extra = body.get("extra")
        fails = False
        if isinstance(extra, dict) and "webhook" in extra:
            if hook:
                extra["webhook"]["url"] = hook
                test = extra["webhook"].get("test_mode") or {}
                fails = bool(test.get("enabled")) and (
                    test.get("return_task_status") == "TASK_STATUS_FAILED"
                )
            else:
                del extra["webhook"]
        elif hook:
            body.setdefault("extra", {})["webhook"] = {"url": hook}
        url = f"{root}/v3/async/vidu-q2-reference2video"
        request = Request(provider, "submit", "POST", url, key, "submit-response", body)
        return Submission(request, fails_by_design=fails)
    if provider == "runware":
        chosen: list[str] = []
        for task in body:
            if task.get("taskType") == "authentication":
                task["apiKey"] = key
                task.pop("connectionSessionUUID", None)
            elif task.get("taskType") == "videoInference":
                task["taskUUID"] = str(uuid.uuid4())
                chosen.append(task["taskUUID"])
                task.pop("webhookURL", None)
                if hook:
                    task["webhookURL"] = hook
        url = f"{root}/v1"
        request = Request(provider, "submit", "POST", url, key, "submit-response", body)
        return Submission(request, chosen=chosen)
    raise ValueError(f"unknown provider {provider!r}")


def submitted_ids(provider: str, sub: Submission, answer: Answer) -> list[str] | None:
    """The task ids a submit answer gives, or None when it gives none it should."""
    body = answer.body
    if provider == "runware":
        if answer.status == 400 and answer.attempt > 1 and _conflicts(body, sub.chosen):
            return sub.chosen  # an earlier try was accepted; its answer was lost
        if answer.status != 200:
            return None
        acknowledged = {i.get("taskUUID") for i in _items(body, "data")}
        return sub.chosen if all(t in acknowledged for t in sub.chosen) else None
    if answer.status != 200 or not isinstance(body, dict):
        return None
    if provider == "wavespeed":
        data = body.get("data")
        found = data.get("id") if isinstance(data, dict) else None
    elif provider == "vtrix":
        found = body.get("id")
    else:
        found = body.get("task_id")
    return [found] if isinstance(found, str) and found else None


def poll_request(provider: str, base: str, key: str, ids: list[str]) -> Request:
    root = f"{base}/{provider}"
    if provider == "wavespeed":
        url = f"{root}/api/v3/predictions/{ids[0]}/result"
        return Request(provider, "poll", "GET", url, key, "result-response")
    if provider == "vtrix":
        url = f"{root}/model/v1/generation/task/{ids[0]}"
        return Request(provider, "poll", "GET", url, key, "result-response")
    if provider in ("novita", "myrouter"):
        url = f"{root}/v3/async/task-result"
        return Request(provider, "poll", "GET", url, key, "result-response",
                       params={"task_id": ids[0]})  # fmt: skip
    body = [{"taskType": "getResponse", "taskUUID": t} for t in ids]
    return Request(provider, "poll", "POST", f"{root}/v1", key, "result-response", body)


def read_poll(provider: str, body: Any, ids: list[str]) -> dict[str, Look] | None:
    """What a 200 poll answer shows for each task; None when it does not say."""
    if not isinstance(body, dict):
        return None
    if provider == "runware":
        looks: dict[str, Look] = {}
        for item in _items(body, "errors"):
            if item.get("taskUUID") in ids:
                looks[item["taskUUID"]] = Look(FAILED, code=str(item.get("code")))
        for item in _items(body, "data"):
            task = item.get("taskUUID")
            if task not in ids or task in looks:
                continue
            if item.get("status") == "success":
                looks[task] = Look(SUCCEEDED, url=item.get("videoURL"))
            elif item.get("status") == "processing":
                looks[task] = Look(RUNNING)
        return looks if set(looks) == set(ids) else None
    task_id = ids[0]
    if provider == "wavespeed":
        data = body.get("data") or {}
        status = data.get("status")
        if status == "completed":
            outputs = data.get("outputs") or [None]
            return {task_id: Look(SUCCEEDED, url=outputs[0])}
        if status == "failed":
            return {task_id: Look(FAILED, code=str(data.get("code")))}
        return {task_id: Look(RUNNING)} if status in ("created", "processing") else None
    if provider == "vtrix":
        status = body.get("status")
        if status == "completed":
            urls = [
                part.get("url")
                for out in body.get("output") or []
                for part in out.get("content") or []
                if part.get("type") == "video"
            ]
            return {task_id: Look(SUCCEEDED, url=urls[0] if urls else None)}
        if status == "failed":
            error = body.get("error") or {}
            return {task_id: Look(FAILED, code=str(error.get("code")))}
        return {task_id: Look(RUNNING)} if status == "in_progress" else None
    task = body.get("task") or {}
    status = task.get("status")
    if status == "TASK_STATUS_SUCCEED":
        videos = body.get("videos") or [{}]
        return {task_id: Look(SUCCEEDED, url=videos[0].get("video_url"))}
    if status == "TASK_STATUS_FAILED":
        reason = str(task.get("reason") or "")
        return {task_id: Look(FAILED, code=reason.split(":", 1)[0])}
    if status in ("TASK_STATUS_QUEUED", "TASK_STATUS_PROCESSING"):
        return {task_id: Look(RUNNING)}
    return None


def _items(body: Any, key: str) -> list[dict[str, Any]]:
    items = body.get(key) if isinstance(body, dict) else None
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _conflicts(body: Any, chosen: list[str]) -> bool:
    codes = {(i.get("code"), i.get("taskUUID")) for i in _items(body, "errors")}
    return bool(chosen) and all(("conflictTaskUUID", t) in codes for t in chosen)


__all__ = [
    "FAILED",
    "PROVIDERS",
    "RUNNING",
    "SUCCEEDED",
    "Look",
    "Submission",
    "load_bodies",
    "poll_request",
    "read_poll",
    "submission",
    "submitted_ids",
]
