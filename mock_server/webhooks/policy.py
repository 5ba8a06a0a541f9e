"""How each provider delivers a callback: signed or not, attempts, timeout, backoff.

Only Novita documents its policy ("up to 5 retries if the endpoint times out
(5 s) or returns non-2xx"); MyRouter, its clone, is assumed to do the same.
WaveSpeed, Vtrix and Runware say nothing (UNCONFIRMED): the mock gives them 3
retries, the number Vidu, the upstream they all resell, documents for its own
callbacks, and a 10 s timeout. Nobody documents the backoff: the mock waits
5 s, then doubles (5, 10, 20, 40, 80 s), on the mock's clock, so a virtual
clock walks through a whole retry schedule in one advance.

Kept apart from the dispatcher (and free of imports) so `MockConfig` can name
the default secret without pulling the delivery machinery in.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The mock's WaveSpeed webhook secret unless configured otherwise (``MockConfig.webhook_secret``,
#: ``PUT /_mock/webhooks``). A fixed, documented TEST value: never a real account's.
DEFAULT_SECRET = "whsec_vidukit_mock_test_secret"

#: Where callbacks may go: ``any`` URL a client registers (what providers do), or only
#: ``loopback`` hosts (test suites: nothing leaves the machine; others are refused and logged).
TARGETS = ("any", "loopback")

#: The header a client sends to steer one task's callbacks (see `mock_server.webhooks.options`).
WEBHOOK_HEADER = "x-mock-webhook"


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


_UNDOCUMENTED = DeliveryPolicy(retries=3, timeout=10.0)

POLICIES: dict[str, DeliveryPolicy] = {
    "novita": DeliveryPolicy(retries=5, timeout=5.0, documented=True),
    "myrouter": DeliveryPolicy(retries=5, timeout=5.0),
    "wavespeed": DeliveryPolicy(retries=3, timeout=10.0, signed=True),
    "vtrix": _UNDOCUMENTED,
    "runware": _UNDOCUMENTED,
}


def policy_for(provider: str) -> DeliveryPolicy:
    return POLICIES.get(provider, _UNDOCUMENTED)


__all__ = [
    "DEFAULT_SECRET",
    "POLICIES",
    "TARGETS",
    "WEBHOOK_HEADER",
    "DeliveryPolicy",
    "policy_for",
]
