"""The lifecycle engine: table validation, progression by time / polls / at once, outcomes."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vidukit.mock_server.clock import VirtualClock
from vidukit.mock_server.engine import (
    FAILED,
    LIFECYCLE,
    PROCESSING,
    QUEUED,
    SUCCEEDED,
    Engine,
    Lifecycle,
    TaskFinished,
    UnknownTask,
)
from vidukit.mock_server.errors import ConfigError, InvalidTransitionTable
from vidukit.mock_server.storage import MemoryTaskStore
from vidukit.mock_server.tasks import Outcome, Progression, Task

REQUEST = {"prompt": "p", "images": ["https://x/y.png"]}


def make_engine(
    progression: str = "time=1,4", *, seed: int = 0, jitter: float = 0.0, outcome: str = "succeed"
) -> tuple[Engine, VirtualClock]:
    clock = VirtualClock(1000.0)
    engine = Engine(
        clock=clock,
        store=MemoryTaskStore(),
        progression=Progression.parse(progression),
        outcome=Outcome.parse(outcome),
        seed=seed,
        jitter=jitter,
    )
    return engine, clock


def create(engine: Engine, request: object = REQUEST, **kwargs: object) -> Task:
    return engine.create(provider="wavespeed", owner="o", request=request, **kwargs)  # type: ignore[arg-type]


# -- the table --------------------------------------------------------------------------


def test_the_shipped_table_is_valid_and_has_two_terminal_states() -> None:
    LIFECYCLE.validate()
    assert LIFECYCLE.terminal == {SUCCEEDED, FAILED}
    assert all(not LIFECYCLE.exits(s) for s in LIFECYCLE.terminal)


@pytest.mark.parametrize(
    ("table", "complaint"),
    [
        (
            Lifecycle(
                QUEUED, ((QUEUED, SUCCEEDED), (PROCESSING, FAILED)), frozenset({SUCCEEDED, FAILED})
            ),
            "cannot be reached",
        ),
        (
            Lifecycle(
                QUEUED,
                (
                    (QUEUED, PROCESSING),
                    (PROCESSING, SUCCEEDED),
                    (PROCESSING, FAILED),
                    (SUCCEEDED, QUEUED),
                ),
                frozenset({SUCCEEDED, FAILED}),
            ),
            "terminal state 'succeeded' has exits",
        ),
        (
            Lifecycle(
                QUEUED, ((QUEUED, PROCESSING), (PROCESSING, SUCCEEDED)), frozenset({SUCCEEDED})
            ),
            "missing state",
        ),
        (
            Lifecycle(
                QUEUED,
                ((QUEUED, PROCESSING), (QUEUED, SUCCEEDED), (QUEUED, FAILED)),
                frozenset({SUCCEEDED, FAILED}),
            ),
            "'processing' is not terminal but has no exit",
        ),
    ],
)
def test_a_broken_table_is_refused_at_start_up_with_the_reason(
    table: Lifecycle, complaint: str
) -> None:
    with pytest.raises(InvalidTransitionTable, match=complaint):
        table.validate()
    with pytest.raises(InvalidTransitionTable):
        Engine(
            clock=VirtualClock(),
            store=MemoryTaskStore(),
            progression=Progression("immediate"),
            lifecycle=table,
        )


# -- specs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("immediate", Progression("immediate")),
        ("polls=3", Progression("polls", polls=3)),
        ("time=4", Progression("time", 0.0, 4.0)),
        ("time=1,4", Progression("time", 1.0, 4.0)),
        (" TIME=0.5,2.25 ", Progression("time", 0.5, 2.25)),
    ],
)
def test_progression_text_form_round_trips(text: str, expected: Progression) -> None:
    parsed = Progression.parse(text)
    assert parsed == expected
    assert Progression.parse(parsed.spec()) == parsed


@pytest.mark.parametrize(
    "bad", ["", "polls=0", "polls=x", "time=", "time=-1", "time=1,2,3", "time=nan", "soon"]
)
def test_a_bad_progression_names_the_grammar(bad: str) -> None:
    with pytest.raises(ValueError, match="polls=N"):
        Progression.parse(bad)


def test_outcome_text_form() -> None:
    assert Outcome.parse("fail:1401") == Outcome("fail", "1401")
    assert Outcome.parse("fail") == Outcome("fail", None)
    assert Outcome.parse("stay-processing").spec() == "stay-processing"
    for bad in ("win", "fail:", "succeed:1"):
        with pytest.raises(ValueError, match="stay-processing"):
            Outcome.parse(bad)


# -- progression ------------------------------------------------------------------------


def test_time_progression_follows_the_clock_without_any_timer() -> None:
    engine, clock = make_engine("time=1,4")
    task = create(engine)
    assert task.state == QUEUED and task.created_at == 1000.0
    clock.advance(0.999)
    assert engine.observe(task).state == QUEUED
    clock.advance(0.001)
    assert engine.observe(task).state == PROCESSING
    clock.advance(3.999)
    assert engine.observe(task).state == PROCESSING
    clock.advance(0.001)
    assert engine.observe(task).state == SUCCEEDED
    assert task.entered == {QUEUED: 1000.0, PROCESSING: 1001.0, SUCCEEDED: 1005.0}


def test_a_late_look_records_when_each_state_was_really_entered() -> None:
    engine, clock = make_engine("time=2,3")
    task = create(engine)
    clock.advance(3600)
    engine.observe(task)
    assert task.state == SUCCEEDED
    assert task.entered == {QUEUED: 1000.0, PROCESSING: 1002.0, SUCCEEDED: 1005.0}


def test_poll_progression_finishes_on_the_nth_poll_and_ignores_time() -> None:
    engine, clock = make_engine("polls=3")
    task = create(engine)
    clock.advance(10_000)
    assert engine.observe(task).state == QUEUED, "a look that is not a poll does not count"
    assert engine.observe(task, poll=True).state == PROCESSING
    assert engine.observe(task, poll=True).state == PROCESSING
    assert engine.observe(task, poll=True).state == SUCCEEDED
    assert task.polls == 3


def test_immediate_progression_is_finished_at_the_first_look() -> None:
    engine, _ = make_engine("immediate")
    task = create(engine)
    assert task.state == QUEUED, "the submit answer still shows the task as received"
    assert engine.observe(task).state == SUCCEEDED
    assert task.entered[SUCCEEDED] == task.created_at


def test_a_planned_failure_goes_through_processing_with_its_code() -> None:
    engine, clock = make_engine("time=1,1", outcome="fail:1401")
    task = create(engine)
    clock.advance(5)
    engine.observe(task)
    assert task.state == FAILED
    assert list(task.entered) == [QUEUED, PROCESSING, FAILED]
    assert task.outcome.error_code == "1401"


def test_stay_processing_never_finishes() -> None:
    engine, clock = make_engine("immediate", outcome="stay-processing")
    task = create(engine)
    clock.advance(10**6)
    assert engine.observe(task, poll=True).state == PROCESSING


def test_per_task_progression_overrides_the_default_and_is_not_jittered() -> None:
    engine, clock = make_engine("time=100,100", jitter=0.5)
    task = create(engine, progression=Progression.parse("time=0,2"))
    assert task.progression == Progression("time", 0.0, 2.0)
    clock.advance(2)
    assert engine.observe(task).state == SUCCEEDED


# -- forcing ----------------------------------------------------------------------------


def test_forcing_a_failure_on_a_queued_task_skips_processing() -> None:
    engine, clock = make_engine("time=10,10")
    task = create(engine)
    clock.advance(1)
    engine.force(task.id, Outcome("fail", "1200"))
    assert task.state == FAILED and task.forced
    assert task.entered == {QUEUED: 1000.0, FAILED: 1001.0}


def test_forcing_success_finishes_a_processing_task_now() -> None:
    engine, clock = make_engine("time=1,100")
    task = create(engine)
    clock.advance(5)
    engine.force(task.id, Outcome("succeed"))
    assert task.state == SUCCEEDED and task.entered[SUCCEEDED] == 1005.0


def test_stay_processing_holds_a_task_until_forced_again() -> None:
    engine, clock = make_engine("time=1,1")
    task = create(engine)
    engine.force(task.id, Outcome("stay-processing"))
    clock.advance(1000)
    assert engine.observe(task).state == PROCESSING
    engine.force(task.id, Outcome("fail", "5004"))
    assert task.state == FAILED


def test_a_finished_task_cannot_be_forced() -> None:
    engine, clock = make_engine("time=1,1")
    task = create(engine)
    clock.advance(2)
    with pytest.raises(TaskFinished, match="already succeeded"):
        engine.force(task.id, Outcome("fail", "1403"))
    with pytest.raises(UnknownTask):
        engine.force("nope", Outcome("succeed"))


# -- determinism, hooks, schedules --------------------------------------------------------


def test_same_request_and_seed_give_the_same_timings_and_generation_seed() -> None:
    one, _ = make_engine(seed=42, jitter=0.5)
    two, _ = make_engine(seed=42, jitter=0.5)
    two.ids.hex()  # the other server has seen other traffic: ids differ, outcomes do not
    reordered = {"images": REQUEST["images"], "prompt": REQUEST["prompt"]}
    a, b = create(one, REQUEST), create(two, reordered)
    assert (a.progression, a.seed) == (b.progression, b.seed)
    assert a.id != b.id
    other, _ = make_engine(seed=43, jitter=0.5)
    c = create(other, REQUEST)
    assert (c.progression, c.seed) != (a.progression, a.seed)


def test_ids_repeat_for_a_fresh_server_with_the_same_seed_and_after_reset() -> None:
    one, _ = make_engine(seed=7)
    two, _ = make_engine(seed=7)
    first = [create(one).id for _ in range(3)]
    assert first == [create(two).id for _ in range(3)]
    assert len(set(first)) == 3
    one.reset()
    assert one.store.count() == 0
    assert [create(one).id for _ in range(3)] == first


@given(st.floats(min_value=0.0, max_value=0.99), st.binary(max_size=16))
def test_jitter_stays_within_its_fraction(jitter: float, salt: bytes) -> None:
    engine, _ = make_engine("time=2,8", jitter=jitter)
    task = create(engine, {"prompt": salt.hex(), "images": []})
    for base, got in (
        (2.0, task.progression.queue_seconds),
        (8.0, task.progression.processing_seconds),
    ):
        assert base * (1 - jitter) - 0.001 <= got <= base * (1 + jitter) + 0.001


def test_a_bad_jitter_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match="jitter"):
        make_engine(jitter=1.5)


def test_on_enter_hooks_fire_once_per_state_in_order() -> None:
    engine, clock = make_engine("time=1,1")
    seen: list[tuple[str, float]] = []
    for state in (QUEUED, PROCESSING, SUCCEEDED, FAILED):
        engine.on_enter(state, lambda task, state, at: seen.append((state, at)))
    task = create(engine)
    clock.advance(5)
    engine.observe(task)
    engine.observe(task)
    assert seen == [(QUEUED, 1000.0), (PROCESSING, 1001.0), (SUCCEEDED, 1002.0)]
    with pytest.raises(ConfigError, match="no state"):
        engine.on_enter("paused", lambda *_: None)


def test_next_change_at_tells_a_scheduler_when_the_clock_moves_a_task() -> None:
    engine, clock = make_engine("time=1,4")
    task = create(engine)
    assert engine.next_change_at(task) == 1001.0
    clock.advance(2)
    engine.observe(task)
    assert engine.next_change_at(task) == 1005.0
    polled = create(engine, progression=Progression.parse("polls=2"))
    assert engine.next_change_at(polled) is None


ORDER = {QUEUED: 0, PROCESSING: 1, SUCCEEDED: 2, FAILED: 2}
actions = st.one_of(
    st.tuples(st.just("advance"), st.floats(min_value=0, max_value=5)),
    st.tuples(st.just("poll"), st.none()),
    st.tuples(st.just("look"), st.none()),
    st.tuples(st.just("force"), st.sampled_from(["succeed", "fail:1401", "stay-processing"])),
)


@given(
    st.sampled_from(["immediate", "polls=1", "polls=3", "time=1,2", "time=0,0"]),
    st.sampled_from(["succeed", "fail:1200", "stay-processing"]),
    st.lists(actions, max_size=25),
)
def test_observed_states_only_follow_the_table_and_terminal_states_stick(
    progression: str, outcome: str, steps: list[tuple[str, object]]
) -> None:
    engine, clock = make_engine(progression, outcome=outcome)
    task = create(engine)
    previous = task.state
    for action, arg in steps:
        if action == "advance":
            clock.advance(float(arg))  # type: ignore[arg-type]
        elif action == "force":
            try:
                engine.force(task.id, Outcome.parse(str(arg)))
            except TaskFinished:
                assert task.state in LIFECYCLE.terminal, "only a finished task refuses a force"
        else:
            engine.observe(task, poll=action == "poll")
        current = task.state
        if previous in LIFECYCLE.terminal:
            assert current == previous
        elif current != previous:
            assert ORDER[current] > ORDER[previous]
        previous = current
    states = list(task.entered)
    for source, target in itertools.pairwise(states):
        assert LIFECYCLE.allows(source, target), states
    times = list(task.entered.values())
    assert times == sorted(times)


def test_reprogramming_moves_a_task_but_never_back() -> None:
    engine, clock = make_engine("time=100,100")
    task = create(engine)
    clock.advance(5)
    engine.reprogram(task.id, Progression.parse("time=1,10"))
    assert task.state == PROCESSING and task.entered[PROCESSING] == 1001.0
    engine.reprogram(task.id, Progression.parse("time=50,50"))
    assert engine.observe(task).state == PROCESSING, "a shown state is never taken back"
    engine.reprogram(task.id, Progression.parse("immediate"))
    assert task.state == SUCCEEDED
    with pytest.raises(TaskFinished):
        engine.reprogram(task.id, Progression.parse("polls=1"))
    with pytest.raises(UnknownTask):
        engine.reprogram("nope", Progression.parse("polls=1"))


def test_a_poll_sees_only_the_owners_own_task_of_its_own_provider() -> None:
    engine, _ = make_engine("polls=2")
    task = engine.create(provider="wavespeed", owner="alice", request=REQUEST,
                         progression=None, outcome=Outcome.parse("succeed"))
    for provider, owner in (("wavespeed", "mallory"), ("novita", "alice")):
        assert engine.poll(provider, owner, task.id) is None
    assert engine.poll("wavespeed", "alice", "no-such-task") is None
    assert task.polls == 0, "a refused poll does not count"
    first = engine.poll("wavespeed", "alice", task.id)
    assert first is not None and first.polls == 1
    second = engine.poll("wavespeed", "alice", task.id)
    assert second is not None and second.state == SUCCEEDED
