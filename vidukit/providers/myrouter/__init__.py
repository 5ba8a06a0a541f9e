"""MyRouter (seed 002): a clone of Novita's v3 async API (`vidukit.providers._v3async`)."""

from __future__ import annotations

from vidukit.providers._v3async import member
from vidukit.providers.policies import DeliveryPolicy, Limits

DOC = ("https://docs.myrouter.ai/docs/models/reference-vidu-q2-reference2video "
       "(source document 002)")

SPEC = member(
    "myrouter", "MyRouter", "https://api.myrouter.ai",
    doc=DOC,
    key_env="MYROUTER_API_KEY",
    # MyRouter publishes no numbers.
    quotas=Limits(),
    # Assumed to do as Novita, the API it clones (not documented: documented=False).
    delivery=DeliveryPolicy(retries=5, timeout=5.0),
    for_doc=lambda text: text.replace("etc. placeholders", "etc. as placeholders"),
)

__all__ = ["SPEC"]
