"""Vtrix's backend: generation tasks on the shared engine, with no web framework in sight."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from vidukit.mock_server.engine import Engine
from vidukit.mock_server.media import pricing
from vidukit.mock_server.providers.vtrix.errors import TaskNotFound
from vidukit.mock_server.tasks import Outcome, Progression, Task

PROVIDER_ID = "vtrix"

#: Documented defaults (seed 001).
DEFAULT_DURATION = 5
DEFAULT_RESOLUTION = "720p"
#: What ``duration: 0`` ("auto duration selection") becomes in the mock: the default length.
AUTO_DURATION = DEFAULT_DURATION

def placeholder_cost(resolution: str, seconds: float) -> str:
    """``usage.cost`` as Vtrix writes it: a plain decimal string of USD ("0.065").

    The rates are PLACEHOLDERs (Vtrix publishes none), kept and explained in its spec.
    *seconds* may be a float: JSON Schema's ``integer`` accepts ``5.0``.
    """
    cost = pricing.video_cost("vtrix", resolution, seconds) or Decimal(0)
    return format(cost.normalize(), "f")


class VtrixBackend:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def submit(
        self,
        owner: str,
        body: dict[str, Any],
        *,
        progression: Progression | None,
        outcome: Outcome,
    ) -> Task:
        """Create a task from a validated ``{"model", "input": [{"params": {...}}]}`` body."""
        params: dict[str, Any] = body["input"][0]["params"]
        seconds = params.get("duration", DEFAULT_DURATION) or AUTO_DURATION
        resolution = params.get("resolution", DEFAULT_RESOLUTION)
        meta: dict[str, Any] = {
            "duration_seconds": seconds,
            "resolution": resolution,
            "cost": placeholder_cost(resolution, seconds),
        }
        if "callback_url" in params:
            meta["webhook"] = params["callback_url"]  # delivered by the webhook milestone
        return self.engine.create(
            provider=PROVIDER_ID,
            owner=owner,
            request=body,
            task_id=self.engine.ids.uuid4(),
            progression=progression,
            outcome=outcome,
            meta=meta,
        )

    def result(self, owner: str, task_id: str) -> Task:
        """The task as its owner sees it now; counts as a poll."""
        task = self.engine.poll(PROVIDER_ID, owner, task_id)
        if task is None:
            raise TaskNotFound(f"task {task_id} not found")
        return task
