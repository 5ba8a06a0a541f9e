"""`verify_client`: Hypothesis explores requests and provider behaviours against an adapter.

Each example is one ``@given`` call, so Hypothesis shrinks a failure to a
minimal (request, behaviour) pair by itself. One example: reset the mock, set
the behaviour through the admin API, call the adapter with a time budget,
read the journal, the tasks and the scenarios that struck, run the selected
checks. The harness keeps the last failing example it ran: while shrinking,
each failing run is smaller than the one before, so the last is the minimal.

Two limits keep a run bounded. A hung adapter costs the whole budget per run,
so shrinking stops after ``shrink_seconds`` (later runs pass without calling
the adapter, and the smallest example found is reported, marked as such).
A fault in the harness itself (the mock unreachable) stops the run the same
way and is raised as `HarnessError` afterwards: it is never a client finding.
"""

from __future__ import annotations

import contextlib
import random
import time
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.errors import HypothesisDeprecationWarning

from vidukit.catalogue import PROVIDERS
from vidukit.contract_tests.canonical import CanonicalRequest
from vidukit.contract_tests.canonical_strategies import canonical_requests
from vidukit.contract_tests.checks import REGISTRY, AdapterRun, Check, CheckContext, find_risks
from vidukit.contract_tests.harness._adapter import (
    Adapter,
    call_adapter,
    describe_adapter,
    load_adapter,
)
from vidukit.contract_tests.harness._behaviour import (
    STUCK_OUTCOME,
    Behaviour,
    behaviours,
    task_forms,
)
from vidukit.contract_tests.harness._mock import HarnessError, MockHandle
from vidukit.contract_tests.harness._report import CheckFailure, Example, Report
from vidukit.contract_tests.harness._watch import PollWatch
from vidukit.contract_tests.harness._webhook import (
    MODES,
    WebhookReceiver,
    callback_wait,
    settle,
    webhook_behaviours,
)
from vidukit.errors import ToolkitError, UnknownProvider

STRICT_RETRIES = "strict-retries"
#: The check judged on the one example the harness adds after exploring (the key broke).
STOPS_WHEN_BROKE = "stops-when-broke"
WEBHOOK_OUTCOME = "webhook-outcome"
WEBHOOK_FALLBACK = "webhook-fallback"
DEFAULT_EXAMPLES = 25
#: Seconds one adapter call may take: room for a few retries with 1-2 s back-off.
DEFAULT_BUDGET = 30.0
DEFAULT_SHRINK_SECONDS = 60.0
DEFAULT_POLL_RATE = 10.0
_ABANDONED_RANDOM = "Do not use the `random` module inside strategies"
#: The task deadline given to the client (``endpoint["poll_timeout"]``) as a share of the
#: budget: 10 s by default. The slowest task drawn (5 polls at the interval hint growing
#: 1.5x, about 2 s) plus two faults on its submit and two on its polls (Retry-After 1 s, or
#: 1-2 s back-off: about 6 s) ends within it, so a correct client never gives up on a task
#: that would finish.
POLL_TIMEOUT_SHARE = 1 / 3
#: The deadline given for a task the harness made stuck: nothing is learnt by waiting
#: longer, and every stuck example costs a correct client this much.
STUCK_POLL_TIMEOUT = 2.0
#: A client still waiting on a stuck task after this many times its deadline is stopped
#: (``gives-up``): the deadline and as long again for a poll in flight, plus
#: `FAULT_ALLOWANCE` per fault the example's behaviour strikes with.
GIVE_UP_FACTOR = 2.0
#: Seconds a struck request may cost a correct client: a 1-2 s back-off or Retry-After 1 s.
FAULT_ALLOWANCE = 2.0


def task_deadline(behaviour: Behaviour, budget: float, poll_timeout: float | None) -> float:
    """The ``endpoint["poll_timeout"]`` of one example: *poll_timeout* when given, else
    `STUCK_POLL_TIMEOUT` for a stuck task and `POLL_TIMEOUT_SHARE` of *budget* otherwise."""
    if poll_timeout is not None:
        return poll_timeout
    ordinary = budget * POLL_TIMEOUT_SHARE
    return min(STUCK_POLL_TIMEOUT, ordinary) if behaviour.outcome == STUCK_OUTCOME else ordinary


