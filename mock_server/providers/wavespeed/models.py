"""WaveSpeed's backend: predictions on the shared engine, with no web framework in sight."""

from __future__ import annotations

from typing import Any

from vidukit.mock_server.engine import Engine
from vidukit.mock_server.providers.wavespeed.errors import PredictionNotFound
from vidukit.mock_server.tasks import Outcome, Progression, Task

PROVIDER_ID = "wavespeed"

#: Documented defaults (seed 000), kept with the task for rendering and media.
DEFAULT_DURATION = 5
DEFAULT_RESOLUTION = "720p"


class WaveSpeedBackend:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def submit(
        self,
        owner: str,
        body: dict[str, Any],
        *,
        progression: Progression | None,
        outcome: Outcome,
        webhook: str | None = None,
    ) -> Task:
        """Create a prediction from a validated request body."""
        meta: dict[str, Any] = {
            "duration_seconds": body.get("duration", DEFAULT_DURATION),
            "resolution": body.get("resolution", DEFAULT_RESOLUTION),
        }
        if webhook:
            meta["webhook"] = webhook  # delivered by the webhook milestone (issue 4)
        return self.engine.create(
            provider=PROVIDER_ID,
            owner=owner,
            request=body,
            progression=progression,
            outcome=outcome,
            meta=meta,
        )

    def result(self, owner: str, task_id: str) -> Task:
        """The prediction as its owner sees it now; counts as a poll."""
        task = self.engine.poll(PROVIDER_ID, owner, task_id)
        if task is None:
            raise PredictionNotFound(f"prediction {task_id} not found")
        return task
