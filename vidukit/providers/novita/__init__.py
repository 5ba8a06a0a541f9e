"""Novita (seed 004): the v3 async API (`vidukit.providers._v3async`)."""

from __future__ import annotations

from vidukit.providers._v3async import member
from vidukit.providers.policies import DeliveryPolicy, Limits

DOC = ("https://novita.ai/docs/api-reference/model-apis-vidu-q2-reference2video "
       "(source document 004)")

SPEC = member(
    "novita", "Novita", "https://api.novita.ai",
    doc=DOC,
    key_env="NOVITA_API_KEY",
    # Video models are limited "by RPM per model"; the number for vidu-q2 is UNCONFIRMED:
    # 10 is the mock's choice.
    quotas=Limits(per_minute=10),
    # "Up to 5 retries if the endpoint times out (5 s) or returns non-2xx".
    delivery=DeliveryPolicy(retries=5, timeout=5.0, documented=True),
    # Forms the official SDKs are coded for (provider-docs §8): the JS SDK's
    # TASK_STATUS_UNKNOWN and its billing reasons.
    scenarios=frozenset({"status-unknown", "billing-refused"}),
)

__all__ = ["SPEC"]
