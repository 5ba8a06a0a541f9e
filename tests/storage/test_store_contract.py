"""The one store test suite: memory, sqlite and a real Redis must behave the same.

Every test runs once per store kind (``store_kind``). The race tests open
several handles on one store (separate connections for sqlite and Redis) and
hammer it from threads: what must be atomic across workers and instances
(the id sequence, the quota window, claiming a due webhook, taking a watch)
has exactly one winner.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from store_support import StoreUnderTest, race

from vidukit.mock_server.engine import Engine
from vidukit.mock_server.storage import StoredClock, TaskStore
from vidukit.mock_server.tasks import Outcome, Progression, Task


def _task(task_id: str, provider: str = "wavespeed", *, created_at: float = 10.0) -> Task:
    return Task(
        id=task_id,
        provider=provider,
        owner="owner-digest",
        created_at=created_at,
        progression=Progression.parse("time=1,4"),
        outcome=Outcome.parse("fail:1401"),
        seed=7,
        request={"prompt": "p \u00e9\u6f22", "images": ["https://x/y.png"], "n": [1, 2.5]},
        meta={"duration_seconds": 5, "webhook": "http://127.0.0.1:9/hook"},
        entered={"queued": created_at},
    )


# -- tasks -------------------------------------------------------------------------------


def test_tasks_round_trip_unchanged_in_creation_order(store: TaskStore) -> None:
    for task_id, provider in [("a", "wavespeed"), ("b", "novita"), ("c", "wavespeed")]:
        store.put(_task(task_id, provider))
    assert [t.id for t in store.list()] == ["a", "b", "c"]
    assert [t.id for t in store.list(provider="wavespeed")] == ["a", "c"]
    assert store.list(provider="runware") == []
    assert store.count() == 3
    assert store.get("b") == _task("b", "novita")
    assert store.get("missing") is None


def test_put_replaces_a_task_and_keeps_its_place(store: TaskStore) -> None:
    store.put(_task("a"))
    store.put(_task("b"))
    changed = _task("a")
    changed.state, changed.polls = "processing", 4
    changed.entered["processing"] = 11.5
    store.put(changed)
    again = store.get("a")
    assert again is not None and (again.state, again.polls) == ("processing", 4)
    assert again.entered == {"queued": 10.0, "processing": 11.5}
    assert [t.id for t in store.list()] == ["a", "b"] and store.count() == 2


def test_clear_forgets_tasks_numbers_windows_and_records(store: TaskStore) -> None:
    store.put(_task("a"))
    store.add_number("n", 5)
    store.admit("k", 100.0, 60.0, 1)
    store.put_record("space", "r", {"x": 1}, due=1.0)
    store.clear()
    assert (store.count(), store.list(), store.get("a")) == (0, [], None)
    assert store.read_number("n") == 0
    assert store.admit("k", 100.0, 60.0, 1) is None  # the window is empty again
    assert store.records("space") == [] and store.next_due("space") is None


def test_a_second_handle_sees_what_the_first_wrote(under_test: StoreUnderTest) -> None:
    one, two = under_test.open(), under_test.open()
    one.put(_task("a"))
    one.add_number("n", 2)
    one.put_record("space", "r", {"v": [1, "two"]})
    assert two.get("a") == _task("a")
    assert two.read_number("n") == 2
    assert two.get_record("space", "r") == {"v": [1, "two"]}


def test_many_handles_creating_tasks_lose_none(under_test: StoreUnderTest) -> None:
    race(under_test, lambda s, n: s.put(_task(f"{id(s)}-{n}")), handles=4, rounds=25)
    store = under_test.open()
    expected = 25 if under_test.in_process else 100  # memory: one handle, one store
    assert store.count() == expected and len({t.id for t in store.list()}) == expected


# -- numbers and ids ------------------------------------------------------------------------


def test_numbers_add_atomically_from_zero(under_test: StoreUnderTest) -> None:
    store = under_test.open()
    assert store.read_number("x") == 0
    assert store.add_number("x", 2.5) == 2.5
    assert store.add_number("x", -1) == 1.5 and store.read_number("x") == 1.5
    seen = race(under_test, lambda s, n: s.add_number("seq", 1), handles=4, rounds=50)
    assert sorted(seen) == [float(n) for n in range(1, 201)]  # every value handed out once


def test_engines_sharing_a_store_never_repeat_an_id(under_test: StoreUnderTest) -> None:
    """Two workers (engines) on one store, then a restart (a third): 60 distinct ids."""

    def engine() -> Engine:
        return Engine(
            clock=StoredClock(under_test.open()),
            store=under_test.open(),
            progression=Progression.parse("immediate"),
        )

    one, two = engine(), engine()
    ids = [e.ids.hex() for _ in range(20) for e in (one, two)]
    ids += [engine().ids.uuid4() for _ in range(20)]
    assert len(set(ids)) == 60


# -- the virtual clock ------------------------------------------------------------------------


def test_the_virtual_clock_is_one_time_for_every_handle(under_test: StoreUnderTest) -> None:
    one, two = StoredClock(under_test.open(), 1000.0), StoredClock(under_test.open(), 1000.0)
    assert one.now() == two.now() == 1000.0
    assert one.advance(30) == 1030.0 and two.now() == 1030.0 and two.monotonic() == 30.0
    two.advance(0.25)
    assert one.now() == 1030.25
    with pytest.raises(ValueError, match="forward"):
        one.advance(-1)
    one.reset()
    assert two.now() == 1000.0


# -- sliding windows (per-minute quotas) ------------------------------------------------------


def test_admit_counts_up_to_the_limit_and_says_when_room_frees(store: TaskStore) -> None:
    assert [store.admit("k", t, 60.0, 3) for t in (100.0, 110.0, 120.0)] == [None] * 3
    assert store.admit("k", 130.0, 60.0, 3) == 160.0  # the oldest (100) leaves at 160
    assert store.admit("k", 159.0, 60.0, 3) == 160.0  # a refusal was not counted
    assert store.admit("k", 160.0, 60.0, 3) is None  # 100 is out: (100, 160] holds 2
    assert store.admit("other", 160.0, 60.0, 3) is None  # keys are independent
    assert store.admit("k", 161.0, 60.0, 3) == 170.0


def test_admit_without_a_limit_counts_for_a_limit_set_later(store: TaskStore) -> None:
    for t in (1.0, 2.0, 3.0):
        assert store.admit("k", t, 60.0, None) is None
    assert store.admit("k", 4.0, 60.0, 3) == 61.0


def test_instances_racing_for_a_window_admit_exactly_the_limit(
    under_test: StoreUnderTest,
) -> None:
    verdicts = race(under_test, lambda s, n: s.admit("quota", 500.0, 60.0, 10), handles=4, rounds=8)
    assert verdicts.count(None) == 10
    assert all(v == 560.0 for v in verdicts if v is not None)


# -- records (watched tasks, scheduled webhooks, scenario choices) ---------------------------


def test_records_keep_first_put_order_and_only_new_keeps_the_first(store: TaskStore) -> None:
    assert store.put_record("s", "b", {"n": 1})
    assert store.put_record("s", "a", {"n": 2})
    assert store.put_record("s", "b", {"n": 3})  # replaced, still first
    assert not store.put_record("s", "a", {"n": 4}, only_new=True)
    assert store.records("s") == [("b", {"n": 3}), ("a", {"n": 2})]
    assert store.get_record("s", "a") == {"n": 2} and store.get_record("s", "zz") is None
    assert store.records("other") == []


def test_due_records_come_earliest_first_up_to_the_time(store: TaskStore) -> None:
    store.put_record("s", "late", {"k": "late"}, due=30.0)
    store.put_record("s", "never", {"k": "never"})
    store.put_record("s", "tie-first", {"k": "tie-first"}, due=10.0)
    store.put_record("s", "early", {"k": "early"}, due=5.5)
    store.put_record("s", "tie-second", {"k": "tie-second"}, due=10.0)
    due = [key for key, _ in store.due_records("s", 10.0)]
    assert due == ["early", "tie-first", "tie-second"]
    assert store.next_due("s") == 5.5
    assert store.next_due("s", after=5.5) == 10.0 and store.next_due("s", after=30.0) is None
    store.put_record("s", "late", {"k": "late"})  # no longer due
    assert store.next_due("s", after=10.0) is None


def test_a_claim_needs_the_due_time_the_caller_saw(store: TaskStore) -> None:
    store.put_record("s", "d", {"attempt": 1}, due=20.0)
    assert not store.claim("s", "d", 19.0)  # a stale view: another instance rescheduled it
    assert store.claim("s", "d", 20.0)
    assert not store.claim("s", "d", 20.0)  # taken
    assert store.due_records("s", 100.0) == [] and store.get_record("s", "d") == {"attempt": 1}
    store.put_record("s", "d", {"attempt": 2}, due=25.0)  # the claimer puts it back
    assert store.due_records("s", 100.0) == [("d", {"attempt": 2})]
    assert not store.claim("s", "missing", 1.0)


def test_exactly_one_instance_claims_each_due_attempt(under_test: StoreUnderTest) -> None:
    first = under_test.open()
    for n in range(10):
        first.put_record("s", f"d{n}", {"n": n}, due=1767225600.125 + n / 3)

    def claim_all(store: TaskStore, _: int) -> list[str]:
        due = store.due_records("s", 1e12)
        return [key for key, rec in due if store.claim("s", key, _due(rec))]

    won = [key for keys in race(under_test, claim_all, handles=4, rounds=1) for key in keys]
    assert sorted(won) == sorted(f"d{n}" for n in range(10))


def _due(record: dict[str, Any]) -> float:
    return 1767225600.125 + record["n"] / 3


def test_exactly_one_caller_pops_a_record(under_test: StoreUnderTest) -> None:
    under_test.open().put_record("watch", "task", {"origin": "http://a"}, due=3.0)
    got = race(under_test, lambda s, n: s.pop_record("watch", "task"), handles=4, rounds=3)
    assert [g for g in got if g is not None] == [{"origin": "http://a"}]
    store = under_test.open()
    assert store.next_due("watch") is None and store.records("watch") == []


def test_drop_records_removes_them_and_their_due_entries(store: TaskStore) -> None:
    for key in "abc":
        store.put_record("s", key, {"k": key}, due=1.0)
    store.drop_records("s", ["a", "c", "not-there"])
    store.drop_records("s", [])
    assert store.records("s") == [("b", {"k": "b"})]
    assert [k for k, _ in store.due_records("s", 5.0)] == ["b"]


def test_records_hold_any_json(store: TaskStore) -> None:
    record = {"body": json.dumps({"a": "\u2603"}), "n": None, "f": 0.1, "list": [True, {}]}
    store.put_record("s", "k", record)
    assert store.get_record("s", "k") == record
