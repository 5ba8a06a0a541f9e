"""The canonical request and its translation to every provider: `vidukit.canonical`.

Re-exported here because adapters and the harness import it from the contract layer;
each provider's translation lives in its folder (``vidukit/providers/<id>/``).
"""

from vidukit.canonical import (
    AMPLITUDES,
    ASPECT_RATIOS,
    FIELDS,
    MAX_IMAGES,
    MIN_DURATION,
    RESOLUTIONS,
    Amplitude,
    AspectRatio,
    CanonicalRequest,
    Capability,
    NotRepresentable,
    Resolution,
    Unrecoverable,
    amplitude_to_wire,
    canonical_problems,
    capability,
    derived_task_uuid,
    from_wire,
    pixel_sizes,
    representable,
    to_wire,
)

__all__ = [
    "AMPLITUDES",
    "ASPECT_RATIOS",
    "FIELDS",
    "MAX_IMAGES",
    "MIN_DURATION",
    "RESOLUTIONS",
    "Amplitude",
    "AspectRatio",
    "CanonicalRequest",
    "Capability",
    "NotRepresentable",
    "Resolution",
    "Unrecoverable",
    "amplitude_to_wire",
    "canonical_problems",
    "capability",
    "derived_task_uuid",
    "from_wire",
    "pixel_sizes",
    "representable",
    "to_wire",
]
