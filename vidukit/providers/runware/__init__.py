"""Runware (seed 003): ``videoInference`` with model ``vidu:3@1`` on ``POST /v1`` (and its
WebSocket), polled with ``getResponse`` tasks."""

from __future__ import annotations

from decimal import Decimal

from vidukit.providers.policies import UPSTREAM_URL_TTL, Billing, DriftEdits, Policies, UrlPolicy
from vidukit.providers.runware.rules import FACTS
from vidukit.providers.runware.surface import SURFACE
from vidukit.providers.runware.translate import TRANSLATION, generation_fields, inline_refs
from vidukit.providers.runware.wire import WIRE, credentials, webhook
from vidukit.providers.spec import MediaLimits, ProviderSpec, Recovery
from vidukit.rules.media import IMAGE_TYPES

MB = 1024 * 1024

#: The client chooses ``taskUUID`` ("UUIDv4, required, unique": the API reference), so a
#: retried submit with the same UUID cannot start a second task; the mock refuses the reuse
#: as ``conflictTaskUUID``, the code both official SDKs expect (docs/providers/runware.md).
RECOVERY = Recovery(
    kind="client-id",
    how="resend the same taskUUID after a submit whose answer was lost; a conflictTaskUUID "
        "answer means the first try was accepted: poll that taskUUID",
    source="https://runware.ai/docs/en/video-inference/api-reference (taskUUID: 'UUIDv4, "
           "required, unique'); provider-docs/README.md §8 (conflictTaskUUID in both SDKs)",
)

SPEC = ProviderSpec(
    id="runware",
    title=SURFACE.title,
    origin=SURFACE.origin,
    key_env="RUNWARE_API_KEY",
    wire=WIRE,
    surface=SURFACE,
    translation=TRANSLATION,
    generation_fields=generation_fields,
    inline_refs=inline_refs,
    webhook=webhook,
    credentials=credentials,
    recovery=RECOVERY,
    # The mock stores one videoInference task per task: the schema's task branch.
    task_pointer="/items/else",
    media=MediaLimits(
        allowed={"image": IMAGE_TYPES},
        source=f"{FACTS}: 'PNG/JPG/WEBP ... data URI'",
        sniff=True,
        sides=(300, 2048),
        sides_source=f"{FACTS}: 'Input image sides 300-2048 px'",
        max_decoded=20 * MB,
        decoded_source=f"{FACTS}: input images '≤20 MB'",
    ),
    rule_modules=("vidukit.providers.runware.rules",),
    policies=Policies(
        # ``ttl`` is the result URL's lifetime when the task sends one (>= 60 s); its default
        # is undocumented, so Vidu's hour; a deleted object answers 404.
        url=UrlPolicy(UPSTREAM_URL_TTL, 404, request_field="ttl"),
        # Model page: $0.0688/s at 1080p ("1080p · 8s: $0.55"). Seed 003's example costs
        # disagree (README §7 item 22) and are not used. The lower resolutions are
        # UNCONFIRMED: the 1080p rate scaled by the pixel area of the row's 16:9 pair.
        usd_per_second={"1080p": Decimal("0.0688"), "720p": Decimal("0.0306"),
                        "540p": Decimal("0.0168"), "360p": Decimal("0.0075")},
        # Errors page: "402: insufficient balance". The code in the errors[] item is not
        # documented: insufficientCredits is the mock's, in Runware's camelCase style.
        billing=Billing(
            status=402, reason="insufficientCredits",
            source="https://runware.ai/docs/platform/errors (provider-docs/README.md §5 "
                   "Errors: '402: insufficient balance'; the code is UNCONFIRMED)"),
    ),
    # Forms the official SDKs are coded for (provider-docs §8): a failure inside data
    # (runware-sdk) and the non-terminal words runware 0.5.24 keeps polling on.
    scenarios=frozenset({"data-error", "pending-status"}),
    failures={
        "content-moderation": "contentPolicyViolation",
        "invalid-parameter": "providerError",
        "media-access": "providerError",
        "timeout": "timeoutProvider",
        "internal": "providerError",
    },
    failure_note=(
        "Runware documents timeoutProvider only: invalid-parameter, media-access and internal "
        "use providerError (a mock convention); content-moderation uses contentPolicyViolation, "
        "from runware-sdk's error catalogue (runware/errors.py, filed as 'safety')"
    ),
    drift=DriftEdits(
        rename=("/data/*/videoUUID", "videoUuid"),
        new_value=("/data/*/taskType", "videoInferenceV2"),
        # "running": a word no source uses ("pending" is one runware 0.5.24 polls on).
        new_status=("/data/*/status", "processing", "running"),
    ),
)

__all__ = ["SPEC"]
