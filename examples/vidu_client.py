"""A Vidu client for Vidu Q2 reference-to-video on Vidu's own API (model ``viduq2-pro``, httpx).

    POST {base}/ent/v2/reference2video       {"model": "viduq2-pro", "images", "prompt", ...}
                                             -> {"task_id", "state": "created", "credits", ...}
    GET  {base}/ent/v2/tasks/{id}/creations  -> state: created | queueing | processing
                                                | success (creations[0].url)
                                                | failed (err_code)
    GET  {base}/ent/v2/tasks?model_versions=q2-pro&page=&page_size=
                                             -> {"tasks": [{"id", "created_at", ...}], newest
                                                first, "next_page"}

Authentication is ``Authorization: Token <key>``: Vidu answers ``Bearer`` with 401.
``movement_amplitude`` is sent as asked, although Vidu documents it as having no effect
on q2 models.

A submit whose answer is lost (a 5xx, a dropped connection, a cut body) may have
started a paid task. Instead of submitting again blindly, the client lists the
key's q2-pro tasks (newest first, /docs/tasks-list) and takes the one created
since the submit began; it submits again only when there is none. The list has
no "created since" filter, so the client reads ``created_at`` itself, allowing
for some clock skew. A key shared by clients that submit at the same moment would
make that match ambiguous: give each such client its own key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import httpx

from .common import (
    AmbiguousSubmit,
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
TASKS_PATH = "/ent/v2/tasks"
#: The task list's ``model_versions`` word for MODEL (/docs/tasks-list).
MODEL_VERSION = "q2-pro"
#: Submits after a lost answer that the list showed started nothing (each is safe).
RESUBMITS = 2
#: How far the client's clock may be ahead of Vidu's when it looks for "since".
CLOCK_SKEW = timedelta(seconds=5)
#: Pages of the list read before giving up on reaching the submit's moment.
MAX_PAGES = 5


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


def _created(item: Mapping[str, Any]) -> datetime | None:
    stamp = item.get("created_at")
    if not isinstance(stamp, str):
        return None
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def task_id_of(item: Mapping[str, Any]) -> str | None:
    """A listed task's id (``id``, or ``task_id`` as the submit answer names it)."""
    found = item.get("id", item.get("task_id"))
    return found if isinstance(found, str) and found else None


def started(body: Any, moment: datetime) -> tuple[str | None, bool]:
    """The task a lost submit started: the oldest on this page created since *moment*
    (less the skew); and whether the page reached past *moment* (no need to read on)."""
    tasks = body.get("tasks") if isinstance(body, Mapping) else None
    if not isinstance(tasks, list):
        raise UnexpectedResponse(f"Vidu task list without tasks: {body!r:.300}")
    cutoff = moment - CLOCK_SKEW
    found: str | None = None
    reached = False
    for item in tasks:  # newest first
        if not isinstance(item, Mapping):
            continue
        created = _created(item)
        if created is None or created < cutoff:
            reached = reached or created is not None
            continue
        found = task_id_of(item) or found
    return found, reached


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

    #: The client's clock, for "created since the submit began" (a test may set it).
    now: Callable[[], datetime] = staticmethod(lambda: datetime.now(UTC))

    def submit(self, request: Mapping[str, Any]) -> str:
        """Start a task; its id, as the submit answered it or, when the answer was lost,
        as the task list shows it."""
        wire = to_wire(request)
        for attempt in range(RESUBMITS + 1):
            began = self.now()
            try:
                body = self.api.call("POST", SUBMIT_PATH, json=wire, ambiguous="raise")
            except AmbiguousSubmit:
                found = self.find_since(began)
                if found is not None:
                    return found
                if attempt == RESUBMITS:
                    raise
                continue
            if not isinstance(body, Mapping) or not isinstance(body.get("task_id"), str):
                raise UnexpectedResponse(f"Vidu submit answer without a task_id: {body!r:.300}")
            return str(body["task_id"])
        raise AssertionError("unreachable: the last attempt returns or raises")

    def find_since(self, moment: datetime) -> str | None:
        """The id of this key's q2-pro task created since *moment*, if the list shows one."""
        found: str | None = None
        for page in range(1, MAX_PAGES + 1):
            body = self.api.call("GET", TASKS_PATH, params={
                "model_versions": MODEL_VERSION, "page": str(page), "page_size": "100"})
            on_page, reached = started(body, moment)
            found = on_page or found
            if reached or not isinstance(body, Mapping) or not body.get("next_page"):
                break
        return found

    def result(self, task_id: str) -> Result | None:
        return read_creations(task_id, self.api.call("GET", CREATIONS_PATH.format(id=task_id)))


def adapter(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    """The contract harness's entry point: one generation, reported as a plain dict."""
    return run_adapter(ViduClient, request, endpoint)
