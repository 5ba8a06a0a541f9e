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


#: RFC 9110 §15.5.3: "402 (Payment Required) ... reserved for future use": the generic
#: answer for a provider that documents no insufficient-funds form of its own.
HTTP_402 = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.3"


@dataclass(frozen=True)
class Billing:
    """How a provider bills a task and refuses one its key cannot pay for (the mock's ledger).

    The price table is ``Policies.usd_per_second`` when ``unit`` is ``"USD"``; a provider
    that bills in another unit (Vidu's credits) gives its own table in ``per_second``.
    The refusal is the submit's answer when the key's balance cannot cover the task:
    ``status`` and, where the provider's error body names its errors, ``reason`` (the
    provider's ``errors.render`` reads it from the error's ``reason``). The defaults are
    safe for a provider that has not filled this in: HTTP 402, named by nobody.
    """

    status: int = 402
    reason: str | None = None
    #: Where the refusal's status and name come from (an https URL first, as every source).
    source: str = HTTP_402
    #: What a balance and a price are counted in: "USD", or the provider's own unit.
    unit: str = "USD"
    #: The price table in ``unit`` per second by resolution, where ``unit`` is not USD.
    per_second: Mapping[str, Decimal] | None = None


@dataclass(frozen=True)
class Policies:
    url: UrlPolicy = field(default_factory=lambda: UrlPolicy(UPSTREAM_URL_TTL, 404))
    delivery: DeliveryPolicy = UNDOCUMENTED_DELIVERY
    #: The limits the provider publishes (the ``documented`` quota profile).
    quotas: Limits = field(default_factory=Limits)
    #: USD per second of video by resolution; None where the provider quotes no price.
    usd_per_second: Mapping[str, Decimal] | None = None
    #: How tasks are billed and an unpaid submit refused (the mock's ledger and balances).
    billing: Billing = field(default_factory=Billing)

    @property
    def price_table(self) -> Mapping[str, Decimal] | None:
        """The per-second prices the ledger charges, in ``billing.unit``."""
        return self.usd_per_second if self.billing.unit == "USD" else self.billing.per_second


__all__ = [
    "HTTP_402",
    "UNDOCUMENTED_DELIVERY",
    "UPSTREAM_URL_TTL",
    "Billing",
    "DeliveryPolicy",
    "DriftEdits",
    "Limits",
    "Policies",
    "UrlPolicy",
]
