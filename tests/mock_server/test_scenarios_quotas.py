"""Quotas over a real socket: tasks over the concurrency limit wait queued; excess gets 429."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from mock_support import mock_config
from scenarios_support import Driver, driver, valid

from vidukit.mock_server import create_app
from vidukit.mock_server.testing import LiveServer, serving


@pytest.fixture
def start() -> Iterator[Any]:
    """Start a live server with the given config overrides; closes servers and clients."""
    stack: list[Any] = []

    def run(**overrides: Any) -> LiveServer:
        context = serving(create_app(mock_config(**overrides)))
        live = context.__enter__()
        stack.append(context)
        return live

    yield run
    for context in reversed(stack):
        context.__exit__(None, None, None)


def admin(live: LiveServer, method: str, path: str, **kwargs: Any) -> Any:
    response = httpx.request(method, f"{live.url}/_mock{path}", timeout=5, **kwargs)
    assert response.status_code < 300, response.text
    return response.json()


def advance(live: LiveServer, seconds: float) -> None:
    admin(live, "POST", "/clock/advance", json={"seconds": seconds})


def statuses(client: Driver, ids: list[str]) -> list[str]:
    return [client.outcome(client.poll(i))[0] for i in ids]


def test_the_third_task_waits_queued_while_two_process(start: Any) -> None:
    live = start(quotas="wavespeed.concurrency=2", progression="time=0,10")
    with driver(live.base_url("wavespeed"), "wavespeed").client as http:
        client = Driver("wavespeed", http)
        ids = [client.task_id(client.submit()) for _ in range(3)]
        advance(live, 1)
        assert statuses(client, ids) == ["processing", "processing", "created"]
        advance(live, 8.5)
        assert statuses(client, ids) == ["processing", "processing", "created"]
        waiting = admin(live, "GET", f"/tasks/{ids[2]}")
        assert waiting["next_change_at"] == "2026-01-01T00:00:10.000Z", "starts when a slot frees"
        advance(live, 1)
        assert statuses(client, ids) == ["completed", "completed", "processing"]
        advance(live, 10)
        done = valid("wavespeed", "result-response", client.poll(ids[2]).json())["data"]
        assert done["status"] == "completed" and done["timings"]["inference"] == 10_000
        assert admin(live, "GET", f"/tasks/{ids[2]}")["entered"]["processing"].endswith("10.000Z")


def test_another_key_has_its_own_slots(start: Any) -> None:
    live = start(quotas="wavespeed.concurrency=1", progression="time=0,10")
    base = live.base_url("wavespeed")
    with (
        httpx.Client(base_url=base, headers={"Authorization": "Bearer a"}) as a,
        httpx.Client(base_url=base, headers={"Authorization": "Bearer b"}) as b,
    ):
        first, second = Driver("wavespeed", a), Driver("wavespeed", b)
        ids = [first.task_id(first.submit()), second.task_id(second.submit())]
        waiting = first.task_id(first.submit())
        advance(live, 1)
        assert statuses(first, [ids[0], waiting]) == ["processing", "created"]
        assert statuses(second, [ids[1]]) == ["processing"]


def test_a_stuck_task_holds_its_slot_for_good(start: Any) -> None:
    live = start(quotas="wavespeed.concurrency=1", progression="time=0,5")
    with driver(live.base_url("wavespeed"), "wavespeed").client as http:
        client = Driver("wavespeed", http)
        stuck = client.task_id(client.submit(**{"X-Mock-Scenario": "stuck"}))
        behind = client.task_id(client.submit())
        advance(live, 86_400)
        assert statuses(client, [stuck, behind]) == ["processing", "created"]
        assert admin(live, "GET", f"/tasks/{behind}")["next_change_at"] is None
        admin(live, "POST", f"/tasks/{stuck}/outcome", json={"outcome": "succeed"})
        advance(live, 5)
        assert statuses(client, [behind]) == ["completed"]


def test_the_documented_profile_rate_limits_wavespeed_with_its_429(start: Any) -> None:
    live = start(quotas="documented")
    with driver(live.base_url("wavespeed"), "wavespeed").client as http:
        client = Driver("wavespeed", http)
        assert [client.submit().status_code for _ in range(2)] == [200, 200]
        refused = client.submit()
        assert refused.status_code == 429 and refused.headers["retry-after"] == "60"
        valid("wavespeed", "error-response", refused.json())
        advance(live, 30)
        again = client.submit()
        assert again.status_code == 429 and again.headers["retry-after"] == "30"
        advance(live, 30)
        assert client.submit().status_code == 200
        assert admin(live, "GET", "/tasks")["count"] == 3, "refused submits create nothing"


def test_novitas_per_minute_limit_answers_rate_limit_exceeded(start: Any) -> None:
    live = start(quotas="documented,novita.per_minute=3")
    with driver(live.base_url("novita"), "novita").client as http:
        client = Driver("novita", http)
        answers = [client.submit() for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        body = valid("novita", "error-response", answers[-1].json())
        assert (body["code"], body["reason"]) == (429, "RATE_LIMIT_EXCEEDED")


def test_quotas_are_off_by_default_and_set_at_runtime(start: Any) -> None:
    live = start()
    assert admin(live, "GET", "/quotas")["limits"]["wavespeed"] == {
        "concurrency": None,
        "per_minute": None,
    }
    with driver(live.base_url("wavespeed"), "wavespeed").client as http:
        client = Driver("wavespeed", http)
        assert {client.submit().status_code for _ in range(5)} == {200}
        admin(live, "PUT", "/quotas", json={"wavespeed": {"per_minute": 5}})
        assert client.submit().status_code == 429
        admin(live, "PUT", "/quotas", json={"profile": "off"})
        assert client.submit().status_code == 200
    bad = httpx.put(f"{live.url}/_mock/quotas", json={"wavespeed": {"burst": 1}}, timeout=5)
    assert bad.status_code == 400 and "quotas.wavespeed.burst" in bad.json()["error"]
