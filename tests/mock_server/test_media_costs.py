"""Costs from the documented prices: WaveSpeed in the admin view, Runware ``cost``, Vtrix ``usage``.

Expected figures are the documents' own (seed 000's table, Runware's model
page), not values read from the pricing module.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from media_support import admin_task, finish

from vidukit.mock_server.testing import LiveServer

PROVIDERS_DIR = Path(__file__).resolve().parents[2] / "mock_server" / "providers"
#: Seed 000 "Pricing": USD per second by resolution.
WAVESPEED_DOC = {"360p": "0.003", "540p": "0.006", "720p": "0.013", "1080p": "0.030"}


@pytest.mark.parametrize("resolution", sorted(WAVESPEED_DOC))
def test_wavespeed_cost_per_second_by_resolution_shows_in_the_admin_view(
    live_server: LiveServer, resolution: str
) -> None:
    done = finish(live_server, "wavespeed", resolution=resolution, duration=4)
    assert "cost" not in done.result and "cost_usd" not in done.result, "not a WaveSpeed field"
    shown = admin_task(live_server, done.task_id)["cost_usd"]
    assert shown == pytest.approx(float(Decimal(WAVESPEED_DOC[resolution]) * 4))


def test_runware_cost_with_include_cost_per_video_and_total_in_the_admin_view(
    live_server: LiveServer,
) -> None:
    done = finish(
        live_server,
        "runware",
        width=1920,
        height=1080,
        duration=8,
        includeCost=True,
        numberResults=2,
    )
    costs = [item["cost"] for item in done.result]
    assert costs == [pytest.approx(0.55, abs=0.001)] * 2, "model page: 1080p 8 s = $0.55"
    assert admin_task(live_server, done.task_id)["cost_usd"] == pytest.approx(sum(costs))
    plain = finish(live_server, "runware", width=640, height=352, duration=1)
    assert "cost" not in plain.result[0], "cost only with includeCost"


def test_vtrix_usage_cost_and_the_admin_view_agree(live_server: LiveServer) -> None:
    done = finish(live_server, "vtrix", resolution="1080p", duration=2)
    cost = done.result["usage"]["cost"]
    assert Decimal(cost) == Decimal("0.030") * 2, "placeholder: WaveSpeed's rate"
    assert admin_task(live_server, done.task_id)["cost_usd"] == pytest.approx(float(cost))


def test_novita_and_myrouter_quote_no_price(live_server: LiveServer) -> None:
    for provider in ("novita", "myrouter"):
        done = finish(live_server, provider, resolution="540p", duration=1)
        assert admin_task(live_server, done.task_id)["cost_usd"] is None


def test_no_price_is_written_in_a_provider_package() -> None:
    """Prices live in mock_server/media/pricing.py only."""
    price = re.compile(r"\b0\.0(03|06|13|30|688|306|168|075)\b")
    found = [
        f"{path.relative_to(PROVIDERS_DIR)}:{n}"
        for path in sorted(PROVIDERS_DIR.rglob("*.py"))
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if price.search(line) and not line.lstrip().startswith(("#", '"', "'"))
    ]
    assert found == []
