"""The dashboard timeline's input (task summaries) from what a report has at hand.

The dashboard's ``renderTimeline`` draws *task summaries* (the shape of
``vidukit.mock_server.dashboard.snapshot``): ``id``, ``provider``, ``state``,
``forced``, ``created``, ``finished``, ``entered`` (state -> epoch seconds),
``exchanges`` (``{kind: submit|poll, seq, time, status, fault}``),
``webhook_attempts`` and ``webhook_pending``. A report does not hold the mock's
objects, so this module rebuilds those summaries from plain data:

- `from_journal`: a verify example's task views (``GET /_mock/tasks``),
  journal entries (``GET /_mock/journal``) and callback deliveries, times as
  ISO strings. A journal entry belongs to a task when one of the task's names
  (its id, Runware's ``taskUUID``) appears in it as a whole token, as the
  dashboard links them; the first such entry is the submit, later ones polls.
- `from_probe`: a drift observer's exchanges and the status words it followed
  (times on the observer's clock, moved onto the wall clock). Its state
  changes are the moments answers showed them, so they are as precise as the
  polling; a poll whose answer drew findings is drawn as a faulty poll (✕),
  its title naming the finding kinds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

STATES = ("queued", "processing", "succeeded", "failed")
_TERMINAL = ("succeeded", "failed")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{8,}")
#: A submit is journalled just after its task is created (times are to the millisecond).
_SUBMIT_SLACK_SECONDS = 0.002


@dataclass
class Timeline:
    """What one report's timeline shows, ready for ``renderTimeline`` (``to_data``)."""

    label: str
    tasks: list[dict[str, Any]] = field(default_factory=list)
    now: float = 0.0
    #: Requests that named no task (refused submits, an unknown id): listed, not drawn.
    untasked: list[int] = field(default_factory=list)

    def to_data(self) -> dict[str, Any]:
        return {"label": self.label, "tasks": self.tasks, "now": self.now}


def epoch(iso: str | None) -> float | None:
    """``2026-01-01T00:00:05.250Z`` -> epoch seconds (None stays None)."""
    if not iso:
        return None
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def _tokens(entry: Mapping[str, Any]) -> set[str]:
    request, response = entry.get("request") or {}, entry.get("response") or {}
    parts = [str(request.get("path", "")), str(request.get("query", ""))]
    for body in (request.get("body"), response.get("body")):
        parts.append(body if isinstance(body, str) else json.dumps(body, ensure_ascii=False))
    return set(_TOKEN.findall("\n".join(parts)))


def _names(task: Mapping[str, Any]) -> set[str]:
    names = {str(task["id"])}
    uuid = (task.get("meta") or {}).get("taskUUID")
    if isinstance(uuid, str):
        names.add(uuid)
    return names


def _summary(task_id: str, provider: str, state: str, entered: Mapping[str, float],
             *, forced: bool = False) -> dict[str, Any]:
    terminal = [at for st, at in entered.items() if st in _TERMINAL]
    return {
        "id": task_id,
        "provider": provider,
        "state": state,
        "forced": forced,
        "created": min(entered.values()),
        "finished": min(terminal) if terminal else None,
        "entered": dict(entered),
        "exchanges": [],
        "webhook_attempts": [],
        "webhook_pending": [],
    }


def _settle(timeline: Timeline, extra_times: Iterable[float]) -> Timeline:
    """Order the rows as the dashboard does and put "now" at the last thing that happened."""
    timeline.tasks.sort(key=lambda t: (t["created"], t["id"]))
    times = list(extra_times)
    for task in timeline.tasks:
        times += [task["created"], *task["entered"].values()]
        times += [e["time"] for e in task["exchanges"]]
        times += [a["time"] for a in task["webhook_attempts"]]
    timeline.now = max(times, default=0.0)
    return timeline


