"""The ledger over a real socket on the virtual clock: charges at the documented prices,
balances refused with each provider's insufficient-funds answer, "paid, not collected".

Expected amounts are computed here from the provider documents' price tables (literals
below, each citing its section), never from `vidukit.mock_server.media.pricing` or the
specs' ``usd_per_second``.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from media_support import AUTH, IMMEDIATE, _submit, finish
from mock_support import mock_config

from vidukit.mock_server import create_app
from vidukit.mock_server.http import key_owner
from vidukit.mock_server.testing import LiveServer, serving
from vidukit.validation import validate

#: Source document 000 (WaveSpeed), "💰 Pricing": "360p $0.003 / s, 540p $0.006 / s,
#: 720p $0.013 / s, 1080p $0.030 / s".
WAVESPEED = {"360p": "0.003", "540p": "0.006", "720p": "0.013", "1080p": "0.030"}
#: provider-docs/README.md §7 item 22 (Runware pricing): "The model page says $0.0688/s at
#: 1080p (8 s = $0.55)". The lower resolutions have no documented price.
RUNWARE_1080P = "0.0688"
#: provider-docs/README.md §2: Vtrix documents only that ``usage.cost`` is "<USD string>",
#: no price table; the mock's placeholder is WaveSpeed's table for the same model (seed 000).
VTRIX = WAVESPEED

#: The scripted session: (provider, submit fields, documented USD per second, seconds).
SESSION: list[tuple[str, dict[str, Any], str | None, int]] = [
    ("wavespeed", {"resolution": "720p", "duration": 5}, WAVESPEED["720p"], 5),
    ("wavespeed", {"resolution": "1080p", "duration": 8}, WAVESPEED["1080p"], 8),
    ("wavespeed", {"resolution": "540p", "duration": 3}, WAVESPEED["540p"], 3),
    ("runware", {"width": 1920, "height": 1080, "duration": 8}, RUNWARE_1080P, 8),
    ("runware", {"width": 1080, "height": 1920, "duration": 4}, RUNWARE_1080P, 4),
    ("vtrix", {"resolution": "1080p", "duration": 2}, VTRIX["1080p"], 2),
    ("vtrix", {"resolution": "720p", "duration": 10}, VTRIX["720p"], 10),
    # Novita and MyRouter publish no price (README §3, §4): charged, amount unknown.
    ("novita", {"resolution": "720p", "duration": 5}, None, 5),
    ("myrouter", {"resolution": "1080p", "duration": 4}, None, 4),
]
KEY = AUTH["Authorization"].removeprefix("Bearer ")
BROKE = "ledger-broke"


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    """One real server for the module, on the virtual clock."""
    with serving(create_app(mock_config(clock="virtual"))) as live:
        yield live


@pytest.fixture
def live_server(server: LiveServer) -> LiveServer:
    server.state.reset()
    return server


def _admin(live: LiveServer, method: str, path: str, **kwargs: Any) -> Any:
    answer = httpx.request(method, f"{live.url}/_mock{path}", timeout=5, **kwargs)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_scripted_session_is_charged_the_documented_prices(live_server: LiveServer) -> None:
    finished = [finish(live_server, provider, **fields) for provider, fields, _, _ in SESSION]
    ledger = _admin(live_server, "GET", "/ledger")
    by_task = {e["task"]: e for e in ledger["entries"]}
    assert len(by_task) == len(SESSION)
    for done, (provider, _, rate, seconds) in zip(finished, SESSION, strict=True):
        entry = by_task[done.task_id]
        assert entry["provider"] == provider and entry["unit"] == "USD"
        assert entry["owner"] == key_owner(KEY)
        expected = None if rate is None else Decimal(rate) * seconds
        assert (None if entry["amount"] is None else Decimal(entry["amount"])) == expected
        assert entry["state"] == "succeeded" and entry["paid_not_collected"] is True
    spent = {row["provider"]: row for row in ledger["spend"]}
    assert Decimal(spent["wavespeed"]["spent"]) == Decimal("0.065") + Decimal("0.24") + Decimal(
        "0.018")
    assert Decimal(spent["runware"]["spent"]) == Decimal("0.0688") * 12
    assert Decimal(spent["vtrix"]["spent"]) == Decimal("0.06") + Decimal("0.13")
    assert spent["novita"]["unpriced_tasks"] == 1 and Decimal(spent["novita"]["spent"]) == 0
    assert spent["wavespeed"]["paid_not_collected"] == 3


def test_fetching_the_output_collects_a_task_and_the_journal_shows_the_charge(
    live_server: LiveServer,
) -> None:
    done = finish(live_server, "wavespeed", resolution="720p", duration=4)
    kept = finish(live_server, "wavespeed", resolution="720p", duration=4)
    assert httpx.get(done.url, timeout=10).status_code == 200
    entries = {e["task"]: e for e in _admin(live_server, "GET", "/ledger")["entries"]}
    assert entries[done.task_id]["fetched"] is True
    assert entries[done.task_id]["paid_not_collected"] is False
    assert entries[kept.task_id]["paid_not_collected"] is True
    submits = [e for e in _admin(live_server, "GET", "/journal", params={"provider": "wavespeed"})[
        "entries"] if e["request"]["method"] == "POST"]
    assert submits[0]["ledger"] == [
        {"task": done.task_id, "charged": str(Decimal("0.013") * 4), "unit": "USD"}]


#: Each provider's documented insufficient-funds answer: (HTTP status, where the body names
#: the error, the name). Runware: errors page "402: insufficient balance" (README §5; the
#: code is the mock's, UNCONFIRMED). Vtrix: "403: insufficient balance" (README §2).
#: Novita/MyRouter: {"code":403,"reason":"NOT_ENOUGH_BALANCE"} (README §3). WaveSpeed:
#: UNCONFIRMED, 403 (README §1 lists 403 as the refusal of an account).
REFUSALS: dict[str, tuple[int, tuple[Any, ...] | None, str | None]] = {
    "runware": (402, ("errors", 0, "code"), "insufficientCredits"),
    "vtrix": (403, ("error",), "insufficient_balance"),
    "novita": (403, ("reason",), "NOT_ENOUGH_BALANCE"),
    "myrouter": (403, ("reason",), "NOT_ENOUGH_BALANCE"),
    "wavespeed": (403, None, None),
}


def _dig(body: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        body = body[step]
    return body


@pytest.mark.parametrize("provider", sorted(REFUSALS))
def test_a_key_that_cannot_pay_gets_the_providers_insufficient_funds_answer(
    live_server: LiveServer, provider: str
) -> None:
    fields = {"resolution": "720p", "duration": 5}
    if provider == "runware":
        fields = {"width": 1280, "height": 720, "duration": 5}
    _admin(live_server, "PUT", "/balances", json={"key": BROKE, "balance": 0})
    headers = {"Authorization": f"Bearer {BROKE}", **IMMEDIATE}
    with httpx.Client(base_url=live_server.base_url(provider), headers=headers,
                      timeout=10) as client, pytest.raises(AssertionError) as refused:
        _submit(client, provider, fields)
    status, path, name = REFUSALS[provider]
    entry = _admin(live_server, "GET", "/journal", params={"provider": provider})["entries"][-1]
    assert entry["response"]["status"] == status, refused.value
    body = entry["response"]["body"]
    assert [v for v in validate(provider, "error-response", body) if v.severity == "error"] == []
    if path is not None:
        assert _dig(body, path) == name
    assert entry["ledger"][0]["refused"] == "insufficient-funds"
    assert _admin(live_server, "GET", "/tasks", params={"provider": provider})["count"] == 0


def test_a_balance_pays_until_it_runs_out_and_unlimited_lifts_it(live_server: LiveServer) -> None:
    # Seed 000: 720p is $0.013/s, so 5 s is $0.065; $0.15 pays for two such tasks.
    _admin(live_server, "PUT", "/balances",
           json={"key": KEY, "balance": "0.15", "provider": "wavespeed"})
    finish(live_server, "wavespeed", resolution="720p", duration=5)
    finish(live_server, "wavespeed", resolution="720p", duration=5)
    with pytest.raises(AssertionError):
        finish(live_server, "wavespeed", resolution="720p", duration=5)
    [left] = _admin(live_server, "GET", "/balances")["balances"]
    assert Decimal(left["left"]) == Decimal("0.15") - 2 * Decimal("0.065")
    finish(live_server, "novita", resolution="720p", duration=5)  # other providers: unlimited
    _admin(live_server, "PUT", "/balances",
           json={"key": KEY, "balance": None, "provider": "wavespeed"})
    finish(live_server, "wavespeed", resolution="720p", duration=5)
    assert _admin(live_server, "GET", "/balances")["balances"] == []


@pytest.mark.parametrize("body", [
    {"key": "k", "balance": -1}, {"key": "k", "balance": "lots"}, {"key": "", "balance": 1},
    {"balance": 1}, {"key": "k"}, {"key": "k", "balance": 1, "provider": "nobody"},
    {"key": "k", "balance": True},
])
def test_a_bad_balance_is_a_400_naming_what_to_send(live_server: LiveServer,
                                                   body: dict[str, Any]) -> None:
    answer = httpx.put(f"{live_server.url}/_mock/balances", json=body, timeout=5)
    assert answer.status_code == 400
    assert "\n" not in answer.json()["error"]


def test_starting_balances_come_from_the_config_and_survive_a_reset() -> None:
    with serving(create_app(mock_config(clock="virtual", balances={BROKE: 0}))) as live:
        for _ in range(2):
            balances = _admin(live, "GET", "/balances")["balances"]
            assert {b["provider"] for b in balances} >= set(REFUSALS)
            assert all(b["left"] == "0" and b["owner"] == key_owner(BROKE) for b in balances)
            _admin(live, "POST", "/reset")


def test_the_dashboard_shows_each_tasks_cost_and_the_spend_per_key(
    live_server: LiveServer,
) -> None:
    done = finish(live_server, "vtrix", resolution="1080p", duration=2)
    snap = _admin(live_server, "GET", "/ui/api/snapshot")
    [task] = [t for t in snap["tasks"] if t["id"] == done.task_id]
    # Vtrix's placeholder is seed 000's 1080p rate: $0.030/s x 2 s.
    assert task["cost"] == {"amount": str(Decimal("0.030") * 2), "unit": "USD",
                            "paid_not_collected": True}
    [row] = snap["spend"]
    assert (row["provider"], row["owner"], Decimal(row["spent"])) == (
        "vtrix", key_owner(KEY), Decimal("0.06"))
