"""Broken Novita clients: `examples.novita_client` with one bug each; and one correct variant
(``@N`` subject placeholders in the prompt) that verify must let pass."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from examples.broken._registry import broken, correct
from examples.common import Result, run_adapter
from examples.novita_client import (
    RESULT_PATH,
    SUBMIT_PATH,
    SUCCEEDED,
    NovitaClient,
    read_task_result,
    to_wire,
)
from vidukit.contract_tests.harness import behaviours

NO_FAULTS: dict[str, Any] = {"transient_faults": False}


class _Body(NovitaClient):
    def edit(self, body: dict[str, Any], request: Mapping[str, Any]) -> dict[str, Any]:
        return body

    def submit(self, request: Mapping[str, Any]) -> str:
        answer = self.api.call("POST", SUBMIT_PATH, json=self.edit(to_wire(request), request))
        return str(answer["task_id"])


class _CanonicalAmplitude(_Body):
    def edit(self, body: dict[str, Any], request: Mapping[str, Any]) -> dict[str, Any]:
        return {**body, "movement_amplitude": request["movement_amplitude"]}


@broken("novita", bug="sends the canonical amplitude 'large' where Novita says 'high'",
        caught_by="requests-valid", **NO_FAULTS)
def wrong_enum(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_CanonicalAmplitude, request, endpoint)


class _NoSeed(_Body):
    def edit(self, body: dict[str, Any], request: Mapping[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in body.items() if k != "seed"}


@broken("novita", bug="drops the seed", caught_by="request-faithful", **NO_FAULTS)
def drops_seed(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_NoSeed, request, endpoint)


class _AnyEndIsSuccess(NovitaClient):
    def result(self, task_id: str) -> Result | None:
        body = self.api.call("GET", RESULT_PATH, params={"task_id": task_id})
        found = read_task_result(body, task_id)
        if found is not None and found.status == "failed":  # "finished" means "done"
            url = f"{self.api.base_url}{RESULT_PATH}?task_id={task_id}"
            return Result.succeeded(task_id, url)
        return found


@broken("novita", bug="reports TASK_STATUS_FAILED as a success (with the task-result URL)",
        caught_by="outcome-matches", **NO_FAULTS)
def ignores_failure(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_AnyEndIsSuccess, request, endpoint)


class _Confirms(NovitaClient):
    def result(self, task_id: str) -> Result | None:
        found = super().result(task_id)
        if found is not None:  # one more look "to be sure"
            self.api.call("GET", RESULT_PATH, params={"task_id": task_id})
        return found


@broken("novita", bug="polls once more after the final answer, 'to confirm'",
        caught_by="no-poll-after-terminal", **NO_FAULTS)
def polls_after_terminal(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_Confirms, request, endpoint)


class _NoDeadline(NovitaClient):
    def generate(self, request: Mapping[str, Any]) -> Result:
        task_id, _ = self.start(request)
        for delay in self.poll.delays():  # "a video always finishes": no deadline
            self.sleep(delay)
            found = self.result(task_id)
            if found is not None:
                return found
        raise AssertionError("unreachable: delays() never ends")


@broken("novita", bug="polls with no deadline of its own: a task that never finishes holds "
        "it forever", caught_by="gives-up", **NO_FAULTS,
        # No SDK forms either: they have nothing to do with a deadline, and leave fewer of
        # the run's examples to the stuck task that shows the bug.
        behaviour_strategy=behaviours(transient_faults=False))
def no_deadline(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_NoDeadline, request, endpoint)


class _OnlyKnowsSuccess(NovitaClient):
    def result(self, task_id: str) -> Result | None:
        body = self.api.call("GET", RESULT_PATH, params={"task_id": task_id})
        if body["task"]["status"] == SUCCEEDED:
            return read_task_result(body, task_id)
        return None  # any other status "must still be running"


@broken("novita", bug="knows only TASK_STATUS_SUCCEED as final: polls on after a terminal "
        "status it does not know (TASK_STATUS_FAILED)", caught_by="no-poll-after-terminal",
        **NO_FAULTS)
def unknown_terminal_status(request: dict[str, Any], endpoint: dict[str, Any]
                            ) -> dict[str, Any]:
    return run_adapter(_OnlyKnowsSuccess, request, endpoint)


#: Vidu's prompt limit (``schemas/novita/submit-request.json``: maxLength 5000).
PROMPT_MAX = 5000


class _NamesSubjects(_Body):
    """Names every subject in the prompt, as the documents invite ("@1, @2, etc.")."""

    def edit(self, body: dict[str, Any], request: Mapping[str, Any]) -> dict[str, Any]:
        named = " ".join(f"@{subject['id']}" for subject in body["subjects"])
        prompt = f"{named} {body['prompt']}"
        return {**body, "prompt": prompt} if len(prompt) <= PROMPT_MAX else body


@correct("novita", differs="prepends `@1 @2 ...` naming each subject to the prompt, as the "
         "documents invite (when it still fits Vidu's 5000 characters)", **NO_FAULTS)
def names_subjects(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_NamesSubjects, request, endpoint)
