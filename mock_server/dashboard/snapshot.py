"""What the dashboard shows, as JSON-ready dicts read from one `MockState`.

Framework-free so it can be tested without a browser. Two looks:

- `snapshot`: everything the overview needs (clock, task summaries with the
  marks of the timeline, the newest journal entries, pending scenarios) plus
  a ``version`` digest, so a page polling it re-renders only on change;
- `task_page`: one task in full: the admin API's task view, its submit
  request re-validated (warnings too, at the field), every exchange that
  named it, and its webhook deliveries with their attempts.

Times are epoch seconds on the mock's clock (``time`` fields) next to the ISO
strings the admin API uses, so the page can lay out a timeline without parsing.
"""

from __future__ import annotations

import hashlib
from typing import Any

from vidukit.mock_server.admin.views import clock_view, task_view
from vidukit.mock_server.clock import iso_ms
from vidukit.mock_server.dashboard.curl import as_curl
from vidukit.mock_server.dashboard.links import JournalLinks, Linking
from vidukit.mock_server.engine import FAILED, PROCESSING, QUEUED, SUCCEEDED
from vidukit.mock_server.http import dumps
from vidukit.mock_server.journal import Entry
from vidukit.mock_server.ledger import entries as charged_tasks
from vidukit.mock_server.ledger import spend
from vidukit.mock_server.state import MockState
from vidukit.mock_server.tasks import Task
from vidukit.mock_server.webhooks.records import Delivery
from vidukit.validation import validate

STATES = (QUEUED, PROCESSING, SUCCEEDED, FAILED)
#: Strings in bodies are cut to this many characters for the page.
MAX_SHOWN = 400
#: Bodies above this size get no curl command (the journal keeps 64 KiB at most anyway).
MAX_CURL_BODY = 32 * 1024
#: A submit is journalled just after its task is created; allow for the handler's own time.
_SUBMIT_SLACK_SECONDS = 0.001


def _exchanges(task: Task, entries: list[Entry]) -> list[tuple[str, Entry]]:
    """*entries* naming *task*, each called ``submit`` (the first, from its creation on) or
    ``poll`` (later ones); entries from before the task existed are left out."""
    found: list[tuple[str, Entry]] = []
    for entry in entries:
        if entry.at < task.created_at - _SUBMIT_SLACK_SECONDS:
            continue
        found.append(("poll" if found else "submit", entry))
    return found


def _attempts(deliveries: list[Delivery]) -> list[dict[str, Any]]:
    return [
        {
            "time": a.at,
            "attempt": a.number,
            "kind": a.kind,
            "status": a.status,
            "ok": a.ok,
            "error": a.error,
            "refused": a.refused,
        }
        for d in deliveries
        for a in d.attempts
    ]


def _charges(tasks: list[Task], deliveries: dict[str, list[Delivery]]) -> list[dict[str, Any]]:
    """The ledger's rows for the tasks already observed (no second look at any task)."""
    return charged_tasks(
        tasks, lambda tid: any(a.ok for d in deliveries.get(tid, ()) for a in d.attempts))


def _task_summary(
    state: MockState, task: Task, linking: Linking, deliveries: list[Delivery],
    charge: dict[str, Any] | None = None,
) -> dict[str, Any]:
    provider = state.providers.get(task.provider)
    due = state.engine.next_change_at(task)
    terminal = {k: v for k, v in task.entered.items() if k in (SUCCEEDED, FAILED)}
    return {
        "id": task.id,
        "provider": task.provider,
        "state": task.state,
        "provider_status": provider.status.get(task.state) if provider else None,
        "scenario": task.meta.get("scenario"),
        "outcome": task.outcome.spec(),
        "forced": task.forced,
        "progression": task.progression.spec(),
        "polls": task.polls,
        "created": task.created_at,
        "created_at": iso_ms(task.created_at),
        "entered": dict(task.entered),
        "finished": min(terminal.values()) if terminal else None,
        "next_change": due,
        "exchanges": [
            {"kind": kind, "seq": e.seq, "time": e.at, "status": e.status, "fault": e.fault}
            for kind, e in _exchanges(task, linking.entries_of(task.id))
        ],
        "webhook_attempts": _attempts(deliveries),
        "webhook_pending": [
            {"time": d.due, "state": d.state} for d in deliveries if d.active
        ],
        "cost": None if charge is None else {
            "amount": charge["amount"], "unit": charge["unit"],
            "paid_not_collected": charge["paid_not_collected"]},
    }


def shortened(value: Any) -> Any:
    """*value* with every string longer than `MAX_SHOWN` cut, saying how long it was.

    Inline images (``data:`` URIs) run to megabytes; the page shows the start of a
    string only, and a snapshot is fetched every half second while things change.
    """
    if isinstance(value, str) and len(value) > MAX_SHOWN:
        return f"{value[:MAX_SHOWN]}… ({len(value)} characters in all)"
    if isinstance(value, list):
        return [shortened(v) for v in value]
    if isinstance(value, dict):
        return {k: shortened(v) for k, v in value.items()}
    return value


