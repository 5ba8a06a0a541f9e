"""How the lifecycle state machine talks to each provider on the mock, and reads its answers.

One small adapter per provider keeps the generic machine free of wire details:
where to submit, how to poll, where the status word, progress, outputs and
failure code sit in an answer. The status words and default failure codes are
written here from the README's "How each provider's mock behaves" (the
providers' documents), not imported from ``mock_server/providers/*/status.py``:
the machine is an independent reading of the same contract, so a drifted
mapping in the mock shows up as a failure instead of agreeing with itself.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from vidukit.mock_server.engine.lifecycle import FAILED, PROCESSING, QUEUED, SUCCEEDED

#: ``fresh()`` gives a taskUUID never used before in this run (Runware ids are the client's).
Fresh = Callable[[], str]


@dataclass(frozen=True)
class Call:
    """One HTTP request to the mock, relative to its root."""

    method: str
    path: str
    body: Any = None
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Observation:
    """What one answer showed about one task, in the provider's own terms.

    ``failure`` is the task error code when the answer reports a failed task
    (``""`` when it reports one without a code), else None. ``progress`` is a
    fraction in [0, 1], or None where the provider shows none.
    """

    word: str
    outputs: tuple[str, ...] = ()
    failure: str | None = None
    progress: float | None = None


@dataclass(frozen=True)
class ProviderAdapter:
    """Everything provider-specific the lifecycle machine needs."""

    provider: str
    #: Engine state -> the word the provider shows for it (two states may share a word).
    words: Mapping[str, str]
    #: The code a failed task carries when none was chosen (README, per provider).
    default_failure_code: str
    submit: Callable[[Any], Call]
    #: The prepared submit body and the submit answer -> the ids of the tasks it started.
    task_ids: Callable[[Any, Any], list[str]]
    #: (task id, use the alternative poll path) -> the poll request.
    poll: Callable[[str, bool], Call]
    #: (answer, task id) -> what a poll answer shows.
    observe: Callable[[Any, str], Observation]
    #: (submit answer, task id) -> what the submit answer shows, when it shows a status.
    observe_submit: Callable[[Any, str], Observation | None]
    #: (drawn body, fresh ids) -> a body without callbacks, with ids unique in the run.
    prepare: Callable[[Any, Fresh], Any]

    def states_of(self, word: str) -> frozenset[str]:
        """The engine states a provider word may stand for (empty: not a lifecycle word)."""
        return frozenset(state for state, said in self.words.items() if said == word)


def _nothing_to_strip(body: Any, fresh: Fresh) -> Any:
    return body


# -- WaveSpeed ---------------------------------------------------------------------------


def _wavespeed_observe(answer: Any, task_id: str) -> Observation:
    data = answer["data"]
    failed = bool(data.get("error")) or "code" in data
    return Observation(
        word=data["status"],
        outputs=tuple(data.get("outputs") or ()),
        failure=str(data.get("code", "")) if failed else None,
    )


WAVESPEED = ProviderAdapter(
    provider="wavespeed",
    words={QUEUED: "created", PROCESSING: "processing", SUCCEEDED: "completed", FAILED: "failed"},
    default_failure_code="1403",
    submit=lambda body: Call("POST", "/wavespeed/api/v3/vidu/reference-to-video-q2", body),
    task_ids=lambda body, answer: [answer["data"]["id"]],
    poll=lambda task_id, alt: Call(
        "GET", f"/wavespeed/api/v3/predictions/{task_id}" + ("" if alt else "/result")
    ),
    observe=_wavespeed_observe,
    observe_submit=_wavespeed_observe,
    prepare=_nothing_to_strip,  # WaveSpeed's webhook is a query parameter, never drawn here
)


# -- Vtrix -------------------------------------------------------------------------------


def _vtrix_observe(answer: Any, task_id: str) -> Observation:
    urls = tuple(
        item["url"]
        for output in answer.get("output") or ()
        for item in output.get("content") or ()
        if item.get("type") == "video"
    )
    error = answer.get("error")
    progress = answer.get("progress")
    return Observation(
        word=answer["status"],
        outputs=urls,
        failure=str(error.get("code", "")) if isinstance(error, dict) else None,
        progress=float(progress) if progress is not None else None,
    )


def _vtrix_prepare(body: Any, fresh: Fresh) -> Any:
    body = copy.deepcopy(body)
    for item in body.get("input", ()):
        item.get("params", {}).pop("callback_url", None)
    return body


VTRIX = ProviderAdapter(
    provider="vtrix",
    words={
        QUEUED: "in_progress",
        PROCESSING: "in_progress",
        SUCCEEDED: "completed",
        FAILED: "failed",
    },
    default_failure_code="002014001",
    submit=lambda body: Call("POST", "/vtrix/model/v1/generation", body),
    task_ids=lambda body, answer: [answer["id"]],
    poll=lambda task_id, alt: Call("GET", f"/vtrix/model/v1/generation/task/{task_id}"),
    observe=_vtrix_observe,
    observe_submit=lambda answer, task_id: Observation(word=answer["status"]),
    prepare=_vtrix_prepare,
)


# -- Novita and MyRouter (the same v3 async API) -------------------------------------------


def _v3_observe(answer: Any, task_id: str) -> Observation:
    task = answer["task"]
    reason = task.get("reason") or ""
    percent = task.get("progress_percent")
    return Observation(
        word=task["status"],
        outputs=tuple(video["video_url"] for video in answer.get("videos") or ()),
        failure=reason.split(":", 1)[0].strip() if reason else None,
        progress=percent / 100 if percent is not None else None,
    )


def _v3_prepare(body: Any, fresh: Fresh) -> Any:
    body = copy.deepcopy(body)
    if isinstance(body.get("extra"), dict):
        body["extra"].pop("webhook", None)
    return body


def _v3_async(provider: str) -> ProviderAdapter:
    return ProviderAdapter(
        provider=provider,
        words={
            QUEUED: "TASK_STATUS_QUEUED",
            PROCESSING: "TASK_STATUS_PROCESSING",
            SUCCEEDED: "TASK_STATUS_SUCCEED",
            FAILED: "TASK_STATUS_FAILED",
        },
        default_failure_code="InternalServiceFailure",
        submit=lambda body: Call("POST", f"/{provider}/v3/async/vidu-q2-reference2video", body),
        task_ids=lambda body, answer: [answer["task_id"]],
        poll=lambda task_id, alt: Call(
            "GET", f"/{provider}/v3/async/task-result", params={"task_id": task_id}
        ),
        observe=_v3_observe,
        observe_submit=lambda answer, task_id: None,  # the answer is only the task id
        prepare=_v3_prepare,
    )


NOVITA = _v3_async("novita")
MYROUTER = _v3_async("myrouter")


# -- Runware -----------------------------------------------------------------------------


def _runware_prepare(body: Any, fresh: Fresh) -> Any:
    """Drop authentication tasks (the key goes in the header: a drawn apiKey would make
    another owner), callbacks, and give every task a taskUUID unused in this run."""
    tasks = []
    for task in copy.deepcopy(body):
        if task.get("taskType") == "authentication":
            continue
        task.pop("webhookURL", None)
        task["taskUUID"] = fresh()
        tasks.append(task)
    return tasks


def _runware_ids(body: Any, answer: Any) -> list[str]:
    sent = [t["taskUUID"] for t in body if t.get("taskType") == "videoInference"]
    acknowledged = [d["taskUUID"] for d in answer.get("data", ()) if "taskUUID" in d]
    assert acknowledged == sent, f"acknowledged {acknowledged}, sent {sent}"
    return sent


def _runware_observe(answer: Any, task_id: str) -> Observation:
    errors = [e for e in answer.get("errors") or () if e.get("taskUUID") == task_id]
    items = [d for d in answer.get("data") or () if d.get("taskUUID") == task_id]
    if errors:
        assert not items, f"task {task_id} is both in data and in errors: {answer}"
        return Observation(word=errors[0]["status"], failure=str(errors[0].get("code", "")))
    words = {item["status"] for item in items}
    assert len(words) == 1, f"task {task_id}'s data items disagree on status: {items}"
    return Observation(
        word=words.pop(), outputs=tuple(d["videoURL"] for d in items if "videoURL" in d)
    )


RUNWARE = ProviderAdapter(
    provider="runware",
    words={
        QUEUED: "processing",
        PROCESSING: "processing",
        SUCCEEDED: "success",
        FAILED: "error",
    },
    default_failure_code="timeoutProvider",
    submit=lambda body: Call("POST", "/runware/v1", body),
    task_ids=_runware_ids,
    poll=lambda task_id, alt: Call(
        "POST", "/runware/v1", [{"taskType": "getResponse", "taskUUID": task_id}]
    ),
    observe=_runware_observe,
    observe_submit=lambda answer, task_id: None,  # an acknowledgement carries no status
    prepare=_runware_prepare,
)

ADAPTERS: dict[str, ProviderAdapter] = {
    a.provider: a for a in (WAVESPEED, VTRIX, NOVITA, MYROUTER, RUNWARE)
}

__all__ = ["ADAPTERS", "Call", "Fresh", "Observation", "ProviderAdapter"]
