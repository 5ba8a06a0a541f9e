"""How the admin API shows tasks, the clock and the defaults: plain JSON-ready dicts."""

from __future__ import annotations

from typing import Any

from vidukit.mock_server.clock import Clock, iso_ms
from vidukit.mock_server.engine import Engine
from vidukit.mock_server.media.view import cost_view, media_view
from vidukit.mock_server.providers import Provider
from vidukit.mock_server.tasks import Task


def task_view(task: Task, engine: Engine, provider: Provider | None) -> dict[str, Any]:
    due = engine.next_change_at(task)
    return {
        "id": task.id,
        "provider": task.provider,
        "state": task.state,
        "provider_status": provider.status.get(task.state) if provider else None,
        "created_at": iso_ms(task.created_at),
        "entered": {state: iso_ms(at) for state, at in task.entered.items()},
        "next_change_at": iso_ms(due) if due is not None else None,
        "polls": task.polls,
        "progression": task.progression.spec(),
        "outcome": task.outcome.spec(),
        "forced": task.forced,
        "owner": task.owner,
        "seed": task.seed,
        "request": task.request,
        "meta": task.meta,
        "cost_usd": cost_view(task),
        "media": media_view(task),
    }


def clock_view(clock: Clock) -> dict[str, Any]:
    now = clock.now()
    return {"kind": clock.kind, "now": now, "iso": iso_ms(now)}


def defaults_view(engine: Engine) -> dict[str, Any]:
    return {
        "progression": engine.progression.spec(),
        "outcome": engine.outcome.spec(),
        "jitter": engine.jitter,
    }


__all__ = ["clock_view", "defaults_view", "task_view"]
