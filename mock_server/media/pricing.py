"""Every price the mock quotes, in one place: USD per second of video, by resolution.

Where each table comes from:

- **WaveSpeed** (seed 000 "Pricing"): 360p $0.003/s, 540p $0.006/s, 720p
  $0.013/s, 1080p $0.030/s. WaveSpeed's prediction has no cost field, so
  the price shows only in the admin task view (``cost_usd``).
- **Runware** (model page, vidu:3@1): $0.0688/s at 1080p ("1080p · 8s:
  $0.55"). Seed 003's example costs disagree with it and with each other
  (README §7 item 22) and are not used. The lower resolutions are
  UNCONFIRMED: the 1080p rate scaled by the pixel area of the row's 16:9
  pair (1280x720, 960x528, 640x352), rounded to four decimals. Sent as
  ``cost`` (a number, per video, five decimals) when ``includeCost`` is set.
- **Vtrix**: PLACEHOLDER. Vtrix publishes no price for this model;
  ``usage.cost`` uses WaveSpeed's rates for the same model so it has a
  plausible size and scales with duration and resolution. Sent as a plain
  decimal string ("0.065"), as Vtrix writes it.
- **Novita, MyRouter**: no price in their documents and no cost field in
  their responses: no quote (``cost_usd`` null in the admin view).

Decimals, not floats, so 0.013 x 5 is exactly 0.065.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from vidukit.mock_server.tasks import Task

WAVESPEED_USD_PER_SECOND: Mapping[str, Decimal] = {
    "360p": Decimal("0.003"),
    "540p": Decimal("0.006"),
    "720p": Decimal("0.013"),
    "1080p": Decimal("0.030"),
}
RUNWARE_USD_PER_SECOND: Mapping[str, Decimal] = {
    "1080p": Decimal("0.0688"),
    "720p": Decimal("0.0306"),
    "540p": Decimal("0.0168"),
    "360p": Decimal("0.0075"),
}
#: PLACEHOLDER: WaveSpeed's rates (see the module docstring).
VTRIX_USD_PER_SECOND: Mapping[str, Decimal] = WAVESPEED_USD_PER_SECOND

#: Provider id -> its per-second table; providers absent here quote no price.
TABLES: Mapping[str, Mapping[str, Decimal]] = {
    "wavespeed": WAVESPEED_USD_PER_SECOND,
    "runware": RUNWARE_USD_PER_SECOND,
    "vtrix": VTRIX_USD_PER_SECOND,
}

_RUNWARE_PLACES = Decimal("0.00001")


def video_cost(provider: str, resolution: str, seconds: float) -> Decimal | None:
    """USD for one video of *seconds* at *resolution*; None where no price is known."""
    rate = TABLES.get(provider, {}).get(resolution)
    if rate is None:
        return None
    return rate * Decimal(str(seconds))


def runware_cost(resolution: str, seconds: float) -> float:
    """Runware's ``cost``: USD per video as a number, to five decimals."""
    cost = RUNWARE_USD_PER_SECOND[resolution] * Decimal(str(seconds))
    return float(cost.quantize(_RUNWARE_PLACES))


def vtrix_cost(resolution: str, seconds: float) -> str:
    """Vtrix's ``usage.cost``: a plain decimal string of USD ("0.065").

    *seconds* may be a float: JSON Schema's ``integer`` accepts ``5.0``.
    """
    cost = VTRIX_USD_PER_SECOND[resolution] * Decimal(str(seconds))
    return format(cost.normalize(), "f")


def task_cost_usd(task: Task) -> float | None:
    """What the whole task costs (every result of it), for the admin view; None if unknown.

    Reads the resolution and length the provider's backend kept in
    ``task.meta``, the same values its own cost field is computed from.
    """
    meta: Mapping[str, Any] = task.meta
    resolution, seconds = meta.get("resolution"), meta.get("duration_seconds")
    if not isinstance(resolution, str) or not isinstance(seconds, int | float):
        return None
    cost = video_cost(task.provider, resolution, seconds)
    if cost is None:
        return None
    results = meta.get("numberResults", 1)
    return float(cost * (results if isinstance(results, int) and results > 0 else 1))


__all__ = [
    "RUNWARE_USD_PER_SECOND",
    "TABLES",
    "VTRIX_USD_PER_SECOND",
    "WAVESPEED_USD_PER_SECOND",
    "runware_cost",
    "task_cost_usd",
    "video_cost",
    "vtrix_cost",
]
