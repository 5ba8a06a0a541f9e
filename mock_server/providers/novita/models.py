"""The v3 async backend (Novita; MyRouter subclasses it), with no web framework in sight.

Tasks belong to one provider and one key: a MyRouter task is not found on
Novita's paths and another key's task is not found either, exactly as an
unknown id.
"""

from __future__ import annotations

from typing import Any, ClassVar

from vidukit.mock_server.engine import Engine
from vidukit.mock_server.providers.novita.errors import TaskNotFound
from vidukit.mock_server.providers.novita.status import DEFAULT_FAILURE_CODE
from vidukit.mock_server.tasks import Outcome, Progression, Task

#: Documented default (seed 004), kept with the task for the media route.
DEFAULT_DURATION = 5
DEFAULT_RESOLUTION = "720p"


class V3AsyncBackend:
    """Submit and task-result of a v3 async API; ``provider_id`` names whose tasks these are."""

    provider_id: ClassVar[str] = "novita"

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
        """Create a task from a validated request body."""
        meta: dict[str, Any] = {
            "duration_seconds": body.get("duration", DEFAULT_DURATION),
            "resolution": body.get("resolution", DEFAULT_RESOLUTION),
        }
        webhook = body.get("extra", {}).get("webhook")
        if webhook is not None:
            meta["webhook"] = webhook["url"]  # delivered by mock_server.webhooks
            meta["webhook_request"] = webhook  # echoed in extra.webhook, as Novita's example does
            test_mode = webhook.get("test_mode", {})
            if test_mode.get("enabled"):
                # Test Mode: no generation; the event reports the chosen status at once
                # (TASK_STATUS_SUCCEED unless TASK_STATUS_FAILED is asked for: UNCONFIRMED).
                progression = Progression("immediate")
                failed = test_mode.get("return_task_status") == "TASK_STATUS_FAILED"
                outcome = Outcome("fail", DEFAULT_FAILURE_CODE) if failed else Outcome("succeed")
        task_id = self.engine.ids.uuid4()
        meta.update(self.extra_meta())
        return self.engine.create(
            provider=self.provider_id,
            owner=owner,
            request=body,
            task_id=task_id,
            progression=progression,
            outcome=outcome,
            meta=meta,
        )

    def extra_meta(self) -> dict[str, Any]:
        """What a clone keeps with each new task besides the common fields."""
        return {}

    def result(self, owner: str, task_id: str) -> Task:
        """The task as its owner sees it now; counts as a poll."""
        task = self.engine.poll(self.provider_id, owner, task_id)
        if task is None:
            raise TaskNotFound(f"task {task_id} not found")
        return task


class NovitaBackend(V3AsyncBackend):
    provider_id = "novita"
