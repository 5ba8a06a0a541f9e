"""Each provider's lifecycle on the wire, read from its spec: submit, poll, what a poll shows.

Nothing here knows a provider: the paths, task ids, status words, output URL and
failure code come from each spec's `Wire` (``vidukit/providers/<id>/``), where a
callback URL goes from `ProviderSpec.webhook`, a key carried in the body from
`ProviderSpec.credentials`, and client-chosen task ids from
`Translation.for_live`. The submit bodies are the catalogue's own valid fixtures
(``fixtures/<p>/submit-request/valid``), so the soak sends the whole variety the
schemas accept, not one happy body. Every callback field a fixture carries is
pointed at the soak's receiver (or removed), so the mock never calls outside
loopback.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from soak_http import Answer, Request

from vidukit.providers import provider_ids, spec
from vidukit.providers.wire import FAILED as FAILED_RANK
from vidukit.providers.wire import SUCCEEDED as SUCCEEDED_RANK

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
#: Every provider the toolkit knows, discovered from the provider folders.
PROVIDERS: tuple[str, ...] = provider_ids()

RUNNING, SUCCEEDED, FAILED = "running", "succeeded", "failed"


@dataclass
class Look:
    """What one poll showed for one task."""

    state: str
    url: str | None = None
    code: str | None = None


@dataclass
class Submission:
    request: Request
    #: The task ids the client chose itself (empty where the provider chooses them).
    chosen: list[str] = field(default_factory=list)


def load_bodies(provider: str) -> list[Any]:
    folder = FIXTURES / provider / "submit-request" / "valid"
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


def takes_webhooks(provider: str) -> bool:
    return spec(provider).webhook is not None


def submission(provider: str, base: str, key: str, template: Any, hook: str | None) -> Submission:
    """The submit of *template* as this client sends it: its own key, fresh task ids where
    the client chooses them, and the callback pointed at *hook* (or removed)."""
    found = spec(provider)
    body = found.credentials(found.translation.for_live(copy.deepcopy(template)), key)
    params: dict[str, str] = {}
    if found.webhook is not None:
        body, query = found.webhook(body, hook)
        params.update(query or {})
    call = found.wire.submit(body)
    params = {**(call.params or {}), **params}
    request = Request(provider, "submit", call.method, f"{base}/{provider}{call.path}", key,
                      "submit-response", call.json, params or None)  # fmt: skip
    return Submission(request, chosen=found.wire.task_ids(call.json, None))


def submitted_ids(provider: str, sub: Submission, answer: Answer) -> list[str] | None:
    """The task ids a 200 submit answer gives, or None when it gives none it should (or
    does not acknowledge every task the client chose)."""
    if answer.status != 200:
        return None
    ids = spec(provider).wire.task_ids(sub.request.json_body, answer.body)
    if not ids or (sub.chosen and ids != sub.chosen):
        return None
    return ids


def poll_request(provider: str, base: str, key: str, task_id: str) -> Request:
    call = spec(provider).wire.poll(task_id)
    return Request(provider, "poll", call.method, f"{base}/{provider}{call.path}", key,
                   "result-response", call.json,
                   dict(call.params) if call.params else None)  # fmt: skip


def read_poll(provider: str, body: Any, task_id: str) -> Look | None:
    """What a 200 poll answer shows for the task; None when it does not say."""
    wire = spec(provider).wire
    word = wire.status("result-response", body, task_id)
    rank = wire.ranks.get(word) if word is not None else None
    if rank is None:
        return None
    if rank == SUCCEEDED_RANK:
        return Look(SUCCEEDED, url=wire.output_url(body, task_id))
    if rank == FAILED_RANK:
        return Look(FAILED, code=wire.error_code(body, task_id))
    return Look(RUNNING)


__all__ = [
    "FAILED",
    "PROVIDERS",
    "RUNNING",
    "SUCCEEDED",
    "Look",
    "Submission",
    "load_bodies",
    "poll_request",
    "read_poll",
    "submission",
    "submitted_ids",
    "takes_webhooks",
]
