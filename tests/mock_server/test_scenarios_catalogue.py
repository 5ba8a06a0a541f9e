"""The scenario catalogue as data: names, parameters, category codes, fault bodies, rules files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scenarios_support import PROVIDERS, valid

from vidukit.mock_server.errors import ConfigError
from vidukit.mock_server.providers import load_providers
from vidukit.mock_server.quotas.settings import QuotaSettings
from vidukit.mock_server.scenarios import CATALOGUE, CATEGORY_CODES, Scenario, load_scenario_file
from vidukit.mock_server.scenarios.bodies import fault_reply

LOADED = load_providers()


@pytest.mark.parametrize("category", sorted(CATEGORY_CODES))
@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_category_maps_to_a_code_the_provider_has(category: str, provider: str) -> None:
    code = CATEGORY_CODES[category][provider]
    assert code in LOADED[provider].failure_codes
    assert f"fail-{category}" in CATALOGUE


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
@pytest.mark.parametrize("provider", PROVIDERS)
def test_fault_bodies_are_the_providers_own_error_shape(provider: str, status: int) -> None:
    reply = fault_reply(LOADED[provider], status, retry_after=7 if status == 429 else None)
    assert reply.status == status
    valid(provider, "error-response", reply.body)
    if isinstance(reply.body, dict) and "code" in reply.body:
        assert reply.body["code"] == status  # the envelopes that echo the status echo this one
    assert reply.headers.get("Retry-After") == ("7" if status == 429 else None)


def test_parse_fills_defaults_and_prints_a_canonical_form() -> None:
    scenario = Scenario.parse(" HTTP-503 ; on=poll;times=2 ")
    assert (scenario.name, scenario["on"], scenario["times"], scenario["phase"]) == (
        "http-503",
        "poll",
        2,
        "before",
    )
    assert Scenario.parse(scenario.spec()) == scenario
    assert Scenario.parse("http-429")["retry_after"] == 1
    assert Scenario.parse("latency;min_ms=5;max_ms=9")["ms"] is None


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("http-418", "unknown scenario 'http-418'"),
        ("http-503;colour=red", "unknown parameter 'colour'"),
        ("http-503;on=sometimes", "on='sometimes'"),
        ("latency", "give ms=N"),
        ("latency;min_ms=9;max_ms=5", "min_ms must not exceed max_ms"),
        ("latency;ms=999999999", "ms='999999999'"),
        ("truncated-body;keep=1", "keep='1'"),
        ("not-json;status=201", "status='201'"),
        ("http-429;retry_after", "'retry_after' is not 'param=value'"),
        ("http-429;on=poll;on=submit", "given twice"),
        ("", "empty scenario"),
    ],
)
def test_a_bad_scenario_is_refused_naming_the_bad_part(text: str, named: str) -> None:
    with pytest.raises(ValueError, match=named.replace("(", r"\(")):
        Scenario.parse(text)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_yaml_file_gives_rules_seed_and_quotas(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "chaos.yaml",
        "seed: 7\n"
        "rules:\n"
        "  - {scenario: http-503, probability: 0.25, provider: wavespeed, on: poll}\n"
        "  - {scenario: 'latency;min_ms=1;max_ms=3', probability: 1}\n"
        "  - {scenario: fail-timeout, probability: 0.5}\n"
        "quotas: {profile: documented, novita: {per_minute: 20}}\n",
    )
    loaded = load_scenario_file(path)
    assert loaded.seed == 7
    assert [r.scenario.spec() for r in loaded.rules] == [
        "http-503;on=poll",
        "latency;min_ms=1;max_ms=3",
        "fail-timeout",
    ]
    assert [r.probability for r in loaded.rules] == [0.25, 1.0, 0.5]
    assert loaded.rules[0].provider == "wavespeed"
    assert loaded.quotas is not None
    assert loaded.quotas.for_provider("novita").per_minute == 20
    assert loaded.quotas.for_provider("wavespeed").concurrency == 2


def test_a_json_file_reads_the_same(tmp_path: Path) -> None:
    data = {"rules": [{"scenario": "nsfw", "probability": 1, "provider": "wavespeed"}]}
    loaded = load_scenario_file(write(tmp_path, "chaos.json", json.dumps(data)))
    assert loaded.seed is None and loaded.rules[0].scenario.name == "nsfw"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rulez: []", "chaos.yaml: unknown key 'rulez'; expected seed, rules, quotas"),
        ("seed: soon", "chaos.yaml: seed: expected an integer, got 'soon'"),
        ("rules: {a: 1}", "chaos.yaml: rules: expected a list of rules"),
        ("rules: [{scenario: http-503}]", "chaos.yaml: rules[0].probability: expected a number"),
        (
            "rules: [{scenario: http-503, probability: 0.1}, {scenario: http-503, probability: 2}]",
            "chaos.yaml: rules[1].probability: expected a number in [0, 1], got 2",
        ),
        ("rules: [{probability: 1}]", "chaos.yaml: rules[0].scenario: required"),
        ("rules: [{scenario: boom, probability: 1}]", "rules[0].scenario: unknown scenario 'boom'"),
        ("rules: [{scenario: http-503, probability: 1, at: 3}]", "rules[0]: unknown key 'at'"),
        ("rules: [{scenario: http-503, probability: 1, provider: acme}]", "rules[0].provider"),
        ("rules: [{scenario: http-503, probability: 1, on: later}]", "rules[0].on"),
        ("rules: [{scenario: stuck, probability: 1, on: poll}]", "rules[0].on: stuck is a task"),
        ("rules: [{scenario: nsfw, probability: 1, provider: vtrix}]", "not available on vtrix"),
        ("quotas: {profile: gold}", "chaos.yaml: quotas: unknown profile 'gold'"),
        ("quotas: {wavespeed: {burst: 3}}", "chaos.yaml: quotas.wavespeed.burst: unknown limit"),
        ("quotas: {novita: {per_minute: -1}}", "chaos.yaml: quotas.novita.per_minute: expected"),
        ("rules: [", "chaos.yaml: not valid YAML"),
        ("- 1", "chaos.yaml: expected a mapping"),
    ],
)
def test_a_bad_file_is_one_line_naming_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_scenario_file(write(tmp_path, "chaos.yaml", text))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_quota_text_form_profiles_and_overrides() -> None:
    assert not QuotaSettings.parse("off").active
    documented = QuotaSettings.parse("documented")
    assert documented.for_provider("wavespeed").concurrency == 2
    assert documented.for_provider("wavespeed").per_minute == 2
    assert not documented.for_provider("runware").active
    tuned = QuotaSettings.parse("documented,wavespeed.per_minute=none,vtrix.concurrency=3")
    assert tuned.for_provider("wavespeed").per_minute is None
    assert tuned.for_provider("wavespeed").concurrency == 2
    assert tuned.for_provider("vtrix").concurrency == 3
    for bad in ("gold", "wavespeed=3", "acme.concurrency=1", "novita.per_minute=1.5"):
        with pytest.raises(ValueError):
            QuotaSettings.parse(bad)
