"""The webhook dispatcher: who gets called back, when, and what came of it.

Task state is derived lazily (`vidukit.mock_server.engine`), so a task nobody polls
never "finishes" by itself. The dispatcher therefore *watches* every task
that registered a callback URL: it asks `Engine.next_change_at` when the
clock alone will move each one, looks at it then (``engine.observe``), and the
engine's on-enter hook for the terminal states schedules the callback at the
moment the task ended. Nothing here runs on the request path: a submit or
poll only records (one store write) what a later round sends.

Two drivers, one clock:

- the real clock: `running` (entered in the app's lifespan) starts a
  background asyncio task that sleeps until the next due time, or until a
  hook pokes it (a poll or a forced outcome can end a task at any moment);
- the virtual clock: `advance` replaces a plain ``clock.advance``, stepping
  the clock to each due time in turn and sending what falls due there, so
  ``POST /_mock/clock/advance`` returns only once everything due is sent and
  a retry schedule (5, 10, 20 s...) plays out within one advance. What is due
  at the current virtual time (an immediate task, a forced outcome) is also
  sent by the background task, never anything later.

Whoever keeps a record of a task (``serve --record-tasks``) registers with
`Webhooks.on_settled`: it is told each delivery that will not change again
(delivered with its copies, given up, or lost).

Attempts due together are sent one after the other per URL (so a receiver
sees a deterministic order) and concurrently across URLs.

A provider that calls back on each state change (several parts per task, the
earlier ones showing the task under way) never has a stale state arrive after a
newer one: a failed interim callback is not retried once a later part of its
task was delivered (``superseded``). No provider's document says it resends an
old state after a newer one; each part is otherwise retried on its own, so a
failing early part never delays the task's end.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import hashlib
import json
import logging
from collections import deque
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from vidukit.mock_server.clock import Clock, SystemClock, VirtualClock
from vidukit.mock_server.engine import Engine
from vidukit.mock_server.tasks import Task
from vidukit.mock_server.webhooks import sender
from vidukit.mock_server.webhooks.book import Book
from vidukit.mock_server.webhooks.options import WebhookOptions
from vidukit.mock_server.webhooks.policy import DEFAULT_SECRET, POLICIES, TARGETS, policy_for
from vidukit.mock_server.webhooks.records import Delivery
from vidukit.providers import spec

if TYPE_CHECKING:
    from vidukit.mock_server.providers import Provider

logger = logging.getLogger("vidukit.mock_server.webhooks")

#: Due times within this of "now" count as due (the virtual clock adds floats).
EPSILON = 1e-6
#: The background task looks again at least this often (seconds of real time), so a
#: task re-programmed through the admin API is noticed without a hook.
IDLE_WAKE = 1.0
_MAX_STEPS = 100_000
_FALLBACK_ORIGIN = "http://127.0.0.1:8000"


@dataclass(frozen=True, slots=True)
class _Pending:
    """What the submit request being answered says about the tasks it creates."""

    provider: str
    origin: str
    options: WebhookOptions | None
    #: The API key of the submit, for a provider that signs callbacks with it.
    key: str | None = None


@dataclass(slots=True)
class _Watch:
    origin: str
    options: WebhookOptions


#: The task meta key a task scenario writes its callback quirk into (options text form).
QUIRK_META = "webhook_quirk"
#: The task meta key a replayed recording writes its callback's fate into (same form; kept
#: apart from a scenario's quirk so neither overwrites the other: both are merged).
REPLAY_META = "webhook_replay"

#: Set by `Webhooks.prepare` on the submit path, read by the creation hook in the same
#: request (one submit may create several tasks: Runware's arrays).
_PENDING: ContextVar[_Pending | None] = ContextVar("vidukit_webhook_pending", default=None)


def _signs_with_key(provider: str) -> bool:
    """The provider signs its callbacks with the API key that created the task."""
    signing = spec(provider).signing
    return signing is not None and signing.key == "api-key"


def event_id(seed: int, task_id: str, part: int) -> str:
    """The ``webhook-id``: fixed by the server seed and the task, so a replay repeats it."""
    return hashlib.sha256(f"webhook:{seed}:{task_id}:{part}".encode()).hexdigest()[:32]


class Webhooks:
    def __init__(
        self,
        *,
        engine: Engine,
        clock: Clock,
        providers: Mapping[str, Provider],
        prefixes: Mapping[str, str],
        secret: str = DEFAULT_SECRET,
        timeout: float | None = None,
        targets: str = "any",
        max_deliveries: int = 1000,
        drift: Mapping[str, WebhookOptions] | None = None,
    ) -> None:
        if targets not in TARGETS:
            raise ValueError(f"webhook targets must be one of {TARGETS}, not {targets!r}")
        self.engine = engine
        self.clock = clock
        self.providers = providers
        self.prefixes = prefixes
        self.timeout = timeout
        self.targets = targets
        self.max_deliveries = max_deliveries
        #: Provider -> the quirks a drift profile gives every callback of that provider (a
        #: provider that drops or mis-signs its callbacks: `vidukit.mock_server.drift`).
        self.drift: Mapping[str, WebhookOptions] = dict(drift or {})
        self._configured = (secret, WebhookOptions())
        self.secret, self.default_options = self._configured
        #: Watched tasks and deliveries live in the store: a persistent store keeps them
        #: across a restart, a shared one lets several instances serve one schedule.
        self._book = Book(engine.store)
        #: Task id -> the API key that created it, for providers that sign callbacks with
        #: it. Held in memory only (never written to the store, where keys never go): after
        #: a restart, or on another instance, such callbacks are signed with the secret.
        self._keys: dict[str, str] = {}
        self._last_origin: str | None = None
        self._stopwatch = SystemClock()  # real latency, even on a virtual clock
        self._lock = asyncio.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._settled: list[Callable[[Delivery], None]] = []
        engine.on_enter(engine.lifecycle.initial, self._on_created)
        for state in sorted(engine.lifecycle.terminal):
            engine.on_enter(state, self._on_finished)

    # -- the submit path -----------------------------------------------------------------

    def prepare(
        self, provider: str, origin: str, header: str | None, key: str | None = None
    ) -> None:
        """Note the origin and ``X-Mock-Webhook`` options for tasks this request creates.

        Raises `ValueError` (the caller's 400) for options that do not parse or
        do not apply to *provider*.
        """
        options = None
        if header is not None:
            options = WebhookOptions.parse(header)
            if options.bad_signature and not policy_for(provider).signed:
                signed = ", ".join(p for p, policy in POLICIES.items() if policy.signed)
                raise ValueError(
                    f"bad-signature: {provider} does not sign its callbacks (signed: {signed})"
                )
        self._last_origin = origin
        _PENDING.set(_Pending(provider, origin, options, key))

    def _on_created(self, task: Task, state: str, at: float) -> None:
        if not task.meta.get("webhook"):
            return
        pending = _PENDING.get()
        if pending is not None and pending.provider == task.provider:
            options = self.default_options if pending.options is None else pending.options
            watch = _Watch(pending.origin, options)
        else:
            watch = _Watch(self._fallback_origin(), self.default_options)
        self._book.watch(task.id, watch.origin, watch.options)
        if pending is not None and pending.key is not None and _signs_with_key(task.provider):
            if len(self._keys) >= self.max_deliveries:
                self._keys.pop(next(iter(self._keys)))
            self._keys[task.id] = pending.key
        self._poke()

    def _on_finished(self, task: Task, state: str, at: float) -> None:
        url = task.meta.get("webhook")
        if not url:
            return
        taken = self._book.unwatch(task.id)
        if taken is None:  # another instance saw it end first and schedules it (or a reset)
            return
        watch = _Watch(*taken)
        watch.options = self._effective(task, watch.options)
        provider = self.providers.get(task.provider)
        if provider is None or provider.render_webhook is None:
            return
        try:
            bodies = provider.render_webhook(
                task,
                base_url=watch.origin + self.prefixes.get(task.provider, ""),
                media_url=f"{watch.origin}/_mock/media/{task.id}.mp4",
            )
            raw = [sender.encode(body) for body in bodies]
        except Exception:  # a renderer bug must not break the poll that ended the task
            logger.exception("cannot render %s's webhook for task %s", task.provider, task.id)
            return
        policy = policy_for(task.provider)
        if self.timeout is not None:
            policy = dataclasses.replace(policy, timeout=self.timeout)
        seq = 0
        for part, body in enumerate(raw, 1):
            seq = self._book.next_seq()
            delivery = Delivery(
                seq=seq,
                id=event_id(self.engine.seed, task.id, part),
                task_id=task.id,
                provider=task.provider,
                url=str(url),
                body=body,
                part=part,
                parts=len(raw),
                options=watch.options,
                policy=policy,
                finished_at=at,
                due=at + watch.options.delay,
                copies_left=watch.options.duplicates,
                state="lost" if watch.options.lost else "scheduled",
            )
            added = self._book.add(delivery)  # once per event id, whoever else saw it end
            if added and not delivery.active:
                self._tell(delivery)
        if seq and seq % 32 == 0:  # the journal bound, checked now and then: it reads all
            self._trim()
        self._poke()

    def _effective(self, task: Task, options: WebhookOptions) -> WebhookOptions:
        """*options* with the task scenario's quirk (``meta["webhook_quirk"]``, the
        ``webhook-lost`` and ``webhook-late`` scenarios) and the drift profile's added."""
        for key in (QUIRK_META, REPLAY_META):
            quirk = task.meta.get(key)
            if isinstance(quirk, str) and quirk:
                try:
                    options = options.merged(WebhookOptions.parse(quirk))
                except ValueError:  # written by the scenario controller or a replay: cannot be
                    logger.exception("task %s carries a bad webhook quirk %r", task.id, quirk)
        drifted = self.drift.get(task.provider)
        if drifted is not None:
            options = options.merged(drifted)
        if options.bad_signature and not policy_for(task.provider).signed:
            options = dataclasses.replace(options, bad_signature=False)
        return options

    def on_settled(self, hook: Callable[[Delivery], None]) -> None:
        """Call *hook* with each delivery once it is settled (delivered, gave-up, lost)."""
        self._settled.append(hook)

    def _tell(self, delivery: Delivery) -> None:
        for hook in self._settled:
            try:
                hook(delivery)
            except Exception:  # a recorder's failure must not stop the deliveries
                logger.exception("a settled-delivery hook failed for task %s", delivery.task_id)

    def _fallback_origin(self) -> str:
        return self._last_origin or _FALLBACK_ORIGIN

    # -- settings ------------------------------------------------------------------------

    def configure(
        self, *, secret: str | None = None, options: WebhookOptions | None = None
    ) -> None:
        """Change the signing secret and/or the options every new task starts with."""
        if secret is not None:
            if not secret:
                raise ValueError("the webhook secret cannot be empty")
            self.secret = secret
        if options is not None:
            self.default_options = options

    def set_task_options(self, task_id: str, options: WebhookOptions) -> bool:
        """Give an unfinished, watched task new options; False when there is no such task."""
        task = self.engine.get(task_id)
        if task is not None:
            self.engine.observe(task)  # it may have ended since anyone looked
        watch = self._book.watch_of(task_id)
        if watch is None:
            return False
        if options.bad_signature and (task is None or not policy_for(task.provider).signed):
            raise ValueError("bad-signature: only a signed provider's task can take it")
        self._book.watch(task_id, watch[0], options)
        return True

    def reset(self) -> None:
        """Forget every watched task and delivery; back to the configured secret."""
        self._book.clear()
        self._keys.clear()
        self.secret, self.default_options = self._configured

    # -- what is due -----------------------------------------------------------------------

    def next_due(self, after: float | None = None) -> float | None:
        """The earliest moment something will happen (a watched task moves, an attempt is
        due), or the earliest later than *after*: what a round at *after* has not handled."""
        first = self._book.next_due(None if after is None else after + EPSILON)
        times = [first] if first is not None else []
        for task_id in self._book.watched():
            task = self.engine.get(task_id)
            due = self._task_due(task) if task is not None else None
            if due is not None:
                times.append(due)
        if after is not None:
            times = [t for t in times if t > after + EPSILON]
        return min(times, default=None)

    def _task_due(self, task: Task) -> float | None:
        """When a look would move *task* without a poll: the engine's answer, and for an
        ``immediate`` task (which any look finishes) its creation."""
        due = self.engine.next_change_at(task)
        if (
            due is None
            and task.progression.mode == "immediate"
            and not task.forced
            and task.outcome.kind != "stay-processing"
            and task.state not in self.engine.lifecycle.terminal
        ):
            return task.created_at
        return due

    def _collect(self, now: float) -> None:
        """Look at every watched task the clock has moved: its hooks schedule the callbacks."""
        for task_id in self._book.watched():
            task = self.engine.get(task_id)
            if task is None:
                self._book.unwatch(task_id)
                continue
            due = self._task_due(task)
            if due is not None and due <= now + EPSILON:
                self.engine.observe(task)

    # -- driving -----------------------------------------------------------------------------

    async def deliver_due(self) -> None:
        """Send everything due at the clock's current time."""
        async with self._lock:
            await self._round(self.clock.now())

    async def advance(self, seconds: float) -> float:
        """Move a virtual clock by *seconds*, sending every callback at its due time on the way."""
        clock = self.clock
        if not isinstance(clock, VirtualClock):
            raise TypeError("only a virtual clock can be advanced")
        async with self._lock:
            remaining = float(seconds)
            await self._round(clock.now())  # what was already due
            for _ in range(_MAX_STEPS):  # then each later due time, in order
                due = self.next_due(after=clock.now())
                if due is None or due - clock.now() > remaining + EPSILON:
                    break
                step = min(due - clock.now(), remaining)
                clock.advance(step)
                remaining -= step
                await self._round(clock.now())
            else:
                logger.error("webhook delivery did not settle within %d steps", _MAX_STEPS)
            if remaining > 0:
                clock.advance(remaining)
            await self._round(clock.now())
        return clock.now()

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Deliver in the background for as long as the block runs (the app's lifespan)."""
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        worker = asyncio.create_task(self._serve(), name="vidukit-webhooks")
        try:
            yield
        finally:
            worker.cancel()
            with suppress(asyncio.CancelledError):
                await worker
            self._loop = self._wake = None

    async def _serve(self) -> None:
        wake = self._wake
        assert wake is not None
        while True:
            wake.clear()
            wait = IDLE_WAKE
            try:
                await self.deliver_due()
                due = self.next_due(after=self.clock.now())
                if due is not None:
                    wait = min(IDLE_WAKE, due - self.clock.now())
            except Exception:  # keep serving: one bad round must not end every later delivery
                logger.exception("a webhook delivery round failed")
            with suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), max(0.01, wait))

    def _poke(self) -> None:
        """Wake the background task (hooks run in the server's loop, tests may call from others)."""
        loop, wake = self._loop, self._wake
        if loop is None or wake is None:
            return
        try:
            current = asyncio.get_running_loop()
        except RuntimeError:
            current = None
        if current is loop:
            wake.set()
        else:
            with suppress(RuntimeError):  # the loop is closing
                loop.call_soon_threadsafe(wake.set)

    # -- one round -----------------------------------------------------------------------------

    async def _round(self, now: float) -> None:
        self._collect(now)
        due = sorted(self._book.due(now + EPSILON), key=lambda d: (d.due, d.seq))
        if not due:
            return
        by_url: dict[str, list[Delivery]] = {}
        for delivery in due:
            by_url.setdefault(delivery.url, []).append(delivery)
        async with sender.client() as http:
            await asyncio.gather(*(self._chain(http, batch, now) for batch in by_url.values()))

    async def _chain(self, http: httpx.AsyncClient, batch: list[Delivery], now: float) -> None:
        """Attempts to one URL, in order; a held (out-of-order) one follows another task's.

        Each step starts by claiming the delivery's due entry in the book: of the
        instances (or workers) sharing a store, only the one that claims it acts.
        """
        queue = deque(batch)
        while queue:
            delivery = queue.popleft()
            if not self._book.claim(delivery):  # finished, or another instance took it
                continue
            if delivery.attempts and self._superseded(delivery):
                delivery.state = "superseded"
                self._book.save(delivery)
                self._tell(delivery)
                continue
            hold = delivery.options.hold
            if hold is not None and not delivery.held_once:
                delivery.held_once = True
                delivery.state = "held"
                delivery.due = now + hold
                self._book.save(delivery)
                if hold == 0:  # held for no time: after the rest of this round's batch
                    queue.append(delivery)
                continue
            await self._send(http, delivery, now)
            self._book.save(delivery)
            if not delivery.active:
                self._tell(delivery)
            for other in self._book.held(delivery.url):
                if other.task_id != delivery.task_id and self._book.claim(other):
                    other.state, other.due = "scheduled", now
                    self._book.save(other)
                    queue.append(other)

    def _superseded(self, delivery: Delivery) -> bool:
        """*delivery* shows its task under way, and a later part of the task was delivered:
        retrying it now would tell the receiver the task went back (a stale state)."""
        try:
            body = json.loads(delivery.body)
        except ValueError:
            return False
        if not spec(delivery.provider).wire.interim(body, delivery.task_id):
            return False
        return any(other.task_id == delivery.task_id and other.part > delivery.part
                   and other.state == "delivered" for other in self._book.all())

    async def _send(self, http: httpx.AsyncClient, delivery: Delivery, now: float) -> None:
        attempt = functools.partial(
            sender.attempt,
            now=now,
            secret=self._keys.get(delivery.task_id, self.secret),
            stopwatch=self._stopwatch,
            loopback_only=self.targets == "loopback",
        )
        record = await attempt(http, delivery, "retry" if delivery.attempts else "first")
        delivery.attempts.append(record)
        if record.ok:
            delivery.state = "delivered"
            while delivery.copies_left > 0:
                delivery.copies_left -= 1
                delivery.attempts.append(
                    await attempt(http, delivery, "duplicate")
                )
            return
        delivery.failures += 1
        if record.refused or delivery.failures >= delivery.policy.attempts:
            delivery.state = "gave-up"
            logger.warning(
                "gave up on %s's callback for task %s to %s after %d attempt(s): %s",
                delivery.provider,
                delivery.task_id,
                delivery.url,
                delivery.failures,
                record.error,
            )
            return
        delivery.state = "scheduled"
        delivery.due = now + delivery.policy.backoff(delivery.failures)

    def _trim(self) -> None:
        every = self._book.all()
        excess = len(every) - self.max_deliveries
        if excess > 0:
            self._book.drop([d for d in every if not d.active][:excess])

    # -- the journal -------------------------------------------------------------------------

    def deliveries(
        self, *, task_id: str | None = None, provider: str | None = None
    ) -> list[Delivery]:
        return [
            d
            for d in self._book.all()
            if (task_id is None or d.task_id == task_id)
            and (provider is None or d.provider == provider)
        ]

    def watching(self) -> list[str]:
        return self._book.watched()

    def view(self, **filters: Any) -> dict[str, Any]:
        shown = self.deliveries(**filters)
        return {
            "secret": self.secret,
            "default_options": self.default_options.spec(),
            "targets": self.targets,
            "policies": {
                pid: {
                    "max_attempts": policy_for(pid).attempts,
                    "timeout_seconds": self.timeout or policy_for(pid).timeout,
                    "signed": policy_for(pid).signed,
                    "documented": policy_for(pid).documented,
                }
                for pid in self.providers
            },
            "watching": self.watching(),
            "count": len(shown),
            "deliveries": [d.to_dict() for d in shown],
        }


__all__ = ["EPSILON", "QUIRK_META", "REPLAY_META", "Webhooks", "event_id"]