def journal_entry(entry: Entry, tasks: list[str], origin: str, body_limit: int) -> dict[str, Any]:
    """The admin journal's entry (long strings cut), plus its time as a number, its tasks
    and a curl command (None for a body too large to paste)."""
    view = entry.to_dict()
    view["request"]["body"] = shortened(view["request"]["body"])
    view["response"]["body"] = shortened(view["response"]["body"])
    small = len(entry.body) <= MAX_CURL_BODY
    return {
        **view,
        "time": entry.at,
        "tasks": tasks,
        "curl": as_curl(entry, origin, body_limit=body_limit) if small else None,
    }


def _observed(state: MockState) -> list[Task]:
    engine = state.engine
    return [engine.observe(t) for t in state.store.list(provider=None)]


def _deliveries(state: MockState) -> dict[str, list[Delivery]]:
    by_task: dict[str, list[Delivery]] = {}
    for delivery in state.webhooks.deliveries():
        by_task.setdefault(delivery.task_id, []).append(delivery)
    return by_task


def snapshot(
    state: MockState,
    links: JournalLinks,
    *,
    origin: str,
    journal_limit: int = 200,
    task_limit: int = 500,
) -> dict[str, Any]:
    """The overview: clock, tasks (newest first), the newest journal entries, scenarios."""
    tasks = _observed(state)
    tasks.sort(key=lambda t: (t.created_at, t.id), reverse=True)
    entries = state.journal.entries()
    linking = links.link(entries, tasks)
    deliveries = _deliveries(state)
    journal = state.journal
    newest = entries[::-1][:journal_limit]
    scenarios = state.scenarios.view()
    charges = _charges(tasks, deliveries)
    charged = {c["task"]: c for c in charges}
    view: dict[str, Any] = {
        "clock": clock_view(state.clock),
        "providers": list(state.providers),
        "defaults": {
            "progression": state.engine.progression.spec(),
            "outcome": state.engine.outcome.spec(),
        },
        "task_count": len(tasks),
        "tasks": [
            _task_summary(state, t, linking, deliveries.get(t.id, []), charged.get(t.id))
            for t in tasks[:task_limit]
        ],
        "spend": spend(charges),
        "journal_count": len(entries),
        "journal": [
            journal_entry(e, linking.tasks_of(e), origin, journal.max_body_bytes) for e in newest
        ],
        "scenarios": {"pending": scenarios["pending"], "history": scenarios["history"][-20:]},
    }
    view["version"] = _version(view)
    return view


def _version(view: dict[str, Any]) -> str:
    """A digest of what the page would show; a real clock's ticking alone is no change."""
    clock = view["clock"]
    hashed = {**view, "clock": clock if clock["kind"] == "virtual" else clock["kind"]}
    return hashlib.sha256(dumps(hashed)).hexdigest()[:20]


def catalogue(state: MockState) -> dict[str, Any]:
    """What the controls offer: providers, scenario names, failure codes, the clock's kind."""
    view = state.scenarios.view()
    return {
        "providers": list(state.providers),
        "prefixes": dict(state.prefixes),
        "clock": state.clock.kind,
        "states": list(STATES),
        "scenarios": [
            {"name": e["name"], "family": e["family"], "doc": e["doc"], "providers": e["providers"]}
            for e in view["catalogue"]
        ],
        "failure_codes": {pid: list(p.failure_codes) for pid, p in state.providers.items()},
        "admin_token": state.config.admin_token is not None,
    }


def _request_view(task: Task, submit: Entry | None) -> dict[str, Any]:
    """The submit request as sent, with every violation (warnings included) at its field."""
    if submit is None:
        return {
            "source": "task",
            "body": shortened(task.request),
            "violations": None,
            "note": "the submit has dropped out of the journal; this is the request as stored",
        }
    body = submit.to_dict()["request"]["body"]
    violations = None
    if isinstance(body, dict | list):
        found = validate(task.provider, "submit-request", body, notes=False)
        violations = [v.to_dict() for v in found]
    shown = shortened(body)
    return {"source": "journal", "seq": submit.seq, "body": shown, "violations": violations}


def task_page(
    state: MockState, links: JournalLinks, task_id: str, *, origin: str
) -> dict[str, Any] | None:
    """One task in full, or None when there is no such task."""
    stored = state.engine.get(task_id)
    if stored is None:
        return None
    tasks = _observed(state)
    task = next(t for t in tasks if t.id == task_id)
    entries = state.journal.entries()
    linking = links.link(entries, tasks)
    mine = _exchanges(task, linking.entries_of(task_id))
    deliveries = state.webhooks.deliveries(task_id=task_id)
    submit = next((e for kind, e in mine if kind == "submit"), None)
    limit = state.journal.max_body_bytes
    return {
        "clock": clock_view(state.clock),
        "task": task_view(task, state.engine, state.providers.get(task.provider)),
        "summary": _task_summary(state, task, linking, deliveries),
        "request": _request_view(task, submit),
        "exchanges": [
            {"kind": kind, **journal_entry(e, linking.tasks_of(e), origin, limit)}
            for kind, e in mine
        ],
        "webhooks": [d.to_dict() for d in deliveries],
    }


__all__ = ["STATES", "catalogue", "journal_entry", "shortened", "snapshot", "task_page"]
