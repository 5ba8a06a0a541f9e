"""Reading the mock's journal: which request was a submit or a poll, of which task,
whether its answer reached the client whole, and whether it showed the task finished.

Status words come from the mock's providers (their ``status`` maps), so they are
written once; where each provider puts its status and task id is its spec's wire.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import parse_qsl

from vidukit.contract_tests.checks._context import CheckContext
from vidukit.mock_server.engine import FAILED, SUCCEEDED
from vidukit.mock_server.providers import load_providers
from vidukit.providers import spec
from vidukit.providers.wire import TERMINAL

Entry = Mapping[str, Any]


@cache
def _final_words(provider: str) -> frozenset[str]:
    """The mock's own words for a finished task, and every other word the provider's wire
    ranks as finished: the terminal forms an official SDK stops on (a ``cancelled`` or
    ``timeout`` status, say), which a client must not poll past either."""
    status = load_providers()[provider].status
    ranked = {word for word, rank in spec(provider).wire.ranks.items() if rank in TERMINAL}
    return frozenset({status[SUCCEEDED], status[FAILED], *ranked})


def _action(provider: str, entry: Entry) -> str:
    request = entry["request"]
    return spec(provider).wire.operation(str(request["method"]), request["body"])


def is_poll(provider: str, entry: Entry) -> bool:
    return _action(provider, entry) == "poll"


def is_submit(provider: str, entry: Entry) -> bool:
    return _action(provider, entry) == "submit"


def polled_task(provider: str, entry: Entry) -> str | None:
    """The task id a poll asked about (None when it names none)."""
    request = entry["request"]
    params = dict(parse_qsl(str(request.get("query") or "")))
    return spec(provider).wire.polled_task(str(request["path"]), params, request["body"])


def delivered(entry: Entry) -> bool:
    """The client received this answer as the journal shows it (no cut, page or hang-up)."""
    return entry.get("fault") is None and entry["response"]["status"] != 0


def _status_at(provider: str, body: Any, task_id: str) -> str | None:
    return spec(provider).wire.status("result-response", body, task_id)


def shows_terminal(provider: str, entry: Entry) -> bool:
    """A poll whose answer reached the client whole and showed its task finished."""
    if not (is_poll(provider, entry) and delivered(entry)):
        return False
    if entry["response"]["status"] != 200:
        return False
    task_id = polled_task(provider, entry)
    status = _status_at(provider, entry["response"]["body"], task_id or "")
    return task_id is not None and status in _final_words(provider)


def interim(provider: str, delivery: Mapping[str, Any]) -> bool:
    """A journal delivery whose body shows its task still under way (`Wire.interim`)."""
    return spec(provider).wire.interim(delivery.get("body"), str(delivery.get("task_id", "")))


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
    """One line for a message: ``#3 GET /<provider>/... -> 200``."""
    request = entry["request"]
    query = f"?{request['query']}" if request.get("query") else ""
    fault = f" [{entry['fault']}]" if entry.get("fault") else ""
    return (f"#{entry['seq']} {request['method']} {request['path']}{query} -> "
            f"{entry['response']['status']}{fault}")


__all__ = [
    "delivered",
    "describe",
    "interim",
    "is_poll",
    "is_submit",
    "output_urls",
    "polled_task",
    "shows_terminal",
    "timestamp",
]
