"""Provider behaviours the harness draws for each example, and how they are written.

A `Behaviour` is what the mock does with the example's task: how it
progresses (``immediate``, ``polls=N``, a short real-time queue ``time=Q,P``),
how it ends (success, or one of the documented task-error categories), whether
every answer carries undeclared fields (the mock's ``extra-fields`` scenario),
which answer form an official SDK is coded for the task shows (an SDK-form
scenario the provider's spec lists: WaveSpeed's ``cancelled``, Runware's failure
inside ``data``, ...), and which transient faults strike the client's submits or
polls, and how many times. The strategies shrink towards the plainest behaviour:
immediate success, no extra fields, no SDK form, no faults.

Everything is steered through the admin API (the team's client cannot be made
to send ``X-Mock-*`` headers): ``PUT /_mock/progression`` for the progression
and the outcome, ``POST /_mock/scenarios`` for the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Final, Literal

from hypothesis import strategies as st

from vidukit.contract_tests.checks import RETRYABLE_FAULTS, STUCK
from vidukit.mock_server.scenarios import CATEGORY_CODES
from vidukit.mock_server.scenarios.catalogue import FORM_OUTCOMES
from vidukit.providers import spec

#: Task outcomes: success, or ``fail-<category>`` (the catalogue's documented task errors).
OUTCOMES: Final[tuple[str, ...]] = ("succeed", *(f"fail-{c}" for c in CATEGORY_CODES))
#: A task that reaches processing and never finishes (drawn after the others, so examples
#: shrink away from it): the client must give up by its own deadline (``gives-up``).
STUCK_OUTCOME: Final = STUCK
#: Most polls a drawn ``polls=N`` asks for: enough for "after many", few enough to stay fast.
MAX_POLLS: Final = 5
#: How often one fault strikes in a row: "a few times", within any sane retry budget. Each
#: costs the client a real back-off (about 1 s in the example clients), hence so few.
MAX_FAULT_REPEATS: Final = 2
#: The outcome of a task drawn to succeed when the SDK form drawn with it ends it failed
#: (``cancelled``): any failure serves, the form decides what the answers show.
FORM_FAILURE: Final = "fail-internal"

Operation = Literal["submit", "poll"]


@dataclass(frozen=True)
class Fault:
    """A request scenario striking the next ``count`` submits or polls of the provider."""

    scenario: str
    on: Operation = "poll"
    count: int = 1

    @property
    def name(self) -> str:
        return self.scenario.split(";", 1)[0]

    @property
    def retryable(self) -> bool:
        """A fault the providers document as retryable (429, 5xx)."""
        return self.name in RETRYABLE_FAULTS

    def describe(self) -> str:
        return f"{self.scenario} x{self.count} on {self.on}"


@dataclass(frozen=True)
class Behaviour:
    """What the mock does in one example (see the module docstring)."""

    progression: str = "immediate"
    outcome: str = "succeed"
    extra_fields: bool = False
    faults: tuple[Fault, ...] = ()
    #: Webhook mode: the delivery quirks of the task's callback (``X-Mock-Webhook`` syntax).
    webhook: str = ""
    #: The SDK-form scenario every task of the example carries ("" for none). The mock
    #: applies one task scenario per task, so it never comes with ``extra_fields``.
    form: str = ""
    #: The key's balance is 0: every submit gets the provider's insufficient-funds answer
    #: (``stops-when-broke``). Never drawn: the harness runs one such example of its own.
    broke: bool = False

    def __post_init__(self) -> None:
        if self.form and self.extra_fields:
            raise ValueError("a behaviour has an SDK form or extra fields, not both (the mock "
                             "applies one task scenario per task)")
        if self.form and FORM_OUTCOMES.get(self.form) == "fail" and not (
                self.outcome.startswith("fail-")):
            raise ValueError(f"the SDK form {self.form!r} ends the task failed; its outcome "
                             f"must be a fail-* one, not {self.outcome!r}")

    def failure_code(self, provider: str) -> str | None:
        """The provider's task error code for this outcome; None for success or stuck."""
        if self.outcome in ("succeed", STUCK):
            return None
        return CATEGORY_CODES[self.outcome.removeprefix("fail-")][provider]

    def describe(self) -> str:
        parts = [f"progression {self.progression}", f"outcome {self.outcome}"]
        if self.extra_fields:
            parts.append("undeclared fields in every answer (extra-fields)")
        if self.form:
            parts.append(f"SDK form {self.form}")
        parts.append("faults: " + (", ".join(f.describe() for f in self.faults) or "none"))
        if self.webhook:
            parts.append(f"callback delivery: {self.webhook}")
        if self.broke:
            parts.append("the key's balance is 0 (every submit is refused for want of funds)")
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "progression": self.progression,
            "outcome": self.outcome,
            "extra_fields": self.extra_fields,
            "faults": [{"scenario": f.scenario, "on": f.on, "count": f.count}
                       for f in self.faults],
            "webhook": self.webhook,
            "form": self.form,
            "broke": self.broke,
        }


