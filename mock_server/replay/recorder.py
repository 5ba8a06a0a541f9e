"""``vidukit serve --record-tasks DIR``: every task that finishes is written as a recording.

A mock session can then be replayed elsewhere (another machine, another run, a CI job),
or summarized. Offsets are the engine's own milestones (when each state was entered,
counted from the submit), so a task recorded on a virtual clock records exact
numbers. Status words are the provider's (its ``status.py`` mapping); the output
shape is the file the mock serves for the task. A task that never finishes is never
written. The submit is kept as the mock stored it, scrubbed; the owner (a hash of
the key) is not kept at all.

Callbacks settle after the task ends (the first attempt waits for its ``delay``,
a failed one is retried with back-off), so the recording is written when the
task ends, with the deliveries already settled (a ``lost`` one is settled at
once), and written again each time another of the task's deliveries settles
(`Webhooks.on_settled`). The file is thus complete as soon as anything is known,
and a server stopped mid-retry leaves a valid recording of what it did; a
delivery still pending is not in it. Each attempt is one ``webhooks`` entry:
its offset from the submit, kind (first, retry, duplicate), the HTTP status
the receiver answered (null: no answer), the signature as signed, and the
delivery options (``lost``, ``delay=S`` as the ``webhook-late`` scenario sets:
``late``). The body is kept as its SHA-256 only: a replay re-renders it, and
the callback URL (the receiver's) is never written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from vidukit.drift.scrub import Scrubber
from vidukit.mock_server.clock import iso_ms
from vidukit.mock_server.engine import FAILED, PROCESSING, QUEUED, SUCCEEDED, Engine
from vidukit.mock_server.media.shapes import shape_of
from vidukit.mock_server.providers import Provider
from vidukit.mock_server.tasks import Task
from vidukit.mock_server.webhooks import Delivery, Webhooks
from vidukit.providers import spec
from vidukit.providers import wire as ranks
from vidukit.recordings.document import FORMAT, VERSION, request_shape, safe_name, write_recording

#: Engine state -> status rank (`vidukit.providers.wire`).
RANK: Mapping[str, int] = {
    QUEUED: ranks.QUEUED, PROCESSING: ranks.PROCESSING,
    SUCCEEDED: ranks.SUCCEEDED, FAILED: ranks.FAILED,
}
TOOL = "vidukit serve --record-tasks"
#: The message a callback body is (what a wire reads its status word from).
WEBHOOK_MESSAGE = "webhook"
#: ``meta`` key and store counter of the submit order.
SEQ = "recorded_seq"


def wire_body(provider: str, request: Any) -> Any:
    """The submit body a stored request came from: one task of an array is put back in one."""
    return [request] if spec(provider).task_pointer.startswith("/items") else request


class TaskRecorder:
    def __init__(self, *, engine: Engine, providers: Mapping[str, Provider], folder: Path,
                 webhooks: Webhooks | None = None) -> None:
        self.folder = folder
        self.providers = providers
        self.engine = engine
        self.store = engine.store
        self.webhooks = webhooks
        self.written: list[Path] = []
        engine.before_create(self._created)
        engine.on_enter(SUCCEEDED, self._finished)
        engine.on_enter(FAILED, self._finished)
        if webhooks is not None:
            webhooks.on_settled(self._settled)

    def _created(self, task: Task) -> None:
        """Number tasks as they are submitted: names sort in submit order, as replays read them."""
        task.meta[SEQ] = int(self.store.add_number(SEQ, 1))

    def _finished(self, task: Task, state: str, at: float) -> None:
        self._write(task)

    def _settled(self, delivery: Delivery) -> None:
        task = self.engine.get(delivery.task_id)
        if task is not None and task.state in (SUCCEEDED, FAILED):
            self._write(task)

    def _write(self, task: Task) -> None:
        provider = self.providers.get(task.provider)
        if provider is None:
            return
        seq = int(task.meta.get(SEQ, 0))
        name = safe_name(f"{task.provider}-{seq:05d}-{task.id}")
        deliveries = self.webhooks.deliveries(task_id=task.id) if self.webhooks else []
        document = recording_of(task, provider, name=name, deliveries=deliveries)
        path = write_recording(document, self.folder)
        if path not in self.written:
            self.written.append(path)


def callback_entries(task: Task, provider: Provider,
                     deliveries: Sequence[Delivery]) -> list[dict[str, Any]]:
    """One entry per attempt of each settled delivery (a lost one: one entry, never sent)."""
    entries: list[dict[str, Any]] = []
    for delivery in sorted(deliveries, key=lambda d: (d.part, d.seq)):
        if delivery.active:
            continue  # not settled: the next write has it
        scrubber = Scrubber([delivery.url])
        common = {"status": callback_word(task, provider, delivery.body),
                  "sha256": hashlib.sha256(delivery.body).hexdigest(),
                  "late": delivery.options.delay > 0, "options": delivery.options.spec()}
        if delivery.state == "lost":
            entries.append({"at": None, **common, "attempt": None, "kind": None,
                            "http_status": None, "error": None, "signature": None,
                            "fate": "lost"})
            continue
        for attempt in delivery.attempts:
            entries.append({
                "at": round(max(0.0, attempt.at - task.created_at), 3), **common,
                "attempt": attempt.number, "kind": attempt.kind, "http_status": attempt.status,
                "error": scrubber.text(attempt.error) if attempt.error else None,
                "signature": attempt.signature, "fate": "delivered" if attempt.ok else "failed",
            })
    return sorted(entries, key=lambda e: (e["at"] is None, e["at"] or 0.0))


def callback_word(task: Task, provider: Provider, raw: bytes) -> str | None:
    """The status word one callback's body shows, as the provider's wire reads it.

    A provider that calls back on each state change sends bodies of different states
    (processing, then the end): each entry keeps its own. The task's word stands in where
    the wire reads none from the body.
    """
    try:
        body = json.loads(raw)
    except ValueError:
        body = None
    found = spec(task.provider).wire.status(WEBHOOK_MESSAGE, body, task.id) \
        if body is not None else None
    return found or provider.status.get(task.state)


def recording_of(task: Task, provider: Provider, *, name: str,
                 deliveries: Sequence[Delivery] = ()) -> dict[str, Any]:
    """The recording of a finished *task* as the mock ran it, with its settled callbacks."""
    hook = task.meta.get("webhook")
    scrubber = Scrubber([hook] if isinstance(hook, str) else [])
    body = scrubber.value(wire_body(task.provider, task.request))
    steps = sorted(task.entered.items(), key=lambda item: (item[1], RANK[item[0]]))
    statuses = [{"at": round(at - task.created_at, 3), "status": provider.status[state],
                 "rank": RANK[state], "progress": None} for state, at in steps]
    failed = task.state == FAILED
    output = None
    if not failed:
        shape = shape_of(task)
        output = {"url": None, "width": shape.width, "height": shape.height,
                  "duration": shape.seconds, "size": None}
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": name,
        "provider": task.provider,
        "recorded_at": iso_ms(task.created_at),
        "source": "mock",
        "tool": TOOL,
        "task_id": task.id,
        "shape": request_shape(task.provider, body),
        "submit": {"method": "POST", "path": None, "query": {}, "body": body,
                   "http_status": None, "response": None},
        "statuses": statuses,
        "progress": [],
        "outcome": {
            "kind": "failed" if failed else "succeeded",
            "at": round(task.entered[task.state] - task.created_at, 3),
            "error_code": (task.outcome.error_code or provider.default_failure_code)
            if failed else None,
        },
        "final": None,
        "output": output,
        "webhooks": callback_entries(task, provider, deliveries),
        "errors": [],
        "scrubbing": sorted({"owner (key hash) not recorded", *scrubber.applied,
                             *(["callback URL replaced"] if isinstance(hook, str) else [])}),
    }


__all__ = ["RANK", "TOOL", "TaskRecorder", "callback_entries", "callback_word", "recording_of",
           "wire_body"]
