"""Broken clients that pay twice or leave a paid video behind, and correct clients that
never resubmit after a lost answer (`vidukit verify`'s ``no-double-charge`` and
``collects-what-it-paid-for``).

Each run here draws only what the bug needs: a submit whose answer is lost after the task
was created (`LOST_SUBMIT`), or a poll struck by a fault (`POLL_FAULT`). The correct
clients pass the very same runs, so a catch is the bug's doing.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, ClassVar

from hypothesis import strategies as st

from examples.broken._registry import broken, correct
from examples.common import (
    Ambiguous,
    ApiError,
    ClientError,
    Result,
    RetriesExhausted,
    run_adapter,
)
from examples.novita_client import NovitaClient
from examples.runware_client import TASKS_PATH, RunwareClient, to_wire
from examples.vtrix_client import VtrixClient
from examples.wavespeed_client import SUBMIT_PATH, WaveSpeedClient, prediction
from examples.wavespeed_client import to_wire as wavespeed_wire
from vidukit.contract_tests.harness import Behaviour, Fault

#: The submit's answer is lost after the provider created the task: a 502 (``Retry-After:
#: 0``, so a retrying client costs the run no back-off), a closed connection, a cut body or a
#: gateway's page (the mock's ``phase=after``); the task succeeds.
LOST_FAULTS = ("http-502;phase=after;retry_after=0", "connection-closed;phase=after",
               "truncated-body", "not-json;phase=after;status=502")
#: The documented retryable faults on a submit, before or after it was handled: what
#: --strict-retries and --strict-charges judge together.
RETRYABLE_FAULTS = ("http-429;retry_after=0", "http-503;retry_after=0",
                    "http-500;phase=after;retry_after=0")


def _on_submit(scenarios: tuple[str, ...]) -> st.SearchStrategy[Behaviour]:
    return st.builds(Behaviour, progression=st.sampled_from(["immediate", "polls=1"]),
                     faults=st.tuples(st.builds(Fault, on=st.just("submit"),
                                                scenario=st.sampled_from(scenarios))))


LOST_SUBMIT = _on_submit(LOST_FAULTS)
#: A task that succeeds at once while one 5xx strikes its first poll (``Retry-After: 0``: a
#: correct client's retry costs the run no back-off).
POLL_FAULT = st.builds(
    Behaviour,
    faults=st.tuples(st.builds(Fault, on=st.just("poll"), scenario=st.sampled_from([
        "http-503;retry_after=0", "http-502;retry_after=0", "http-500;retry_after=0"]))),
)
LOST: dict[str, Any] = {"behaviour_strategy": LOST_SUBMIT}
STRICT: dict[str, Any] = {"behaviour_strategy": LOST_SUBMIT, "strict_charges": True}
BOTH_STRICT: dict[str, Any] = {"behaviour_strategy": _on_submit(LOST_FAULTS + RETRYABLE_FAULTS),
                               "strict_charges": True, "strict_retries": True}


# -- paying twice ---------------------------------------------------------------------------


class _BlindWaveSpeed(WaveSpeedClient):
    """Resubmits after a lost answer without looking at the prediction list."""

    def submit(self, request: Mapping[str, Any]) -> dict[str, Any]:
        return prediction(self.api.call("POST", SUBMIT_PATH, json=wavespeed_wire(request)))


@broken("wavespeed", bug="resubmits after a lost submit answer without looking at the "
        "prediction list: two paid predictions for one request", caught_by="no-double-charge",
        **LOST)
def resubmits_blindly(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_BlindWaveSpeed, request, endpoint)


class _FreshUuid(RunwareClient):
    """A new taskUUID for every try: the retry of a lost submit is a second task."""

    def submit(self, request: Mapping[str, Any]) -> str:
        for _ in range(self.api.retry.attempts):
            task_uuid = str(uuid.uuid4())
            try:
                self.api.call("POST", TASKS_PATH, json=to_wire(request, task_uuid),
                              ambiguous="raise")
                return task_uuid
            except ClientError as exc:
                if isinstance(exc, ApiError):
                    raise
        raise RetriesExhausted("every submit was lost")


@broken("runware", bug="draws a new taskUUID for every try of a submit: a lost answer's "
        "retry starts a second paid task", caught_by="no-double-charge", **LOST)
def fresh_uuid_per_try(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_FreshUuid, request, endpoint)


@broken("novita", bug="(--strict-charges) resubmits after a lost submit answer, as the "
        "example does: Novita documents no way to find out, so this trades a second charge "
        "for the request", caught_by="no-double-charge",
        control="examples.broken.charges:never_resubmits", **STRICT)
def blind_resubmit_strict(request: dict[str, Any], endpoint: dict[str, Any]
                          ) -> dict[str, Any]:
    return run_adapter(NovitaClient, request, endpoint)


# -- leaving a paid video behind -----------------------------------------------------------


class _GivesUpOnPollFault(NovitaClient):
    """One failed poll and the client reports failure, though it holds the task id."""

    def result(self, task_id: str) -> Result | None:
        self.api.retry = type(self.api.retry)(attempts=1)
        try:
            return super().result(task_id)
        except RetriesExhausted as exc:
            return Result.failed(task_id, f"poll failed: {exc}")


@broken("novita", bug="gives up on the task at the first failed poll: the video it paid "
        "for finishes and nobody fetches it", caught_by="collects-what-it-paid-for",
        behaviour_strategy=POLL_FAULT)
def abandons_paid_task(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_GivesUpOnPollFault, request, endpoint)


# -- correct: never pays twice -------------------------------------------------------------


class _NeverNovita(NovitaClient):
    ambiguous_submit: ClassVar[Ambiguous] = "raise"


class _NeverVtrix(VtrixClient):
    ambiguous_submit: ClassVar[Ambiguous] = "raise"


_NEVER = "never resubmits after a lost submit answer (retries only a 429 or a refused " \
         "connection) and reports the request failed"


@correct("novita", differs=f"{_NEVER}; under --strict-charges and --strict-retries, with "
         "lost answers, 429s and 5xx striking its submits", **BOTH_STRICT)
def never_resubmits(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_NeverNovita, request, endpoint)


@correct("vtrix", differs=f"{_NEVER}; under --strict-charges", **STRICT)
def gives_up_on_lost_submit(request: dict[str, Any], endpoint: dict[str, Any]
                            ) -> dict[str, Any]:
    return run_adapter(_NeverVtrix, request, endpoint)


@correct("wavespeed", differs="the example client (finds a lost submit's prediction in the "
         "list before it submits again) under --strict-charges and --strict-retries, with "
         "lost answers, 429s and 5xx striking its submits", **BOTH_STRICT)
def finds_lost_submit(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(WaveSpeedClient, request, endpoint)
