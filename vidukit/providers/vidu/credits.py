"""What a Vidu task costs in credits, the unit Vidu bills in.

UNCONFIRMED: the documents show a ``credits`` field on the submit answer and on GET
creations (provider-docs §6) but give no figure per model, length or resolution. The
mock's numbers are a placeholder that scales the way a price would (longer and sharper
costs more): 4 credits a second at 540p, 5 at 720p, 10 at 1080p, an automatic length
(duration 0) billed as 5 s, and off-peak at half. ``policies.usd_per_second`` stays
None: Vidu quotes no USD price either. Change the table here when a figure is found.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vidukit.providers.vidu.sources import GENERATION

SOURCE = f"{GENERATION} (credits; the per-second figures are UNCONFIRMED placeholders)"
PER_SECOND: Mapping[str, int] = {"540p": 4, "720p": 5, "1080p": 10}
AUTO_SECONDS = 5


def credits_for(request: Mapping[str, Any]) -> int:
    """The credits a (valid) submit body costs."""
    seconds = request.get("duration", 5) or AUTO_SECONDS
    cost = PER_SECOND.get(str(request.get("resolution", "720p")), PER_SECOND["720p"]) * seconds
    return cost // 2 if request.get("off_peak") is True else int(cost)


__all__ = ["AUTO_SECONDS", "PER_SECOND", "SOURCE", "credits_for"]
