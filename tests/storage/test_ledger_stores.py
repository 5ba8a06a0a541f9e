"""The ledger lives in the store: a restart on SQLite or Redis keeps charges and what is
left of a balance, and two instances sharing Redis pay from one balance.

WaveSpeed's default request is 720p for 5 s: $0.013/s x 5 = $0.065 (source document
000, "Pricing"), so a balance of $0.10 pays for one such task and refuses the second.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from redis_launcher import RedisServer
from store_support import fresh_store_url, submit

from vidukit.mock_server import MockConfig, create_app
from vidukit.mock_server.testing import serving

PRICE = Decimal("0.013") * 5
KEY = "store-test-key"  # the key store_support's AUTH sends


def _config(url: str) -> MockConfig:
    return MockConfig(store=url, clock="virtual", jitter=0.0, balances={KEY: "0.10"})


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_a_restart_keeps_the_ledger_and_what_is_left_of_a_balance(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    redis = request.getfixturevalue("redis_live") if kind == "redis" else None
    url = fresh_store_url(kind, tmp_path, redis)
    with serving(create_app(_config(url))) as live, httpx.Client(base_url=live.url,
                                                                  timeout=10) as client:
        task_id = submit(client, 1).json()["data"]["id"]
    with serving(create_app(_config(url))) as live, httpx.Client(base_url=live.url,
                                                                  timeout=10) as client:
        ledger = client.get("/_mock/ledger", params={"provider": "wavespeed"}).json()
        assert [(e["task"], Decimal(e["amount"])) for e in ledger["entries"]] == [
            (task_id, PRICE)]
        left = {b["provider"]: Decimal(b["left"]) for b in ledger["balances"]}
        assert left["wavespeed"] == Decimal("0.10") - PRICE
        assert submit(client, 2).status_code == 403


def test_two_instances_on_one_redis_pay_from_one_balance(
    redis_live: RedisServer, tmp_path: Path
) -> None:
    url = fresh_store_url("redis", tmp_path, redis_live)
    with (serving(create_app(_config(url))) as one, serving(create_app(_config(url))) as two,
          httpx.Client(base_url=one.url, timeout=10) as a,
          httpx.Client(base_url=two.url, timeout=10) as b):
        assert submit(a, 1).status_code == 200
        assert submit(b, 2).status_code == 403
        assert len(b.get("/_mock/ledger").json()["entries"]) == 1
