"""``vidukit serve --record-tasks DIR``: every task that finishes is written as a recording.

A mock session can then be replayed elsewhere (another machine, another run, a CI job),
or summarized. Offsets are the engine's own milestones (when each state was entered,
counted from the submit), so a task recorded on a virtual clock records exact
numbers. Status words are the provider's (its ``status.py`` mapping); the output
shape is the file the mock serves for the task. A task that never finishes is never
written. The submit is kept as the mock stored it, scrubbed; the owner (a hash of
the key) is not kept at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vidukit.drift.scrub import Scrubber
from vidukit.mock_server.clock import iso_ms
from vidukit.mock_server.engine import FAILED, PROCESSING, QUEUED, SUCCEEDED, Engine
from vidukit.mock_server.media.shapes import shape_of
from vidukit.mock_server.providers import Provider
from vidukit.mock_server.tasks import Task
from vidukit.providers import spec
from vidukit.providers import wire as ranks
from vidukit.recordings.document import FORMAT, VERSION, request_shape, safe_name, write_recording

#: Engine state -> status rank (`vidukit.providers.wire`).
RANK: Mapping[str, int] = {
    QUEUED: ranks.QUEUED, PROCESSING: ranks.PROCESSING,
    SUCCEEDED: ranks.SUCCEEDED, FAILED: ranks.FAILED,
}
TOOL = "vidukit serve --record-tasks"
#: ``meta`` key and store counter of the submit order.
SEQ = "recorded_seq"


def wire_body(provider: str, request: Any) -> Any:
    """The submit body a stored request came from: one task of an array is put back in one."""
    return [request] if spec(provider).task_pointer.startswith("/items") else request


class TaskRecorder:
    def __init__(self, *, engine: Engine, providers: Mapping[str, Provider], folder: Path) -> None:
        self.folder = folder
        self.providers = providers
        self.store = engine.store
        self.written: list[Path] = []
        engine.before_create(self._created)
        engine.on_enter(SUCCEEDED, self._finished)
        engine.on_enter(FAILED, self._finished)

    def _created(self, task: Task) -> None:
        """Number tasks as they are submitted: names sort in submit order, as replays read them."""
        task.meta[SEQ] = int(self.store.add_number(SEQ, 1))

    def _finished(self, task: Task, state: str, at: float) -> None:
        provider = self.providers.get(task.provider)
        if provider is None:
            return
        seq = int(task.meta.get(SEQ, 0))
        name = safe_name(f"{task.provider}-{seq:05d}-{task.id}")
        document = recording_of(task, provider, name=name)
        self.written.append(write_recording(document, self.folder))


def recording_of(task: Task, provider: Provider, *, name: str) -> dict[str, Any]:
    """The recording of a finished *task* as the mock ran it."""
    scrubber = Scrubber()
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
        "outcome": {
            "kind": "failed" if failed else "succeeded",
            "at": round(task.entered[task.state] - task.created_at, 3),
            "error_code": (task.outcome.error_code or provider.default_failure_code)
            if failed else None,
        },
        "final": None,
        "output": output,
        "webhooks": [],
        "errors": [],
        "scrubbing": sorted({"owner (key hash) not recorded", *scrubber.applied}),
    }


__all__ = ["RANK", "TOOL", "TaskRecorder", "recording_of", "wire_body"]
