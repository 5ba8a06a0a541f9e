"""The engine hooks quotas and scenarios use: the start gate stays derived and deterministic."""

from __future__ import annotations

import pytest

from vidukit.mock_server.clock import VirtualClock
from vidukit.mock_server.engine import Engine
from vidukit.mock_server.quotas import QuotaExceeded, Quotas, QuotaSettings
from vidukit.mock_server.storage import MemoryTaskStore
from vidukit.mock_server.tasks import Outcome, Progression


def build(quotas: str) -> tuple[Engine, VirtualClock]:
    clock = VirtualClock()
    store = MemoryTaskStore()
    engine = Engine(clock=clock, store=store, progression=Progression.parse("time=1,4"))
    Quotas(engine=engine, store=store, clock=clock, settings=QuotaSettings.parse(quotas))
    return engine, clock


def submit_batch(engine: Engine, clock: VirtualClock) -> list[str]:
    """Five tasks of one key, some at once, some later, with different durations."""
    ids = []
    for delay, plan in (
        (0, "time=1,4"),
        (0, "time=0,6"),
        (0.5, "time=1,2"),
        (2, "time=0,1"),
        (0, "time=0,3"),
    ):
        clock.advance(delay)
        task = engine.create(
            provider="wavespeed",
            owner="o",
            request={"n": len(ids)},
            progression=Progression.parse(plan),
        )
        ids.append(task.id)
    return ids


def test_the_schedule_is_the_same_however_often_tasks_are_looked_at() -> None:
    watched, watched_clock = build("wavespeed.concurrency=2")
    lazy, lazy_clock = build("wavespeed.concurrency=2")
    watched_ids = submit_batch(watched, watched_clock)
    lazy_ids = submit_batch(lazy, lazy_clock)
    for _ in range(40):  # one engine is looked at every half second, the other only at the end
        watched_clock.advance(0.5)
        lazy_clock.advance(0.5)
        for task_id in reversed(watched_ids):
            watched.observe(watched.get(task_id))  # type: ignore[arg-type]
    seen = [watched.get(i).entered for i in watched_ids]  # type: ignore[union-attr]
    derived = [lazy.observe(lazy.get(i)).entered for i in lazy_ids]  # type: ignore[arg-type]
    assert seen == derived
    for moment in (e["processing"] for e in seen):  # never more than two processing at once
        assert sum(e["processing"] <= moment < e["succeeded"] for e in seen) <= 2
    assert max(e["processing"] - e["queued"] for e in seen) > 1, "some task had to wait"


def test_without_a_limit_the_gate_changes_nothing() -> None:
    limited, clock = build("off")
    ids = submit_batch(limited, clock)
    clock.advance(100)
    for task_id in ids:
        task = limited.observe(limited.get(task_id))  # type: ignore[arg-type]
        assert task.entered["processing"] == task.created_at + task.progression.queue_seconds


def test_a_forced_end_frees_the_slot_at_once() -> None:
    engine, clock = build("wavespeed.concurrency=1")
    first = engine.create(
        provider="wavespeed", owner="o", request={}, progression=Progression.parse("time=0,100")
    )
    second = engine.create(
        provider="wavespeed", owner="o", request={"b": 1}, progression=Progression.parse("time=0,5")
    )
    clock.advance(10)
    assert engine.observe(second).state == "queued"
    assert engine.next_change_at(second) == first.created_at + 100
    engine.force(first.id, Outcome("fail", "x"))
    assert engine.observe(second).state == "processing"
    assert engine.observe(second).entered["processing"] == clock.now()


def test_a_refused_submit_is_not_stored() -> None:
    engine, _ = build("wavespeed.per_minute=1")
    engine.create(provider="wavespeed", owner="o", request={})
    with pytest.raises(QuotaExceeded) as refused:
        engine.create(provider="wavespeed", owner="o", request={})
    assert refused.value.retry_after == 60
    assert engine.store.count() == 1
    engine.create(provider="wavespeed", owner="other", request={})  # per key
    engine.create(provider="novita", owner="o", request={})  # per provider