def give_up_after(behaviour: Behaviour, deadline: float) -> float | None:
    """Seconds after which a client still waiting on *behaviour*'s task is stopped (stuck
    tasks only): twice its deadline, plus `FAULT_ALLOWANCE` per struck request."""
    if behaviour.outcome != STUCK_OUTCOME:
        return None
    return GIVE_UP_FACTOR * deadline + FAULT_ALLOWANCE * sum(f.count for f in behaviour.faults)


class _Failed(AssertionError):
    """Raised inside the Hypothesis test: this example broke a check."""


@dataclass
class _Run:
    """What the Hypothesis loop learns, kept outside it."""

    shrink_seconds: float
    runs: int = 0
    best: Example | None = None
    first_failure_at: float | None = None
    stopped_shrinking: bool = False
    error: BaseException | None = None
    notes: list[str] = field(default_factory=list)
    #: The first request drawn: the broke example after exploring reuses it.
    first_request: CanonicalRequest | None = None
    #: Check name -> (examples it saw a risk in, the first message).
    risks: dict[str, tuple[int, str]] = field(default_factory=dict)

    def note_risks(self, found: Sequence[tuple[str, str]]) -> None:
        for name in dict(found):  # one count per check and example
            seen, first = self.risks.get(name, (0, ""))
            message = first or next(m for n, m in found if n == name)
            self.risks[name] = (seen + 1, message)

    def should_skip(self) -> bool:
        if self.error is not None:
            return True
        if self.first_failure_at is not None and (
                time.monotonic() - self.first_failure_at > self.shrink_seconds):
            self.stopped_shrinking = True
            return True
        return False


def _validate(provider: str, examples: int, budget: float, poll_rate_limit: float,
              mode: str = "poll") -> None:
    if provider not in PROVIDERS:
        raise UnknownProvider(provider, PROVIDERS)
    if mode not in MODES:
        raise ToolkitError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    if examples < 1:
        raise ToolkitError(f"examples must be at least 1, got {examples}")
    if budget <= 0:
        raise ToolkitError(f"budget must be a positive number of seconds, got {budget}")
    if poll_rate_limit <= 0:
        raise ToolkitError(f"poll_rate_limit must be positive, got {poll_rate_limit}")


def select_checks(
    checks: Iterable[str] | None = None, skip: Iterable[str] = (), *, strict_retries: bool = False,
    mode: str = "poll",
) -> list[Check]:
    """The checks a run uses; `UnknownCheck` (a `ToolkitError`) for an unknown name."""
    enable = ((STRICT_RETRIES,) if strict_retries else ()) + (
        (WEBHOOK_OUTCOME, WEBHOOK_FALLBACK) if mode == "webhook" else ())
    return REGISTRY.select(checks, skip, enable=enable)


def run_checks(selected: Sequence[Check], ctx: CheckContext) -> tuple[CheckFailure, ...]:
    failures = []
    for chosen in selected:
        messages = chosen(ctx)
        if messages:
            failures.append(CheckFailure(chosen.name, chosen.description, tuple(messages)))
    return tuple(failures)


def run_example(
    mock: MockHandle,
    provider: str,
    adapter: Adapter,
    request: CanonicalRequest,
    behaviour: Behaviour,
    *,
    api_key: str,
    budget: float,
    poll_interval: float,
    poll_timeout: float | None = None,
    receiver: WebhookReceiver | None = None,
) -> tuple[AdapterRun, dict[str, Any]]:
    """One example against *mock*: what the adapter did and what the mock recorded.

    *poll_timeout* (default: `task_deadline`) is the deadline the endpoint gives the
    client for its task; on a stuck task, a client still waiting after `give_up_after`
    is stopped. ``seen["poll_timeout"]`` is the deadline given.

    With a *receiver* (webhook mode) the endpoint also carries ``webhook_url``,
    ``webhook_receiver`` and ``callback_timeout`` (`callback_wait`), and
    ``seen["options"]`` the mock's webhook journal.
    """
    mock.reset()
    mock.arrange(provider, behaviour)
    if behaviour.broke:
        mock.empty_balance(api_key)
    deadline = task_deadline(behaviour, budget, poll_timeout)
    endpoint = {"provider": provider, "base_url": mock.base_url(provider), "api_key": api_key,
                "poll_interval": poll_interval, "poll_timeout": deadline}
    slot = receiver.open() if receiver is not None else None
    if slot is not None:
        endpoint.update(webhook_url=slot.url, webhook_receiver=slot,
                        callback_timeout=callback_wait(deadline))
    watch = PollWatch(mock, provider, give_up_after=give_up_after(behaviour, deadline))
    run = call_adapter(adapter, request, endpoint, budget, watch=watch)
    seen: dict[str, Any] = {"exchange": mock.journal(provider), "tasks": mock.tasks(provider),
                            "fired": mock.fired(provider), "options": {},
                            "poll_timeout": deadline}
    if receiver is not None and slot is not None:
        settle(lambda: len(slot.received), lambda: sum(
            len(d["attempts"]) for d in mock.webhooks(provider)))
        receiver.close(slot)
        seen["options"] = {"mode": "webhook", "webhooks": mock.webhooks(provider),
                           "received": [r.to_dict() for r in slot.received]}
    if run.cut_short:
        mock.restart()  # the abandoned call must not reach the next example's mock
    return run, seen


