"""Lost and late webhooks: a callback URL taken and never called, or called after a client
would have given up; per task (``X-Mock-Webhook: lost``), by scenario (``webhook-lost``,
``webhook-late``) and for a whole drifted provider (``drop-callbacks``,
``bad-callback-signature``). One virtual-clock mock on a real socket, a receiver on 127.0.0.1.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from mock_support import mock_config
from webhooks_support import PROVIDERS, Receiver, receiving, submit_request, task_id_of

from vidukit.mock_server import create_app
from vidukit.mock_server.drift import builtin, parse_profile
from vidukit.mock_server.errors import ConfigError
from vidukit.mock_server.testing import LiveServer, serving
from vidukit.mock_server.webhooks import WebhookOptions

AUTH = {"Authorization": "Bearer lost-webhook-key"}
FAST = {"X-Mock-Progression": "time=0,1"}


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    with serving(create_app(mock_config())) as server:
        yield server


@pytest.fixture
def mock(live: LiveServer) -> Iterator[httpx.Client]:
    live.state.reset()
    with httpx.Client(base_url=live.url, timeout=10) as client:
        yield client


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as r:
        yield r


def submit(mock: httpx.Client, provider: str, url: str, headers: dict[str, str]) -> str:
    path, body = submit_request(provider, url)
    answer = mock.post(path, json=body, headers={**AUTH, **headers})
    assert answer.status_code == 200, answer.text
    return task_id_of(provider, answer.json())


def advance(mock: httpx.Client, seconds: float) -> None:
    assert mock.post("/_mock/clock/advance", json={"seconds": seconds}).status_code == 200


def deliveries(mock: httpx.Client, task_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = mock.get(
        "/_mock/webhooks", params={"task": task_id}).json()["deliveries"]
    return found


def quiet(receiver: Receiver) -> bool:
    time.sleep(0.1)  # a callback sent by mistake would be in by now (loopback)
    return receiver.requests == []


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("how", [{"X-Mock-Webhook": "lost"},
                                 {"X-Mock-Scenario": "webhook-lost"}],
                         ids=["option", "scenario"])
def test_a_lost_callback_is_never_sent_and_the_journal_says_so(
        mock: httpx.Client, receiver: Receiver, provider: str, how: dict[str, str]) -> None:
    task_id = submit(mock, provider, receiver.url(), {**FAST, **how})
    advance(mock, 3600)  # a whole retry schedule and more
    assert mock.get(f"/_mock/tasks/{task_id}").json()["state"] == "succeeded"
    assert quiet(receiver)
    [delivery] = deliveries(mock, task_id)[:1]
    assert (delivery["state"], delivery["attempts"], delivery["next_attempt_at"]) == (
        "lost", [], None)
    assert "lost" in delivery["options"].split(",")


def test_a_late_callback_comes_only_after_its_delay(mock: httpx.Client,
                                                    receiver: Receiver) -> None:
    task_id = submit(mock, "novita", receiver.url(),
                     {**FAST, "X-Mock-Scenario": "webhook-late;after=600"})
    advance(mock, 600)  # the task ended at +1 s: the callback is due at +601 s
    assert quiet(receiver)
    assert deliveries(mock, task_id)[0]["state"] == "scheduled"
    advance(mock, 1)
    [call] = receiver.wait_for(1)
    assert call.json()["payload"]["task"]["task_id"] == task_id
    assert deliveries(mock, task_id)[0]["attempts"][0]["at"].endswith("00:10:01.000Z")


def test_the_late_scenario_waits_fifteen_minutes_by_default(mock: httpx.Client,
                                                            receiver: Receiver) -> None:
    task_id = submit(mock, "vtrix", receiver.url(), {**FAST, "X-Mock-Scenario": "webhook-late"})
    advance(mock, 1 + 900 - 0.5)
    assert quiet(receiver)
    advance(mock, 0.5)
    receiver.wait_for(1)
    assert deliveries(mock, task_id)[0]["state"] == "delivered"


def test_lost_reads_back_and_merges() -> None:
    assert WebhookOptions.parse("lost").spec() == "lost"
    both = WebhookOptions.parse("delay=5").merged(WebhookOptions.parse("lost,delay=2"))
    assert (both.lost, both.delay) == (True, 5.0)
    with pytest.raises(ValueError, match="bad webhook option 'lost=1'"):
        WebhookOptions.parse("lost=1")


def test_the_callback_profiles_name_only_providers_that_call_back_or_sign() -> None:
    dropped = builtin("drop-callbacks").callbacks()
    assert set(PROVIDERS) <= set(dropped)  # every one of the five takes a callback URL
    assert all(options == WebhookOptions(lost=True) for options in dropped.values())
    # of the five, only WaveSpeed signs (webhook-signature header: provider-docs README)
    signed = builtin("bad-callback-signature").callbacks()
    assert signed["wavespeed"] == WebhookOptions(bad_signature=True)
    assert not set(signed) & {"novita", "myrouter", "vtrix", "runware"}


@pytest.mark.parametrize(("item", "complaint"), [
    ({"provider": "novita", "op": "callbacks", "options": "bad-signature"},
     "novita does not sign its callbacks"),
    ({"provider": "novita", "op": "callbacks", "options": "sometimes"},
     "bad webhook option 'sometimes'"),
    ({"provider": "novita", "op": "callbacks"}, "callbacks needs options"),
])
def test_bad_callback_mutations_are_one_line_errors(item: dict[str, Any], complaint: str) -> None:
    with pytest.raises(ConfigError, match=complaint):
        parse_profile({"mutations": [item]}, source="p.yaml")


def test_a_profile_file_can_make_callbacks_late() -> None:
    profile = parse_profile({"mutations": [
        {"provider": "runware", "op": "callbacks", "options": "delay=120"}]})
    assert profile.callbacks() == {"runware": WebhookOptions(delay=120.0)}
