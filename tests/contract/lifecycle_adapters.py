"""How the lifecycle state machine talks to each provider on the mock, and reads its answers.

One small adapter per provider keeps the generic machine free of wire details.
Where to submit and poll, where the task ids and the status word sit, and which
body fields ask for a callback are the provider's spec (`vidukit.providers`:
its `Wire` and `ProviderSpec.webhook`), read here as every client of the
toolkit reads them. What stays here is the test's own reading: which engine
state each status word stands for and the default failure codes (written from
"How the mock behaves" in docs/providers/<id>.md, the providers' documents, not
imported from ``mock_server/providers/*/status.py``, so a drifted mapping in the
mock shows up as a failure instead of agreeing with itself), and where outputs,
progress and failure details sit, read strictly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from vidukit.mock_server.engine.lifecycle import FAILED, PROCESSING, QUEUED, SUCCEEDED
from vidukit.providers import spec

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
    #: The code a failed task carries when none was chosen (docs/providers/<id>.md).
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


_PARAM = re.compile(r"\{[^}]+\}")


def _submit(provider: str) -> Callable[[Any], Call]:
    """The spec's submit, under the mock's ``/<id>`` prefix."""

    def submit(body: Any) -> Call:
        call = spec(provider).wire.submit(body)
        return Call(call.method, f"/{provider}{call.path}", call.json)

    return submit


def _poll(provider: str) -> Callable[[str, bool], Call]:
    """The spec's poll under the mock's prefix; the alternative is another GET operation of
    the surface that answers a result (WaveSpeed's path without ``/result``), where any."""
    found = spec(provider)

    def poll(task_id: str, alternative: bool) -> Call:
        call = found.wire.poll(task_id)
        others = [op.path for op in found.surface.operations
                  if op.method == "get" and "result-response" in op.answers
                  and _PARAM.sub(task_id, op.path) != call.path]
        if alternative and others:
            return Call("GET", f"/{provider}{_PARAM.sub(task_id, others[0])}")
        return Call(call.method, f"/{provider}{call.path}", call.json, call.params or {})

    return poll


def _task_ids(provider: str) -> Callable[[Any, Any], list[str]]:
    def task_ids(body: Any, answer: Any) -> list[str]:
        wire = spec(provider).wire
        found = wire.task_ids(body, answer)
        chosen = wire.task_ids(body, None)
        assert not chosen or found == chosen, f"acknowledged {found}, sent {chosen}"
        return found

    return task_ids


def _word(provider: str, message: str, answer: Any, task_id: str | None) -> str:
    """The one status word the spec's wire finds for the task (all its items agree)."""
    words = set(spec(provider).wire.statuses(message, answer, task_id))
    assert len(words) == 1, f"{provider} {message}: status words {sorted(words)} in {answer}"
    return words.pop()


def _without_callbacks(provider: str) -> Callable[[Any, Fresh], Any]:
    """The drawn body with every callback removed (so the mock never calls out)."""

    def prepare(body: Any, fresh: Fresh) -> Any:
        strip = spec(provider).webhook
        return strip(body, None)[0] if strip is not None else body

    return prepare


# -- WaveSpeed ---------------------------------------------------------------------------


def _wavespeed_observe(answer: Any, task_id: str) -> Observation:
    data = answer["data"]
    failed = bool(data.get("error")) or "code" in data
    return Observation(
        word=_word("wavespeed", "result-response", answer, task_id),
        outputs=tuple(data.get("outputs") or ()),
        failure=str(data.get("code", "")) if failed else None,
    )


WAVESPEED = ProviderAdapter(
    provider="wavespeed",
    words={QUEUED: "created", PROCESSING: "processing", SUCCEEDED: "completed", FAILED: "failed"},
    default_failure_code="1403",
    submit=_submit("wavespeed"),
    task_ids=_task_ids("wavespeed"),
    poll=_poll("wavespeed"),
    observe=_wavespeed_observe,
    observe_submit=_wavespeed_observe,
    prepare=_without_callbacks("wavespeed"),
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
        word=_word("vtrix", "result-response", answer, task_id),
        outputs=urls,
        failure=str(error.get("code", "")) if isinstance(error, dict) else None,
        progress=float(progress) if progress is not None else None,
    )


VTRIX = ProviderAdapter(
    provider="vtrix",
    words={
        QUEUED: "in_progress",
        PROCESSING: "in_progress",
        SUCCEEDED: "completed",
        FAILED: "failed",
    },
    default_failure_code="002014001",
    submit=_submit("vtrix"),
    task_ids=_task_ids("vtrix"),
    poll=_poll("vtrix"),
    observe=_vtrix_observe,
    observe_submit=lambda answer, task_id: Observation(
        word=_word("vtrix", "submit-response", answer, task_id)),
    prepare=_without_callbacks("vtrix"),
)


# -- Novita and MyRouter (the same v3 async API) -------------------------------------------


def _v3_observe(provider: str, answer: Any, task_id: str) -> Observation:
    task = answer["task"]
    reason = task.get("reason") or ""
    percent = task.get("progress_percent")
    return Observation(
        word=_word(provider, "result-response", answer, task_id),
        outputs=tuple(video["video_url"] for video in answer.get("videos") or ()),
        failure=reason.split(":", 1)[0].strip() if reason else None,
        progress=percent / 100 if percent is not None else None,
    )


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
        submit=_submit(provider),
        task_ids=_task_ids(provider),
        poll=_poll(provider),
        observe=lambda answer, task_id: _v3_observe(provider, answer, task_id),
        observe_submit=lambda answer, task_id: None,  # the answer is only the task id
        prepare=_without_callbacks(provider),
    )


NOVITA = _v3_async("novita")
MYROUTER = _v3_async("myrouter")


# -- Runware -----------------------------------------------------------------------------


def _runware_prepare(body: Any, fresh: Fresh) -> Any:
    """Drop authentication tasks (the key goes in the header: a drawn apiKey would make
    another owner), callbacks, and give every task a taskUUID unused in this run (the
    machine's own, so a Hypothesis run replays)."""
    tasks = []
    for task in _without_callbacks("runware")(body, fresh):
        if task.get("taskType") == "authentication":
            continue
        task["taskUUID"] = fresh()
        tasks.append(task)
    return tasks


def _runware_observe(answer: Any, task_id: str) -> Observation:
    errors = [e for e in answer.get("errors") or () if e.get("taskUUID") == task_id]
    items = [d for d in answer.get("data") or () if d.get("taskUUID") == task_id]
    if errors:
        assert not items, f"task {task_id} is both in data and in errors: {answer}"
        assert "status" in errors[0], f"task {task_id}'s error item has no status: {answer}"
        return Observation(word=_word("runware", "result-response", answer, task_id),
                           failure=str(errors[0].get("code", "")))
    assert items, f"task {task_id} is neither in data nor in errors: {answer}"
    return Observation(
        word=_word("runware", "result-response", answer, task_id),
        outputs=tuple(d["videoURL"] for d in items if "videoURL" in d),
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
    submit=_submit("runware"),
    task_ids=_task_ids("runware"),
    poll=_poll("runware"),
    observe=_runware_observe,
    observe_submit=lambda answer, task_id: None,  # an acknowledgement carries no status
    prepare=_runware_prepare,
)

ADAPTERS: dict[str, ProviderAdapter] = {
    a.provider: a for a in (WAVESPEED, VTRIX, NOVITA, MYROUTER, RUNWARE)
}

__all__ = ["ADAPTERS", "Call", "Fresh", "Observation", "ProviderAdapter"]
