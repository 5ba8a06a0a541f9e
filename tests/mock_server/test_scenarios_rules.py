"""Server-wide rules from a config file: drawn with their probabilities, replayed by their seed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from mock_support import mock_config
from scenarios_support import Driver, driver

from vidukit.cli import build_parser, main
from vidukit.cli.serve_cmd import banner, build_config
from vidukit.mock_server import create_app
from vidukit.mock_server.scenarios import ScenarioFile, parse_scenario_config
from vidukit.mock_server.scenarios.transport import ConnectionDropped
from vidukit.mock_server.testing import LiveServer, serving

RULES = {
    "rules": [
        {"scenario": "http-503", "probability": 0.3, "provider": "wavespeed", "on": "poll"},
        {"scenario": "fail-internal", "probability": 0.5},
    ]
}


def rules(seed: int) -> ScenarioFile:
    return parse_scenario_config({**RULES, "seed": seed}, source="test")


@pytest.fixture
def start() -> Iterator[Any]:
    stack: list[Any] = []

    def run(**overrides: Any) -> LiveServer:
        context = serving(create_app(mock_config(**overrides)))
        stack.append(context)
        return context.__enter__()

    yield run
    for context in reversed(stack):
        context.__exit__(None, None, None)


def run_session(live: LiveServer) -> tuple[list[int], list[str]]:
    """Six tasks, each polled five times: every poll's HTTP status and each task's outcome."""
    with driver(live.base_url("wavespeed"), "wavespeed").client as http:
        client = Driver("wavespeed", http)
        ids = [
            client.task_id(client.submit(**{"X-Mock-Progression": "immediate"})) for _ in range(6)
        ]
        polls = [client.poll(task_id) for task_id in ids for _ in range(5)]
        outcomes = [client.outcome(p)[0] for p in polls if p.status_code == 200]
    return [p.status_code for p in polls], outcomes


def test_the_same_seed_replays_the_same_faults(start: Any) -> None:
    live = start(scenarios=rules(11))
    first = run_session(live)
    assert httpx.post(f"{live.url}/_mock/reset", timeout=5).status_code == 200
    assert run_session(live) == first, "a reset rewinds every rule to its seed"
    assert run_session(start(scenarios=rules(11))) == first, "a fresh server with the seed too"
    codes, outcomes = first
    assert set(codes) == {200, 503} and 3 <= codes.count(503) <= 18  # p = 0.3 of 30 polls
    assert {"completed", "failed"} <= set(outcomes)


def test_another_seed_draws_differently(start: Any) -> None:
    sessions = {str(run_session(start(scenarios=rules(seed)))) for seed in (1, 2, 3)}
    assert len(sessions) > 1


def test_rules_name_where_they_struck(start: Any) -> None:
    live = start(scenarios=rules(11))
    run_session(live)
    history = httpx.get(f"{live.url}/_mock/scenarios", timeout=5).json()["history"]
    assert {h["source"] for h in history} == {"rule#0", "rule#1"}
    assert {h["scenario"] for h in history if h["source"] == "rule#0"} == {"http-503;on=poll"}


def test_the_none_header_opts_a_request_out_of_every_rule(start: Any) -> None:
    always = parse_scenario_config({"rules": [{"scenario": "http-500", "probability": 1}]})
    live = start(scenarios=always)
    with driver(live.base_url("vtrix"), "vtrix").client as http:
        client = Driver("vtrix", http)
        assert client.submit().status_code == 500
        assert client.submit(**{"X-Mock-Scenario": "none"}).status_code == 200


def test_serve_reads_the_scenario_file_and_the_quota_option(tmp_path: Path) -> None:
    path = tmp_path / "chaos.yaml"
    path.write_text("seed: 5\nrules:\n  - {scenario: http-429, probability: 0.2}\n")
    args = build_parser().parse_args(["serve", "--scenarios", str(path), "--quotas", "documented"])
    config = build_config(args)
    assert config.scenarios is not None and config.scenarios.seed == 5
    assert config.quota_settings.for_provider("wavespeed").concurrency == 2
    text = "\n".join(banner(create_app(config).state.mock, "http://127.0.0.1:8000"))
    assert "1 scenario rule(s), seed 5; quotas: documented" in text


def test_the_quota_option_overrides_the_files_quotas(tmp_path: Path) -> None:
    path = tmp_path / "chaos.json"
    path.write_text('{"quotas": {"profile": "documented"}}')
    args = build_parser().parse_args(["serve", "--scenarios", str(path), "--quotas", "off"])
    assert not build_config(args).quota_settings.active
    args = build_parser().parse_args(["serve", "--scenarios", str(path)])
    assert build_config(args).quota_settings.profile == "documented"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--scenarios", "{dir}/bad.yaml"], "bad.yaml: rules[0].provider: expected one of"),
        (["--scenarios", "{dir}/missing.yaml"], "missing.yaml: cannot read"),
        (["--quotas", "platinum"], "quotas: unknown profile 'platinum'"),
    ],
)
def test_serve_refuses_a_bad_file_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    (tmp_path / "bad.yaml").write_text(
        "rules:\n  - {scenario: http-503, probability: 1, provider: x}\n"
    )
    status = main(["serve", "--port", "0", *(a.format(dir=tmp_path) for a in argv)])
    err = capsys.readouterr().err
    assert status == 2
    assert message in err and err.count("\n") == 1


@pytest.mark.anyio
async def test_in_process_a_closed_connection_raises_in_the_client(make_client: Any) -> None:
    async with make_client() as client:
        with pytest.raises(ConnectionDropped):
            await client.post(
                "/wavespeed/api/v3/vidu/reference-to-video-q2",
                json={"prompt": "a cat", "images": ["https://example.com/cat.png"]},
                headers={"Authorization": "Bearer k", "X-Mock-Scenario": "connection-closed"},
            )
