"""The budgeted live probe: one cheap task end to end, plus a few requests meant to fail.

What it sends, in order, each judged by the `Observer`:

1. each documented-invalid request of the plan (expected: refused, with an error body);
2. the valid request without a key (expected: refused, the provider's 401 body);
3. the cheapest valid request (expected: accepted), then polls with back-off
   until a finished status, then one more poll (a finished task must keep its
   status), then a download of the output (no key sent: it is another host).
   A status word vidukit does not know is said as soon as it is seen; the
   polls stop early when, under such a word, outputs appear (the task has
   visibly ended) or the same word repeats once the task is older than it is
   expected to get (it is most likely a renamed finished status): waiting out the whole
   timeout would only delay the report;
4. a poll for a task id that does not exist (expected: refused).

With `CallbackSettings` (``--webhook-url``) the valid request also carries the
callback URL, a loopback receiver runs for the whole probe, and once the task
has finished the probe waits for the callback and judges it
(`vidukit.drift.callbacks`).

The plan (bodies and cost) is built by the caller from the capability matrix
and the fixtures, so this module only talks HTTP. Transient answers (429,
5xx, dropped connections) are retried a bounded number of times, like the
example clients do; a provider that stays unreachable ends the probe with a
`ToolkitError`. The key goes only into the ``Authorization`` header of
requests to the provider's base URL and is never printed.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from typing import Any

import httpx

from vidukit.drift.callbacks import (
    CallbackReceiver,
    CallbackSettings,
    judge,
    place,
    recorded,
    secret_from,
)
from vidukit.drift.mock_clock import virtual_clock_hint
from vidukit.drift.observer import Exchange, Expect, Observer
from vidukit.drift.report import Finding
from vidukit.drift.wire import SUCCEEDED, TERMINAL, Call
from vidukit.errors import ToolkitError
from vidukit.providers import spec

_TRANSIENT = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Plan:
    """What the probe will send: built before anything is sent, shown by ``--dry-run``."""

    provider: str
    submit_body: Any
    #: (rule id, body) of each documented-invalid request.
    invalid: tuple[tuple[str, Any], ...]
    estimated_cost_usd: float | None
    summary: str


@dataclass(frozen=True)
class Polling:
    """First wait, growth per poll, ceiling and give-up time (seconds)."""

    interval: float = 5.0
    backoff: float = 1.5
    max_interval: float = 30.0
    timeout: float = 15 * 60.0
    #: How long a task is expected to take (a Vidu Q2 video: a few minutes): the same
    #: unknown status still repeating after that ends the polls.
    expected: float = 5 * 60.0

    def delays(self) -> Iterator[float]:
        delay = self.interval
        while True:
            yield delay
            delay = min(self.max_interval, delay * self.backoff)


@dataclass
class Probe:
    plan: Plan
    base_url: str
    api_key: str
    observer: Observer
    polling: Polling = field(default_factory=Polling)
    progress: Callable[[str], None] = lambda line: None
    sleep: Callable[[float], None] = time.sleep
    attempts: int = 4
    http: httpx.Client | None = None
    #: ``--webhook-url``: register a callback on the task and judge what comes.
    callbacks: CallbackSettings | None = None
    #: What the report should say beside its findings (a check that could not run).
    notes: list[str] = field(default_factory=list)
    #: Task id -> its callback entries for ``--record`` (`vidukit.drift.callbacks.recorded`).
    callback_entries: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _finished_at: float | None = field(default=None, init=False)
    _task_id: str | None = field(default=None, init=False)

    def run(self) -> None:
        own = self.http is None
        self.http = self.http or httpx.Client(timeout=60.0, follow_redirects=True)
        stack = ExitStack()
        try:
            receiver = (stack.enter_context(CallbackReceiver(self.callbacks.port))
                        if self.callbacks is not None else None)
            self._invalid_requests()
            task_id = self._task_id = self._submit()
            if task_id is not None:
                last = self._poll(task_id)
                if last is not None:
                    self._fetch_output(task_id, last)
            if receiver is not None:
                self._judge_callbacks(receiver)
            self._unknown_task()
        finally:
            stack.close()
            if own:
                self.http.close()

    # -- steps ---------------------------------------------------------------------------

    def _invalid_requests(self) -> None:
        wire = self.observer.wire
        for rule, body in self.plan.invalid:
            self.progress(f"invalid request ({rule})")
            self._send(wire.submit(body), "reject", f"invalid:{rule}")
        self.progress("request without a key")
        self._send(wire.submit(self.plan.submit_body), "reject", "no-key", auth=False)

    def _submit(self) -> str | None:
        wire = self.observer.wire
        self.progress(f"submitting the cheapest request ({self.plan.summary})")
        call = wire.submit(self.plan.submit_body)
        if self.callbacks is not None:
            body, query = place(self.plan.provider, self.plan.submit_body, self.callbacks.url)
            call = wire.submit(body)
            call = replace(call, params={**(call.params or {}), **query} or None)
            # A public callback URL is a door into the user's machine: kept out of the report.
            self.observer.scrubber.add_secret(self.callbacks.url)
            self.progress("registering the callback URL (--webhook-url) on the task")
        exchange = self._send(call, "accept", "submit")
        if not 200 <= exchange.status < 300:
            return None
        task_id = wire.task_id(exchange.request_json, exchange.response_json)
        if task_id is None:
            self.observer.add(self._finding("no-terminal-status", exchange.response_message,
                                            "the submit answer names no task id"))
        return task_id

    def _poll(self, task_id: str) -> Exchange | None:
        """Poll until a finished status; that exchange, or None when it never came."""
        wire = self.observer.wire
        started = time.monotonic()
        waited = 0.0
        unknown: tuple[str, int] | None = None  # the unknown word showing, answers in a row
        for delay in self.polling.delays():
            if max(time.monotonic() - started, waited) + delay > self.polling.timeout:
                break
            self.sleep(delay)
            waited += delay
            exchange = self._send(wire.poll(task_id), "accept", "poll")
            if not 200 <= exchange.status < 300:
                return None
            word = wire.status("result-response", exchange.response_json, task_id)
            elapsed = max(time.monotonic() - started, waited)
            self.progress(f"task {task_id}: {word or '(no status)'} after {elapsed:.1f} s")
            if wire.ranks.get(word or "") in TERMINAL:
                self._finished_at = time.monotonic()
                self.progress("confirming the finished status")
                self._send(wire.poll(task_id), "accept", "confirm")
                return exchange
            if word is None or word in wire.ranks:
                unknown = None
                continue
            if unknown is None or unknown[0] != word:
                unknown = (word, 0)
                self.progress(f"task {task_id}: {word!r} is not a status vidukit knows for "
                              f"{self.plan.provider} (reported as status-value)")
            unknown = (word, unknown[1] + 1)
            if self._ended_unknown(task_id, exchange, word, elapsed, repeated=unknown[1] > 1):
                return None
        detail = f"task {task_id} had no finished status after {self.polling.timeout:g} s"
        hint = virtual_clock_hint(self.http, self.base_url) if self.http is not None else None
        if hint is not None:
            self.progress(hint)
            detail = f"{detail}; {hint}"
        self.observer.add(self._finding("no-terminal-status", "result-response", detail))
        return None

    def _ended_unknown(self, task_id: str, exchange: Exchange, word: str, elapsed: float, *,
                       repeated: bool) -> bool:
        """True (and reported) when the task under unknown *word* has visibly ended: outputs
        appeared, or the word repeated with the task older than it is expected to get."""
        if self.observer.wire.output_url(exchange.response_json, task_id) is not None:
            why = "outputs appeared"
        elif repeated and elapsed > self.polling.expected:
            why = (f"still {word!r} after {elapsed:.1f} s, past the {self.polling.expected:g} s "
                   "a task is expected to take")
        else:
            return False
        detail = (f"task {task_id} ended under {word!r}, a status vidukit does not know "
                  f"({why}): most likely a renamed finished status; the probe stopped")
        self.progress(detail)
        self.observer.add(self._finding("no-terminal-status", "result-response", detail))
        return True

    def _fetch_output(self, task_id: str, last: Exchange) -> None:
        wire = self.observer.wire
        url = wire.output_url(last.response_json, task_id)
        word = wire.status("result-response", last.response_json, task_id)
        if wire.ranks.get(word or "") != SUCCEEDED:
            return  # a failed task has no output to fetch
        if url is None and wire.result is not None:  # the result sits apart from the status
            self.progress("fetching the result")
            fetched = self._send(wire.result(task_id), "accept", "result")
            url = wire.output_url(fetched.response_json, task_id)
        if url is None:
            self.observer.add(self._finding("result-unavailable", "result-response",
                                            "the finished task names no output URL"))
            return
        self.progress("fetching the output")
        assert self.http is not None
        try:
            with self.http.stream("GET", url) as answer:
                size = sum(len(chunk) for chunk in answer.iter_raw())
                status = answer.status_code
        except httpx.HTTPError as exc:
            status, size = 0, 0
            reason = type(exc).__name__
        else:
            reason = f"HTTP {status}"
        if not 200 <= status < 300 or size == 0:
            self.observer.add(self._finding(
                "result-unavailable", "result-response",
                f"the output URL answered {reason} with {size} bytes"))
        else:
            self.progress(f"output: {size} bytes")

    def _judge_callbacks(self, receiver: CallbackReceiver) -> None:
        settings = self.callbacks
        assert settings is not None
        if self._finished_at is None:
            self.notes.append("callbacks not judged: the task never showed a finished status")
            return
        self.progress(f"waiting up to {settings.wait:g} s for the callback")
        arrivals = receiver.wait(self._finished_at + settings.wait)
        self.progress(f"callbacks received: {len(arrivals)}")
        self.observer.messages.add("webhook")
        secret = self._callback_secret()
        for finding in judge(self.plan.provider, arrivals, self._finished_at, settings, secret,
                             self.observer.analyser):
            self.observer.add(finding)
        if self._task_id is not None:
            self.callback_entries[self._task_id] = recorded(
                self.plan.provider, self._task_id, arrivals, self._finished_at, settings, secret,
                self.observer.scrubber)

    def _callback_secret(self) -> str | None:
        """The secret that verifies callbacks: given, or fetched with the key (never shown)."""
        signing = spec(self.plan.provider).signing
        if signing is None:
            return None
        if not signing.needs_secret:
            return ""
        secret = self.callbacks.secret if self.callbacks is not None else None
        if secret is None and signing.key == "api-key":
            secret = self.api_key  # signed with the key that created the task: scrubbed already
        if secret is None and signing.secret_path is not None:
            assert self.http is not None
            try:
                answer = self.http.get(self.base_url.rstrip("/") + signing.secret_path,
                                       headers={"Authorization":
                                                spec(self.plan.provider).surface.authorization(
                                                    self.api_key),
                                                "Accept": "application/json"})
                secret = secret_from(answer.json(), signing.secret_pointer) \
                    if answer.status_code == 200 else None
            except (httpx.HTTPError, ValueError):
                secret = None
        if secret is None:
            self.notes.append("callback signatures not checked: no secret (the provider "
                              "serves none here; pass --webhook-secret-env)")
            return None
        self.observer.scrubber.add_secret(secret)
        return secret

    def _unknown_task(self) -> None:
        self.progress("polling a task that does not exist")
        self._send(self.observer.wire.poll(str(uuid.uuid4())), "reject", "unknown-task")

    # -- HTTP ----------------------------------------------------------------------------

    def _finding(self, kind: str, message: str | None, detail: str) -> Finding:
        return Finding(kind=kind, provider=self.plan.provider, message=message or "request",
                       path="", detail=detail)

    def _send(self, call: Call, expect: Expect, purpose: str, *, auth: bool = True) -> Exchange:
        """One call, retried while the answer is transient; judged by the observer."""
        assert self.http is not None
        headers = {"Accept": "application/json"}
        if auth:
            surface = spec(self.plan.provider).surface
            headers["Authorization"] = surface.authorization(self.api_key)
        request = self.http.build_request(
            call.method, self.base_url.rstrip("/") + call.path, params=call.params,
            json=call.json, headers=headers)
        for attempt in range(1, self.attempts + 1):
            try:
                answer = self.http.send(request)
            except httpx.TransportError as exc:
                if attempt == self.attempts:
                    raise ToolkitError(
                        f"cannot reach the {self.plan.provider} API: {type(exc).__name__}"
                    ) from None
                self.sleep(0.5 * 2.0 ** (attempt - 1))
                continue
            if answer.status_code in _TRANSIENT and attempt < self.attempts:
                self.progress(f"HTTP {answer.status_code}; retrying")
                self.sleep(_retry_after(answer, attempt))
                continue
            exchange = Exchange(
                method=call.method, path=call.path, status=answer.status_code,
                request_body=request.content, response_body=answer.content,
                query=dict(call.params or {}), expect=expect, purpose=purpose)
            return self.observer.observe(exchange)
        raise AssertionError("unreachable")  # pragma: no cover


def _retry_after(answer: httpx.Response, attempt: int) -> float:
    raw = answer.headers.get("retry-after", "")
    try:
        return min(120.0, max(0.0, float(raw)))
    except ValueError:
        return min(30.0, 2.0 ** attempt)


__all__ = ["Plan", "Polling", "Probe"]
