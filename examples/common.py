"""What every example client shares: the result, bounded retries and polite polling.

Copy this file along with the client you take. It holds the parts that are the
same for every provider and easy to get subtly wrong:

- `Result`: what a generation ended as. Only a provider's explicit success that
  carries a video URL becomes ``succeeded``; everything else a task can end as
  is ``failed``, so a failed task is never reported as a success.
- `JsonApi` / `AsyncJsonApi`: one JSON call, retried a bounded number of times
  on transient faults: 429 (waiting at least its ``Retry-After``), 500, 502,
  503, 504, a dropped connection, a body cut short or not JSON. Any other 4xx
  is the caller's mistake and is raised at once as `ApiError`.
- `PollPolicy` with `wait` / `wait_async`: poll until the task is terminal and
  never after, with an interval that grows to a ceiling, giving up at a deadline.

Retrying a submit is a trade-off: when a submit's answer is lost (a 5xx, a
dropped connection, a body cut short), the provider may have started the task
already, and a retry pays for a second one. ``call(..., ambiguous="raise")``
retries a submit only where no task can have started (a 429, a refused
connection) and raises `AmbiguousSubmit` otherwise, so the client can find out
what happened where the provider offers a way: Runware's client-chosen
``taskUUID`` (resending it cannot start a second task), WaveSpeed's prediction
list. Novita, MyRouter and Vtrix document no way; their clients resubmit
(``ambiguous_submit = "retry"``) and accept the rare duplicate rather than lose
the request: a trade-off ``vidukit verify`` reports as a risk, and fails under
``--strict-charges``.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal, Self

import httpx

#: Statuses worth another try: rate limited, or the provider (or a proxy) in trouble.
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


class ClientError(Exception):
    """No task outcome could be had: the call failed, not the task."""


class ApiError(ClientError):
    """The provider refused the call (a 4xx other than 429).

    ``attempt`` is the try that got this answer: an answer to a retry can mean
    that an earlier try went through after all.
    """

    def __init__(self, status: int, message: str, body: Any, attempt: int = 1) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status = status
        self.message = message
        self.body = body
        self.attempt = attempt


class RetriesExhausted(ClientError):
    """Every try of one call met a transient fault."""


class AmbiguousSubmit(ClientError):
    """A submit's answer was lost in a way that leaves open whether a task was started."""


class PollTimeout(ClientError):
    """The task was still unfinished at the deadline."""


class UnexpectedResponse(ClientError):
    """A successful answer without what the client needs (a task id, a status)."""


class UnsupportedRequest(ClientError):
    """The provider's API cannot carry this request."""


@dataclass(frozen=True)
class Result:
    """How one generation ended."""

    status: Literal["succeeded", "failed"]
    task_id: str
    video_url: str | None = None
    error: str | None = None

    @classmethod
    def succeeded(cls, task_id: str, video_url: str) -> Result:
        return cls("succeeded", task_id, video_url=video_url)

    @classmethod
    def failed(cls, task_id: str, error: str) -> Result:
        return cls("failed", task_id, error=error or "the task failed without a reason")

    def to_adapter(self) -> dict[str, Any]:
        """The shape the contract harness's adapter returns."""
        if self.status == "succeeded":
            return {"status": "succeeded", "video_url": self.video_url}
        return {"status": "failed", "error": self.error}


def failed_adapter_result(error: ClientError) -> dict[str, Any]:
    """An adapter's answer when no outcome could be had: failed, with the reason."""
    return {"status": "failed", "error": f"{type(error).__name__}: {error}"}


# --------------------------------------------------------------------------- retries


@dataclass(frozen=True)
class RetryPolicy:
    """How hard one call is retried.

    ``attempts`` counts every try, the first included. Between tries the wait
    doubles from ``base_delay`` up to ``max_delay``, scaled down by a random
    ``jitter`` share so that many clients do not retry in step. A
    ``Retry-After`` longer than ``max_retry_after`` is not waited for: the
    call gives up and says why.
    """

    attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 30.0
    jitter: float = 0.25
    max_retry_after: float = 120.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """The wait after failed try number *attempt* (1-based)."""
        if retry_after is not None:
            return retry_after
        backoff = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        return backoff * (1 - self.jitter * random.random())


