"""Broken Vtrix clients: `examples.vtrix_client` with one bug each."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from examples.broken._registry import broken
from examples.common import PollPolicy, Result, RetryPolicy, poll_policy_for, run_adapter
from examples.vtrix_client import SUBMIT_PATH, TASK_PATH, VtrixClient, read_task, to_wire

NO_FAULTS: dict[str, Any] = {"transient_faults": False}
#: Every field of a task answer this client was written against (Vtrix's model page).
KNOWN_FIELDS = frozenset({"id", "model", "status", "progress", "created_at", "completed_at",
                          "output", "usage", "error", "metadata"})


class _Body(VtrixClient):
    def edit(self, params: dict[str, Any], request: Mapping[str, Any]) -> dict[str, Any]:
        return params

    def submit(self, request: Mapping[str, Any]) -> str:
        body = to_wire(request)
        body["input"][0]["params"] = self.edit(body["input"][0]["params"], request)
        answer = self.api.call("POST", SUBMIT_PATH, json=body)
        return str(answer["id"])


class _NoSeed(_Body):
    def edit(self, params: dict[str, Any], request: Mapping[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in params.items() if k != "seed"}


@broken("vtrix", bug="drops the seed: a fixed-seed request comes out random",
        caught_by="request-faithful", **NO_FAULTS)
def drops_seed(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_NoSeed, request, endpoint)


class _DefaultDuration(_Body):
    def edit(self, params: dict[str, Any], request: Mapping[str, Any]) -> dict[str, Any]:
        return {**params, "duration": 5}  # "everyone wants 5 s"


@broken("vtrix", bug="always sends duration 5, whatever length was asked for",
        caught_by="request-faithful", **NO_FAULTS)
def wrong_duration(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_DefaultDuration, request, endpoint)


class _Strict(VtrixClient):
    def result(self, task_id: str) -> Result | None:
        body = self.api.call("GET", TASK_PATH.format(id=task_id))
        unknown = set(body) - KNOWN_FIELDS
        if unknown:
            raise KeyError(f"unexpected field(s) in a Vtrix task: {sorted(unknown)}")
        return read_task(body)


@broken("vtrix", bug="raises on any field it does not know (response schemas are open)",
        caught_by="no-crash", **NO_FAULTS)
def crashes_on_unknown_fields(request: dict[str, Any], endpoint: dict[str, Any]
                              ) -> dict[str, Any]:
    return run_adapter(_Strict, request, endpoint)


class _TaskUrl(VtrixClient):
    def result(self, task_id: str) -> Result | None:
        found = super().result(task_id)
        if found is not None and found.status == "succeeded":  # "the task URL serves it"
            return Result.succeeded(task_id, self.api.base_url + TASK_PATH.format(id=task_id))
        return found


@broken("vtrix", bug="reports the task's own URL instead of the video URL from output[]",
        caught_by="outcome-matches", **NO_FAULTS)
def reports_wrong_url(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_TaskUrl, request, endpoint)


@broken("vtrix", bug="no retries, and the error escapes: crashes on the first 429 or 5xx",
        caught_by="survives-transient-faults")
def no_retry(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    poll = poll_policy_for(endpoint, PollPolicy())
    with VtrixClient(endpoint["api_key"], base_url=endpoint["base_url"], poll=poll,
                     retry=RetryPolicy(attempts=1)) as client:
        return client.generate(request).to_adapter()  # a ClientError is not caught
