"""fal.ai's backend: queue requests on the shared engine, with no web framework in sight."""

from __future__ import annotations

from typing import Any, Literal

from vidukit.mock_server.engine import FAILED, SUCCEEDED, Engine
from vidukit.mock_server.tasks import Outcome, Progression, Task

from .errors import RequestNotFound
from .status import CANCELLED

PROVIDER_ID = "fal"

#: The documented defaults (submit-request.json), kept with the task for prices and media.
DEFAULT_DURATION = 4
DEFAULT_RESOLUTION = "720p"
#: duration 0 lets the model choose (auto): the mock renders the default length.
AUTO_DURATION = 0

Cancelled = Literal["CANCELLATION_REQUESTED", "ALREADY_COMPLETED"]


class Backend:
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
        """Queue a request from a validated body."""
        duration = body.get("duration", DEFAULT_DURATION)
        meta: dict[str, Any] = {
            "duration_seconds": DEFAULT_DURATION if duration == AUTO_DURATION else duration,
            "resolution": body.get("resolution", DEFAULT_RESOLUTION),
        }
        if webhook:
            meta["webhook"] = webhook
        return self.engine.create(
            provider=PROVIDER_ID,
            owner=owner,
            request=body,
            progression=progression,
            outcome=outcome,
            meta=meta,
        )

    def look(self, owner: str, request_id: str) -> Task:
        """The request as its owner sees it now; counts as a poll."""
        task = self.engine.poll(PROVIDER_ID, owner, request_id)
        if task is None:
            raise RequestNotFound(f"Request {request_id} not found")
        return task

    def cancel(self, owner: str, request_id: str) -> Cancelled:
        """Cancel a queued or running request: it ends at once, COMPLETED with the error
        ``request_cancelled`` (fal removes a queued request and signals a running one;
        the mock's app stops at the signal). A finished request stays as it is."""
        task = self.look(owner, request_id)
        if task.state in (SUCCEEDED, FAILED):
            return "ALREADY_COMPLETED"
        self.engine.force(task.id, Outcome("fail", CANCELLED))
        return "CANCELLATION_REQUESTED"
