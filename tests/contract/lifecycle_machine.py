"""The generic lifecycle state machine; `test_lifecycle_machine` runs it once per provider.

Rules submit drawn valid bodies (with drawn ``X-Mock-Progression`` and
``X-Mock-Outcome``), poll as the owner, as a stranger and for ids never
issued, advance the virtual clock and force outcomes through the admin API.
The invariants, checked after every step: every answer validates against the
provider's schema for that message, observed states only move along the
engine's transition table, a terminal state never changes, outputs exist
exactly when completed (a failure exactly when failed), and progress never
goes back. Each poll is also checked against a model (`lifecycle_model`)
that predicts the state, the failure code and the poll count from the specs.

Callbacks are stripped from drawn bodies: delivery has its own suite, and a
drawn loopback URL must not be dialled from here. Runs keep to a few tasks
(`MAX_TASKS`) so that the steps go deep into each task's lifecycle.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import cache
from itertools import count
from typing import Any, ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
)

from vidukit.contract_tests.strategies import from_schema
from vidukit.mock_server import MockConfig
from vidukit.mock_server.engine.lifecycle import FAILED, QUEUED
from vidukit.mock_server.providers import load_providers

from .lifecycle_adapters import Call, Observation, ProviderAdapter
from .lifecycle_checks import (
    check_moves_along_the_table,
    check_outputs_exactly_when_completed,
    check_progress_never_goes_back,
    check_terminal_never_changes,
    schema_errors,
)
from .lifecycle_mock import Answer, InProcessMock
from .lifecycle_model import Ending, Plan, TaskModel

OWNER = {"Authorization": "Bearer lifecycle-owner"}
STRANGER = {"Authorization": "Bearer lifecycle-stranger"}
#: The server's default progression at start (no jitter); each run then draws its own.
DEFAULT_PLAN = Plan("time", 1.0, 4.0)
#: Tasks per run: few, so that the steps go deep into each one.
MAX_TASKS = 3

PLANS = st.one_of(
    st.just(Plan("immediate")),
    st.integers(1, 6).map(lambda n: Plan("polls", polls=n)),
    st.builds(lambda q, p: Plan("time", q / 2, p / 2), st.integers(0, 6), st.integers(0, 10)),
)
SECONDS = st.integers(0, 12).map(lambda n: n / 2)


@cache
def endings(provider: str) -> st.SearchStrategy[Ending]:
    """Outcomes to ask for: the three kinds, or a failure with one of the provider's codes."""
    codes = sorted(load_providers()[provider].failure_codes)
    kinds = st.sampled_from([Ending("succeed"), Ending("fail"), Ending("stay-processing")])
    return kinds | st.sampled_from(codes).map(lambda code: Ending("fail", code))


def _submit_bodies(machine: LifecycleMachine) -> st.SearchStrategy[Any]:
    return from_schema(machine.adapter.provider, "submit-request")


def _endings(machine: LifecycleMachine) -> st.SearchStrategy[Ending]:
    return endings(machine.adapter.provider)


