"""Reading the mock's journal: which request was a submit or a poll, of which task,
whether its answer reached the client whole, and whether it showed the task finished.

Status words come from the mock's providers (their ``status`` maps), so they are
written once; only where each provider puts its status and task id is said here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import Any, Final
from urllib.parse import parse_qs

from vidukit.contract_tests.checks._context import CheckContext
from vidukit.mock_server.engine import FAILED, SUCCEEDED
from vidukit.mock_server.providers import load_providers

Entry = Mapping[str, Any]

_POLL_PATHS: Final[Mapping[str, re.Pattern[str]]] = {
    "wavespeed": re.compile(r"/api/v3/predictions/([^/]+)(?:/result)?$"),
    "vtrix": re.compile(r"/model/v1/generation/task/([^/]+)$"),
}


@cache
def _final_words(provider: str) -> frozenset[str]:
    status = load_providers()[provider].status
    return frozenset({status[SUCCEEDED], status[FAILED]})


def _body(entry: Entry) -> Any:
    return entry["request"]["body"]


def _runware_tasks(entry: Entry, task_type: str) -> list[Mapping[str, Any]]:
    body = _body(entry)
    if not isinstance(body, list):
        return []
    return [t for t in body if isinstance(t, Mapping) and t.get("taskType") == task_type]


def is_poll(provider: str, entry: Entry) -> bool:
    if provider == "runware":
        return bool(_runware_tasks(entry, "getResponse"))
    return str(entry["request"]["method"]).upper() == "GET"


def is_submit(provider: str, entry: Entry) -> bool:
    if provider == "runware":
        return bool(_runware_tasks(entry, "videoInference"))
    return str(entry["request"]["method"]).upper() == "POST"


def polled_task(provider: str, entry: Entry) -> str | None:
    """The task id a poll asked about (None when it names none)."""
    if provider == "runware":
        ids = [t.get("taskUUID") for t in _runware_tasks(entry, "getResponse")]
        return str(ids[0]) if ids and ids[0] is not None else None
    if provider in _POLL_PATHS:
        found = _POLL_PATHS[provider].search(str(entry["request"]["path"]))
        return found.group(1) if found else None
    values = parse_qs(str(entry["request"].get("query") or "")).get("task_id")
    return values[0] if values else None


def delivered(entry: Entry) -> bool:
    """The client received this answer as the journal shows it (no cut, page or hang-up)."""
    return entry.get("fault") is None and entry["response"]["status"] != 0


def _status_at(provider: str, body: Any, task_id: str) -> Any:
    if not isinstance(body, Mapping):
        return None
    if provider == "wavespeed":
        data = body.get("data")
        return data.get("status") if isinstance(data, Mapping) else None
    if provider == "vtrix":
        return body.get("status")
    if provider in ("novita", "myrouter"):
        task = body.get("task")
        return task.get("status") if isinstance(task, Mapping) else None
    for key, word in (("errors", "error"), ("data", None)):  # runware
        for item in body.get(key) or []:
            if isinstance(item, Mapping) and item.get("taskUUID") == task_id:
                return word or item.get("status")
    return None


def shows_terminal(provider: str, entry: Entry) -> bool:
    """A poll whose answer reached the client whole and showed its task finished."""
    if not (is_poll(provider, entry) and delivered(entry)):
        return False
    if entry["response"]["status"] != 200:
        return False
    task_id = polled_task(provider, entry)
    status = _status_at(provider, entry["response"]["body"], task_id or "")
    return task_id is not None and status in _final_words(provider)


def timestamp(entry: Entry) -> float:
    """When the mock answered, in seconds (the journal's ``at``; real time on a real clock)."""
    return datetime.fromisoformat(str(entry["at"]).replace("Z", "+00:00")).timestamp()


def output_urls(ctx: CheckContext) -> dict[str, set[str]]:
    """Succeeded task id -> the output URLs the mock gave for it (exact strings)."""
    shown: list[str] = []
    for entry in ctx.exchange:
        _strings(entry["response"]["body"], shown)
    found: dict[str, set[str]] = {}
    for task in ctx.tasks:
        if task.get("state") != SUCCEEDED:
            continue
        task_id = str(task["id"])
        marker = f"/_mock/media/{task_id}"
        urls = {s for s in shown if marker in s}
        if ctx.origin:
            urls.add(f"{ctx.origin}{marker}.mp4")
        found[task_id] = urls
    return found


def _strings(value: Any, into: list[str]) -> None:
    if isinstance(value, str):
        into.append(value)
    elif isinstance(value, Mapping):
        for item in value.values():
            _strings(item, into)
    elif isinstance(value, list):
        for item in value:
            _strings(item, into)


def describe(entry: Entry) -> str:
    """One line for a message: ``#3 GET /wavespeed/... -> 200``."""
    request = entry["request"]
    query = f"?{request['query']}" if request.get("query") else ""
    fault = f" [{entry['fault']}]" if entry.get("fault") else ""
    return (f"#{entry['seq']} {request['method']} {request['path']}{query} -> "
            f"{entry['response']['status']}{fault}")


__all__ = [
    "delivered",
    "describe",
    "is_poll",
    "is_submit",
    "output_urls",
    "polled_task",
    "shows_terminal",
    "timestamp",
]
