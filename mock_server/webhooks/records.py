"""What the webhook journal keeps: one `Delivery` per callback, each with its `Attempt`s.

A delivery is one event (one body, one ``webhook-id``) for one task and URL;
Runware, which calls "once per result", makes one per video. Retries and
duplicate copies are attempts of the same delivery, so the journal reads as
"this event: tried 3 times, delivered on the 3rd, then sent once more".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from vidukit.mock_server.clock import iso_ms
from vidukit.mock_server.webhooks.options import WebhookOptions
from vidukit.mock_server.webhooks.policy import DeliveryPolicy

#: scheduled: waiting for its next attempt; held: out-of-order, waiting for another
#: callback to overtake it; delivered: a 2xx came back; gave-up: every attempt failed;
#: lost: the ``lost`` option (or a drift profile) kept it from ever being sent;
#: superseded: a failed callback showing its task under way, not retried once a later
#: callback of the task (its end) was delivered.
DeliveryState = Literal["scheduled", "held", "delivered", "gave-up", "lost", "superseded"]
AttemptKind = Literal["first", "retry", "duplicate"]


@dataclass(slots=True)
class Attempt:
    number: int
    kind: AttemptKind
    at: float
    url: str
    status: int | None
    latency_ms: float
    error: str | None
    #: Signed providers only: "valid", or "bad" when the bad-signature option signed it wrongly.
    signature: str | None = None
    #: Not sent at all: the URL is outside what this server may call (``webhook_targets``).
    refused: bool = False

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def to_dict(self) -> dict[str, Any]:
        return {
            "attempt": self.number,
            "kind": self.kind,
            "at": iso_ms(self.at),
            "url": self.url,
            "status": self.status,
            "ok": self.ok,
            "latency_ms": self.latency_ms,
            "error": self.error,
            "signature": self.signature,
        }


@dataclass(slots=True)
class Delivery:
    seq: int
    id: str
    task_id: str
    provider: str
    url: str
    body: bytes
    #: 1-based position among the task's callbacks (Runware: one per result), and how many.
    part: int
    parts: int
    options: WebhookOptions
    policy: DeliveryPolicy
    #: When the task ended; the first attempt is due then plus the delay option.
    finished_at: float
    due: float
    state: DeliveryState = "scheduled"
    attempts: list[Attempt] = field(default_factory=list)
    failures: int = 0
    copies_left: int = 0
    #: An out-of-order delivery is held once; after that it goes out like any other.
    held_once: bool = False

    @property
    def active(self) -> bool:
        return self.state in ("scheduled", "held")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "task_id": self.task_id,
            "provider": self.provider,
            "url": self.url,
            "part": self.part,
            "parts": self.parts,
            "state": self.state,
            "options": self.options.spec(),
            "finished_at": iso_ms(self.finished_at),
            "next_attempt_at": iso_ms(self.due) if self.active else None,
            "max_attempts": self.policy.attempts,
            "timeout_seconds": self.policy.timeout,
            "attempts": [a.to_dict() for a in self.attempts],
            "body": json.loads(self.body),
        }


__all__ = ["Attempt", "AttemptKind", "Delivery", "DeliveryState"]
