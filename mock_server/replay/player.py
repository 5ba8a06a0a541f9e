"""``vidukit serve --replay DIR``: new tasks follow recorded timelines.

When a task is created, a recording of its provider is chosen:

- ``X-Mock-Replay: <name>`` on the submit names one (``none``: this task is not replayed);
- otherwise by the server's rule: ``order`` (the provider's recordings in name order, one
  per new task, starting over after the last), ``shape`` (the next recording whose
  request had the same shape: resolution, duration, aspect ratio, image count; a task
  of a shape never recorded keeps the server's defaults) or ``named`` (no task is
  replayed unless it names a recording);
- or by the ``replay`` task scenario (``X-Mock-Scenario: replay;name=NAME``, an admin
  choice for the next tasks, a scenario-file rule with a probability), which picks by
  name or, without one, by the server's rule (``order`` under ``named``).

The task then queues for the recorded queue wait, processes for the recorded
processing time (both divided by ``speed``, for a real clock) and ends as the
recording did: success, or failure with the recorded error code; a recording that
never finished stays processing. Its output file has the recorded width, height
and length. Answers are rendered by the provider's own code, so they validate
against its schemas even when the recording came from a drifted provider, unless
``verbatim`` asks for the recorded poll answers themselves (`Replayer.verbatim`, sent
by the scenario layer in place of the provider's answer: a drift reproduced). What a
replay could not reproduce (a recorded final body that broke the schema, an error
code the provider does not document) is listed in ``meta["replay"]["notes"]`` and in
`Replayer.view`, naming the rule.

Callbacks replay too, where the recording has them and the new task registered a
callback URL: the first recorded callback that was delivered (else the first sent)
came T seconds after the recorded end, so the new task's callback goes to the new
URL T seconds (divided by ``speed``) after its own end (the ``delay=T`` webhook
option, `callback_quirk`); a recording whose callback never came (``lost``)
replays as lost. Only that first timing is reproduced: retries, duplicates and
signatures follow the server's own policy and options, the receiver of today
answering as it does today. The quirk is merged with the request's and a
scenario's options (flags join, the longer delay wins).

Recorded progress values (a fraction, read through the recording provider's wire)
are shown by a replayed task of a provider whose answers carry progress, each from
its recorded offset on (`vidukit.mock_server.tasks.replayed_progress`), in that
provider's own scale; before the first one, and for a recording without any, the
provider renders its own.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from vidukit.mock_server.engine import Engine
from vidukit.mock_server.errors import BadRequest
from vidukit.mock_server.providers import Provider
from vidukit.mock_server.replay.recorder import wire_body
from vidukit.mock_server.scenarios import REPLAY_HEADER
from vidukit.mock_server.storage import TaskStore
from vidukit.mock_server.tasks import REPLAY_PROGRESS, Outcome, Progression, Task
from vidukit.mock_server.webhooks.dispatcher import REPLAY_META
from vidukit.recordings.document import Recording, request_shape
from vidukit.recordings.timeline import Timeline, timeline

MatchRule = Literal["order", "shape", "named"]
MATCH_RULES: tuple[str, ...] = ("order", "shape", "named")
#: A recording that never left the queue queues this long (the engine's longest progression).
_NEVER = 7 * 24 * 3600.0
#: The longest callback delay the webhook options take (`WebhookOptions.parse`).
_MAX_DELAY = 86_400.0


@dataclass(frozen=True)
class ReplaySettings:
    recordings: tuple[Recording, ...]
    match: MatchRule = "order"
    #: Recorded durations are divided by this (2.0: twice as fast).
    speed: float = 1.0
    #: Answer a replayed task's polls with the recorded answers themselves (a drift
    #: reproduced), where the recording kept them, instead of the provider's rendering.
    verbatim: bool = False

    def __post_init__(self) -> None:
        if not (math.isfinite(self.speed) and self.speed > 0):
            raise ValueError(f"replay speed must be a positive number, not {self.speed!r}")
        if self.match not in MATCH_RULES:
            raise ValueError(f"replay match must be one of {MATCH_RULES}, not {self.match!r}")


@dataclass(frozen=True)
class Plan:
    """What replaying one recording does to a task."""

    recording: Recording
    timeline: Timeline
    progression: Progression
    outcome: Outcome
    shape: dict[str, float] | None
    notes: tuple[str, ...]
    #: The callback's fate as webhook options (``delay=S``, ``lost``; "" on time), None
    #: where the recording holds no callback.
    webhook: str | None = None
    #: The recorded progress values, ``(offset / speed, fraction)``.
    progress: tuple[tuple[float, float], ...] = ()


class Replayer:
    def __init__(
        self,
        *,
        engine: Engine,
        store: TaskStore,
        providers: Mapping[str, Provider],
        settings: ReplaySettings,
        chosen: Callable[[], str | None],
    ) -> None:
        self.store = store
        self.settings = settings
        self.chosen = chosen
        self.plans = {r.name: plan(r, providers[r.provider], settings.speed, settings.verbatim)
                      for r in settings.recordings if r.provider in providers}
        self._by_provider: dict[str, list[str]] = {}
        for name, found in self.plans.items():
            self._by_provider.setdefault(found.recording.provider, []).append(name)
        engine.before_create(self._on_create)

    def view(self) -> dict[str, Any]:
        """What the admin API shows: the rule, and each recording as it will replay."""
        return {
            "match": self.settings.match,
            "speed": self.settings.speed,
            "verbatim": self.settings.verbatim,
            "recordings": [
                {"name": name, "provider": p.recording.provider, "shape": p.recording.shape,
                 "progression": p.progression.spec(), "outcome": p.outcome.spec(),
                 "webhook": p.webhook, "notes": list(p.notes)}
                for name, p in self.plans.items()
            ],
        }

    def names(self, provider: str) -> list[str]:
        """The recordings a task of *provider* can replay, in name order."""
        return list(self._by_provider.get(provider, []))

    def apply(self, task: Task, name: str | None) -> bool:
        """Replay *name* (or the next by the rule) on *task*; False when none fits it."""
        found = self.plans.get(name) if name is not None else self._matched(task, scenario=True)
        if found is None or found.recording.provider != task.provider:
            return False
        self._give(task, found)
        return True

    def verbatim(self, task: Task, now: float) -> tuple[int, Any] | None:
        """The recorded answer a poll of *task* gets now (``--replay-verbatim``), if any.

        The last recorded answer at or before the task's offset (scaled back by the speed),
        with the recorded task id replaced by this task's; None where the recording kept
        no answer so far, and without ``verbatim``.
        """
        if not self.settings.verbatim:
            return None
        found = self.plans.get(str(task.meta.get("replay", {}).get("name")))
        if found is None:
            return None
        offset = (now - task.created_at) * self.settings.speed + 1e-6
        kept = [s for s in found.recording.document["statuses"]
                if "body" in s and float(s["at"]) <= offset]
        if not kept:
            return None
        body = kept[-1]["body"]
        recorded_id = found.recording.document.get("task_id")
        if recorded_id:
            body = json.loads(json.dumps(body).replace(recorded_id, task.id))
        return int(kept[-1].get("http_status") or 200), body

    def _on_create(self, task: Task) -> None:
        asked = self.chosen()
        if asked is not None and asked.strip().lower() == "none":
            return
        found = self._named(task, asked.strip()) if asked else self._matched(task)
        if found is not None:
            self._give(task, found)

    @staticmethod
    def _give(task: Task, found: Plan) -> None:
        task.progression = found.progression
        task.outcome = found.outcome
        task.meta["replay"] = {"name": found.recording.name, "notes": list(found.notes)}
        if found.shape is not None:
            task.meta["replay_shape"] = dict(found.shape)
        if found.webhook:
            task.meta[REPLAY_META] = found.webhook
        if found.progress:
            task.meta[REPLAY_PROGRESS] = [list(sample) for sample in found.progress]

    def _named(self, task: Task, name: str) -> Plan:
        found = self.plans.get(name)
        if found is None or found.recording.provider != task.provider:
            known = ", ".join(self._by_provider.get(task.provider, [])) or "none"
            raise BadRequest(f"X-Mock-Replay: no recording {name!r} of {task.provider}; "
                             f"recorded: {known}")
        return found

    def _matched(self, task: Task, *, scenario: bool = False) -> Plan | None:
        if self.settings.match == "named" and not scenario:
            return None
        names = self._by_provider.get(task.provider, [])
        key = f"replay:{task.provider}"
        if self.settings.match == "shape":
            shape = request_shape(task.provider, wire_body(task.provider, task.request))
            names = [n for n in names if self.plans[n].recording.shape == shape]
            key = f"{key}:{shape}"
        if not names:
            return None
        index = int(self.store.add_number(key, 1)) - 1
        return self.plans[names[index % len(names)]]


def plan(recording: Recording, provider: Provider, speed: float, verbatim: bool = False) -> Plan:
    """How *recording* replays on *provider* at *speed*, with what it cannot reproduce."""
    line = timeline(recording)
    notes: list[str] = []
    queue = line.queue_seconds / speed
    if line.ending == "unfinished":
        if not line.started:
            queue = _NEVER
        progression = Progression("time", round(queue, 3), 0.0)
        outcome = Outcome("stay-processing")
    else:
        processing = (line.processing_seconds or 0.0) / speed
        progression = Progression("time", round(queue, 3), round(processing, 3))
        outcome = Outcome("succeed")
        if line.ending == "failed":
            code = line.error_code
            if code is None or code not in provider.failure_codes:
                notes.append(f"error code {code!r} is not one of {provider.id}'s failure codes "
                             f"(rule: failure-code); replayed as {provider.default_failure_code}")
                code = provider.default_failure_code
            outcome = Outcome("fail", code)
    final = recording.document.get("final") or {}
    kept = any("body" in s for s in recording.document["statuses"])
    for rule in final.get("breaks") or ():
        if verbatim and kept:
            notes.append(f"the recorded final body broke rule {rule}; replayed verbatim")
        else:
            notes.append(f"the recorded final body broke rule {rule}; the replay answers "
                         "with a body valid against the provider's schema")
    output = recording.document.get("output") or {}
    shape = None
    if output.get("width") and output.get("height") and output.get("duration"):
        shape = {"width": int(output["width"]), "height": int(output["height"]),
                 "seconds": float(output["duration"])}
    progress = tuple((round(float(p["at"]) / speed, 3), float(p["value"]))
                     for p in recording.document.get("progress") or ())
    return Plan(recording, line, progression, outcome, shape, tuple(notes),
                callback_quirk(recording, speed), progress)


def callback_quirk(recording: Recording, speed: float) -> str | None:
    """The recorded callback's timing as webhook options for the replayed task.

    ``delay=T`` with T the seconds from the recorded end to the first delivered callback
    (else the first sent one), divided by *speed*; ``""`` when it came at the end;
    ``lost`` when none was ever sent; None without a recorded callback or end.
    """
    entries = recording.document.get("webhooks") or []
    end = recording.document["outcome"].get("at")
    if not entries or end is None:
        return None
    sent = [e for e in entries if e.get("at") is not None]
    if not sent:
        return "lost" if any(e.get("fate") == "lost" for e in entries) else None
    delivered = [e for e in sent if e.get("fate", "delivered") == "delivered"]
    first = min(delivered or sent, key=lambda e: float(e["at"]))
    delay = min(_MAX_DELAY, round(max(0.0, float(first["at"]) - float(end)) / speed, 3))
    return f"delay={delay}" if delay > 0 else ""


__all__ = ["MATCH_RULES", "REPLAY_HEADER", "MatchRule", "Plan", "ReplaySettings", "Replayer",
           "callback_quirk", "plan"]
