"""Runware's backend: task arrays in, response bodies out, with no transport in sight.

Runware speaks one protocol over two transports (REST ``POST /v1`` and a
WebSocket): a JSON array of tasks, answered by ``{"data": [...]}`` and/or
``{"errors": [...]}``. So the backend takes the (validated) array as plain
data and returns the answer body as plain data; the REST route here and a
later WebSocket route only add framing, authentication and validation.

Task ids: the client chooses ``taskUUID``. A task is stored under its
taskUUID; when that id is already taken by another key's (or another
provider's) task, under ``<taskUUID>~<owner prefix>``, so two keys never
collide and never learn of each other's tasks. `find` looks in both places
and only ever returns the caller's own task.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from vidukit.mock_server.engine import FAILED, Engine
from vidukit.mock_server.providers.runware import status
from vidukit.mock_server.providers.runware.errors import (
    DuplicateTaskUUID,
    MixedTaskTypes,
    TaskRef,
    TasksNotFound,
)
from vidukit.mock_server.tasks import Outcome, Progression, Task
from vidukit.violations import Violation

PROVIDER_ID = "runware"
SUBMIT = "submit-request"
POLL = "poll-request"
MIXED_RULE = "mixed-task-types"
MIXED_SOURCE = "vidukit mock convention (a body either submits or polls)"

AUTHENTICATION = "authentication"
GET_RESPONSE = "getResponse"
REDACTED = "REDACTED"


def _task_type(element: Any) -> Any:
    return element.get("taskType") if isinstance(element, dict) else None


def authentication_task(body: Any) -> dict[str, Any] | None:
    """The leading authentication task, if the body starts with one."""
    if isinstance(body, list) and body and _task_type(body[0]) == AUTHENTICATION:
        first: dict[str, Any] = body[0]
        return first
    return None


def body_api_key(body: Any) -> str | None:
    """The key of a leading authentication task, when it carries a usable one."""
    task = authentication_task(body)
    key = task.get("apiKey") if task else None
    return key if isinstance(key, str) and key else None


def redacted(body: Any) -> Any:
    """*body* with every authentication task's non-empty apiKey replaced.

    Validation runs on this copy: its verdict is the same (only a non-empty
    string is replaced, by another), and no violation message, journal entry
    or error body can quote the key.
    """
    if not isinstance(body, list):
        return body
    return [
        {**e, "apiKey": REDACTED}
        if _task_type(e) == AUTHENTICATION and isinstance(e.get("apiKey"), str) and e["apiKey"]
        else e
        for e in body
    ]


def task_refs(body: Any) -> list[TaskRef]:
    """Per array element, its taskType and taskUUID (for tagging errors)."""
    return [TaskRef.of(e) for e in body] if isinstance(body, list) else []


def classify(body: Any) -> str:
    """Which schema judges *body*: ``submit-request`` or ``poll-request``.

    A body with getResponse tasks and no videoInference task polls; anything
    else (including an unknown taskType, which the schema then names) is
    judged as a submit. A body mixing both raises `MixedTaskTypes` with one
    violation per getResponse task.
    """
    if not isinstance(body, list):
        return SUBMIT
    kinds = [_task_type(e) for e in body]
    if GET_RESPONSE not in kinds:
        return SUBMIT
    if status.TASK_TYPE not in kinds:
        return POLL
    violations = [
        Violation(
            path=f"/{i}/taskType",
            rule=MIXED_RULE,
            message=(
                "getResponse cannot share a request with videoInference tasks in this mock; "
                "send the polls in their own request"
            ),
            source=MIXED_SOURCE,
        )
        for i, kind in enumerate(kinds)
        if kind == GET_RESPONSE
    ]
    raise MixedTaskTypes(violations, task_refs(body))


class RunwareBackend:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- sessions ----------------------------------------------------------------------

    def session(self, owner: str, auth: dict[str, Any]) -> dict[str, Any]:
        """The answer item for an authentication task: its session UUID, stable per key."""
        resumed = auth.get("connectionSessionUUID")
        if isinstance(resumed, str):
            return status.session(resumed)
        return status.session(status.derived_uuid("runware-session", self.engine.seed, owner))

    # -- tasks -------------------------------------------------------------------------

    def find(self, owner: str, task_uuid: str) -> Task | None:
        """The caller's own task with this taskUUID, or None (unknown or someone else's)."""
        for task_id in self._ids(owner, task_uuid):
            task = self.engine.get(task_id)
            if task is not None and task.provider == PROVIDER_ID and task.owner == owner:
                return task
        return None

    def submit(
        self,
        owner: str,
        body: Sequence[Any],
        *,
        progression: Progression | None,
        outcome: Outcome,
    ) -> dict[str, Any]:
        """Start every videoInference task of a validated submit body; the acknowledgement.

        All or nothing: a taskUUID already used by this key, or repeated in
        the body, refuses the whole body before any task starts.
        """
        tasks = [t for t in body if _task_type(t) == status.TASK_TYPE]
        seen: set[str] = set()
        repeated: list[str] = []
        for task in tasks:
            task_uuid = task["taskUUID"]
            if task_uuid in seen or self.find(owner, task_uuid) is not None:
                repeated.append(task_uuid)
            seen.add(task_uuid)
        if repeated:
            raise DuplicateTaskUUID(repeated)
        data: list[dict[str, Any]] = []
        auth = authentication_task(body)
        if auth is not None:
            data.append(self.session(owner, auth))
        for task in tasks:
            self._create(owner, task, progression=progression, outcome=outcome)
            data.append(status.acknowledgement(task["taskUUID"]))
        return {"data": data}

    def poll(
        self, owner: str, body: Sequence[Any], *, media_url: Callable[[Task], str]
    ) -> dict[str, Any]:
        """Answer a validated getResponse body: ``data`` and/or ``errors`` items.

        Any taskUUID that is not the caller's refuses the whole poll with
        `TasksNotFound` (404) before a poll is counted on any task.
        """
        wanted = [t["taskUUID"] for t in body if _task_type(t) == GET_RESPONSE]
        found = [(u, self.find(owner, u)) for u in wanted]
        missing = [u for u, task in found if task is None]
        if missing:
            raise TasksNotFound(list(dict.fromkeys(missing)))
        data: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        for _, task in found:
            assert task is not None
            task = self.engine.observe(task, poll=True)
            if task.state == FAILED and not status.fails_in_data(task):
                errors.append(status.failure(task))
            else:
                data.extend(status.generations(task, media_url(task)))
        answer: dict[str, Any] = {}
        if data:
            answer["data"] = data
        if errors:
            answer["errors"] = errors
        return answer

    # -- internals ---------------------------------------------------------------------

    def _create(
        self,
        owner: str,
        task: dict[str, Any],
        *,
        progression: Progression | None,
        outcome: Outcome,
    ) -> Task:
        task_uuid = task["taskUUID"]
        meta: dict[str, Any] = {
            "taskUUID": task_uuid,
            "duration_seconds": task.get("duration", status.DEFAULT_DURATION),
            "resolution": status.resolution_of(task),
            "includeCost": task.get("includeCost", False),
            "numberResults": task.get("numberResults", 1),
        }
        if "seed" in task:
            meta["seed"] = task["seed"]
        if "webhookURL" in task:
            meta["webhook"] = task["webhookURL"]  # delivered by the webhook milestone (issue 4)
        # The taskUUID is the id, not part of what decides the outcome: the same task sent
        # again under a new UUID gets the same timings and generation seed.
        request = {k: v for k, v in task.items() if k != "taskUUID"}
        return self.engine.create(
            provider=PROVIDER_ID,
            owner=owner,
            request=request,
            task_id=self._free_id(owner, task_uuid),
            progression=progression,
            outcome=outcome,
            meta=meta,
        )

    @staticmethod
    def _ids(owner: str, task_uuid: str) -> tuple[str, str]:
        return task_uuid, f"{task_uuid}~{owner[:12]}"

    def _free_id(self, owner: str, task_uuid: str) -> str:
        for task_id in self._ids(owner, task_uuid):
            if self.engine.get(task_id) is None:
                return task_id
        raise DuplicateTaskUUID([task_uuid])


__all__ = [
    "POLL",
    "PROVIDER_ID",
    "SUBMIT",
    "RunwareBackend",
    "authentication_task",
    "body_api_key",
    "classify",
    "redacted",
    "task_refs",
]
