"""`ViduMock` (what the ``vidu_mock`` fixture yields), used directly, on a socket and in-process.

The fixture itself, its marker and its strict teardown are proved from a
separate project in `tests/contract/test_plugin_pytester.py`; here each
admin method is checked against what the mock then does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from vidukit.contract_tests.pytest_plugin import strict_teardown_message
from vidukit.contract_tests.pytest_plugin._mock import (
    ViduMock,
    ViduMockError,
    make_config,
    open_vidu_mock,
)
from vidukit.mock_server import MockConfig

SUBMIT = "/api/v3/vidu/reference-to-video-q2"
BODY = {"prompt": "a cat", "images": ["https://img.example/cat.png"], "duration": 5}


@pytest.fixture(params=[False, True], ids=["socket", "in-process"])
def mock(request: pytest.FixtureRequest) -> Iterator[ViduMock]:
    config = make_config({"clock": "virtual", "progression": "time=1,4"})
    with open_vidu_mock(config, in_process=request.param) as live:
        yield live


def _submit(mock: ViduMock, body: dict[str, object] | None = None) -> httpx.Response:
    return mock.client().post(mock.base_url("wavespeed") + SUBMIT, json=body or BODY,
                              headers={"Authorization": f"Bearer {mock.api_key}"})


def _status(mock: ViduMock, task_id: str) -> str:
    answer = mock.client().get(f"{mock.base_url('wavespeed')}/api/v3/predictions/{task_id}/result",
                               headers={"Authorization": f"Bearer {mock.api_key}"})
    return str(answer.json()["data"]["status"])


def test_the_clock_moves_a_task_only_when_advanced(mock: ViduMock) -> None:
    task_id = _submit(mock).json()["data"]["id"]
    start = mock.now()
    assert _status(mock, task_id) == "created"

    assert mock.advance(10) == pytest.approx(start + 10)
    assert _status(mock, task_id) == "completed"
    assert [t["state"] for t in mock.tasks("wavespeed")] == ["succeeded"]


def test_defaults_tasks_and_forced_outcomes(mock: ViduMock) -> None:
    assert mock.set_defaults(progression="polls=3")["progression"] == "polls=3"
    first = _submit(mock).json()["data"]["id"]
    mock.force_outcome(first, "fail", error_code=1200)
    assert mock.task(first)["state"] == "failed" and _status(mock, first) == "failed"

    second = _submit(mock).json()["data"]["id"]
    assert mock.set_task_progression(second, "immediate")["progression"] == "immediate"
    assert _status(mock, second) == "completed"
    assert {t["id"] for t in mock.tasks(state="succeeded")} == {second}
    assert mock.defaults()["outcome"] == "succeed"


def test_scenarios_strike_the_next_requests_and_can_be_cleared(mock: ViduMock) -> None:
    mock.set_scenario("http-503", provider="wavespeed", on="submit", count=2)
    assert _submit(mock).status_code == 503
    assert mock.clear_scenarios() == 1
    assert _submit(mock).status_code == 200
    assert [h["scenario"] for h in mock.scenarios()["history"]] == ["http-503;on=submit"]


def test_the_journal_and_its_violations(mock: ViduMock) -> None:
    _submit(mock)
    _submit(mock, {**BODY, "duration": 99, "resolution": "720P"})

    entries = mock.journal("wavespeed")
    assert [e["response"]["status"] for e in entries] == [200, 400]
    [found] = mock.violations()
    assert found.seq == entries[1]["seq"] and found.method == "POST"
    assert sorted(v["rule"] for v in found.violations) == ["duration.maximum", "resolution.enum"]
    message = strict_teardown_message(mock)
    assert message is not None
    assert "1 request(s)" in message and "[duration.maximum]" in message
    assert "allow_invalid_requests=True" in message

    mock.reset()
    assert mock.journal() == [] and strict_teardown_message(mock) is None


def test_webhook_settings_and_deliveries(mock: ViduMock) -> None:
    view = mock.configure_webhooks(secret="whsec_team", options="duplicate")
    assert view["secret"] == "whsec_team" and view["default_options"] == "duplicate"
    assert mock.webhooks() == []
    with pytest.raises(ViduMockError, match="bad webhook option"):
        mock.configure_webhooks(options="twice")


def test_an_async_client_reaches_the_same_mock(mock: ViduMock) -> None:
    async def submit() -> int:
        async with mock.async_client() as http:
            answer = await http.post(mock.base_url("novita") + "/v3/async/task-result",
                                     headers={"Authorization": "Bearer k"})
            return answer.status_code

    assert asyncio.run(submit()) in (400, 404, 405)
    assert mock.journal("novita")[0]["provider"] == "novita"


def test_admin_refusals_are_errors_with_the_admins_message(mock: ViduMock) -> None:
    with pytest.raises(ViduMockError, match="no task 'nope'"):
        mock.task("nope")
    with pytest.raises(ViduMockError, match="not serve 'acme'"):
        mock.base_url("acme")
    assert mock.endpoint("vtrix")["base_url"] == mock.url + "/vtrix"


def test_config_options_are_mock_config_fields() -> None:
    assert make_config({}).jitter == 0.0 and make_config({}).webhook_targets == "loopback"
    assert make_config({"seed": 3}).seed == 3
    given = MockConfig(seed=9)
    assert make_config({"config": given}) is given
    with pytest.raises(ViduMockError, match="MockConfig fields"):
        make_config({"speed": "fast"})
    with pytest.raises(ViduMockError, match="not both"):
        make_config({"config": given, "seed": 1})
