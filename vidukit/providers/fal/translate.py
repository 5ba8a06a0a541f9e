"""fal.ai: the canonical fields under fal's names (``reference_image_urls`` for ``images``);
the rest 1:1. fal's ``duration`` 0 (auto) and ``aspect_ratio`` auto have no canonical
value: a body using them cannot be read back."""

from __future__ import annotations

from typing import Any

from vidukit.canonical import CanonicalRequest, flat_from_wire, flat_to_wire, read_field
from vidukit.providers.spec import Fields, InlineRefs, Translation
from vidukit.rules._payload import strings

ID = "fal"


def to_wire(request: CanonicalRequest) -> dict[str, Any]:
    return flat_to_wire(request, images="reference_image_urls")


def from_wire(body: Any) -> CanonicalRequest:
    amplitude = read_field(ID, body, "movement_amplitude", "movement_amplitude")
    return flat_from_wire(ID, body, amplitude, read_field(ID, body, "reference_image_urls",
                                                          "images"))


def inline_refs(fields: Fields) -> InlineRefs:
    """Inline (``data:``) references among ``reference_image_urls`` and
    ``reference_video_urls``."""
    out: InlineRefs = []
    for path, found in fields:
        strings(found.get("reference_image_urls"), path, "reference_image_urls", "image", out)
        strings(found.get("reference_video_urls"), path, "reference_video_urls", "video", out)
    return out


TRANSLATION = Translation(to_wire=to_wire, from_wire=from_wire,
                          prompt_pointer="/properties/prompt")

__all__ = ["TRANSLATION", "from_wire", "inline_refs", "to_wire"]
