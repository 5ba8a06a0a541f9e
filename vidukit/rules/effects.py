"""Warnings shared by several providers: a request the provider accepts but that almost
surely does not do what was meant. A provider's spec lists the ones that apply to it
(``ProviderSpec.rules``); a provider's own warnings live in its folder.

Left out on purpose: ``movement_amplitude`` where a reseller documents it for this very
endpoint (with a default). Vidu says the parameter has no effect on q2 models, but a
warning would fire on most ordinary requests and teach nothing; the schemas'
descriptions carry the remark instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from vidukit.providers import spec
from vidukit.rules._payload import Payload, integer
from vidukit.rules.registry import Finding, rule

#: Every provider's documented default duration.
DEFAULT_DURATION = 5


@rule("bgm-long-duration", severity="warning")
def bgm_long_duration(payload: Payload) -> Iterator[Finding]:
    """bgm is ignored when duration is 9 or 10 seconds."""
    for path, fields in payload.fields:
        duration = integer(fields.get("duration", DEFAULT_DURATION))
        if fields.get("bgm") is True and duration in (9, 10):
            yield f"{path}/bgm", f"bgm has no effect when duration is {duration}"


_SEED_ZERO_DEFAULT = "seed 0 means a random seed; omit seed for random, or send a non-zero seed"


@rule("seed-zero-random", severity="warning")
def seed_zero_random(payload: Payload) -> Iterator[Finding]:
    """seed 0 does not fix the seed: it asks for a random one (or is ambiguous)."""
    for path, fields in payload.fields:
        if "seed" in fields and integer(fields["seed"]) == 0:
            message = spec(payload.provider).rule_messages.get("seed-zero-random")
            yield f"{path}/seed", message or _SEED_ZERO_DEFAULT
