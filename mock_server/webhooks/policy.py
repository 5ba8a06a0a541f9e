"""How each provider delivers a callback: signed or not, attempts, timeout, backoff.

Each provider's policy is its spec's ``policies.delivery`` (which says whether the
numbers are the provider's own). Where a provider says nothing (UNCONFIRMED) the
mock gives it 3 retries, the number Vidu, the upstream they all resell, documents
for its own callbacks, and a 10 s timeout. Nobody documents the backoff: the mock
waits 5 s, then doubles (5, 10, 20, 40, 80 s), on the mock's clock, so a virtual
clock walks through a whole retry schedule in one advance.

Kept apart from the dispatcher so `MockConfig` can name the default secret
without pulling the delivery machinery in.
"""

from __future__ import annotations

from collections.abc import Mapping

from vidukit.providers import specs
from vidukit.providers.policies import UNDOCUMENTED_DELIVERY, DeliveryPolicy

#: The mock's webhook signing secret unless configured otherwise (``MockConfig.webhook_secret``,
#: ``PUT /_mock/webhooks``). A fixed, documented TEST value: never a real account's.
DEFAULT_SECRET = "whsec_vidukit_mock_test_secret"

#: Where callbacks may go: ``any`` URL a client registers (what providers do), or only
#: ``loopback`` hosts (test suites: nothing leaves the machine; others are refused and logged).
TARGETS = ("any", "loopback")

#: The header a client sends to steer one task's callbacks (see `mock_server.webhooks.options`).
WEBHOOK_HEADER = "x-mock-webhook"


#: Every provider's delivery policy by id.
POLICIES: Mapping[str, DeliveryPolicy] = {pid: s.policies.delivery for pid, s in specs().items()}


def policy_for(provider: str) -> DeliveryPolicy:
    return POLICIES.get(provider, UNDOCUMENTED_DELIVERY)


__all__ = [
    "DEFAULT_SECRET",
    "POLICIES",
    "TARGETS",
    "WEBHOOK_HEADER",
    "DeliveryPolicy",
    "policy_for",
]