class _Transient(Exception):
    """A fault worth another try; ``safe`` when the provider cannot have acted on the
    request (a 429 refuses it; a refused connection never delivered it)."""

    def __init__(self, reason: str, retry_after: float | None = None, *,
                 safe: bool = False) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.safe = safe


def retry_after_seconds(response: httpx.Response) -> float | None:
    """``Retry-After`` as seconds: it may be a number or an HTTP date (RFC 9110 §10.2.3)."""
    raw = response.headers.get("retry-after")
    if raw is None:
        return None
    raw = raw.strip()
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def describe_error(body: Any) -> str:
    """The provider's own words for an error, whichever envelope it uses."""
    if isinstance(body, Mapping):
        errors = body.get("errors")
        if isinstance(errors, list) and errors:  # Runware: {"errors": [{code, message}]}
            return "; ".join(
                f"{e.get('code')}: {e.get('message')}" if isinstance(e, Mapping) else str(e)
                for e in errors
            )
        for key in ("message", "error", "reason"):  # WaveSpeed, Vtrix, Novita
            if isinstance(body.get(key), str) and body[key]:
                return str(body[key])
    return str(body)[:500]


def _decode(response: httpx.Response, attempt: int) -> Any:
    """The JSON body of a usable answer; `_Transient` or `ApiError` otherwise."""
    status = response.status_code
    if status in RETRYABLE_STATUSES:
        raise _Transient(f"HTTP {status}", retry_after_seconds(response), safe=status == 429)
    try:
        body = response.json()
    except ValueError:
        if status < 400:
            raise _Transient(f"HTTP {status} with a body that is not JSON (cut short?)") from None
        body = response.text
    if status >= 400:
        raise ApiError(status, describe_error(body), body, attempt)
    return body


class _Retrier:
    """The bookkeeping of one call's tries, shared by the sync and async loops."""

    def __init__(self, policy: RetryPolicy, what: str) -> None:
        self.policy = policy
        self.what = what
        self.faults: list[str] = []

    def next_delay(self, attempt: int, fault: _Transient) -> float | None:
        """The wait before the next try, or None when the call must give up."""
        self.faults.append(str(fault))
        if attempt >= self.policy.attempts:
            return None
        if fault.retry_after is not None and fault.retry_after > self.policy.max_retry_after:
            self.faults.append(f"Retry-After {fault.retry_after:g} s is too long to wait")
            return None
        return self.policy.delay(attempt, fault.retry_after)

    def give_up(self) -> RetriesExhausted:
        return RetriesExhausted(
            f"{self.what}: gave up after {len(self.faults)} transient fault(s): "
            + "; ".join(self.faults)
        )


def _as_transient(exc: httpx.TransportError) -> _Transient:
    """A connection refused, reset or closed mid-body, or a timeout: try again. Only a
    failure to connect is safe: the request never reached the provider."""
    reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return _Transient(reason, safe=isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout)))


#: What a call does after a fault that may have come after the provider acted: ``retry``
#: (reads, and submits where a duplicate is accepted), ``raise`` `AmbiguousSubmit`.
Ambiguous = Literal["retry", "raise"]


