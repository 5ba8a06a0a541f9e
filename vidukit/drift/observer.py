"""One place that judges exchanges, for the probe and the proxy alike.

An `Exchange` is one HTTP request and its answer, relative to the provider's
base URL. `Observer.observe` names the messages (`vidukit.drift.messages`),
validates the request and the answer, checks what the sender expected (the
probe knows a request was meant to be accepted or refused; the proxy does
not), follows task lifecycles, and keeps every finding with the exchange that
showed it. `Observer.report` folds them into one `Report`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from vidukit.drift.analyse import Analyser, Difference
from vidukit.drift.lifecycle import Lifecycle, MockTimings, slow_phases
from vidukit.drift.messages import match, request_message, response_message
from vidukit.drift.report import Finding, Report, merge
from vidukit.drift.scrub import Scrubber
from vidukit.drift.wire import wire
from vidukit.validation import validate

Expect = Literal["accept", "reject"]
_NOT_PARSED = object()


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def parse_json(raw: bytes) -> Any:
    """The JSON value of *raw*, or `_NOT_PARSED` when it is not JSON."""
    try:
        return json.loads(raw)
    except ValueError:
        return _NOT_PARSED


@dataclass
class Exchange:
    """One request and its answer; bodies raw, paths relative to the provider's base URL."""

    method: str
    path: str
    status: int
    request_body: bytes = b""
    response_body: bytes = b""
    query: Mapping[str, str] = field(default_factory=dict)
    #: What the sender meant: a request that must be accepted, one that must be refused.
    expect: Expect | None = None
    #: Why the probe sent it ("submit", "poll", "invalid:duration.maximum"...).
    purpose: str = ""
    seq: int = 0
    at: float = 0.0
    #: The answer was relayed without being held (too large to judge): judge the request only.
    response_skipped: bool = False
    #: Filled by `Observer.observe`.
    request_message: str | None = None
    response_message: str | None = None
    findings: list[Finding] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)

    @property
    def request_json(self) -> Any:
        return parse_json(self.request_body) if self.request_body else None

    @property
    def response_json(self) -> Any:
        return parse_json(self.response_body) if self.response_body else _NOT_PARSED


