"""Broken WaveSpeed clients: `examples.wavespeed_client` with one bug each."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

from examples.broken._registry import broken
from examples.common import PollPolicy, Result, RetryPolicy, run_adapter
from examples.wavespeed_client import (
    SUBMIT_PATH,
    WaveSpeedClient,
    prediction,
    read_prediction,
    to_wire,
)
from vidukit.contract_tests.harness import MAX_FAULT_REPEATS, Behaviour, Fault
from vidukit.contract_tests.harness._behaviour import fault_scenarios

#: Wire bugs have nothing to do with faults: leaving them out keeps the run short.
NO_FAULTS: dict[str, Any] = {"transient_faults": False}
#: A task that succeeds at once while documented retryable faults (429, 5xx) strike its polls:
#: strict-retries judges a give-up against the task's state, which only a finished task has.
RETRYABLE_FAULTS_STRIKE = st.builds(
    Behaviour, faults=st.tuples(st.builds(
        Fault, scenario=fault_scenarios(retryable_only=True), on=st.just("poll"),
        count=st.integers(min_value=1, max_value=MAX_FAULT_REPEATS))))


class _Body(WaveSpeedClient):
    """A client whose submit body is rewritten by `edit`."""

    def edit(self, body: dict[str, Any]) -> dict[str, Any]:
        return body

    def submit(self, request: Mapping[str, Any]) -> dict[str, Any]:
        body = self.edit(to_wire(request))
        return prediction(self.api.call("POST", SUBMIT_PATH, json=body))


class _Reader(WaveSpeedClient):
    """A client that reads every prediction (submit answer and polls) through `read`."""

    def read(self, data: Mapping[str, Any]) -> Result | None:
        return read_prediction(data)

    def start(self, request: Mapping[str, Any]) -> tuple[str, Result | None]:
        submitted = self.submit(request)
        return str(submitted["id"]), self.read(submitted)

    def result(self, task_id: str) -> Result | None:
        return self.read(prediction(self.api.call("GET", f"/api/v3/predictions/{task_id}/result")))


class _UpperResolution(_Body):
    def edit(self, body: dict[str, Any]) -> dict[str, Any]:
        return {**body, "resolution": body["resolution"].upper()}


@broken("wavespeed", bug="sends the resolution upper-case ('720P'), outside the enum",
        caught_by="requests-valid", **NO_FAULTS)
def wrong_enum(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_UpperResolution, request, endpoint)


class _SyncMode(_Body):
    def edit(self, body: dict[str, Any]) -> dict[str, Any]:
        return {**body, "enable_sync_mode": False}


@broken("wavespeed", bug="sends the SDK's enable_sync_mode, a field the model does not declare",
        caught_by="requests-valid", **NO_FAULTS)
def undocumented_field(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_SyncMode, request, endpoint)


class _Optimist(_Reader):
    def read(self, data: Mapping[str, Any]) -> Result | None:
        if data.get("status") == "failed":  # "finished" is all it checks
            return Result.succeeded(str(data["id"]), str(data["urls"]["get"]))
        return read_prediction(data)


@broken("wavespeed", bug="reports a failed task as succeeded, with the prediction's URL",
        caught_by="outcome-matches", **NO_FAULTS)
def ignores_failure(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_Optimist, request, endpoint)


class _EmptyUrl(_Reader):
    def read(self, data: Mapping[str, Any]) -> Result | None:
        if data.get("status") == "failed":  # "finished, no outputs": success with no URL
            return Result.succeeded(str(data["id"]), "")
        return read_prediction(data)


@broken("wavespeed", bug="reports a failed task as succeeded with an empty video_url",
        caught_by="outcome-matches", **NO_FAULTS)
def empty_url_on_failure(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_EmptyUrl, request, endpoint)


class _Hammer(WaveSpeedClient):
    def __init__(self, api_key: str, **options: Any) -> None:
        super().__init__(api_key, **options)
        self.poll = PollPolicy(interval=0.0, backoff=1.0, max_interval=0.0, timeout=60.0)


@broken("wavespeed", bug="polls in a tight loop, with no wait between looks",
        caught_by="poll-rate", **NO_FAULTS)
def polls_too_fast(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_Hammer, request, endpoint)


class _NeverFailed(_Reader):
    def read(self, data: Mapping[str, Any]) -> Result | None:
        if data.get("status") == "failed":  # not a word it knows: keeps waiting
            return None
        return read_prediction(data)


@broken("wavespeed", bug="does not know 'failed' is final and polls a failed task forever",
        caught_by="no-poll-after-terminal", budget=5.0, **NO_FAULTS)
def polls_forever(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_NeverFailed, request, endpoint)


class _StopsOnFailure(_Reader):
    def read(self, data: Mapping[str, Any]) -> Result | None:
        if data.get("status") == "failed":  # waits for a retry that never comes
            threading.Event().wait()
        return read_prediction(data)


@broken("wavespeed", bug="blocks forever once a task fails (waits for an event nobody sets)",
        caught_by="no-hang", budget=5.0, **NO_FAULTS)
def hangs_on_failure(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_StopsOnFailure, request, endpoint)


class _GivesUp(WaveSpeedClient):
    def __init__(self, api_key: str, **options: Any) -> None:
        super().__init__(api_key, retry=RetryPolicy(attempts=1), **options)


@broken("wavespeed", bug="never retries: reports failed at the first 429 or 5xx (safe, but "
        "the generation is lost)", caught_by="strict-retries", strict_retries=True,
        behaviour_strategy=RETRYABLE_FAULTS_STRIKE)
def gives_up_on_5xx(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_GivesUp, request, endpoint)
