"""Vidu, the upstream API every reseller wraps: ``POST https://api.vidu.com/ent/v2/reference2video``
(models viduq2-pro and viduq2), polled at ``GET /ent/v2/tasks/{id}/creations``, listed at
``GET /ent/v2/tasks``, authenticated with ``Authorization: Token <key>``.

Contradictions between Vidu's own pages, and the choice encoded (each also in the schema
that carries it):

- creation URLs live "one hour" on one version of /docs/get-generation and "24 hours" on
  another: one hour (the shorter; a client that honours it works with both);
- subjects are keyed by ``id`` (§6) or ``name`` (later third-party copies of the CN
  docs, which also let q2-pro take subjects): ``id``, q2-pro non-subject only;
- the callback text calls its field "status", the body has ``state``: ``state``.
"""

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
from vidukit.providers.vidu.credits import PER_SECOND as CREDITS_PER_SECOND
from vidukit.providers.vidu.credits import SOURCE as CREDITS_SOURCE
from vidukit.providers.vidu.signing import SIGNING
from vidukit.providers.vidu.sources import DOC, ERRORS, GENERATION, TASKS
from vidukit.providers.vidu.surface import SURFACE
from vidukit.providers.vidu.translate import TRANSLATION
from vidukit.providers.vidu.wire import WIRE, webhook
from vidukit.rules.media import VIDEO_TYPES

RECOVERY = Recovery(
    kind="task-list",
    how="after a submit whose answer was lost, list the key's tasks of this model version "
        "(/ent/v2/tasks with model_versions, newest first) and take the one created since "
        "the submit began; submit again only when there is none",
    source=TASKS,
)

SPEC = ProviderSpec(
    id="vidu",
    title=SURFACE.title,
    origin=SURFACE.origin,
    key_env="VIDU_API_KEY",
    wire=WIRE,
    surface=SURFACE,
    translation=TRANSLATION,
    webhook=webhook,
    signing=SIGNING,
    # Images: "URL or Base64"; videos mp4/avi/mov (§6). Image formats are not listed.
    media=MediaLimits(allowed={"image": None, "video": VIDEO_TYPES},
                      source=f"{DOC} (images; videos: mp4/avi/mov, at most 100 MB)"),
    rules={
        "subjects-total-images": f"{DOC} (subjects: 1-7 subjects, 1-7 images in total)",
        "prompt-subject-placeholder": f"{DOC} (subjects are referenced in the prompt with @id)",
        "bgm-long-duration": f"{DOC} (bgm: no effect at 9-10 s for q2)",
        "seed-zero-random": f"{DOC} (seed: 0 = random)",
    },
    rule_modules=("vidukit.providers.vidu.rules",),
    policies=Policies(
        # "24 hours" on one version of get-generation, "one hour" on another: one hour.
        # What an expired URL answers is UNCONFIRMED: a signed storage URL's 403.
        url=UrlPolicy(3600, 403),
        # Callbacks: "up to 3 retries" (§6, documented); timeout and backoff are the mock's.
        # Signed with the task's API token (vidukit/providers/vidu/signing.py).
        delivery=DeliveryPolicy(retries=3, timeout=10.0, signed=True, documented=True),
        # QuotaExceeded is a concurrency limit (/docs/error-code), but no figure is
        # published: unlimited until one is.
        quotas=Limits(concurrency=None, per_minute=None),
        # Vidu bills in credits, not USD: see vidukit/providers/vidu/credits.py (the
        # per-task credit figures are UNCONFIRMED, the documents give none).
        usd_per_second=None,
        # The ledger bills credits from the same placeholder table (off-peak's half price is
        # not modelled there); a key that cannot pay gets CreditInsufficient, a 400 in the
        # /docs/error-code table.
        billing=Billing(
            status=400, reason="CreditInsufficient", unit="credits",
            per_second={res: Decimal(n) for res, n in CREDITS_PER_SECOND.items()},
            source=f"{ERRORS} (400 CreditInsufficient); {CREDITS_SOURCE}"),
    ),
    recovery=RECOVERY,
    # err_code words for a failed task (GET creations, /docs/error-code).
    failures={
        "content-moderation": "CreationPolicyViolation",
        "invalid-parameter": "FieldInvalid",
        "media-access": "ImageDownloadFailure",
        "timeout": "InternalServiceFailure",
        "internal": "InternalServiceFailure",
    },
    failure_note=(
        f"{GENERATION}: a failed task carries an err_code of /docs/error-code; the document "
        "has no timeout code, so a timeout shows InternalServiceFailure (the mock's choice)"
    ),
    drift=DriftEdits(
        rename=("/err_code", "errCode"),
        new_value=("/state", "expired"),
        new_status=("/state", "processing", "running"),
    ),
)

__all__ = ["RECOVERY", "SPEC"]
