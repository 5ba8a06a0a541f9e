"""Which scenario a request or a new task gets, and applying it: one `Scenarios` per app.

Selection, most specific first:

1. the request's ``X-Mock-Scenario`` header (``none`` opts the request, and
   the tasks it creates, out of everything below);
2. the admin API's pending choices (``POST /_mock/scenarios``): the next N
   requests, or the next N tasks, optionally of one provider;
3. the config file's rules, drawn with their probabilities.

Where each takes effect:

- request scenarios wrap the provider's handler (`Scenarios.around`): a
  status, HTML page or closed connection replaces the answer, before the
  provider sees the request or (``phase=after``) after it has handled it;
  latency waits first; a truncated body is cut on the way out
  (`Scenarios.mangled`, which the provider endpoint calls);
- task scenarios are applied when the engine creates the task (an on-enter
  hook on ``queued``): they set its outcome (``fail:<code>``,
  ``stay-processing``) or flags the renderers read (``meta["nsfw"]``,
  ``meta["expired"]``), and are recorded in ``meta["scenario"]``;
- a request scenario aimed at a task's polls (``on=poll`` in a submit's
  header, or an admin choice ``for: tasks``) is kept in
  ``meta["poll_faults"]`` and fires from the engine's poll check, before
  the poll counts.

Quota refusals (`vidukit.mock_server.quotas.QuotaExceeded`) are answered here too,
as the provider's 429. Tasks created outside an HTTP request (Runware's
WebSocket) still get admin and rule task scenarios; HTTP faults need HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections import deque
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from starlette.requests import Request
from starlette.responses import Response

from vidukit.mock_server.clock import Clock, iso_ms
from vidukit.mock_server.engine import QUEUED, Engine
from vidukit.mock_server.errors import BadRequest
from vidukit.mock_server.fastpath import has_mock_headers
from vidukit.mock_server.http import Reply
from vidukit.mock_server.providers import Provider
from vidukit.mock_server.providers.context import OUTCOME_HEADER, PROGRESSION_HEADER
from vidukit.mock_server.quotas import QuotaExceeded
from vidukit.mock_server.scenarios import REPLAY_HEADER, SCENARIO_HEADER
from vidukit.mock_server.scenarios.bodies import EXTRA_FIELDS, fault_reply, with_extra_fields
from vidukit.mock_server.scenarios.catalogue import (
    CATEGORY_CODES,
    CATEGORY_NOTES,
    FORM_OUTCOMES,
    NONE,
    catalogue_view,
)
from vidukit.mock_server.scenarios.pending import Pending, PendingChoices, Target
from vidukit.mock_server.scenarios.rules import Rule, ScenarioFile
from vidukit.mock_server.scenarios.spec import Scenario
from vidukit.mock_server.scenarios.transport import (
    ClosedConnection,
    ShortRead,
    gateway_page,
    html_response,
    truncated_json,
)
from vidukit.mock_server.storage import TaskStore
from vidukit.mock_server.tasks import Outcome, Task
from vidukit.mock_server.webhooks.dispatcher import QUIRK_META

if TYPE_CHECKING:
    from vidukit.mock_server.providers.context import Exchange, Handler

#: The effects that replace the provider's answer, and so may strike before it runs.
REPLACING = frozenset({"status", "not-json", "closed"})
_SCOPE_KEY = "vidukit.scenario"
_HISTORY = 500


class ReplayHook(Protocol):
    """What the ``replay`` task scenario needs from `vidukit.mock_server.replay.Replayer`."""

    def names(self, provider: str) -> list[str]: ...

    def apply(self, task: Task, name: str | None) -> bool: ...

    def view(self) -> dict[str, Any]: ...

    def verbatim(self, task: Task, now: float) -> tuple[int, Any] | None: ...


class PollFault(Exception):
    """Raised from the engine's poll check: this poll is answered by a fault instead."""

    def __init__(self, scenario: Scenario) -> None:
        super().__init__(scenario.spec())
        self.scenario = scenario