def from_journal(tasks: Sequence[Mapping[str, Any]], exchange: Sequence[Mapping[str, Any]],
                 webhooks: Sequence[Mapping[str, Any]] = (), *,
                 label: str = "Timeline") -> Timeline:
    """The timeline of one verify example (see the module docstring)."""
    timeline = Timeline(label=label)
    rows: dict[str, dict[str, Any]] = {}
    names: dict[str, list[str]] = {}
    for task in tasks:
        entered = {st: at for st, iso in (task.get("entered") or {}).items()
                   if st in STATES and (at := epoch(iso)) is not None}
        created = epoch(task.get("created_at"))
        if created is not None:
            entered.setdefault("queued", created)  # a task exists from its creation on
        if not entered:
            continue
        row = _summary(str(task["id"]), str(task.get("provider", "")),
                       str(task.get("state", "")), entered, forced=bool(task.get("forced")))
        if created is not None:
            row["created"] = created
        rows[row["id"]] = row
        for name in _names(task):
            names.setdefault(name, []).append(row["id"])
    times: list[float] = []
    for entry in exchange:
        at = epoch(entry.get("at"))
        if at is None:
            continue
        times.append(at)
        linked = sorted({tid for token in _tokens(entry) & names.keys() for tid in names[token]
                         if rows[tid]["provider"] in ("", entry.get("provider", ""))})
        if not linked:
            timeline.untasked.append(int(entry.get("seq", 0)))
        for tid in linked:
            row = rows[tid]
            if at < row["created"] - _SUBMIT_SLACK_SECONDS:
                continue
            row["exchanges"].append({
                "kind": "poll" if row["exchanges"] else "submit",
                "seq": entry.get("seq"),
                "time": at,
                "status": (entry.get("response") or {}).get("status"),
                "fault": entry.get("fault"),
            })
    for delivery in webhooks:
        owner = rows.get(str(delivery.get("task_id")))
        if owner is None:
            continue
        for attempt in delivery.get("attempts") or ():
            at = epoch(attempt.get("at"))
            if at is not None:
                owner["webhook_attempts"].append({
                    "time": at, "attempt": attempt.get("attempt"), "kind": attempt.get("kind"),
                    "status": attempt.get("status"), "ok": bool(attempt.get("ok")),
                    "error": attempt.get("error"),
                })
        due = epoch(delivery.get("next_attempt_at"))
        if due is not None:
            owner["webhook_pending"].append({"time": due, "state": delivery.get("state")})
    timeline.tasks = list(rows.values())
    return _settle(timeline, times)


# --------------------------------------------------------------------------- drift probe

#: Status ranks of `vidukit.drift.wire`: queued, processing, succeeded, failed.
_RANK_STATE = dict(enumerate(STATES))


def from_probe(observer: Any, offset: float, *, label: str = "Timeline") -> Timeline:
    """The timeline of the tasks a drift observer followed; *offset* moves its clock's
    readings onto epoch seconds."""
    wire = observer.wire
    has_queue_word = 0 in wire.ranks.values()
    timeline = Timeline(label=label)
    rows: dict[str, dict[str, Any]] = {}
    for task_id, task in observer.lifecycle.tasks.items():
        start = task.submitted_at
        if start is None:
            continue  # a proxy saw polls of a task submitted elsewhere: no bar to draw
        entered = {"queued" if has_queue_word else "processing": start + offset}
        if task.processing_at is not None and has_queue_word:
            entered["processing"] = task.processing_at + offset
        state = "processing" if "processing" in entered else "queued"
        if task.finished is not None and task.finished_at is not None:
            state = _RANK_STATE.get(wire.ranks.get(task.finished, -1), "failed")
            entered[state] = task.finished_at + offset
        rows[task_id] = _summary(str(task_id), observer.provider, state, entered)
    times: list[float] = []
    for exchange in observer.exchanges:
        at = exchange.at + offset
        times.append(at)
        tid = _exchange_task(wire, exchange)
        if tid is None or tid not in rows:
            timeline.untasked.append(exchange.seq)
            continue
        row = rows[tid]
        kinds = sorted({f.kind for f in exchange.findings})
        row["exchanges"].append({
            "kind": "submit" if not row["exchanges"] else "poll",
            "seq": exchange.seq,
            "time": at,
            "status": exchange.status,
            "fault": f"findings: {', '.join(kinds)}" if kinds else None,
        })
    timeline.tasks = list(rows.values())
    return _settle(timeline, times)


def _exchange_task(wire: Any, exchange: Any) -> str | None:
    request = exchange.request_json
    if exchange.response_message == "submit-response" and 200 <= exchange.status < 300:
        found = wire.task_id(request, exchange.response_json)
        return str(found) if found is not None else None
    try:
        polled = wire.polled_task(exchange.path, exchange.query, request)
    except (TypeError, ValueError, AttributeError):
        return None
    return str(polled) if polled is not None else None


__all__ = ["STATES", "Timeline", "epoch", "from_journal", "from_probe"]
