"""The scenario catalogue: every fault the mock can inject, by a stable name, as data.

Two families, because they act on different things:

task scenarios
    change how a *task* goes or what its finished answer shows. Chosen for
    the task a submit creates and carried by the task from then on:
    ``fail-content-moderation``, ``fail-invalid-parameter``,
    ``fail-media-access``, ``fail-timeout``, ``fail-internal`` (the task
    fails with the provider's own code for that category, see
    `CATEGORY_CODES`), ``nsfw`` (succeeds, flagged), ``stuck`` (processing
    forever), ``expired-url`` (succeeds, but its output URL answers as
    expired storage at once; `vidukit.mock_server.media` serves that) and
    ``extra-fields`` (every answer about the task carries undeclared fields),
    ``replay`` (the task follows a task recording: `vidukit.mock_server.replay`),
    ``webhook-lost`` (the callback URL is taken, the callback never sent) and
    ``webhook-late`` (the callback is sent long after the task ended),
    and the SDK forms of `FORM_OUTCOMES` (answers an official SDK is coded
    for, on the providers that have them).

request scenarios
    change one HTTP answer: ``http-429`` (with ``Retry-After``),
    ``http-500``, ``http-502``, ``http-503``, ``http-504`` (provider-shaped
    bodies, `vidukit.mock_server.scenarios.bodies`), ``latency`` (the answer waits),
    ``truncated-body`` (the JSON is cut short), ``not-json`` (a gateway's
    HTML page) and ``connection-closed`` (the socket closes with no answer).

Each entry lists the parameters it takes (``name;param=value;...``), with
their defaults; `vidukit.mock_server.scenarios.spec` parses and checks them, so a
typo is a clear 400 (header, admin) or a start-up error (config file).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from vidukit.mock_server.scenarios.bodies import REASON_MESSAGES
from vidukit.providers import specs
from vidukit.providers.spec import CATEGORIES

Family = Literal["task", "request"]
#: What a request scenario does to the answer.
Effect = Literal["status", "latency", "truncated", "not-json", "closed", "task"]

#: Where a request scenario may apply (``on=``); ``any`` matches both.
OPERATIONS: tuple[str, ...] = ("submit", "poll", "any")
#: When a replacing fault strikes: ``before`` the provider saw the request (nothing
#: happened), or ``after`` it handled it (a submit's task exists, its answer is lost).
PHASES: tuple[str, ...] = ("before", "after")
#: Longest added latency, seconds: long enough for any client timeout test.
MAX_LATENCY_SECONDS = 300.0

#: Failure category -> provider -> that provider's task error code (its spec's ``failures``;
#: where a provider has no code of that category, the closest one it has is used, and
#: `CATEGORY_NOTES` says which and why).
CATEGORY_CODES: dict[str, dict[str, str]] = {
    category: {pid: s.failures[category] for pid, s in specs().items()}
    for category in CATEGORIES
}
CATEGORY_NOTES: dict[str, str] = {
    pid: s.failure_note for pid, s in specs().items() if s.failure_note is not None
}


def _seconds(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or not 0 <= value <= MAX_LATENCY_SECONDS:
        raise ValueError(f"expected seconds in [0, {MAX_LATENCY_SECONDS:g}]")
    return value


def _milliseconds(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or not 0 <= value <= MAX_LATENCY_SECONDS * 1000:
        raise ValueError(f"expected milliseconds in [0, {MAX_LATENCY_SECONDS * 1000:g}]")
    return value


def _late_seconds(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or not 0 <= value <= 86_400:
        raise ValueError("expected seconds in [0, 86400]")
    return value


def _whole_seconds(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 86_400:
        raise ValueError("expected whole seconds in [0, 86400]")
    return value


def _fraction(text: str) -> float:
    value = float(text)
    if not 0 <= value < 1:
        raise ValueError("expected a fraction in [0, 1)")
    return value


def _times(text: str) -> int:
    if text == "all":
        return 0
    value = int(text)
    if not 1 <= value <= 1_000_000:
        raise ValueError("expected a count >= 1 or 'all'")
    return value


def _recording_name(text: str) -> str:
    if not text or not all(c.isalnum() or c in "._-" for c in text):
        raise ValueError("expected a recording name (letters, digits, '.', '_', '-')")
    return text


def _choice(*allowed: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}")
        return text

    return parse


def _status(*allowed: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = int(text)
        if value not in allowed:
            raise ValueError(f"expected one of {', '.join(map(str, allowed))}")
        return value

    return parse


@dataclass(frozen=True)
class Param:
    """One ``name=value`` a scenario takes: how to read it, its default, what it means."""

    parse: Callable[[str], Any]
    default: Any
    doc: str


@dataclass(frozen=True)
class Entry:
    name: str
    family: Family
    effect: Effect
    doc: str
    params: Mapping[str, Param] = field(default_factory=dict)
    #: Providers it applies to; None = all.
    providers: frozenset[str] | None = None
    #: For ``status`` effects: the HTTP status answered.
    status: int | None = None

    def supports(self, provider: str) -> bool:
        return self.providers is None or provider in self.providers


#: Parameters every request scenario takes.
_ON = Param(
    _choice(*OPERATIONS),
    "any",
    "which requests it applies to: submit, poll or any; on=poll in a submit's header "
    "attaches it to the new task's polls",
)
_TIMES = Param(
    _times, 1, "with on=poll on a submit: how many of the task's polls it strikes (N or 'all')"
)
_PHASE = Param(
    _choice(*PHASES),
    "before",
    "before: the provider never saw the request; after: it handled it (a submit's task "
    "exists) and the answer is lost",
)
_RETRY = Param(_whole_seconds, None, "Retry-After header value, seconds (none unless given)")


def _request(
    name: str,
    effect: Effect,
    doc: str,
    http_status: int | None = None,
    **params: Param,
) -> Entry:
    common = {"on": _ON, "times": _TIMES}
    if effect in ("status", "not-json", "closed"):
        common["phase"] = _PHASE
    return Entry(name, "request", effect, doc, {**common, **params}, status=http_status)


#: SDK-form scenarios: answers an official SDK is coded to handle (provider-docs §8), shown
#: only where a provider's spec lists the name in ``scenarios``. The task carries the name
#: in ``meta["sdk_form"]`` (with its parameters) and its provider's ``status.py`` renders
#: the form; the value here says how the task ends: ``fail`` (with the failure code the
#: task already has, else the provider's default) or None (as it would have).
FORM_OUTCOMES: dict[str, Literal["fail"] | None] = {
    "cancelled": "fail",
    "timeout-status": "fail",
    "webhook-without-outputs": "fail",
    "data-error": "fail",
    "error-string": "fail",
    "status-unknown": None,
    "pending-status": None,
    "duration-string": None,
    "usage-detail": None,
}


def _form(name: str, doc: str, **params: Param) -> Entry:
    providers = frozenset(pid for pid, s in specs().items() if name in s.scenarios)
    return Entry(name, "task", "task", doc, params, providers=providers)


def _failure(category: str, what: str) -> Entry:
    return Entry(
        f"fail-{category}",
        "task",
        "task",
        f"the task fails with the provider's {what} code ({category} in CATEGORY_CODES)",
    )


_ENTRIES: tuple[Entry, ...] = (
    _failure("content-moderation", "content-moderation"),
    _failure("invalid-parameter", "invalid-parameter"),
    _failure("media-access", "media-access-failed"),
    _failure("timeout", "timeout"),
    _failure("internal", "internal-error"),
    Entry(
        "nsfw",
        "task",
        "task",
        "the task succeeds with its output flagged NSFW, on providers whose answer has such a "
        "flag (the others document no success-side NSFW flag)",
        providers=frozenset(pid for pid, s in specs().items() if "nsfw" in s.scenarios),
    ),
    _form("cancelled", "the task ends with the provider's cancelled status, which an official "
          "SDK stops polling on"),
    _form("timeout-status", "the task ends with the provider's timeout status, which an official "
          "SDK stops polling on"),
    _form("webhook-without-outputs", "the task fails and its callback has no outputs field "
          "('only present when status is completed')"),
    _form("data-error", "the task fails and the failure comes inside data, as an item "
          "{status: error, error: {code, message}, taskUUID}"),
    _form("error-string", "the task fails with its error as a plain string instead of an "
          "object {code, message}"),
    _form("status-unknown", "the running task polls with the status word TASK_STATUS_UNKNOWN"),
    _form(
        "pending-status",
        "the unfinished task polls with another non-terminal status word an official SDK "
        "keeps polling on",
        word=Param(_choice("queued", "pending", "scheduled", "waiting"), "pending",
                   "the status word: queued, pending, scheduled or waiting"),
    ),
    _form("duration-string", "the finished task's output duration is a string"),
    _form("usage-detail", "the finished task's usage carries quantity, unit_price and extra_info"),
    Entry("stuck", "task", "task", "the task reaches processing and stays there forever"),
    Entry(
        "replay",
        "task",
        "task",
        "the task follows a task recording (serve --replay DIR): its statuses at the "
        "recorded offsets, its failure code and output shape",
        {"name": Param(_recording_name, None, "the recording's name (default: the next one "
                       "by the server's --replay-match rule)")},
    ),
    Entry(
        "expired-url",
        "task",
        "task",
        "the task succeeds but its output URL answers as expired storage at once",
    ),
    Entry(
        "webhook-lost",
        "task",
        "task",
        "the task takes its callback URL as usual and its callback is never sent (the "
        "webhook journal shows it lost): a client must learn the outcome by polling",
        providers=frozenset(pid for pid, s in specs().items() if s.webhook is not None),
    ),
    Entry(
        "webhook-late",
        "task",
        "task",
        "the task's callback is sent only after= seconds (mock clock) after the task ended: "
        "past the deadline a client waits for it",
        {"after": Param(_late_seconds, 900.0, "seconds after the task ended (0-86400)")},
        providers=frozenset(pid for pid, s in specs().items() if s.webhook is not None),
    ),
    Entry(
        "extra-fields",
        "task",
        "task",
        "every JSON answer about the task (submit and polls) carries an undeclared field "
        "x_mock_extra in each object; response schemas are open, so a client must ignore it",
    ),
    _request(
        "http-429",
        "status",
        "HTTP 429 with Retry-After and the provider's rate-limit body",
        http_status=429,
        retry_after=Param(_whole_seconds, 1, "Retry-After header value, seconds"),
    ),
    *(
        _request(
            f"http-{code}",
            "status",
            f"HTTP {code} with the provider's error body",
            http_status=code,
            retry_after=_RETRY,
        )
        for code in (500, 502, 503, 504)
    ),
    Entry(
        "billing-refused",
        "request",
        "status",
        "HTTP 403 with a billing refusal the provider's official SDK knows, named by reason= "
        "(the HTTP status of these names is UNCONFIRMED: 403, as for NOT_ENOUGH_BALANCE)",
        {
            "on": _ON,
            "times": _TIMES,
            "phase": _PHASE,
            "retry_after": _RETRY,
            "reason": Param(
                _choice(*REASON_MESSAGES),
                "BILLING_BALANCE_NOT_ENOUGH",
                f"the error name: {', '.join(REASON_MESSAGES)}",
            ),
        },
        providers=frozenset(pid for pid, s in specs().items() if "billing-refused" in s.scenarios),
        status=403,
    ),
    _request(
        "latency",
        "latency",
        "the answer waits: ms=N exactly, or min_ms..max_ms at random (seeded); real wall "
        "time, on every clock",
        ms=Param(_milliseconds, None, "fixed delay, milliseconds"),
        min_ms=Param(_milliseconds, None, "lower bound of a random delay, milliseconds"),
        max_ms=Param(_milliseconds, None, "upper bound of a random delay, milliseconds"),
    ),
    _request(
        "truncated-body",
        "truncated",
        "the provider's answer is cut short: mode=json sends a complete HTTP message whose JSON "
        "ends early (a JSON decode error); mode=short-read promises the full length, sends "
        "part and closes (a transport error)",
        keep=Param(_fraction, 0.5, "share of the body's bytes sent"),
        mode=Param(_choice("json", "short-read"), "json", "json or short-read"),
    ),
    _request(
        "not-json",
        "not-json",
        "an HTML page (text/html) where JSON was due, as a gateway or CDN in front of the "
        "provider sends",
        status=Param(_status(200, 500, 502, 503, 504), 200, "the HTTP status of the page"),
    ),
    _request(
        "connection-closed",
        "closed",
        "the server closes the connection without sending a byte of answer",
    ),
)

CATALOGUE: dict[str, Entry] = {entry.name: entry for entry in _ENTRIES}
#: The header value (and rule scenario) that selects nothing, not even random rules.
NONE = "none"


def catalogue_view() -> list[dict[str, Any]]:
    """The catalogue as JSON-ready data (GET /_mock/scenarios)."""
    return [
        {
            "name": e.name,
            "family": e.family,
            "doc": e.doc,
            "providers": sorted(e.providers) if e.providers is not None else "all",
            "params": {name: {"default": p.default, "doc": p.doc} for name, p in e.params.items()},
        }
        for e in _ENTRIES
    ]


__all__ = [
    "CATALOGUE",
    "CATEGORY_CODES",
    "CATEGORY_NOTES",
    "FORM_OUTCOMES",
    "MAX_LATENCY_SECONDS",
    "NONE",
    "OPERATIONS",
    "PHASES",
    "Entry",
    "Param",
    "catalogue_view",
]