def verify_client(
    provider: str,
    adapter: Adapter | str,
    *,
    examples: int = DEFAULT_EXAMPLES,
    seed: int | None = None,
    checks: Iterable[str] | None = None,
    skip: Iterable[str] = (),
    strict_retries: bool = False,
    poll_rate_limit: float = DEFAULT_POLL_RATE,
    budget: float = DEFAULT_BUDGET,
    poll_interval: float | None = None,
    poll_timeout: float | None = None,
    shrink_seconds: float = DEFAULT_SHRINK_SECONDS,
    transient_faults: bool = True,
    mock_url: str | None = None,
    behaviour_strategy: st.SearchStrategy[Behaviour] | None = None,
    mode: str = "poll",
    strict_charges: bool = False,
) -> Report:
    """Explore *adapter* against the mock of *provider*; a `Report` of what held.

    *adapter* is the callable or ``"module:function"``. *checks* names the
    checks to run (default: every default check; ``strict-retries`` joins
    with *strict_retries*), minus *skip*. *seed* makes the run repeatable (one
    is drawn and reported when None). *budget* is the seconds one adapter call
    may take (``no-hang``). *poll_interval* is passed to the adapter as
    ``endpoint["poll_interval"]``, a hint a client may use to poll sooner than
    in production (default: 1.5 / *poll_rate_limit*, so a client that polls at
    exactly the hint still keeps under the bound). *poll_timeout* is passed as
    ``endpoint["poll_timeout"]``, the deadline the client gives one task (default:
    a third of *budget*, `STUCK_POLL_TIMEOUT` for a task that never finishes); on
    such a ``stuck`` task the client must give up by then and return
    (``gives-up``). *mock_url* points at a mock
    already running on the real clock; by default one is started on a socket
    in this process. *mode* ``"webhook"`` verifies a webhook-driven client: the
    endpoint carries a callback URL on a loopback receiver the harness runs
    (`vidukit.contract_tests.harness._webhook`) and ``webhook-outcome`` and
    ``webhook-fallback`` join the checks.
    *strict_charges* makes ``no-double-charge`` fail a blind resubmit on a provider that
    documents no way to find out what a lost submit did; without it such a resubmit is a
    risk, listed in `Report.risks` (`vidukit.contract_tests.checks._risks`).
    Raises `ToolkitError` subclasses for usage errors and `HarnessError` when
    the mock cannot be driven.
    """
    _validate(provider, examples, budget, poll_rate_limit, mode)
    if poll_timeout is not None and poll_timeout <= 0:
        raise ToolkitError(f"poll_timeout must be a positive number of seconds, got "
                           f"{poll_timeout}")
    selected = select_checks(checks, skip, strict_retries=strict_retries, mode=mode)
    if isinstance(adapter, str):
        adapter = load_adapter(adapter)
    chosen_seed = seed if seed is not None else random.randrange(2**32)
    interval = poll_interval if poll_interval is not None else 1.5 / poll_rate_limit
    if behaviour_strategy is not None:
        strategy = behaviour_strategy
    elif mode == "webhook":
        strategy = webhook_behaviours(provider, transient_faults=transient_faults)
    else:
        strategy = behaviours(transient_faults=transient_faults, forms=task_forms(provider))
    state = _Run(shrink_seconds=shrink_seconds)
    started = time.perf_counter()
    client: Adapter = adapter

    receiving = WebhookReceiver() if mode == "webhook" else contextlib.nullcontext(None)
    with MockHandle(mock_url) as mock, receiving as receiver:
        def judge(request: CanonicalRequest, behaviour: Behaviour, api_key: str,
                  checks: Sequence[Check] = selected) -> Example | None:
            """Run one example and *checks*: the failing `Example`, or None."""
            run, seen = run_example(mock, provider, client, request, behaviour,
                                    api_key=api_key, budget=budget, poll_interval=interval,
                                    poll_timeout=poll_timeout, receiver=receiver)
            ctx = CheckContext(
                provider=provider, request=request, run=run,
                exchange=tuple(seen["exchange"]), tasks=tuple(seen["tasks"]),
                fired=tuple(seen["fired"]), origin=mock.origin,
                behaviour=behaviour.describe(), planned_outcome=behaviour.outcome,
                poll_rate_limit=poll_rate_limit, poll_timeout=seen["poll_timeout"],
                options={**seen["options"], "strict_charges": strict_charges},
            )
            failures = run_checks(checks, ctx)
            state.note_risks(find_risks([c.name for c in checks], ctx))
            if not failures:
                return None
            return Example(request, behaviour, run, ctx.exchange, ctx.tasks, ctx.fired,
                           failures, webhooks=tuple(ctx.options.get("webhooks", ())))

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=False,
            phases=(Phase.explicit, Phase.generate, Phase.shrink),
            suppress_health_check=list(HealthCheck),
            verbosity=Verbosity.quiet,
            report_multiple_bugs=False,
            print_blob=False,
        )
        @given(request=canonical_requests(provider), behaviour=strategy)
        def example(request: CanonicalRequest, behaviour: Behaviour) -> None:
            if state.should_skip():
                return
            state.runs += 1
            if state.first_request is None:
                state.first_request = request
            try:
                failed = judge(request, behaviour, f"vidukit-verify-{state.runs}")
            except Exception as exc:  # the harness's own trouble: stop, raise it afterwards
                state.error = exc
                return
            if failed is not None:
                state.best = failed
                if state.first_failure_at is None:
                    state.first_failure_at = time.monotonic()
                raise _Failed(", ".join(f.check for f in failed.failures))

        try:
            with warnings.catch_warnings():
                # The strategies use no `random`; an adapter thread abandoned after a hang or
                # a stop may (retry jitter), and Hypothesis would blame the next draw for it.
                warnings.filterwarnings("ignore", message=_ABANDONED_RANDOM,
                                        category=HypothesisDeprecationWarning)
                hypothesis_seed(chosen_seed)(example)()
        except Exception:
            # _Failed after shrinking, or Hypothesis' Flaky when the last replay passed
            # (a timing-dependent failure, or shrinking stopped): the kept example stands.
            if state.best is None and state.error is None:
                raise
        broke_checks = [c for c in selected if c.name == STOPS_WHEN_BROKE]
        if (broke_checks and state.best is None and state.error is None
                and state.first_request is not None):
            # One more example, outside the exploration (its draws stay as they were): the
            # key's balance is 0, so the submit gets the provider's insufficient-funds answer.
            # Judged by stops-when-broke alone: the other checks judged the explored examples.
            try:
                state.best = judge(state.first_request, Behaviour(broke=True),
                                   "vidukit-verify-broke", broke_checks)
            except Exception as exc:
                state.error = exc
    if state.error is not None:
        if isinstance(state.error, ToolkitError):
            raise state.error
        raise HarnessError(f"the harness failed: {type(state.error).__name__}: "
                           f"{state.error}") from state.error
    return Report(
        provider=provider,
        adapter=describe_adapter(adapter),
        checks=tuple(c.name for c in selected),
        seed=chosen_seed,
        runs=state.runs,
        elapsed=time.perf_counter() - started,
        example=state.best,
        shrunk=not state.stopped_shrinking,
        notes=tuple(state.notes),
        risks=tuple(f"{name} (in {count} of {state.runs} example(s)): {message}"
                    for name, (count, message) in state.risks.items()),
    )


__all__ = [
    "DEFAULT_BUDGET",
    "DEFAULT_EXAMPLES",
    "DEFAULT_POLL_RATE",
    "DEFAULT_SHRINK_SECONDS",
    "FAULT_ALLOWANCE",
    "GIVE_UP_FACTOR",
    "POLL_TIMEOUT_SHARE",
    "STUCK_POLL_TIMEOUT",
    "give_up_after",
    "run_checks",
    "run_example",
    "select_checks",
    "task_deadline",
    "verify_client",
]
