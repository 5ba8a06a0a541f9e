"""The dispatcher's book, kept in the store: which tasks await a callback, and every delivery.

Kept in the store (records, see `vidukit.mock_server.storage`) rather than in the
dispatcher's process so that a persistent store keeps scheduled callbacks
across a restart and a shared store lets several instances serve one
schedule:

- ``webhook-watch``: task id -> the origin and options of a task that will
  call back when it ends;
- ``webhook``: event id -> one `Delivery` (body, due time, state, attempts).
  The event id is fixed by the seed, the task and the part, so two instances
  that both see a task end schedule one delivery (`add` keeps the first).

Whoever changes a delivery first *claims* its due entry (`claim`: atomic, one
winner), then acts, then `save`s it (back on the due list if it still has an
attempt to make). An attempt is so sent by exactly one instance; one cut off
mid-attempt (a crash) is not repeated: at most once, never twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, fields
from typing import Any

from vidukit.mock_server.storage import TaskStore
from vidukit.mock_server.webhooks.options import WebhookOptions
from vidukit.mock_server.webhooks.policy import DeliveryPolicy
from vidukit.mock_server.webhooks.records import Attempt, Delivery

WATCHES = "webhook-watch"
DELIVERIES = "webhook"
SEQUENCE = "webhook-seq"

_ATTEMPT_FIELDS = tuple(f.name for f in fields(Attempt))


def encode(delivery: Delivery) -> dict[str, Any]:
    return {
        "seq": delivery.seq,
        "id": delivery.id,
        "task_id": delivery.task_id,
        "provider": delivery.provider,
        "url": delivery.url,
        "body": delivery.body.decode(),
        "part": delivery.part,
        "parts": delivery.parts,
        "options": asdict(delivery.options),
        "policy": asdict(delivery.policy),
        "finished_at": delivery.finished_at,
        "due": delivery.due,
        "state": delivery.state,
        "attempts": [[getattr(a, name) for name in _ATTEMPT_FIELDS] for a in delivery.attempts],
        "failures": delivery.failures,
        "copies_left": delivery.copies_left,
        "held_once": delivery.held_once,
    }


def decode(record: dict[str, Any]) -> Delivery:
    return Delivery(
        seq=record["seq"],
        id=record["id"],
        task_id=record["task_id"],
        provider=record["provider"],
        url=record["url"],
        body=record["body"].encode(),
        part=record["part"],
        parts=record["parts"],
        options=WebhookOptions(**record["options"]),
        policy=DeliveryPolicy(**record["policy"]),
        finished_at=record["finished_at"],
        due=record["due"],
        state=record["state"],
        attempts=[Attempt(*values) for values in record["attempts"]],
        failures=record["failures"],
        copies_left=record["copies_left"],
        held_once=record["held_once"],
    )


class Book:
    def __init__(self, store: TaskStore) -> None:
        self.store = store

    # -- watched tasks -----------------------------------------------------------------

    def watch(self, task_id: str, origin: str, options: WebhookOptions) -> None:
        self.store.put_record(WATCHES, task_id, {"origin": origin, "options": asdict(options)})

    def unwatch(self, task_id: str) -> tuple[str, WebhookOptions] | None:
        """Stop watching; the origin and options, for the one caller that took them."""
        return _watch(self.store.pop_record(WATCHES, task_id))

    def watch_of(self, task_id: str) -> tuple[str, WebhookOptions] | None:
        return _watch(self.store.get_record(WATCHES, task_id))

    def watched(self) -> list[str]:
        return [task_id for task_id, _ in self.store.records(WATCHES)]

    # -- deliveries --------------------------------------------------------------------

    def next_seq(self) -> int:
        return int(self.store.add_number(SEQUENCE, 1))

    def add(self, delivery: Delivery) -> bool:
        """Schedule *delivery* unless its event is scheduled already (False then)."""
        return self.store.put_record(
            DELIVERIES, delivery.id, encode(delivery), due=_due(delivery), only_new=True
        )

    def claim(self, delivery: Delivery) -> bool:
        """Take *delivery*'s current attempt: True for exactly one caller."""
        return delivery.active and self.store.claim(DELIVERIES, delivery.id, delivery.due)

    def save(self, delivery: Delivery) -> None:
        self.store.put_record(DELIVERIES, delivery.id, encode(delivery), due=_due(delivery))

    def due(self, until: float) -> list[Delivery]:
        return [decode(r) for _, r in self.store.due_records(DELIVERIES, until)]

    def next_due(self, after: float | None = None) -> float | None:
        return self.store.next_due(DELIVERIES, after)

    def all(self) -> list[Delivery]:
        return [decode(r) for _, r in self.store.records(DELIVERIES)]

    def held(self, url: str) -> list[Delivery]:
        return [d for d in self.all() if d.state == "held" and d.url == url]

    def drop(self, deliveries: Iterable[Delivery]) -> None:
        self.store.drop_records(DELIVERIES, [d.id for d in deliveries])

    def clear(self) -> None:
        self.store.drop_records(DELIVERIES, [key for key, _ in self.store.records(DELIVERIES)])
        self.store.drop_records(WATCHES, self.watched())


def _due(delivery: Delivery) -> float | None:
    return delivery.due if delivery.active else None


def _watch(record: dict[str, Any] | None) -> tuple[str, WebhookOptions] | None:
    if record is None:
        return None
    return record["origin"], WebhookOptions(**record["options"])


__all__ = ["DELIVERIES", "SEQUENCE", "WATCHES", "Book", "decode", "encode"]