class Observer:
    """Judges every exchange of one provider; thread-safe enough for one event loop."""

    def __init__(
        self,
        provider: str,
        *,
        secrets: tuple[str, ...] = (),
        mock_timings: MockTimings | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.provider = provider
        self.wire = wire(provider)
        self.scrubber = Scrubber(secrets)
        self.analyser = Analyser(provider, self.scrubber)
        self.lifecycle = Lifecycle(provider, clock)
        self.mock_timings = mock_timings
        self.clock = clock
        self.exchanges: list[Exchange] = []
        self.started_at = now_iso()
        self.messages: set[str] = set()

    def observe(self, exchange: Exchange) -> Exchange:
        exchange.seq = len(self.exchanges) + 1
        exchange.at = exchange.at or self.clock()
        self.exchanges.append(exchange)
        operation = match(self.provider, exchange.method, exchange.path)
        if operation is None:
            return exchange
        request = exchange.request_json
        exchange.request_message = request_message(self.provider, operation, request)
        exchange.response_message = response_message(
            self.provider, operation, exchange.request_message, exchange.status)
        found: list[Finding] = []
        found += self._request(exchange, request)
        found += self._expectation(exchange)
        found += self._response(exchange, request)
        for finding in found:
            finding.exchanges = [exchange.seq]
            finding.statuses = [exchange.status]
        exchange.findings = found
        return exchange

    # -- parts ---------------------------------------------------------------------------

    def _request(self, exchange: Exchange, request: Any) -> list[Finding]:
        """A client's own request breaking the schema (proxy traffic; the probe's are checked)."""
        message = exchange.request_message
        if message is None or exchange.expect is not None or request is _NOT_PARSED:
            return []
        self.messages.add(message)
        found = []
        for violation in validate(self.provider, message, request, notes=False):
            kind = "invalid-request" if violation.severity == "error" else "request-warning"
            found.append(Finding(kind=kind, provider=self.provider, message=message,
                                 path=violation.path, detail=violation.message,
                                 rule=violation.rule))
        return found

    def _expectation(self, exchange: Exchange) -> list[Finding]:
        message = exchange.request_message or "request"
        if exchange.expect == "reject" and 200 <= exchange.status < 300:
            return [Finding(
                kind="request-accepted", provider=self.provider, message=message, path="",
                detail=f"{exchange.purpose or 'an invalid request'} was accepted "
                       f"(HTTP {exchange.status}); the schema is stricter than the provider",
                rule=exchange.purpose.partition(":")[2])]
        if exchange.expect == "accept" and 400 <= exchange.status < 500:
            return [Finding(
                kind="request-rejected", provider=self.provider, message=message, path="",
                detail=f"{exchange.purpose or 'a valid request'} was refused with HTTP "
                       f"{exchange.status}: {_describe(exchange.response_json, self.scrubber)}")]
        return []

    def _response(self, exchange: Exchange, request: Any) -> list[Finding]:
        message = exchange.response_message
        if message is None or exchange.response_skipped:
            return []
        self.messages.add(message)
        body = exchange.response_json
        if body is _NOT_PARSED:
            shown = self.scrubber.text(exchange.response_body[:80].decode("utf-8", "replace"))
            return [Finding(kind="not-json", provider=self.provider, message=message, path="",
                            detail=f"HTTP {exchange.status} body is not JSON: {shown!r}")]
        exchange.differences = self.analyser.differences(message, body)
        found = [d.finding for d in exchange.differences]
        found += self._lifecycle(exchange, message, request, body)
        return found

    def _lifecycle(self, exchange: Exchange, message: str, request: Any,
                   body: Any) -> list[Finding]:
        if message == "submit-response":
            task_id = self.wire.task_id(request, body)
            if task_id is not None:
                self.lifecycle.submitted(task_id, exchange.at)
        elif message == "result-response":
            task_id = self.wire.polled_task(exchange.path, exchange.query, request)
        else:
            return []
        word = self.wire.status(message, body, task_id)
        if task_id is None or word is None:
            return []
        return self.lifecycle.seen(task_id, word, message, exchange.at)

    # -- results -------------------------------------------------------------------------

    def findings(self) -> list[Finding]:
        found = merge(f for e in self.exchanges for f in e.findings)
        if self.mock_timings is not None:
            found += slow_phases(self.lifecycle.timings(self.mock_timings), self.mock_timings,
                                 self.provider)
        return found

    def differences(self) -> list[Difference]:
        return [d for e in self.exchanges for d in e.differences]

    def add(self, finding: Finding) -> None:
        """A finding the sender made itself (no terminal status, output not fetchable)."""
        if self.exchanges:
            finding.exchanges = finding.exchanges or [self.exchanges[-1].seq]
            self.exchanges[-1].findings.append(finding)
        else:  # pragma: no cover - the probe always sends before it judges
            raise RuntimeError("add() before any exchange")

    def report(self, *, mode: str, source: str, cost: float | None = None) -> Report:
        timings = self.lifecycle.timings(self.mock_timings) if self.mock_timings else []
        return Report(
            provider=self.provider,
            mode=mode,
            source=self.scrubber.text(source),
            started_at=self.started_at,
            finished_at=now_iso(),
            exchanges=len(self.exchanges),
            findings=self.findings(),
            timings=timings,
            messages=sorted(self.messages),
            estimated_cost_usd=cost,
        )


def _describe(body: Any, scrubber: Scrubber) -> str:
    if body is _NOT_PARSED:
        return "(not JSON)"
    text = json.dumps(scrubber.value(body), ensure_ascii=False)
    return text if len(text) <= 200 else text[:199] + "…"


__all__ = ["Exchange", "Expect", "Observer", "now_iso", "parse_json"]
