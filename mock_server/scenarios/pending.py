"""The admin API's pending scenario choices, kept in the store and used up atomically.

``POST /_mock/scenarios`` chooses a scenario for "the next N requests (or
tasks)". With several workers or instances behind one address the choice
is made on one of them and the next request may land on any other, so the
choices live in the store (records of space ``scenario-pending``) and each
use is taken with one atomic step on a store number (``scenario-left:<id>``):
N instances together apply a choice exactly N times.

`PendingChoices` reads like the list it replaces: iterate, ``len``,
``append``, ``clear``; `take` is the one new verb.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from vidukit.mock_server.scenarios.spec import Scenario
from vidukit.mock_server.storage import TaskStore

#: What a pending admin choice counts down: the tasks it fails, or the requests it answers.
Target = Literal["tasks", "requests"]


@dataclass
class Pending:
    """An admin choice waiting for its requests or tasks."""

    id: int
    scenario: Scenario
    target: Target
    remaining: int
    provider: str | None = None

    def matches(self, provider: str, operation: str | None) -> bool:
        if self.provider is not None and self.provider != provider:
            return False
        if not self.scenario.entry.supports(provider):
            return False
        if operation is None:
            return True
        return self.scenario.get("on", "any") in ("any", operation)

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "scenario": self.scenario.spec(),
            "for": self.target,
            "remaining": self.remaining,
            "provider": self.provider,
        }

SPACE = "scenario-pending"
IDS = "scenario-pending-ids"


def _left(choice_id: int) -> str:
    return f"scenario-left:{choice_id}"


class PendingChoices:
    def __init__(self, store: TaskStore) -> None:
        self.store = store

    def next_id(self) -> int:
        return int(self.store.add_number(IDS, 1))

    def append(self, pending: Pending) -> None:
        record: dict[str, Any] = {
            "id": pending.id,
            "scenario": pending.scenario.spec(),
            "target": pending.target,
            "provider": pending.provider,
        }
        self.store.add_number(_left(pending.id), pending.remaining)
        self.store.put_record(SPACE, str(pending.id), record)

    def take(self, pending: Pending) -> bool:
        """Use *pending* once: True if a use was left (for this caller alone)."""
        left = self.store.add_number(_left(pending.id), -1)
        if left <= 0:
            self.store.drop_records(SPACE, [str(pending.id)])
        pending.remaining = max(0, int(left))
        return left >= 0

    def clear(self) -> None:
        self.store.drop_records(SPACE, [key for key, _ in self.store.records(SPACE)])

    def __len__(self) -> int:
        return len(self.store.records(SPACE))

    def __iter__(self) -> Iterator[Pending]:
        records = self.store.records(SPACE)
        if not records:  # the usual case, on every request: keep it cheap
            return iter(())
        choices = []
        for _, record in records:
            remaining = int(self.store.read_number(_left(record["id"])))
            if remaining > 0:
                scenario = Scenario.parse(record["scenario"])
                choices.append(
                    Pending(record["id"], scenario, record["target"], remaining, record["provider"])
                )
        return iter(choices)


__all__ = ["IDS", "SPACE", "PendingChoices"]