class LifecycleMachine(RuleBasedStateMachine):
    """The generic machine; a subclass names its provider's adapter.

    ``INVARIANTS`` names the invariant methods, for replaying fixed step
    sequences outside Hypothesis (`replay`).
    """

    INVARIANTS: ClassVar[tuple[str, ...]] = (
        "every_response_validates",
        "states_move_along_the_transition_table",
        "terminal_states_never_change",
        "outputs_exist_exactly_when_completed",
        "progress_never_goes_back",
    )

    adapter: ClassVar[ProviderAdapter]
    tasks = Bundle("tasks")

    def __init__(self) -> None:
        super().__init__()
        config = MockConfig(
            clock="virtual", jitter=0.0, progression=DEFAULT_PLAN.spec(), outcome="succeed"
        )
        self.mock = InProcessMock(config)
        self.epoch = self._admin("GET", "/_mock/clock").body["now"]
        self.now = 0.0
        self.default_plan = DEFAULT_PLAN
        self.models: dict[str, TaskModel] = {}
        self.history: dict[str, list[Observation]] = {}
        self.unvalidated: list[tuple[str, Answer]] = []
        self._ids = count(1)

    def teardown(self) -> None:
        self.mock.close()

    # -- helpers -----------------------------------------------------------------------

    def _fresh_uuid(self) -> str:
        return str(uuid.UUID(int=next(self._ids), version=4))

    def _send(self, call: Call, message: str, headers: dict[str, str]) -> Answer:
        answer = self.mock.send(call, headers)
        assert answer.is_json, f"{call.method} {call.path}: {answer.status} {answer.text!r}"
        self.unvalidated.append((message if answer.status == 200 else "error-response", answer))
        return answer

    def _admin(self, method: str, path: str, body: Any = None) -> Answer:
        answer = self.mock.send(Call(method, path, body))
        assert answer.is_json, f"admin {path}: {answer.status} {answer.text}"
        return answer

    def _observe(self, task: str, seen: Observation, expected: str) -> None:
        self.history[task].append(seen)
        assert seen.word == self.adapter.words[expected], (
            f"{task}: the model expects {expected} ({self.adapter.words[expected]!r}), "
            f"the mock shows {seen.word!r}; model {self.models[task]}"
        )

    # -- rules -------------------------------------------------------------------------

    @initialize(plan=PLANS)
    def set_default_progression(self, plan: Plan) -> None:
        """What a submit without ``X-Mock-Progression`` gets: PUT /_mock/progression."""
        answer = self._admin("PUT", "/_mock/progression", {"progression": plan.spec()})
        assert answer.status == 200, answer.text
        self.default_plan = plan

    @precondition(lambda self: len(self.models) < MAX_TASKS)
    @rule(
        target=tasks,
        body=st.runner().flatmap(_submit_bodies),
        plan=st.none() | PLANS,
        ending=st.none() | st.runner().flatmap(_endings),
    )
    def submit(self, body: Any, plan: Plan | None, ending: Ending | None) -> Any:
        body = self.adapter.prepare(body, self._fresh_uuid)
        assert not schema_errors(self.adapter.provider, "submit-request", body), body
        headers = dict(OWNER)
        if plan is not None:
            headers["X-Mock-Progression"] = plan.spec()
        if ending is not None:
            headers["X-Mock-Outcome"] = ending.spec()
        answer = self._send(self.adapter.submit(body), "submit-response", headers)
        assert answer.status == 200, f"a valid submit was refused: {answer.status} {answer.text}"
        self.every_response_validates()  # before reading the answer: a clear message first
        ids = self.adapter.task_ids(body, answer.body)
        for task in ids:
            assert task not in self.models, f"task id {task} handed out twice"
            self.models[task] = TaskModel(
                self.now, plan or self.default_plan, ending or Ending("succeed")
            )
            self.history[task] = []
            seen = self.adapter.observe_submit(answer.body, task)
            if seen is not None:
                self._observe(task, seen, QUEUED)
        return multiple(*ids)

    @rule(task=tasks, times=st.integers(1, 3), alternative_path=st.booleans())
    def poll(self, task: str, times: int, alternative_path: bool) -> None:
        """The owner polls *times* in a row; each answer is checked against the model."""
        model = self.models[task]
        for _ in range(times):
            answer = self._send(self.adapter.poll(task, alternative_path), "result-response", OWNER)
            assert answer.status == 200, f"polling own task {task}: {answer.status} {answer.text}"
            self.every_response_validates()
            model.polls += 1
            expected = model.look(self.now)
            seen = self.adapter.observe(answer.body, task)
            self._observe(task, seen, expected)
            if expected == FAILED:
                code = model.failure_code(self.adapter.default_failure_code)
                assert seen.failure == code, f"{task}: failure {seen.failure!r}, expected {code!r}"
        view = self._admin("GET", f"/_mock/tasks/{task}").body
        assert (view["polls"], view["state"]) == (model.polls, expected), (
            f"{task}: the mock reports {view['polls']} polls in {view['state']}, "
            f"the model {model.polls} in {expected}"
        )

    @rule(task=tasks, stranger=st.booleans())
    def poll_not_found(self, task: str, stranger: bool) -> None:
        """Another key's task (*stranger*) or an id never issued: the provider's not-found."""
        if stranger:
            answer = self._send(self.adapter.poll(task, False), "result-response", STRANGER)
        else:
            unknown = self.adapter.poll(self._fresh_uuid(), False)
            answer = self._send(unknown, "result-response", OWNER)
        assert answer.status == 404, f"expected not-found: {answer.status} {answer.text}"

    @rule(seconds=SECONDS)
    def advance_clock(self, seconds: float) -> None:
        answer = self._admin("POST", "/_mock/clock/advance", {"seconds": seconds})
        assert answer.status == 200, answer.text
        self.now += seconds
        assert answer.body["now"] - self.epoch == self.now, (answer.body, self.now)

    @rule(task=tasks, ending=st.runner().flatmap(_endings))
    def force_outcome(self, task: str, ending: Ending) -> None:
        model = self.models[task]
        body: dict[str, Any] = {"outcome": ending.kind}
        if ending.code is not None:
            body["error_code"] = ending.code
        answer = self._admin("POST", f"/_mock/tasks/{task}/outcome", body)
        accepted = model.force(self.now, ending)
        if not accepted:
            assert answer.status == 409, f"forcing finished {task}: {answer.status} {answer.text}"
            return
        assert answer.status == 200, f"forcing {task} ({model.state}): {answer.text}"
        assert answer.body["state"] == model.state, (answer.body["state"], model)

    # -- invariants --------------------------------------------------------------------

    @invariant()
    def every_response_validates(self) -> None:
        pending, self.unvalidated = self.unvalidated, []
        for message, answer in pending:
            errors = schema_errors(self.adapter.provider, message, answer.body)
            assert not errors, f"{message} ({answer.status}) breaks: {errors}: {answer.text}"

    @invariant()
    def states_move_along_the_transition_table(self) -> None:
        for task, history in self.history.items():
            check_moves_along_the_table(self.adapter, task, history)

    @invariant()
    def terminal_states_never_change(self) -> None:
        for task, history in self.history.items():
            check_terminal_never_changes(self.adapter, task, history)

    @invariant()
    def outputs_exist_exactly_when_completed(self) -> None:
        for task, history in self.history.items():
            for seen in history:
                check_outputs_exactly_when_completed(self.adapter, task, seen)

    @invariant()
    def progress_never_goes_back(self) -> None:
        for task, history in self.history.items():
            check_progress_never_goes_back(task, history)


def replay(machine: type[LifecycleMachine], steps: Callable[[Any], None]) -> None:
    """Run fixed *steps* on a fresh *machine*, checking every invariant after each rule call.

    *steps* calls the machine's rule methods directly, as Hypothesis prints a
    failing case; a rule that adds to the bundle returns ``multiple(...)``, whose
    ``.values`` are the new task ids.
    """
    instance = machine()
    try:
        steps(_Checked(instance))
    finally:
        instance.teardown()


class _Checked:
    """A machine whose every rule call is followed by every invariant."""

    def __init__(self, machine: LifecycleMachine) -> None:
        self._machine = machine

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._machine, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            result = attribute(*args, **kwargs)
            for invariant_name in self._machine.INVARIANTS:
                getattr(self._machine, invariant_name)()
            return result

        return call
