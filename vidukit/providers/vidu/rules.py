"""Vidu's own named checks: parameters its documents say have no effect."""

from __future__ import annotations

from collections.abc import Iterator

from vidukit.providers.vidu.sources import DOC
from vidukit.rules._payload import Payload
from vidukit.rules.registry import Finding, rule


@rule("movement-amplitude-no-effect", severity="warning", provider="vidu",
      source=f"{DOC} (movement_amplitude: '使用q2系列模型时该参数不生效', no effect for q2 models)")
def movement_amplitude_no_effect(payload: Payload) -> Iterator[Finding]:
    """Every model this catalogue takes is a q2 model, on which the field does nothing: a
    client that sends it expects a control it does not get."""
    for path, fields in payload.fields:
        if "movement_amplitude" in fields:
            yield (f"{path}/movement_amplitude",
                   f"movement_amplitude has no effect on {fields.get('model', 'q2')} "
                   "(Vidu: no effect for q2 models); leave it out")
