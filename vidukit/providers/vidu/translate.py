"""Vidu: the canonical fields 1:1 in non-subject mode, with ``model`` viduq2-pro.

viduq2-pro is the model the canonical request describes (reference images, 0-10 s);
``movement_amplitude`` is carried although Vidu says it has no effect on q2 models
(the warning ``movement-amplitude-no-effect`` says so to whoever sends it).
"""

from __future__ import annotations

from typing import Any

from vidukit.canonical import CanonicalRequest, flat_from_wire, flat_to_wire, read_field
from vidukit.providers.spec import Translation

ID = "vidu"
MODEL = "viduq2-pro"


def to_wire(request: CanonicalRequest) -> dict[str, Any]:
    return {"model": MODEL, **flat_to_wire(request)}


def from_wire(body: Any) -> CanonicalRequest:
    amplitude = read_field(ID, body, "movement_amplitude", "movement_amplitude")
    return flat_from_wire(ID, body, amplitude, read_field(ID, body, "images"))


TRANSLATION = Translation(to_wire=to_wire, from_wire=from_wire,
                          prompt_pointer="/properties/prompt")

__all__ = ["MODEL", "TRANSLATION", "from_wire", "to_wire"]