class JsonApi:
    """JSON calls to one provider with bounded retries of transient faults."""

    def __init__(
        self,
        base_url: str,
        headers: Mapping[str, str],
        *,
        http: httpx.Client | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        timeout: float = 30.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.headers = dict(headers)
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self._owned = http is None
        self.http = http if http is not None else httpx.Client(timeout=timeout)

    def call(
        self, method: str, path: str, *, json: Any = None, params: Mapping[str, str] | None = None,
        ambiguous: Ambiguous = "retry",
    ) -> Any:
        retrier = _Retrier(self.retry, f"{method} {path}")
        attempt = 1
        while True:
            try:
                response = self.http.request(
                    method, self.base_url + path, json=json, params=params, headers=self.headers
                )
                return _decode(response, attempt)
            except httpx.TransportError as exc:
                fault = _as_transient(exc)
            except _Transient as exc:
                fault = exc
            if ambiguous == "raise" and not fault.safe:
                raise AmbiguousSubmit(f"{method} {path}: {fault}: the provider may have acted "
                                      "on it")
            delay = retrier.next_delay(attempt, fault)
            if delay is None:
                raise retrier.give_up()
            self.sleep(delay)
            attempt += 1

    def close(self) -> None:
        if self._owned:
            self.http.close()


class AsyncJsonApi:
    """`JsonApi` on ``httpx.AsyncClient``: the same retries, awaited."""

    def __init__(
        self,
        base_url: str,
        headers: Mapping[str, str],
        *,
        http: httpx.AsyncClient | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        timeout: float = 30.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.headers = dict(headers)
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self._owned = http is None
        self.http = http if http is not None else httpx.AsyncClient(timeout=timeout)

    async def call(
        self, method: str, path: str, *, json: Any = None, params: Mapping[str, str] | None = None,
        ambiguous: Ambiguous = "retry",
    ) -> Any:
        retrier = _Retrier(self.retry, f"{method} {path}")
        attempt = 1
        while True:
            try:
                response = await self.http.request(
                    method, self.base_url + path, json=json, params=params, headers=self.headers
                )
                return _decode(response, attempt)
            except httpx.TransportError as exc:
                fault = _as_transient(exc)
            except _Transient as exc:
                fault = exc
            if ambiguous == "raise" and not fault.safe:
                raise AmbiguousSubmit(f"{method} {path}: {fault}: the provider may have acted "
                                      "on it")
            delay = retrier.next_delay(attempt, fault)
            if delay is None:
                raise retrier.give_up()
            await self.sleep(delay)
            attempt += 1

    async def aclose(self) -> None:
        if self._owned:
            await self.http.aclose()


# --------------------------------------------------------------------------- polling


@dataclass(frozen=True)
class PollPolicy:
    """When to look at a task again.

    The first look waits ``interval``; each later wait is ``backoff`` times the
    previous one, up to ``max_interval``. WaveSpeed recommends at least 5 s
    between checks of a video task, with back-off; nobody documents less. After
    ``timeout`` seconds the client stops and raises `PollTimeout`.
    """

    interval: float = 5.0
    backoff: float = 1.5
    max_interval: float = 30.0
    timeout: float = 15 * 60.0

    def delays(self) -> Iterator[float]:
        delay = self.interval
        while True:
            yield delay
            delay = min(self.max_interval, delay * self.backoff)


class _Deadline:
    """Time spent waiting: the larger of the clock's count and the waits asked for.

    Counting the waits keeps the deadline exact when a test swaps ``sleep`` for
    one that does not really sleep.
    """

    def __init__(self, policy: PollPolicy, task_id: str) -> None:
        self.policy = policy
        self.task_id = task_id
        self.started = time.monotonic()
        self.waited = 0.0

    def check(self, delay: float) -> None:
        elapsed = max(time.monotonic() - self.started, self.waited)
        if elapsed + delay > self.policy.timeout:
            raise PollTimeout(
                f"task {self.task_id} unfinished after {elapsed:.1f} s "
                f"(timeout {self.policy.timeout:g} s)"
            )
        self.waited += delay


def wait(
    task_id: str,
    poll: Callable[[], Result | None],
    policy: PollPolicy,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> Result:
    """Call *poll* until it returns a `Result` (the task is terminal); not once more."""
    deadline = _Deadline(policy, task_id)
    for delay in policy.delays():
        deadline.check(delay)
        sleep(delay)
        result = poll()
        if result is not None:
            return result
    raise AssertionError("unreachable: delays() never ends")


async def wait_async(
    task_id: str,
    poll: Callable[[], Awaitable[Result | None]],
    policy: PollPolicy,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> Result:
    """`wait`, awaited."""
    deadline = _Deadline(policy, task_id)
    for delay in policy.delays():
        deadline.check(delay)
        await sleep(delay)
        result = await poll()
        if result is not None:
            return result
    raise AssertionError("unreachable: delays() never ends")


def poll_policy_for(endpoint: Mapping[str, Any], default: PollPolicy) -> PollPolicy:
    """*default*, with the interval the harness may pass as ``endpoint["poll_interval"]``.

    The contract harness runs thousands of tasks; it may ask for a short
    interval (its own discipline check still bounds how fast a client polls),
    and a short deadline (``endpoint["poll_timeout"]``): some of its tasks never
    finish, and the client must give up on them as it would in production.
    """
    interval = endpoint.get("poll_interval")
    timeout = float(endpoint.get("poll_timeout", default.timeout))
    if interval is None:
        return replace(default, timeout=timeout)
    return PollPolicy(
        interval=float(interval),
        backoff=default.backoff,
        max_interval=max(float(interval), min(default.max_interval, float(interval) * 8)),
        timeout=timeout,
    )


__all__ = [
    "RETRYABLE_STATUSES",
    "Ambiguous",
    "AmbiguousSubmit",
    "ApiError",
    "AsyncJsonApi",
    "ClientError",
    "JsonApi",
    "PollPolicy",
    "PollTimeout",
    "Result",
    "RetriesExhausted",
    "RetryPolicy",
    "UnexpectedResponse",
    "UnsupportedRequest",
    "describe_error",
    "failed_adapter_result",
    "poll_policy_for",
    "retry_after_seconds",
    "wait",
    "wait_async",
]


class PollingClient:
    """What every provider's client shares: one JSON API, a submit, then polls until finished.

    A provider's client says only what differs: its default base URL, ``submit`` (start
    a task, return its id) and ``result`` (one look: the outcome, or None while it runs).
    """

    default_base_url: ClassVar[str] = ""
    #: After a submit whose answer was lost: ``retry`` it (a duplicate task is possible) or
    #: ``raise`` `AmbiguousSubmit` (the request may be lost; never paid twice).
    ambiguous_submit: ClassVar[Ambiguous] = "retry"

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str | None = None,
        poll: PollPolicy | None = None,
        retry: RetryPolicy | None = None,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.poll = poll or PollPolicy()
        self.sleep = sleep
        auth = {"Authorization": f"Bearer {api_key}"}
        self.api = JsonApi(
            base_url or self.default_base_url, auth, http=http, retry=retry, sleep=sleep
        )

    def submit(self, request: Mapping[str, Any]) -> Any:
        raise NotImplementedError

    def result(self, task_id: str) -> Result | None:
        raise NotImplementedError

    def start(self, request: Mapping[str, Any]) -> tuple[str, Result | None]:
        """Submit; the task id, and the outcome if the submit answer is already final."""
        return str(self.submit(request)), None

    def generate(self, request: Mapping[str, Any]) -> Result:
        task_id, done = self.start(request)
        if done is not None:
            return done
        return wait(task_id, lambda: self.result(task_id), self.poll, sleep=self.sleep)

    def close(self) -> None:
        self.api.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def run_adapter(
    client_class: type[PollingClient], request: dict[str, Any], endpoint: dict[str, Any]
) -> dict[str, Any]:
    """The contract harness's entry point for *client_class*: one generation, as a plain dict."""
    poll = poll_policy_for(endpoint, PollPolicy())
    with client_class(endpoint["api_key"], base_url=endpoint["base_url"], poll=poll) as client:
        try:
            return client.generate(request).to_adapter()
        except ClientError as exc:
            return failed_adapter_result(exc)