@dataclass(slots=True)
class RequestPlan:
    """What the scenario layer decided for one request in flight."""

    owner: Scenarios
    provider: Provider
    operation: str
    path: str
    #: ``X-Mock-Scenario: none``: nothing applies to this request or its tasks.
    silent: bool = False
    #: The request scenario for this request, and where it came from.
    fault: Scenario | None = None
    source: str = ""
    #: A task scenario for the tasks this request creates (header).
    task_scenario: Scenario | None = None
    #: A request scenario to attach to the polls of the tasks this request creates.
    attach: Scenario | None = None
    #: Struck by a task's poll fault without aborting the handler (latency, cut, phase=after).
    deferred: Scenario | None = None
    #: A fault that mangles the response on its way out (see `Scenarios.mangled`).
    transport: Scenario | None = None
    tasks: list[str] = field(default_factory=list)
    #: The answer concerns an ``extra-fields`` task: add undeclared fields on the way out.
    decorate: bool = False
    #: The submit's ``X-Mock-Replay`` header (mock_server.replay reads it when tasks are made).
    replay: str | None = None
    #: The submit chose its own progression (``X-Mock-Progression``): the file's
    #: ``progressions`` leave its tasks alone.
    timed: bool = False
    #: The submit chose its own outcome (``X-Mock-Outcome``).
    outcome_asked: bool = False
    #: The replayed task this poll asks about (a verbatim replay answers with its recording).
    replayed: Task | None = None


#: The methods that only read: always a poll.
_READS = frozenset({"GET", "HEAD"})


_CURRENT: ContextVar[RequestPlan | None] = ContextVar("vidukit_scenario_plan", default=None)


