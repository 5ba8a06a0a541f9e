"""Broken Runware clients: `examples.runware_client` with one bug each."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from examples.broken._registry import broken
from examples.common import PollPolicy, Result, RetryPolicy, poll_policy_for, run_adapter
from examples.runware_client import TASKS_PATH, RunwareClient, to_wire

NO_FAULTS: dict[str, Any] = {"transient_faults": False}


class _Task(RunwareClient):
    """A client whose videoInference task is rewritten by `edit`."""

    def edit(self, task: dict[str, Any], request: Mapping[str, Any]) -> dict[str, Any]:
        return task

    def submit(self, request: Mapping[str, Any]) -> str:
        task_uuid = str(uuid.uuid4())
        [task] = to_wire(request, task_uuid)
        self.api.call("POST", TASKS_PATH, json=[self.edit(task, request)])
        return task_uuid


class _Swapped(_Task):
    def edit(self, task: dict[str, Any], request: Mapping[str, Any]) -> dict[str, Any]:
        return {**task, "width": task["height"], "height": task["width"]}


@broken("runware", bug="swaps width and height: 16:9 comes out 9:16",
        caught_by="request-faithful", **NO_FAULTS)
def wrong_size_mapping(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_Swapped, request, endpoint)


class _SeedZero(_Task):
    def edit(self, task: dict[str, Any], request: Mapping[str, Any]) -> dict[str, Any]:
        return {**task, "seed": task.get("seed", 0)}  # "0 means random", as elsewhere


@broken("runware", bug="sends seed 0 for 'random', as other providers take it; Runware's "
        "minimum is 1", caught_by="requests-valid", **NO_FAULTS)
def seed_zero(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_SeedZero, request, endpoint)


class _FlatAmplitude(_Task):
    def edit(self, task: dict[str, Any], request: Mapping[str, Any]) -> dict[str, Any]:
        flat = {k: v for k, v in task.items() if k != "providerSettings"}
        return {**flat, "movementAmplitude": request["movement_amplitude"]}


@broken("runware", bug="puts movementAmplitude at the top of the task, not in "
        "providerSettings.vidu", caught_by="requests-valid", **NO_FAULTS)
def undocumented_field(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_FlatAmplitude, request, endpoint)


class _DataOnly(RunwareClient):
    def result(self, task_uuid: str) -> Result | None:
        body = self.api.call("POST", TASKS_PATH,
                             json=[{"taskType": "getResponse", "taskUUID": task_uuid}])
        for item in body.get("data") or []:  # the errors list is never read
            if item.get("taskUUID") == task_uuid and item.get("status") == "success":
                return Result.succeeded(task_uuid, str(item["videoURL"]))
        return None


@broken("runware", bug="never reads the errors list: polls a failed task until its deadline",
        caught_by="no-poll-after-terminal", budget=5.0, **NO_FAULTS)
def ignores_errors(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_DataOnly, request, endpoint)


@broken("runware", bug="no retries, and the error escapes: crashes on the first 429 or 5xx",
        caught_by="survives-transient-faults")
def no_retry(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    poll = poll_policy_for(endpoint, PollPolicy())
    with RunwareClient(endpoint["api_key"], base_url=endpoint["base_url"], poll=poll,
                       retry=RetryPolicy(attempts=1)) as client:
        return client.generate(request).to_adapter()  # a ClientError is not caught
