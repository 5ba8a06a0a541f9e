"""Broken fal.ai clients: `examples.fal_client` with one bug each."""

from __future__ import annotations

from typing import Any

from examples.broken._registry import broken
from examples.common import Result, run_adapter
from examples.fal_client import STATUS_PATH, FalClient, read_result

#: Wire bugs have nothing to do with faults: leaving them out keeps the run short.
NO_FAULTS: dict[str, Any] = {"transient_faults": False}


class _NoErrorCheck(FalClient):
    """Takes COMPLETED for success, whatever ``error`` says, and reads the answer it gets."""

    def result(self, task_id: str) -> Result | None:
        status = self.api.call("GET", STATUS_PATH.format(id=task_id))
        if status.get("status") != "COMPLETED":
            return None
        try:
            return read_result(task_id, self.api.call("GET", f"/fal-ai/vidu/requests/{task_id}"))
        except Exception:  # the failed request's error answer: it says "done" anyway
            return Result.succeeded(task_id, str(status.get("response_url", "")))


@broken("fal", bug="takes every COMPLETED status for a success, ignoring its error",
        caught_by="outcome-matches", **NO_FAULTS)
def ignores_error(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_NoErrorCheck, request, endpoint)