class Scenarios:
    def __init__(
        self,
        *,
        engine: Engine,
        store: TaskStore,
        clock: Clock,
        providers: Mapping[str, Provider],
        config: ScenarioFile | None,
        seed: int,
        max_body_bytes: int,
    ) -> None:
        self.store = store
        self.clock = clock
        self.providers = providers
        self.file = config or ScenarioFile()
        self.seed = self.file.seed if self.file.seed is not None else seed
        self.max_body_bytes = max_body_bytes
        #: In the store: shared by every worker and instance, used up atomically.
        self.pending = PendingChoices(store)
        self.history: deque[dict[str, Any]] = deque(maxlen=_HISTORY)
        #: Set by the app when it replays recordings (the ``replay`` task scenario).
        self.replayer: ReplayHook | None = None
        self._seq = 0
        self._rewind()
        engine.on_enter(QUEUED, self._on_created)
        engine.before_poll(self._on_poll)

    def _rewind(self) -> None:
        #: The rules a request may draw (with their index, which names them and their rng).
        self._request_rules = [(i, r) for i, r in enumerate(self.rules)
                               if r.scenario.family == "request"]
        self._task_rules = [(i, r) for i, r in enumerate(self.rules)
                            if r.scenario.family == "task"]
        self._rule_rngs = [
            random.Random(f"vidukit-scenarios:{self.seed}:{i}") for i in range(len(self.rules))
        ]
        self._latency_rng = random.Random(f"vidukit-latency:{self.seed}")
        self._progression_rng = random.Random(f"vidukit-progressions:{self.seed}")

    @property
    def rules(self) -> tuple[Rule, ...]:
        return self.file.rules

    def reset(self) -> None:
        """Forget pending choices and history; rewind the rules to the seed."""
        self.pending.clear()
        self.history.clear()
        self._seq = 0
        self._rewind()

    # -- admin -------------------------------------------------------------------------

    def select(
        self, scenario: Scenario, *, target: Target, count: int, provider: str | None
    ) -> Pending:
        """Queue an admin choice; `ValueError` for one that can never apply."""
        if scenario.name == NONE:
            raise ValueError("'none' selects nothing; DELETE /_mock/scenarios clears choices")
        if target == "requests" and scenario.family == "task":
            raise ValueError(
                f"{scenario.name} is a task scenario: choose it 'for': 'tasks' "
                "(it applies to the next tasks created)"
            )
        if target == "tasks" and scenario.family == "request" and scenario["on"] == "submit":
            raise ValueError(
                f"{scenario.spec()} 'for': 'tasks' strikes the tasks' polls; for submits "
                "choose it 'for': 'requests'"
            )
        self.check_replay(scenario, provider)
        if provider is not None:
            if provider not in self.providers:
                mounted = ", ".join(self.providers)
                raise ValueError(f"unknown provider {provider!r}; mounted: {mounted}")
            if not scenario.entry.supports(provider):
                raise ValueError(f"{scenario.name} is not available on {provider}")
        pending = Pending(self.pending.next_id(), scenario, target, count, provider)
        self.pending.append(pending)
        return pending

    def check_replay(self, scenario: Scenario, provider: str | None) -> None:
        """`ValueError` for a ``replay`` choice this server cannot honour."""
        if scenario.name != "replay":
            return
        if self.replayer is None:
            raise ValueError("replay needs task recordings: start the mock with --replay DIR")
        name = scenario["name"]
        if name is None:
            return
        known = [n for pid in ([provider] if provider else list(self.providers))
                 for n in self.replayer.names(pid)]
        if name not in known:
            raise ValueError(f"replay: no recording {name!r}; recorded: "
                             f"{', '.join(known) or 'none'}")

    def clear(self) -> int:
        count = len(self.pending)
        self.pending.clear()
        return count

    def view(self) -> dict[str, Any]:
        return {
            "pending": [p.view() for p in self.pending],
            "rules": {"seed": self.seed, "rules": [r.view() for r in self.rules],
                      "progressions": [p.view() for p in self.file.progressions]},
            "history": list(self.history),
            "catalogue": catalogue_view(),
            "categories": CATEGORY_CODES,
            "category_notes": CATEGORY_NOTES,
            "replay": self.replayer.view() if self.replayer is not None else None,
        }

    # -- requests ----------------------------------------------------------------------

    def around(self, provider: Provider, handler: Handler) -> Handler:
        """*handler* with this request's scenario applied (see the module docstring)."""

        # One endpoint for submit and poll only where the wire has a poll marker.
        marker = provider.spec.wire.poll_marker

        async def run(request: Request, exchange: Exchange) -> Reply:
            polls = request.scope["method"] in _READS or (
                marker is not None and await self._marked(marker, request))
            operation = "poll" if polls else "submit"
            plan = self._plan(provider, request, operation)
            request.scope[_SCOPE_KEY] = plan
            token = _CURRENT.set(plan)
            try:
                return await self._answer(plan, handler, request, exchange)
            finally:
                _CURRENT.reset(token)

        return run

    async def mangled(self, request: Request, response: Response) -> Response:
        """*response* as the request's transport fault sends it (as is, without one)."""
        plan = request.scope.get(_SCOPE_KEY)
        if not isinstance(plan, RequestPlan) or plan.transport is None:
            return response
        if plan.transport.entry.effect in ("closed", "truncated"):
            await _drain(request)
        return _mangle(plan.transport, response)

    @staticmethod
    def transport_fault(request: Request) -> str | None:
        """The fault that mangles this request's answer on the way out (for the journal).

        The journal keeps the provider's answer; this says the client never got it
        whole: a cut body, an HTML page or a closed connection.
        """
        plan = request.scope.get(_SCOPE_KEY)
        if isinstance(plan, RequestPlan) and plan.transport is not None:
            return plan.transport.spec()
        return None

    async def _answer(
        self, plan: RequestPlan, handler: Handler, request: Request, exchange: Exchange
    ) -> Reply:
        fault = plan.fault
        if fault is not None:
            self._record(plan, fault, plan.source)
            effect = fault.entry.effect
            if effect == "latency":
                await asyncio.sleep(self._delay(fault))
                fault = None
            elif effect in REPLACING and fault["phase"] == "before":
                return self._replacement(plan, fault)
        try:
            reply = await handler(request, exchange)
        except PollFault as struck:
            return self._replacement(plan, struck.scenario)
        except QuotaExceeded as refused:
            self._record(plan, None, "quota", note=str(refused))
            return fault_reply(plan.provider, 429, retry_after=refused.retry_after)
        if plan.replayed is not None and self.replayer is not None and reply.status < 300:
            recorded = self.replayer.verbatim(plan.replayed, self.clock.now())
            if recorded is not None:  # unvalidated on purpose: it reproduces what was sent
                reply = Reply(recorded[0], recorded[1], headers=reply.headers)
        for late in (plan.deferred, fault):
            if late is None:
                continue
            effect = late.entry.effect
            if effect == "latency":
                await asyncio.sleep(self._delay(late))
            elif effect == "truncated":
                plan.transport = late
            elif effect in REPLACING:
                return self._replacement(plan, late)
        return with_extra_fields(reply) if plan.decorate else reply

    def _replacement(self, plan: RequestPlan, fault: Scenario) -> Reply:
        """The reply that stands in for the provider's (what the journal records)."""
        effect = fault.entry.effect
        if effect == "status":
            status = fault.entry.status
            assert status is not None
            return fault_reply(
                plan.provider, status, retry_after=fault["retry_after"], reason=fault.get("reason")
            )
        plan.transport = fault
        if effect == "not-json":
            return Reply(fault["status"], gateway_page(fault["status"]))
        # Closed: nothing is sent; the journal shows status 0 and says why.
        return Reply(0, {"mock": f"connection closed without an answer ({fault.spec()})"})

    def _delay(self, fault: Scenario) -> float:
        if fault["ms"] is not None:
            return float(fault["ms"]) / 1000.0
        low, high = float(fault["min_ms"]), float(fault["max_ms"])
        return self._latency_rng.uniform(low, high) / 1000.0

    def _plan(self, provider: Provider, request: Request, operation: str) -> RequestPlan:
        headers = request.headers
        plan = RequestPlan(self, provider, operation, request.scope["path"])
        if has_mock_headers(headers):  # most requests carry none: one look instead of four
            plan.replay = headers.get(REPLAY_HEADER)
            plan.timed = PROGRESSION_HEADER in headers
            plan.outcome_asked = OUTCOME_HEADER in headers
            raw = headers.get(SCENARIO_HEADER)
            if raw is not None:  # the header takes the whole request: no admin choice, no rule
                self._from_header(plan, raw)
                return plan
        for pending in self.pending:
            if pending.target == "requests" and pending.matches(provider.id, operation):
                if not self._consume(pending):  # another instance took its last use
                    continue
                plan.fault, plan.source = pending.scenario, f"admin#{pending.id}"
                return plan
        for index, rule in self._request_rules:
            if not rule.matches(provider.id, operation):
                continue
            if self._rule_rngs[index].random() < rule.probability:
                plan.fault, plan.source = rule.scenario, f"rule#{index}"
                break
        return plan

    def _from_header(self, plan: RequestPlan, raw: str) -> None:
        try:
            scenario = Scenario.parse(raw)
        except ValueError as exc:
            raise BadRequest(f"X-Mock-Scenario: {exc}") from None
        pid = plan.provider.id
        if scenario.name == NONE:
            plan.silent = True
            return
        if not scenario.entry.supports(pid):
            raise BadRequest(
                f"X-Mock-Scenario: {scenario.name} is not available on {pid}: "
                f"{scenario.entry.doc}"
            )
        if scenario.family == "task":
            try:
                self.check_replay(scenario, pid)
            except ValueError as exc:
                raise BadRequest(f"X-Mock-Scenario: {exc}") from None
            if plan.operation != "submit":
                raise BadRequest(
                    f"X-Mock-Scenario: {scenario.name} is a task scenario; send it on the "
                    "submit that creates the task"
                )
            plan.task_scenario = scenario
            return
        on = scenario["on"]
        if on in ("any", plan.operation):
            plan.fault, plan.source = scenario, "header"
        elif on == "poll":
            plan.attach = scenario
        else:
            raise BadRequest(
                f"X-Mock-Scenario: {scenario.spec()} is for submits; this request polls"
            )

    async def _marked(self, marker: bytes, request: Request) -> bool:
        """Whether a POST to a provider's one endpoint for both is a poll: its body
        carries the wire's poll marker (GETs always poll, submits never carry it)."""
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) <= self.max_body_bytes:
            body = await request.body()  # cached: the route reads the same bytes
            return marker in body
        return False

    def replay_choice(self) -> str | None:
        """The ``X-Mock-Replay`` header of the request in flight, if any."""
        plan = self._current()
        return plan.replay if plan is not None else None

    # -- engine hooks ------------------------------------------------------------------

    def _current(self) -> RequestPlan | None:
        plan = _CURRENT.get()
        return plan if plan is not None and plan.owner is self else None

    def _on_created(self, task: Task, state: str, at: float) -> None:
        plan = self._current()
        if plan is not None:
            plan.tasks.append(task.id)
            if plan.silent:
                return
        chosen: Scenario | None = plan.task_scenario if plan is not None else None
        source = "header"
        if chosen is None:
            for pending in self.pending:
                if pending.target == "tasks" and pending.matches(task.provider, None):
                    if not self._consume(pending):  # another instance took its last use
                        continue
                    chosen, source = pending.scenario, f"admin#{pending.id}"
                    break
        if chosen is None:
            for index, rule in self._task_rules:
                if not rule.matches(task.provider):
                    continue
                if self._rule_rngs[index].random() < rule.probability:
                    chosen, source = rule.scenario, f"rule#{index}"
                    break
        changed = self._draw_progression(task, plan)
        if chosen is not None:
            self._apply(task, chosen)
            self._record(plan, chosen, source, task=task)
            changed = True
        if plan is not None and plan.attach is not None:
            self._attach(task, plan.attach)
            changed = True
        if plan is not None and task.meta.get(EXTRA_FIELDS):
            plan.decorate = True
        if changed:
            self.store.put(task)

    def _draw_progression(self, task: Task, plan: RequestPlan | None) -> bool:
        """A progression from the file's ``progressions``, unless the task has its own."""
        if not self.file.progressions or (plan is not None and plan.timed):
            return False
        if "replay" in task.meta:
            return False
        choices = [c for c in self.file.progressions
                   if c.provider is None or c.provider == task.provider]
        if not choices:
            return False
        drawn = self._progression_rng.choices(choices, weights=[c.weight for c in choices])[0]
        task.progression = drawn.progression
        if drawn.outcome is not None and not (plan is not None and plan.outcome_asked):
            task.outcome = drawn.outcome
        return True

    def _apply(self, task: Task, scenario: Scenario) -> None:
        name = scenario.name
        if scenario.family == "request":  # an admin choice for tasks: it strikes their polls
            self._attach(task, scenario)
            return
        if name.startswith("fail-"):
            codes = CATEGORY_CODES[name.removeprefix("fail-")]
            provider = self.providers.get(task.provider)
            code = codes.get(task.provider)
            if code is None and provider is not None:
                code = provider.default_failure_code
            task.outcome = Outcome("fail", code)
        elif name == "stuck":
            task.outcome = Outcome("stay-processing")
        elif name == "replay":
            if self.replayer is None or not self.replayer.apply(task, scenario["name"]):
                return  # nothing recorded for this task: it keeps what it had
        elif name == "nsfw":
            task.meta["nsfw"] = True
        elif name == "expired-url":
            task.meta["expired"] = True
        elif name == EXTRA_FIELDS:
            task.meta[EXTRA_FIELDS] = True
        elif name == "webhook-lost":
            task.meta[QUIRK_META] = "lost"
        elif name == "webhook-late":
            task.meta[QUIRK_META] = f"delay={scenario['after']:g}"
        elif name in FORM_OUTCOMES:
            if FORM_OUTCOMES[name] == "fail" and task.outcome.kind != "fail":
                # A failure code already chosen (X-Mock-Outcome: fail:<code>) is kept.
                provider = self.providers.get(task.provider)
                default = provider.default_failure_code if provider is not None else None
                task.outcome = Outcome("fail", default)
            task.meta["sdk_form"] = {"name": name, **dict(scenario.params)}
        task.meta["scenario"] = scenario.spec()

    @staticmethod
    def _attach(task: Task, scenario: Scenario) -> None:
        times = scenario["times"]
        faults = task.meta.setdefault("poll_faults", [])
        faults.append({"scenario": scenario.spec(), "remaining": times or None})

    def _on_poll(self, task: Task) -> None:
        plan = self._current()
        if plan is not None and self.replayer is not None and "replay" in task.meta:
            plan.replayed = task
        if plan is not None and not plan.silent and task.meta.get(EXTRA_FIELDS):
            plan.decorate = True
        faults = task.meta.get("poll_faults")
        if plan is None or plan.silent or not faults:
            return
        first = faults[0]
        scenario = Scenario.parse(first["scenario"])
        if first["remaining"] is not None:
            first["remaining"] -= 1
            if first["remaining"] <= 0:
                faults.pop(0)
        self.store.put(task)
        self._record(plan, scenario, "task", task=task)
        effect = scenario.entry.effect
        if effect in REPLACING and scenario["phase"] == "before":
            raise PollFault(scenario)
        plan.deferred = scenario

    # -- bookkeeping -------------------------------------------------------------------

    def _consume(self, pending: Pending) -> bool:
        return self.pending.take(pending)

    def _record(
        self,
        plan: RequestPlan | None,
        scenario: Scenario | None,
        source: str,
        *,
        task: Task | None = None,
        note: str | None = None,
    ) -> None:
        self._seq += 1
        entry: dict[str, Any] = {
            "seq": self._seq,
            "at": iso_ms(self.clock.now()),
            "provider": task.provider if task is not None else plan.provider.id if plan else None,
            "scenario": scenario.spec() if scenario is not None else "quota",
            "source": source,
            "path": plan.path if plan is not None else None,
            "operation": plan.operation if plan is not None else None,
            "task_id": task.id if task is not None else None,
        }
        if note:
            entry["note"] = note
        self.history.append(entry)


async def _drain(request: Request) -> None:
    """Read what is left of the request body before hanging up.

    Closing a socket with unread bytes in it makes the kernel answer with a
    reset instead of a clean close; draining first keeps what the client sees
    to one thing: the server closed the connection.
    """
    with contextlib.suppress(RuntimeError):  # the provider's handler already read the stream
        await request.body()


def _mangle(fault: Scenario, response: Response) -> Response:
    effect = fault.entry.effect
    if effect == "closed":
        return ClosedConnection()
    if effect == "not-json":
        return html_response(fault["status"])
    if fault["mode"] == "short-read":
        return ShortRead(response, fault["keep"])
    return truncated_json(response, fault["keep"])


__all__ = [
    "REPLACING",
    "SCENARIO_HEADER",
    "Pending",
    "PollFault",
    "RequestPlan",
    "Scenarios",
]
