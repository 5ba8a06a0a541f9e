"""How long each provider's output URL works, and what its storage answers afterwards.

The lifetime counts from the moment the task succeeded, on the mock's clock
(a virtual clock advanced past it expires the URL without waiting). A task
a scenario marked ``meta["expired"] = True`` answers as expired at once.

- novita, myrouter: ``video_url_ttl`` = 3600 s, then 403 ``AccessDenied``
  (the documented TTL of a signed URL; seeds 002/004 and the jiekou doc).
- vtrix: 3600 s, then 403 ``AccessDenied`` (undocumented: Vidu's hour and
  Vidu's signed storage URLs).
- wavespeed: 7 days, then 404 ``NoSuchKey`` (WaveSpeed's only documented
  lifetime: predictions are kept 7 days).
- runware: ``ttl`` when the task sent one (>= 60 s), else 3600 s, then 404
  ``NoSuchKey`` (``ttl`` is the result URL's lifetime; its default is
  undocumented, so Vidu's hour).

Which status a provider's storage really answers is UNCONFIRMED for all
five: a signed URL past its expiry is answered 403 ``Request has expired``
by S3-style storage, a deleted object 404 ``NoSuchKey``; the mock follows
that split (a TTL printed next to the URL reads as a signature's expiry, a
retention period as deletion). Vidu's own page says one hour on one version
and 24 hours on another (README §6): the hour is used.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

from vidukit.mock_server.engine.lifecycle import SUCCEEDED
from vidukit.mock_server.tasks import Task

#: Novita's documented ``video_url_ttl`` (also MyRouter's); the provider sends this value.
NOVITA_VIDEO_URL_TTL = 3600
#: Vidu's upstream lifetime of a creation URL, for providers that document none.
VIDU_URL_TTL = 3600
#: WaveSpeed keeps predictions 7 days (what-are-predictions, "data retention").
WAVESPEED_RETENTION = 7 * 24 * 3600

XML_TYPE = "application/xml"


@dataclass(frozen=True, slots=True)
class UrlPolicy:
    """A provider's URL lifetime rule: a fixed TTL, or a request field that overrides it."""

    seconds: int
    #: 403 (a signed URL past its expiry) or 404 (the object was deleted).
    expired_status: int
    #: Request field (top level) holding a client-chosen lifetime in seconds, if any.
    request_field: str | None = None

    def ttl(self, task: Task) -> int:
        if self.request_field is not None and isinstance(task.request, dict):
            asked = task.request.get(self.request_field)
            if isinstance(asked, int) and not isinstance(asked, bool) and asked >= 60:
                return asked
        return self.seconds


POLICIES: dict[str, UrlPolicy] = {
    "novita": UrlPolicy(NOVITA_VIDEO_URL_TTL, 403),
    "myrouter": UrlPolicy(NOVITA_VIDEO_URL_TTL, 403),
    "vtrix": UrlPolicy(VIDU_URL_TTL, 403),
    "wavespeed": UrlPolicy(WAVESPEED_RETENTION, 404),
    "runware": UrlPolicy(VIDU_URL_TTL, 404, request_field="ttl"),
}
#: For a provider added later without its own row.
DEFAULT_POLICY = UrlPolicy(VIDU_URL_TTL, 404)


def policy(provider: str) -> UrlPolicy:
    return POLICIES.get(provider, DEFAULT_POLICY)


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
    return start + policy(task.provider).ttl(task)


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
            ("X-Amz-Expires", rule.ttl(task)),
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
    "NOVITA_VIDEO_URL_TTL",
    "POLICIES",
    "VIDU_URL_TTL",
    "WAVESPEED_RETENTION",
    "XML_TYPE",
    "UrlPolicy",
    "expired_answer",
    "expires_at",
    "is_expired",
    "issued_at",
    "policy",
]
