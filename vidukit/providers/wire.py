"""How a provider's tasks look on the wire: where the task id, the status and the output sit.

Every part of the toolkit that follows a task through raw HTTP (the drift probe,
the proxy, `vidukit verify`'s journal reading, the scenario controller) asks a
provider's `Wire` instead of knowing the provider. Reading is lenient on
purpose: when a provider renames a field the reader does not need, it keeps
going and lets the validator report the rename, instead of stopping blind.

Status words are ranked ``0`` queued, ``1`` processing, ``2`` succeeded,
``3`` failed; a task's statuses must never go down in rank, and a finished
task (rank 2 or 3) must keep its word.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

QUEUED, PROCESSING, SUCCEEDED, FAILED = 0, 1, 2, 3
TERMINAL = frozenset({SUCCEEDED, FAILED})

#: What one request does to a task.
Action = Literal["submit", "poll", "other"]


@dataclass(frozen=True)
class Call:
    """One HTTP request, relative to the provider's base URL."""

    method: str
    path: str
    params: Mapping[str, str] | None = None
    json: Any = None


def get(body: Any, *keys: str | int) -> Any:
    """``body[k1][k2]...``, or None as soon as a step is missing or of the wrong type."""
    node = body
    for key in keys:
        if isinstance(key, int):
            if not isinstance(node, list) or len(node) <= key:
                return None
        elif not isinstance(node, Mapping):
            return None
        node = node[key] if isinstance(key, int) else node.get(key)
    return node


def text(value: Any) -> str | None:
    """*value* when it is a non-empty string, else None."""
    return value if isinstance(value, str) and value else None


def words(*values: Any) -> list[str]:
    """The values that are strings: a status reader's answer."""
    return [v for v in values if isinstance(v, str)]


def path_id(pattern: str) -> Callable[[str, Mapping[str, str], Any], str | None]:
    """A `Wire.polled_task` reading the id from the path's first group of *pattern*."""
    compiled = re.compile(pattern)

    def read(path: str, _params: Mapping[str, str], _body: Any) -> str | None:
        found = compiled.search(path)
        return found.group(1) if found else None

    return read


def query_id(name: str) -> Callable[[str, Mapping[str, str], Any], str | None]:
    """A `Wire.polled_task` reading the id from the query parameter *name*."""

    def read(_path: str, params: Mapping[str, str], _body: Any) -> str | None:
        return params.get(name) or None

    return read


def by_method(method: str, _body: Any) -> Action:
    """The common case: a GET polls, a POST submits."""
    upper = method.upper()
    if upper in ("GET", "HEAD"):
        return "poll"
    return "submit" if upper == "POST" else "other"


@dataclass(frozen=True)
class Progress:
    """Where a poll answer shows how far an unfinished task is, and on what scale.

    ``pointer`` is a JSON pointer into the ``result-response`` body; the value there
    divided by ``scale`` is the fraction done (0 to 1), which is what task recordings
    keep, so a recording of one provider replays on another. ``source`` is the
    document that says so (an https URL).
    """

    pointer: str
    scale: float
    source: str

    def fraction(self, body: Any) -> float | None:
        """The fraction done *body* shows, clamped to 0..1; None where it shows none."""
        node = body
        for part in filter(None, self.pointer.split("/")):
            if not isinstance(node, Mapping) or part not in node:
                return None
            node = node[part]
        if isinstance(node, bool) or not isinstance(node, int | float):
            return None
        return round(min(1.0, max(0.0, float(node) / self.scale)), 4)


@dataclass(frozen=True)
class Wire:
    """What a reader of raw traffic needs to know about one provider's tasks."""

    #: Status word -> rank (QUEUED, PROCESSING, SUCCEEDED, FAILED).
    ranks: Mapping[str, int]
    submit: Callable[[Any], Call]
    poll: Callable[[str], Call]
    #: (submit request body, submit response body) -> the task id.
    task_id: Callable[[Any, Any], str | None]
    #: (message, body, task id) -> the status words the body shows for that task.
    statuses: Callable[[str, Any, str | None], list[str]]
    #: (result body, task id) -> the first output URL.
    output_url: Callable[[Any, str | None], str | None]
    #: (path, query parameters, request body) of a poll -> the task id it asks about.
    polled_task: Callable[[str, Mapping[str, str], Any], str | None]
    #: (method, parsed request body) -> what the request does.
    operation: Callable[[str, Any], Action] = by_method
    #: Bytes whose presence in a POST body makes it a poll (an API with one endpoint for
    #: both), so the scenario controller can tell without parsing; None: POST submits.
    poll_marker: bytes | None = None
    #: For an operation that takes several request messages: the parsed body -> which one.
    request_message: Callable[[Any], str | None] | None = None
    #: (result body, task id) -> the task error code a failed task's poll answer shows, None
    #: where it shows none. A client (the soak, `vidukit verify`) tells which failure it got
    #: from this: each provider's `ProviderSpec.failures` codes, as this reader finds them.
    error_code: Callable[[Any, str | None], str | None] = lambda _body, _task: None
    #: For an API that starts several tasks in one submit: (submit request body, submit
    #: response body, or None for what the request alone says) -> every task id, in order.
    #: None: the one id `task_id` reads.
    every_task_id: Callable[[Any, Any], list[str]] | None = None
    #: Where a poll answer shows progress, for a provider that documents one; None: none.
    progress: Progress | None = None
    #: Where a finished task's poll answer names no output (a queue API whose result sits
    #: apart from its status): task id -> the call that fetches the result, whose body
    #: `output_url` reads. None: the poll answer itself carries the output.
    result: Callable[[str], Call] | None = None
    #: A callback's parsed body -> the id of the task it is about, where the provider's
    #: callback names it. A receiver uses it to accept only its own task's callbacks (one
    #: about a task whose submit answer was lost is not its to take). None: it cannot tell.
    callback_task: Callable[[Any], str | None] | None = None

    def status(self, message: str, body: Any, task_id: str | None) -> str | None:
        found = self.statuses(message, body, task_id)
        return found[0] if found else None

    def interim(self, callback: Any, task_id: str | None) -> bool:
        """A callback body that shows its task still under way (queued or processing).

        A provider that calls back "on each state change" sends such callbacks before
        the final one; each is the task at a moment and says nothing about how it ends.
        A body whose status this wire cannot read (a provider that calls back only once,
        at the end) is never interim.
        """
        ranks = [self.ranks.get(word) for word in self.statuses("webhook", callback, task_id)]
        return bool(ranks) and all(rank is not None and rank not in TERMINAL for rank in ranks)

    def task_ids(self, request: Any, answer: Any) -> list[str]:
        """Every task a submit started (what `every_task_id` reads, else the one `task_id`).

        With ``answer=None``, the ids the client chose itself (empty where the provider
        chooses them), so a client can tell which of its tasks a submit acknowledged.
        """
        if self.every_task_id is not None:
            return self.every_task_id(request, answer)
        found = self.task_id(request, answer)
        return [found] if found else []


__all__ = [
    "FAILED",
    "PROCESSING",
    "QUEUED",
    "SUCCEEDED",
    "TERMINAL",
    "Action",
    "Call",
    "Wire",
    "by_method",
    "get",
    "path_id",
    "query_id",
    "text",
    "words",
]
