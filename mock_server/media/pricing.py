"""Every price the mock quotes: USD per second of video, by resolution, from each
provider's spec (``policies.usd_per_second``; where each table comes from is written
there). A provider without a table quotes no price (``cost_usd`` null in the admin
view). How a provider writes a price in its own answers (a number to five decimals,
a decimal string) is its status module's business; the amount is computed here.

Decimals, not floats, so 0.013 x 5 is exactly 0.065.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from vidukit.mock_server.tasks import Task
from vidukit.providers import specs


def rates(provider: str) -> Mapping[str, Decimal] | None:
    """*provider*'s USD per second by resolution; None where it quotes no price."""
    found = specs().get(provider)
    return found.policies.usd_per_second if found is not None else None


def video_cost(provider: str, resolution: str, seconds: float) -> Decimal | None:
    """USD for one video of *seconds* at *resolution*; None where no price is known."""
    rate = (rates(provider) or {}).get(resolution)
    if rate is None:
        return None
    return rate * Decimal(str(seconds))


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


__all__ = ["rates", "task_cost_usd", "video_cost"]
