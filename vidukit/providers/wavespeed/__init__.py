"""WaveSpeedAI (seed 000): ``POST /api/v3/vidu/reference-to-video-q2``, predictions polled at
``/api/v3/predictions/{id}/result`` (and ``/api/v3/predictions/{id}``)."""

from __future__ import annotations

from decimal import Decimal

from vidukit.providers.policies import (
    Billing,
    DeliveryPolicy,
    DriftEdits,
    Limits,
    Policies,
    UrlPolicy,
)
from vidukit.providers.spec import MediaLimits, ProviderSpec, Recovery
from vidukit.providers.wavespeed.signing import SIGNING
from vidukit.providers.wavespeed.surface import SURFACE
from vidukit.providers.wavespeed.translate import TRANSLATION
from vidukit.providers.wavespeed.wire import WIRE, webhook

DOC = ("https://wavespeed.ai/docs/docs-api/vidu/vidu-reference-to-video-q2 "
       "(source document 000)")
FACTS = ("https://wavespeed.ai/docs/docs-api/vidu/vidu-reference-to-video-q2 "
         "(provider-docs/README.md §1 and §7 item 4: the newer page)")

#: The prediction list (Common API, "List predictions"): newest first, up to 100 a page, the
#: past 7 days, filterable by model and created_after. The mock serves it on GET and POST
#: (mock_server/providers/wavespeed/listing.py says why both).
LIST_DOC = "https://wavespeed.ai/docs/docs-common-api/predictions"
RECOVERY = Recovery(
    kind="task-list",
    how="after a submit whose answer was lost, list the key's predictions of this model "
        "created since the submit began (/api/v3/predictions with created_after) and take "
        "the one found; submit again only when there is none",
    source=f"{LIST_DOC}; https://wavespeed.ai/docs/what-are-predictions",
)

SPEC = ProviderSpec(
    id="wavespeed",
    title=SURFACE.title,
    origin=SURFACE.origin,
    key_env="WAVESPEED_API_KEY",
    wire=WIRE,
    surface=SURFACE,
    translation=TRANSLATION,
    media=MediaLimits(allowed={"image": None},
                      source=f"{DOC} (images: 'URLs or Base64 encoded')"),
    rules={
        "seed-zero-random": f"{DOC} (seed range -1..2147483647; curl example sends 0); "
                            f"{FACTS}: the newer page says -1 means random",
    },
    rule_messages={
        "seed-zero-random": "seed 0 is ambiguous (a fixed seed here, random on Vidu); send -1 "
                            "for a random seed or a positive seed to reproduce a result",
    },
    policies=Policies(
        # Predictions are kept 7 days (what-are-predictions, "data retention"); a deleted
        # object answers 404 (UNCONFIRMED: the storage's own answer).
        url=UrlPolicy(7 * 24 * 3600, 404),
        # Retries UNCONFIRMED (Vidu's 3); signed with webhook-id/-timestamp/-signature.
        delivery=DeliveryPolicy(retries=3, timeout=10.0, signed=True),
        # Account level Bronze, the default: "2 videos/min, max concurrency 2"; tasks over
        # the concurrency wait, they are not rejected (account-levels page).
        quotas=Limits(concurrency=2, per_minute=2),
        # Seed 000 "Pricing". The prediction has no cost field: the admin view shows it.
        usd_per_second={"360p": Decimal("0.003"), "540p": Decimal("0.006"),
                        "720p": Decimal("0.013"), "1080p": Decimal("0.030")},
        # UNCONFIRMED: WaveSpeed documents no insufficient-balance answer ("a key works only
        # after a top-up"; 403 is "forbidden (account suspended)"). 403, the documented
        # refusal of an account that may not run tasks, which no client retries as transient.
        billing=Billing(
            status=403,
            source="https://wavespeed.ai/docs/docs-authentication (provider-docs/README.md "
                   "§1 HTTP errors: '403 forbidden (account suspended)'; the insufficient-"
                   "balance answer is UNCONFIRMED)"),
    ),
    # has_nsfw_contents: [true] on a completed prediction.
    # cancelled, timeout-status, webhook-without-outputs: forms the official SDKs and the
    # webhook page allow (provider-docs §8), rendered by mock_server/providers/wavespeed.
    scenarios=frozenset({"nsfw", "cancelled", "timeout-status", "webhook-without-outputs"}),
    signing=SIGNING,
    webhook=webhook,
    recovery=RECOVERY,
    failures={
        "content-moderation": "1200",
        "invalid-parameter": "1401",
        "media-access": "1402",
        "timeout": "5004",
        "internal": "5000",
    },
    drift=DriftEdits(
        rename=("/data/created_at", "createdAt"),
        new_value=("/data/model", "vidu/reference-to-video-q2-pro"),
        new_status=("/data/status", "processing", "running"),
    ),
)

__all__ = ["DOC", "FACTS", "LIST_DOC", "RECOVERY", "SPEC"]
