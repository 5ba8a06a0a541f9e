"""Broken Vidu clients: `examples.vidu_client` with one bug each.

Built as `BrokenClient` records but not yet registered in ``BROKEN``: the catalogue's
provider lists (``examples/broken/__init__.py``, ``_catch.PROVIDERS`` and the tests that
count clients per provider) are shared, and a provider arrives without editing them.
``tests/contract/test_vidu_verify.py`` runs each catch and its control the way
``tests/contract/test_broken_clients.py`` runs the registered ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from examples.broken._registry import Adapter, BrokenClient
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
            "state field: never sees a task end", "outcome-matches", budget=5.0),
    _client(reports_cover_url, "reports creations[0].cover_url (the first frame) as the video",
            "outcome-matches"),
)

__all__ = ["CLIENTS", "bearer_auth", "drops_seed", "reads_status_field", "reports_cover_url"]