def task_forms(provider: str) -> tuple[str, ...]:
    """The SDK-form scenarios a polling client of *provider* can meet, in catalogue order:
    those its spec lists (``scenarios``), less the callback-only ones (``webhook-*``)."""
    offered = spec(provider).scenarios
    return tuple(name for name in FORM_OUTCOMES
                 if name in offered and not name.startswith("webhook-"))


def _with_form(behaviour: Behaviour, form: str) -> Behaviour:
    """*behaviour* with the SDK form *form*, made consistent: no form for a task that never
    finishes; a form that ends the task failed turns a success into `FORM_FAILURE`."""
    if not form or behaviour.outcome == STUCK:
        return behaviour
    outcome = behaviour.outcome
    if FORM_OUTCOMES[form] == "fail" and not outcome.startswith("fail-"):
        outcome = FORM_FAILURE
    return replace(behaviour, form=form, outcome=outcome, extra_fields=False)


def progressions(max_polls: int = MAX_POLLS) -> st.SearchStrategy[str]:
    """Completion at once, on the first poll or after many, or after a short real queue."""
    queued = st.sampled_from(["0.1", "0.3"])
    return st.one_of(
        st.just("immediate"),
        st.integers(min_value=1, max_value=max_polls).map("polls={}".format),
        st.tuples(queued, queued).map(lambda qp: f"time={qp[0]},{qp[1]}"),
    )


def _status_fault(code: int) -> st.SearchStrategy[str]:
    if code == 429:  # documented with Retry-After; 1 s is the smallest honest wait
        return st.just("http-429;retry_after=1")
    return st.sampled_from([f"http-{code}", f"http-{code};retry_after=1"])


def fault_scenarios(retryable_only: bool = False) -> st.SearchStrategy[str]:
    """Transient faults in the mock's scenario syntax."""
    statuses = st.one_of(*(_status_fault(code) for code in (429, 503, 500, 502, 504)))
    if retryable_only:
        return statuses
    return st.one_of(
        statuses,
        st.sampled_from(["truncated-body", "truncated-body;mode=short-read"]),
        st.sampled_from(["not-json;status=502", "not-json;status=503", "not-json"]),
        st.sampled_from(["connection-closed", "connection-closed;phase=after"]),
    )


def faults(retryable_only: bool = False) -> st.SearchStrategy[Fault]:
    return st.builds(
        Fault,
        scenario=fault_scenarios(retryable_only),
        on=st.sampled_from(["poll", "submit"]),
        count=st.integers(min_value=1, max_value=MAX_FAULT_REPEATS),
    )


def behaviours(
    *,
    transient_faults: bool = True,
    max_polls: int = MAX_POLLS,
    max_faults: int = 2,
    retryable_only: bool = False,
    stuck: bool = True,
    forms: tuple[str, ...] = (),
) -> st.SearchStrategy[Behaviour]:
    """Behaviours to explore; *transient_faults* False draws none (faster, narrower).

    At most one fault per operation (submit, poll), so *max_faults* is capped at 2;
    *retryable_only* draws only the documented retryable faults (429, 5xx); *stuck*
    False never draws a task that never finishes; *forms* are the SDK-form scenarios
    to draw from (`task_forms`), each as likely as none.
    """
    fault_lists: st.SearchStrategy[tuple[Fault, ...]] = st.just(())
    if transient_faults and max_faults > 0:
        # Half the examples see no fault at all; the others one kind per operation, so a
        # call meets at most MAX_FAULT_REPEATS faults in a row.
        some = st.lists(faults(retryable_only), min_size=1, max_size=min(max_faults, 2),
                        unique_by=lambda f: f.on)
        fault_lists = st.one_of(fault_lists, some.map(tuple))
    plain = st.builds(
        Behaviour,
        progression=progressions(max_polls),
        outcome=st.sampled_from((*OUTCOMES, STUCK_OUTCOME) if stuck else OUTCOMES),
        extra_fields=st.booleans(),
        faults=fault_lists,
    )
    if not forms:
        return plain
    # "" first, so examples shrink to no form; each form as likely as none.
    return st.builds(_with_form, plain, st.sampled_from(("", *forms)))


__all__ = [
    "FORM_FAILURE",
    "MAX_FAULT_REPEATS",
    "MAX_POLLS",
    "OUTCOMES",
    "STUCK_OUTCOME",
    "Behaviour",
    "Fault",
    "behaviours",
    "fault_scenarios",
    "faults",
    "progressions",
    "task_forms",
]
