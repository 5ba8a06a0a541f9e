"""How generated values also pass the error-severity named checks of `vidukit.rules`.

The named checks say what keywords cannot, so a schema-driven strategy does
not see them. Each one that applies to a message must be accounted for here:
either the strategies meet it by construction (with the reason), or a repair
maps a drawn value onto a conforming one (no filtering). A check registered
later, and listed in neither table, makes `repairs_for` raise, so the
generator tests name it instead of failing on random examples.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from vidukit.contract_tests.strategies._node import UnsupportedSchema
from vidukit.rules import checks_for

Repair = Callable[[Any], Any]

#: rule id -> why values drawn from the schema already satisfy it.
BY_CONSTRUCTION: Mapping[str, str] = {
    "data-uri-base64": "inline media are base64 of real bytes (_media.data_uri)",
    "data-uri-media-type": "inline images are image/png PNGs; inline videos video/mp4",
    "data-uri-size": "inline images are PNGs of a few kilobytes",
    "image-dimensions": "PNG sizes come from _media.IMAGE_SIZES, 300..2048 px a side",
    "image-aspect-ratio": "every size in _media.IMAGE_SIZES is within 1:4..4:1",
    "body-size": "strings and arrays are short and inline images tiny: far below 20 MB",
}

_MAX_SUBJECT_IMAGES = 7


def _trim_subject_images(value: Any) -> Any:
    """Drop images from the fullest subject until all subjects carry at most 7 in total.

    Every subject keeps at least one image (the schema's minItems), which is
    always possible because there are at most 7 subjects.
    """
    subjects = value.get("subjects") if isinstance(value, dict) else None
    if not isinstance(subjects, list):
        return value
    while sum(len(s["images"]) for s in subjects) > _MAX_SUBJECT_IMAGES:
        fullest = max(subjects, key=lambda s: len(s["images"]))
        fullest["images"].pop()
    return value


#: rule id -> repair applied to every drawn value of a message the rule targets.
REPAIRS: Mapping[str, Repair] = {
    "subjects-total-images": _trim_subject_images,
}


def repairs_for(provider: str, message: str) -> tuple[Repair, ...]:
    """The repairs *provider*'s *message* needs; raises for an unaccounted error check."""
    found: list[Repair] = []
    for check in checks_for(provider, message):
        rule_id = check.rule.id
        if check.severity != "error" or rule_id in BY_CONSTRUCTION:
            continue
        if rule_id not in REPAIRS:
            raise UnsupportedSchema(
                f"named check {rule_id!r} (neither met by construction nor repaired)",
                f"{provider} {message}",
            )
        found.append(REPAIRS[rule_id])
    return tuple(found)
