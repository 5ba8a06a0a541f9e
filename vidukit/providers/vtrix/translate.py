"""Vtrix: ``{"model": "viduq2_pro_reference", "input": [{"params": {...}}]}`` with the canonical
field names inside ``params``, except ``movement_amplitude``, which Vtrix does not expose: only
canonical ``auto`` is representable."""

from __future__ import annotations

from typing import Any

from vidukit.canonical import (
    CanonicalRequest,
    NotRepresentable,
    Unrecoverable,
    flat_from_wire,
    read_field,
    with_seed,
)
from vidukit.providers.spec import Fields, Translation

ID = "vtrix"
MODEL = "viduq2_pro_reference"


def to_wire(request: CanonicalRequest) -> dict[str, Any]:
    if request["movement_amplitude"] != "auto":
        raise NotRepresentable(ID, ["movement_amplitude: Vtrix does not expose it"])
    params = with_seed({
        "prompt": request["prompt"],
        "images": list(request["images"]),
        "duration": request["duration"],
        "resolution": request["resolution"],
        "aspect_ratio": request["aspect_ratio"],
    }, request["seed"])
    return {"model": MODEL, "input": [{"params": params}]}


def from_wire(body: Any) -> CanonicalRequest:
    items = read_field(ID, body, "input")
    if not (isinstance(items, list) and len(items) == 1):
        raise Unrecoverable(ID, "input", "expected exactly one item")
    params = read_field(ID, items[0], "params")
    request = flat_from_wire(ID, params, "auto", read_field(ID, params, "images"))
    if request["duration"] == 0:
        raise Unrecoverable(ID, "duration", "0 lets the model choose the duration")
    return request


def generation_fields(instance: Any) -> Fields:
    """Each ``input[i].params`` object."""
    found: Fields = []
    items = instance.get("input") if isinstance(instance, dict) else None
    if isinstance(items, list):
        for i, item in enumerate(items):
            params = item.get("params") if isinstance(item, dict) else None
            if isinstance(params, dict):
                found.append((f"/input/{i}/params", params))
    return found


TRANSLATION = Translation(
    to_wire=to_wire, from_wire=from_wire,
    prompt_pointer="/properties/input/items/properties/params/properties/prompt",
)
