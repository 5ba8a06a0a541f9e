"""Broken MyRouter clients: `examples.myrouter_client` with one bug each."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from examples.broken._registry import broken
from examples.common import PollPolicy, Result, run_adapter
from examples.myrouter_client import MyRouterClient, read_task_result, to_wire
from examples.novita_client import RESULT_PATH, SUBMIT_PATH

NO_FAULTS: dict[str, Any] = {"transient_faults": False}


class _UpperResolution(MyRouterClient):
    def submit(self, request: Mapping[str, Any]) -> str:
        body = {**to_wire(request), "resolution": request["resolution"].upper()}
        return str(self.api.call("POST", SUBMIT_PATH, json=body)["task_id"])


@broken("myrouter", bug="sends the resolution upper-case ('1080P'), outside the enum",
        caught_by="requests-valid", **NO_FAULTS)
def wrong_enum(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_UpperResolution, request, endpoint)


class _Hammer(MyRouterClient):
    def __init__(self, api_key: str, **options: Any) -> None:
        super().__init__(api_key, **options)
        self.poll = PollPolicy(interval=0.01, backoff=1.0, max_interval=0.01, timeout=60.0)


@broken("myrouter", bug="polls every 10 ms, ignoring the interval it was given",
        caught_by="poll-rate", **NO_FAULTS)
def polls_too_fast(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_Hammer, request, endpoint)


@dataclass(frozen=True)
class _Task:
    """The task object exactly as this client expects it: unknown keys are a TypeError."""

    task_id: str
    task_type: str
    status: str
    reason: str
    eta: int
    progress_percent: int


class _Strict(MyRouterClient):
    def result(self, task_id: str) -> Result | None:
        body = self.api.call("GET", RESULT_PATH, params={"task_id": task_id})
        _Task(**body["task"])  # "typed" parsing that rejects new fields
        return read_task_result(body, task_id)


@broken("myrouter", bug="parses the task into a strict dataclass: a new field is a TypeError",
        caught_by="no-crash", **NO_FAULTS)
def crashes_on_unknown_fields(request: dict[str, Any], endpoint: dict[str, Any]
                              ) -> dict[str, Any]:
    return run_adapter(_Strict, request, endpoint)


class _StopsOnFailure(MyRouterClient):
    def result(self, task_id: str) -> Result | None:
        found = super().result(task_id)
        if found is not None and found.status == "failed":
            threading.Event().wait()  # waits for a retry signal nobody sends
        return found


@broken("myrouter", bug="blocks forever once a task fails", caught_by="no-hang",
        budget=5.0, **NO_FAULTS)
def hangs_on_failure(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_StopsOnFailure, request, endpoint)
