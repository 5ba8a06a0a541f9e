"""Broken clients around money: each keeps submitting after the provider said the account
cannot pay (``stops-when-broke``).

A team meets an insufficient-funds answer rarely, in production, when the account runs
dry; a client that files it with the transient faults turns one refusal into a burst
of refused submits and a user who waits for nothing. The bug is the same on every
provider; it is shown on two whose refusals differ (Runware's 402, Novita's 403).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

from examples.broken._registry import broken
from examples.common import ApiError, run_adapter
from examples.novita_client import NovitaClient
from examples.runware_client import RunwareClient
from vidukit.contract_tests.harness import Behaviour

#: The bug is in the submit alone: the explored tasks finish at once, without faults, so
#: the run reaches the broke example the harness adds after exploring in a second or two.
PLAIN: dict[str, Any] = {"transient_faults": False, "behaviour_strategy": st.just(Behaviour())}
#: How often the broken clients try a refused submit again, and how long they wait between.
TRIES = 3
PAUSE = 0.1


class _Resubmits(NovitaClient):
    """"Any error on submit is worth another go": a refusal for want of funds included."""

    def submit(self, request: Mapping[str, Any]) -> str:
        for _ in range(TRIES - 1):
            try:
                return str(super().submit(request))
            except ApiError:
                self.sleep(PAUSE)
        return str(super().submit(request))


@broken("novita", bug="resubmits after 403 NOT_ENOUGH_BALANCE, as if the refusal were "
        "transient", caught_by="stops-when-broke", **PLAIN)
def retries_when_broke(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_Resubmits, request, endpoint)


class _PaysLater(RunwareClient):
    """"402 means the top-up has not landed yet": wait a moment and submit again."""

    def submit(self, request: Mapping[str, Any]) -> str:
        for _ in range(TRIES - 1):
            try:
                return super().submit(request)
            except ApiError as exc:
                if exc.status != 402:
                    raise
                self.sleep(PAUSE)
        return super().submit(request)


@broken("runware", bug="waits and resubmits after 402 (insufficient balance)",
        caught_by="stops-when-broke", **PLAIN)
def retries_after_402(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_PaysLater, request, endpoint)
