"""How long each provider's output URL works, and what its storage answers afterwards.

The lifetime counts from the moment the task succeeded, on the mock's clock
(a virtual clock advanced past it expires the URL without waiting). A task
a scenario marked ``meta["expired"] = True`` answers as expired at once.
Each provider's rule is its spec's ``policies.url`` (a TTL, or a request field
that overrides it, and the status after it).

Which status a provider's storage really answers is UNCONFIRMED for every
provider: a signed URL past its expiry is answered 403 ``Request has expired``
by S3-style storage, a deleted object 404 ``NoSuchKey``; the mock follows
that split (a TTL printed next to the URL reads as a signature's expiry, a
retention period as deletion). Vidu's own page says one hour on one version
and 24 hours on another (README §6): the hour is used where a provider
documents nothing.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from vidukit.mock_server.engine.lifecycle import SUCCEEDED
from vidukit.mock_server.tasks import Task
from vidukit.providers import specs
from vidukit.providers.policies import UPSTREAM_URL_TTL, UrlPolicy

XML_TYPE = "application/xml"


#: For a provider whose spec cannot be found (a task from another version's store).
DEFAULT_POLICY = UrlPolicy(UPSTREAM_URL_TTL, 404)


def policy(provider: str) -> UrlPolicy:
    found = specs().get(provider)
    return found.policies.url if found is not None else DEFAULT_POLICY


def issued_at(task: Task) -> float | None:
    """When the URL started to work: the moment the task succeeded (None before)."""
    return task.entered.get(SUCCEEDED) if task.state == SUCCEEDED else None


def expires_at(task: Task) -> float | None:
    """When the URL stops working (None while the task has no output)."""
    start = issued_at(task)
    if start is None:
        return None
    if task.meta.get("expired") is True:
        return start
    return start + policy(task.provider).ttl(task.request)


def is_expired(task: Task, now: float) -> bool:
    end = expires_at(task)
    return end is not None and now >= end


def _stamp(epoch: float) -> str:
    """S3's timestamp form (``2026-01-01T01:00:00Z``): formats a given time, reads no clock."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(epoch)))


def expired_answer(task: Task, key: str, now: float) -> tuple[int, str]:
    """(status, XML body) the provider's storage answers for an expired URL."""
    rule = policy(task.provider)
    request_id = hashlib.sha256(f"{task.id}:{key}".encode()).hexdigest()[:16].upper()
    if rule.expired_status == 403:
        end = expires_at(task)
        fields: list[tuple[str, Any]] = [
            ("Code", "AccessDenied"),
            ("Message", "Request has expired"),
            ("X-Amz-Expires", rule.ttl(task.request)),
            ("Expires", _stamp(end if end is not None else now)),
            ("ServerTime", _stamp(now)),
            ("RequestId", request_id),
        ]
    else:
        fields = [
            ("Code", "NoSuchKey"),
            ("Message", "The specified key does not exist."),
            ("Key", key),
            ("RequestId", request_id),
        ]
    inner = "".join(f"<{name}>{_escape(str(value))}</{name}>" for name, value in fields)
    return rule.expired_status, f'<?xml version="1.0" encoding="UTF-8"?>\n<Error>{inner}</Error>'


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = [
    "DEFAULT_POLICY",
    "UPSTREAM_URL_TTL",
    "XML_TYPE",
    "UrlPolicy",
    "expired_answer",
    "expires_at",
    "is_expired",
    "issued_at",
    "policy",
]
