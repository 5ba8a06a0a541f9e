"""Broken Vidu clients: `examples.vidu_client` with one bug each.

Built as `BrokenClient` records and registered in ``BROKEN`` at the end of the module
(the package imports every module it holds), so ``tests/contract/test_broken_clients.py``
runs each catch and its control as it does every provider's.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from examples.broken._registry import BROKEN, Adapter, BrokenClient, correct
from examples.broken.charges import BOTH_STRICT, LOST
from examples.common import Result, run_adapter
from examples.vidu_client import CREATIONS_PATH, SUBMIT_PATH, ViduClient, read_creations, to_wire

PROVIDER = "vidu"
NO_FAULTS: Mapping[str, Any] = MappingProxyType({"transient_faults": False})
CONTROL = "examples.vidu_client:adapter"


class _BearerAuth(ViduClient):
    def __init__(self, api_key: str, **options: Any) -> None:
        super().__init__(api_key, **options)
        self.api.headers["Authorization"] = f"Bearer {api_key}"  # "every API takes Bearer"


def bearer_auth(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_BearerAuth, request, endpoint)


class _NoSeed(ViduClient):
    def submit(self, request: Mapping[str, Any]) -> str:
        body = {k: v for k, v in to_wire(request).items() if k != "seed"}
        return str(self.api.call("POST", SUBMIT_PATH, json=body)["task_id"])


def drops_seed(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_NoSeed, request, endpoint)


class _StatusField(ViduClient):
    def result(self, task_id: str) -> Result | None:
        body = self.api.call("GET", CREATIONS_PATH.format(id=task_id))
        # The callback page calls the field "status"; the body's field is state.
        return read_creations(task_id, {**body, "state": body.get("status")})


def reads_status_field(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_StatusField, request, endpoint)


class _CoverAsVideo(ViduClient):
    def result(self, task_id: str) -> Result | None:
        body = self.api.call("GET", CREATIONS_PATH.format(id=task_id))
        found = read_creations(task_id, body)
        if found is not None and found.status == "succeeded":
            return Result.succeeded(task_id, body["creations"][0]["cover_url"])
        return found


def reports_cover_url(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_CoverAsVideo, request, endpoint)


class _Blind(ViduClient):
    """Resubmits after a lost answer without looking at the task list."""

    def submit(self, request: Mapping[str, Any]) -> str:
        return str(self.api.call("POST", SUBMIT_PATH, json=to_wire(request))["task_id"])


def resubmits_blindly(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_Blind, request, endpoint)


@correct(PROVIDER, differs="the example client (finds a lost submit's task in the task list "
         "before it submits again) under --strict-charges and --strict-retries, with lost "
         "answers, 429s and 5xx striking its submits", **BOTH_STRICT)
def finds_lost_submit(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(ViduClient, request, endpoint)


def _client(adapter: Adapter, bug: str, caught_by: str, **options: Any) -> BrokenClient:
    return BrokenClient(name=f"{PROVIDER}-{adapter.__name__.replace('_', '-')}",
                        provider=PROVIDER, bug=bug, caught_by=caught_by, adapter=adapter,
                        options=MappingProxyType({**NO_FAULTS, **options}), control=CONTROL)


CLIENTS: tuple[BrokenClient, ...] = (
    _client(bearer_auth, "sends 'Authorization: Bearer <key>' (Vidu takes Token): every "
            "submit is a 401", "requests-valid"),
    _client(drops_seed, "drops the seed: a fixed-seed request comes out random",
            "request-faithful"),
    _client(reads_status_field, "reads 'status' (the callback page's word) instead of the "
            "state field: never sees a task end, and polls on past it", "no-poll-after-terminal",
            budget=5.0),
    _client(reports_cover_url, "reports creations[0].cover_url (the first frame) as the video",
            "outcome-matches"),
    _client(resubmits_blindly, "resubmits after a lost submit answer without looking at the "
            "task list: two paid tasks for one request", "no-double-charge", **LOST),
)

BROKEN.extend(CLIENTS)

__all__ = ["CLIENTS", "bearer_auth", "drops_seed", "finds_lost_submit", "reads_status_field",
           "reports_cover_url", "resubmits_blindly"]
