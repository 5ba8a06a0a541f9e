"""The policies a provider documents (or the mock chooses for it), as plain data.

Each provider's folder fills one `Policies`; the mock's media, webhook, quota and
pricing modules read them by provider id and hold no table of their own. Types
only: nothing here knows a provider.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

#: Vidu's upstream lifetime of a creation URL (one hour on one page version), for
#: providers that document none.
UPSTREAM_URL_TTL = 3600


@dataclass(frozen=True, slots=True)
class UrlPolicy:
    """How long an output URL works: a fixed TTL, or a request field that overrides it."""

    seconds: int
    #: 403 (a signed URL past its expiry) or 404 (the object was deleted).
    expired_status: int
    #: Request field (top level of the stored request) holding a client-chosen lifetime
    #: in seconds, if any.
    request_field: str | None = None

    def ttl(self, request: Any) -> int:
        if self.request_field is not None and isinstance(request, dict):
            asked = request.get(self.request_field)
            if isinstance(asked, int) and not isinstance(asked, bool) and asked >= 60:
                return asked
        return self.seconds


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    """``retries`` after the first attempt; attempt n+1 waits ``backoff(n)`` after attempt n.

    ``signed``: the provider signs its callbacks (WaveSpeed's ``webhook-*`` headers).
    ``documented``: the retry numbers are the provider's own, not the mock's choice.
    """

    retries: int
    timeout: float
    signed: bool = False
    documented: bool = False
    first_backoff: float = 5.0
    factor: float = 2.0

    @property
    def attempts(self) -> int:
        return 1 + self.retries

    def backoff(self, failed_attempts: int) -> float:
        """Seconds to wait after the *failed_attempts*-th failure (1-based)."""
        return self.first_backoff * self.factor ** (failed_attempts - 1)


#: What the mock uses where a provider documents no delivery policy: 3 retries (what Vidu,
#: the upstream they all resell, documents for its own callbacks) and a 10 s timeout.
UNDOCUMENTED_DELIVERY = DeliveryPolicy(retries=3, timeout=10.0)


@dataclass(frozen=True)
class Limits:
    #: Tasks processing at once per key; excess waits in the queue. None = unlimited.
    concurrency: int | None = None
    #: Submits per key per 60 s; excess is answered 429. None = unlimited.
    per_minute: int | None = None

    def merged(self, **changes: int | None) -> Limits:
        values = {"concurrency": self.concurrency, "per_minute": self.per_minute, **changes}
        return Limits(**values)

    def view(self) -> dict[str, int | None]:
        return {"concurrency": self.concurrency, "per_minute": self.per_minute}

    @property
    def active(self) -> bool:
        return self.concurrency is not None or self.per_minute is not None


@dataclass(frozen=True)
class DriftEdits:
    """How the built-in drift profiles change this provider's poll answer.

    Each pair is (path in the result-response, with ``*`` for any array item; the value).
    """

    #: (path of a field, its new name): ``rename-field``.
    rename: tuple[str, str]
    #: (path of an enum field, a value the schema does not know): ``new-enum-value``.
    new_value: tuple[str, str]
    #: (path of the status, the processing word, a new word for it): ``new-status``.
    new_status: tuple[str, str, str]


@dataclass(frozen=True)
class Policies:
    url: UrlPolicy = field(default_factory=lambda: UrlPolicy(UPSTREAM_URL_TTL, 404))
    delivery: DeliveryPolicy = UNDOCUMENTED_DELIVERY
    #: The limits the provider publishes (the ``documented`` quota profile).
    quotas: Limits = field(default_factory=Limits)
    #: USD per second of video by resolution; None where the provider quotes no price.
    usd_per_second: Mapping[str, Decimal] | None = None


__all__ = [
    "UNDOCUMENTED_DELIVERY",
    "UPSTREAM_URL_TTL",
    "DeliveryPolicy",
    "DriftEdits",
    "Limits",
    "Policies",
    "UrlPolicy",
]
