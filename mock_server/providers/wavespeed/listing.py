"""WaveSpeed's prediction list: ``GET`` or ``POST /api/v3/predictions``, a page of the key's
predictions, newest first.

The Common API page documents ``POST`` with a JSON body (``page``, ``page_size``,
``model``, ``status``, ``created_after``, ``created_before``); what-are-predictions shows a
bare ``GET`` on the same path. Sources disagree on the method, so the mock serves both,
with the same names in the query string of a GET (schemas/wavespeed/prediction-list-request.json
records the choice). It is how a client finds out what a submit whose answer was lost did
(`vidukit.providers.wavespeed.RECOVERY`): the prediction it started is listed.

Listing looks at tasks without polling them (a ``polls=N`` task does not move), and shows
only the asking key's predictions, as the page says ("created by the user or organization
associated with the provided API token").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from vidukit.mock_server.engine import Engine
from vidukit.mock_server.errors import BadRequest
from vidukit.mock_server.providers.wavespeed.models import PROVIDER_ID
from vidukit.mock_server.providers.wavespeed.status import MODEL, STATUS
from vidukit.mock_server.tasks import Task

LIST_PATH = "/api/v3/predictions"
#: "Returns up to 100 records per page" (the documented maximum and default).
MAX_PAGE_SIZE = 100
#: The statuses the page lets a caller filter by.
STATUS_FILTERS = frozenset({"completed", "failed", "processing"})


class BadListing(BadRequest):
    """A list parameter out of its documented range: one line naming each."""


def _integer(name: str, value: Any, low: int, high: int | None) -> int:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadListing(f"{name}: expected an integer, got {value!r}")
    if value < low or (high is not None and value > high):
        bound = f"{low}..{high}" if high is not None else f">= {low}"
        raise BadListing(f"{name}: {value} is out of range ({bound})")
    return value


def _instant(name: str, value: Any) -> float | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadListing(f"{name}: expected an ISO 8601 date-time, got {value!r}")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadListing(f"{name}: {value!r} is not an ISO 8601 date-time") from None
    if moment.tzinfo is None:
        raise BadListing(f"{name}: {value!r} has no time zone (add Z or an offset)")
    return moment.timestamp()


def _text(name: str, value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise BadListing(f"{name}: expected a string, got {value!r}")


class Query:
    """The parameters of one list request, checked (defaults: page 1, 100 a page)."""

    def __init__(self, params: Mapping[str, Any]) -> None:
        unknown = sorted(set(params) - {"page", "page_size", "model", "status",
                                        "created_after", "created_before"})
        if unknown:
            raise BadListing(f"unknown parameter(s): {', '.join(unknown)}")
        self.page = _integer("page", params.get("page", 1), 1, None)
        self.page_size = _integer("page_size", params.get("page_size", MAX_PAGE_SIZE), 1,
                                  MAX_PAGE_SIZE)
        self.model = _text("model", params.get("model"))
        self.status = _text("status", params.get("status"))
        if self.status is not None and self.status not in STATUS_FILTERS:
            raise BadListing(f"status: {self.status!r} is not one of "
                             f"{', '.join(sorted(STATUS_FILTERS))}")
        self.after = _instant("created_after", params.get("created_after"))
        self.before = _instant("created_before", params.get("created_before"))

    def keeps(self, task: Task) -> bool:
        if self.model is not None and self.model != MODEL:
            return False
        if self.status is not None and STATUS[task.state] != self.status:
            return False
        if self.after is not None and task.created_at < self.after:
            return False
        return self.before is None or task.created_at < self.before


def page(engine: Engine, owner: str, query: Query,
         render: Callable[[Task], dict[str, Any]]) -> dict[str, Any]:
    """The ``data`` of a list answer: ``page``, ``total`` and the page's ``items``."""
    mine = [engine.observe(t) for t in engine.store.list(provider=PROVIDER_ID)
            if t.owner == owner]
    kept = sorted((t for t in mine if query.keeps(t)),
                  key=lambda t: t.created_at, reverse=True)
    start = (query.page - 1) * query.page_size
    return {"page": query.page, "total": len(kept),
            "items": [render(t) for t in kept[start:start + query.page_size]]}


__all__ = ["LIST_PATH", "MAX_PAGE_SIZE", "BadListing", "Query", "page"]
