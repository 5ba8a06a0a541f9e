"""The two mock hooks the harness needs: ``extra-fields`` answers and the journal's ``fault``.

``extra-fields`` adds an undeclared field to every object of every answer
about its task, and the answers must still validate (the app runs with
``check_responses``, which turns an off-schema answer into a 500). The
journal's ``fault`` says when the client never got the recorded answer whole.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from vidukit import validate
from vidukit.contract_tests.canonical import CanonicalRequest
from vidukit.mock_server import MockConfig, create_app
from vidukit.mock_server.scenarios import CATALOGUE
from vidukit.mock_server.scenarios.bodies import EXTRA_FIELD
from vidukit.mock_server.testing import LiveServer, serving

PROVIDERS = ("wavespeed", "vtrix", "novita", "myrouter", "runware")
REQUEST = CanonicalRequest(prompt="a cat turns to @1", images=["https://img.example/cat.png"],
                           duration=5, resolution="720p", aspect_ratio="16:9",
                           movement_amplitude="auto", seed=7)


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    config = MockConfig(jitter=0.0, check_responses=True, progression="polls=2")
    with serving(create_app(config)) as server:
        yield server


@pytest.fixture
def admin(live: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.url + "/_mock", timeout=10) as client:
        client.post("/reset").raise_for_status()
        yield client


def _objects(value: Any) -> Iterator[dict[str, Any]]:
    """Every object of a body, not looking inside the added field's own value."""
    if isinstance(value, dict):
        yield value
        for key, item in value.items():
            if key != EXTRA_FIELD:
                yield from _objects(item)
    elif isinstance(value, list):
        for item in value:
            yield from _objects(item)


def _run(live: LiveServer, provider: str) -> dict[str, Any]:
    module = importlib.import_module(f"examples.{provider}_client")
    endpoint = {"provider": provider, "base_url": live.base_url(provider), "api_key": "k",
                "poll_interval": 0.01}
    result: dict[str, Any] = module.adapter(dict(REQUEST), endpoint)
    return result


def test_extra_fields_is_a_task_scenario_in_the_catalogue() -> None:
    assert CATALOGUE["extra-fields"].family == "task"


@pytest.mark.parametrize("outcome", ["succeed", "fail"])
@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_answer_about_an_extra_fields_task_carries_them_and_stays_valid(
    live: LiveServer, admin: httpx.Client, provider: str, outcome: str
) -> None:
    admin.put("/progression", json={"outcome": outcome}).raise_for_status()
    admin.post("/scenarios", json={"scenario": "extra-fields", "provider": provider,
                                   "count": 5}).raise_for_status()

    result = _run(live, provider)

    expected = "succeeded" if outcome == "succeed" else "failed"
    assert result["status"] == expected, result
    entries = admin.get("/journal", params={"provider": provider}).json()["entries"]
    assert len(entries) == 3  # a submit and two polls (polls=2)
    for entry in entries:
        assert entry["response"]["status"] == 200, entry["response"]  # a 500 = off-schema
        objects = list(_objects(entry["response"]["body"]))
        assert objects and all(EXTRA_FIELD in o for o in objects)
    message = "result-response"
    notes = validate(provider, message, entries[-1]["response"]["body"])
    assert not [v for v in notes if v.severity == "error"]
    assert any(v.rule == "unknown-field" for v in notes), "an undeclared field is only a note"


def test_other_tasks_answers_are_untouched(live: LiveServer, admin: httpx.Client) -> None:
    _run(live, "novita")
    entries = admin.get("/journal", params={"provider": "novita"}).json()["entries"]
    assert entries and not any(EXTRA_FIELD in str(e["response"]["body"]) for e in entries)


def test_the_journal_names_a_fault_that_mangled_an_answer(
    live: LiveServer, admin: httpx.Client
) -> None:
    admin.post("/scenarios", json={"scenario": "truncated-body", "provider": "wavespeed",
                                   "on": "poll", "count": 1}).raise_for_status()

    assert _run(live, "wavespeed")["status"] == "succeeded"

    entries = admin.get("/journal", params={"provider": "wavespeed"}).json()["entries"]
    faults = [e["fault"] for e in entries]
    assert faults.count(None) == len(entries) - 1
    assert [f for f in faults if f is not None] == ["truncated-body;on=poll"]
    assert faults[0] is None, "the submit was not struck"
