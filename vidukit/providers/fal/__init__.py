"""fal.ai (provider-docs/README.md §10): the queue API on https://queue.fal.run,
``POST /fal-ai/vidu/q2/reference-to-video/pro``, followed at
``/fal-ai/vidu/requests/{id}/status``, its result at
``/fal-ai/vidu/requests/{id}`` and cancelled at ``/fal-ai/vidu/requests/{id}/cancel``;
``Authorization: Key <FAL_KEY>``; Ed25519-signed webhooks (signing.py)."""

from __future__ import annotations

from vidukit.providers.policies import (
    UPSTREAM_URL_TTL,
    DeliveryPolicy,
    DriftEdits,
    Limits,
    Policies,
    UrlPolicy,
)
from vidukit.providers.spec import MediaLimits, ProviderSpec

from .signing import SIGNING
from .surface import SURFACE
from .translate import TRANSLATION, inline_refs
from .wire import WIRE, webhook

DOC = ("https://fal.ai/models/fal-ai/vidu/q2/reference-to-video/pro/api "
       "(provider-docs/README.md §10)")
ERRORS_DOC = "https://fal.ai/docs/documentation/model-apis/errors (Model Errors)"

#: "it will retry 10 times in the span of 2 hours" (webhooks page, Retry policy). The
#: spacing is not documented: doubling from 7.04 s spends the 2 hours over the 10 retries.
RETRIES = 10
FIRST_BACKOFF = 7200 / (2**RETRIES - 1)

SPEC = ProviderSpec(
    id="fal",
    title=SURFACE.title,
    origin=SURFACE.origin,
    key_env="FAL_KEY",
    wire=WIRE,
    surface=SURFACE,
    translation=TRANSLATION,
    # fal's clients upload local files and send URLs; a data: URI is accepted by the model
    # inputs generally (UNCONFIRMED for this model): any image/* type.
    media=MediaLimits(allowed={"image": None}, source=f"{DOC} (reference_image_urls)"),
    rules={},
    policies=Policies(
        # How long fal's media URLs live is UNCONFIRMED: the upstream's hour, deleted -> 404.
        url=UrlPolicy(UPSTREAM_URL_TTL, 404),
        delivery=DeliveryPolicy(retries=RETRIES, timeout=10.0, signed=True, documented=True,
                                first_backoff=FIRST_BACKOFF),
        # No published per-key limits for this model (UNCONFIRMED).
        quotas=Limits(concurrency=None, per_minute=None),
        # No price in the stored material.
        usd_per_second=None,
    ),
    inline_refs=inline_refs,
    signing=SIGNING,
    webhook=webhook,
    # error_type values of fal's Model Errors page, on a failed request's status.
    failures={
        "content-moderation": "content_policy_violation",
        "invalid-parameter": "unsupported_image_format",
        "media-access": "file_download_error",
        "timeout": "generation_timeout",
        "internal": "internal_server_error",
    },
    failure_note=(f"{ERRORS_DOC}: fal names error types, not codes; invalid-parameter uses "
                  "unsupported_image_format, the model error a reference image can cause "
                  "(UNCONFIRMED which type this model reports)"),
    drift=DriftEdits(
        rename=("/response_url", "responseUrl"),
        new_value=("/logs/*/level", "TRACE"),
        new_status=("/status", "IN_PROGRESS", "RUNNING"),
    ),
)

__all__ = ["DOC", "ERRORS_DOC", "SPEC"]
