"""WaveSpeed: the canonical fields 1:1 (``images``, ``prompt``, ``duration``, ``resolution``,
``aspect_ratio``, ``movement_amplitude``, ``seed``)."""

from __future__ import annotations

from typing import Any

from vidukit.canonical import CanonicalRequest, flat_from_wire, flat_to_wire, read_field
from vidukit.providers.spec import Translation

ID = "wavespeed"


def to_wire(request: CanonicalRequest) -> dict[str, Any]:
    return flat_to_wire(request)


def from_wire(body: Any) -> CanonicalRequest:
    amplitude = read_field(ID, body, "movement_amplitude", "movement_amplitude")
    return flat_from_wire(ID, body, amplitude, read_field(ID, body, "images"))


TRANSLATION = Translation(to_wire=to_wire, from_wire=from_wire,
                          prompt_pointer="/properties/prompt")
