"""What a check sees of one example: the request, what the mock did, what the adapter did.

Plain data, built by the harness after the adapter returned (or ran out of
time), so a check is a pure function of it and is unit-tested with
hand-written contexts, no mock needed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from vidukit.contract_tests.canonical import CanonicalRequest

#: Request scenarios that are transient faults: a retry may well succeed.
TRANSIENT_FAULTS = frozenset({
    "http-429", "http-500", "http-502", "http-503", "http-504",
    "truncated-body", "not-json", "connection-closed",
})
#: The faults providers document as retryable (429 with Retry-After, 5xx): what
#: ``strict-retries`` demands a client rides out when each strikes a few times.
RETRYABLE_FAULTS = frozenset({"http-429", "http-500", "http-502", "http-503", "http-504"})
#: The planned outcome of a task that reaches processing and never leaves it (the mock's
#: ``stay-processing``): a client must give up on it by its own deadline (``gives-up``).
STUCK = "stuck"


@dataclass(frozen=True)
class AdapterRun:
    """How one call of the adapter went.

    ``result`` is what it returned (None when it raised, hung or was stopped);
    ``error`` the formatted exception that escaped it; ``hung`` that it had not
    returned when ``budget`` seconds were up; ``stopped`` why the harness gave up
    on it before that (it kept polling a finished task: waiting out the budget
    would only cost time, and the check that judges it has seen enough).
    """

    result: Any = None
    error: str | None = None
    elapsed: float = 0.0
    hung: bool = False
    budget: float = 0.0
    stopped: str = ""

    @property
    def returned(self) -> bool:
        return not self.hung and not self.stopped and self.error is None

    @property
    def cut_short(self) -> bool:
        """No answer to judge: the call hung or the harness stopped it."""
        return self.hung or bool(self.stopped)


@dataclass(frozen=True)
class CheckContext:
    """One example, as every check gets it.

    ``exchange`` holds the mock's journal entries for the example (``GET
    /_mock/journal``: request, validation verdict, response, ``fault``);
    ``tasks`` the task views (``GET /_mock/tasks``); ``fired`` the scenario
    choices that struck (``GET /_mock/scenarios`` history), e.g.
    ``"http-503;retry_after=1"``; ``origin`` the mock's origin (output URLs
    point there).
    """

    provider: str
    request: CanonicalRequest
    run: AdapterRun
    exchange: tuple[Mapping[str, Any], ...] = ()
    tasks: tuple[Mapping[str, Any], ...] = ()
    fired: tuple[str, ...] = ()
    origin: str = ""
    behaviour: str = ""
    #: The outcome the mock was told to give the task ("succeed", "fail-timeout", ...): what
    #: a client that retried its way through every transient fault must report.
    planned_outcome: str = "succeed"
    poll_rate_limit: float = 10.0
    #: The deadline the harness gave the client for one task (``endpoint["poll_timeout"]``).
    poll_timeout: float = 10.0
    #: How many consecutive polls make "sustained" polling for ``poll-rate``.
    poll_rate_window: int = 5
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def fired_names(self) -> tuple[str, ...]:
        return tuple(spec.split(";", 1)[0] for spec in self.fired)

    @property
    def transient_faults(self) -> tuple[str, ...]:
        """The transient faults that struck this example's requests."""
        return tuple(s for s, n in zip(self.fired, self.fired_names, strict=True)
                     if n in TRANSIENT_FAULTS)


__all__ = ["RETRYABLE_FAULTS", "STUCK", "TRANSIENT_FAULTS", "AdapterRun", "CheckContext"]
