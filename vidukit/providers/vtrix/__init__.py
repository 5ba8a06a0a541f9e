"""Vtrix (seed 001): ``POST /model/v1/generation`` with model ``viduq2_pro_reference``, polled at
``/model/v1/generation/task/{id}``."""

from __future__ import annotations

from decimal import Decimal

from vidukit.providers.policies import Billing, DriftEdits, Policies, UrlPolicy
from vidukit.providers.spec import MediaLimits, ProviderSpec
from vidukit.providers.vtrix.rules import DOC
from vidukit.providers.vtrix.surface import SURFACE
from vidukit.providers.vtrix.translate import TRANSLATION, generation_fields
from vidukit.providers.vtrix.wire import WIRE, webhook
from vidukit.rules.media import IMAGE_TYPES, VIDEO_TYPES

MB = 1024 * 1024  # "MB" read as MiB: the larger reading, so no false alarm at the edge

SPEC = ProviderSpec(
    id="vtrix",
    title=SURFACE.title,
    origin=SURFACE.origin,
    key_env="VTRIX_API_KEY",
    wire=WIRE,
    surface=SURFACE,
    translation=TRANSLATION,
    generation_fields=generation_fields,
    webhook=webhook,
    # Images png/jpeg/jpg/webp, at least 128x128, aspect ratio within 1:4..4:1; videos
    # mp4/avi/mov. The size limits (image 50 MB, video base64 under 20 MB decoded) are not
    # separate checks: the 20 MB body limit is stricter for anything inline.
    media=MediaLimits(
        allowed={"image": IMAGE_TYPES, "video": VIDEO_TYPES},
        source=f"{DOC} (images Notes 3 and 5; videos Notes 2 and 4)",
        sniff=True,
        sides=(128, None),
        sides_source=f"{DOC} (images Note 4: 'at least 128x128')",
        max_ratio=4,
        ratio_source=f"{DOC} (images Note 4: 'aspect ratio must be less than 1:4 or 4:1')",
    ),
    body_limit=(20 * MB, f"{DOC} (images Note 5: 'HTTP request post body must not exceed 20MB')"),
    rules={
        "bgm-long-duration": f"{DOC} (bgm: 'when duration is 9 or 10, bgm does not take effect')",
        "seed-zero-random": f"{DOC} (seed: 'If omitted or set to 0, a random value is used')",
    },
    rule_modules=("vidukit.providers.vtrix.rules",),
    policies=Policies(
        # Undocumented: Vidu's hour, and a signed storage URL's 403 after it.
        url=UrlPolicy(3600, 403),
        # PLACEHOLDER: Vtrix publishes no price for this model; usage.cost uses WaveSpeed's
        # rates for the same model, so it has a plausible size and scales.
        usd_per_second={"360p": Decimal("0.003"), "540p": Decimal("0.006"),
                        "720p": Decimal("0.013"), "1080p": Decimal("0.030")},
        # Every model page: "403: insufficient balance or permission denied"; the body is
        # UNCONFIRMED (schemas/vtrix/error-response.json: error insufficient_balance).
        billing=Billing(
            status=403, reason="insufficient_balance",
            source=f"{DOC} (error table: '403 insufficient balance or permission denied'; "
                   "provider-docs/README.md §2 Errors)"),
    ),
    # Forms the official CLI (VtrixAI/vtrix-cli internal/generation/client.go) is coded for
    # (provider-docs §8): error as a plain string, content duration as a string, usage with
    # quantity, unit_price and extra_info. Rendered by mock_server/providers/vtrix/status.py.
    scenarios=frozenset({"error-string", "duration-string", "usage-detail"}),
    failures={
        "content-moderation": "content_moderation",
        "invalid-parameter": "invalid_parameter",
        "media-access": "media_access_failed",
        "timeout": "timeout",
        "internal": "internal_error",
    },
    failure_note=(
        "Vtrix documents one task code (002014001); the category codes are the mock's "
        "conventions, named in words so nobody takes them for Vtrix's"
    ),
    drift=DriftEdits(
        rename=("/created_at", "createdAt"),
        new_value=("/model", "viduq2_pro_reference_v2"),
        new_status=("/status", "in_progress", "running"),
    ),
)

__all__ = ["SPEC"]
