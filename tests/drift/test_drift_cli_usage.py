"""``vidukit drift`` before it sends anything: keys, budget, dry run; and the recorded fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from drift_support import ENV, KEY, PROVIDERS, load

from vidukit.catalogue import data_root
from vidukit.cli import main
from vidukit.cli.drift_cmd import build_plan
from vidukit.drift.record import check_recorded, recorded_files
from vidukit.validation import is_valid, validate


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_missing_key_is_one_line_and_exit_2(provider: str, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv(ENV[provider], raising=False)
    assert main(["drift", "--provider", provider, "--allow-unpriced"]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1] == (
        f"vidukit drift: error: set {ENV[provider]} to the {provider} API key "
        "(it is never printed)")


def test_over_budget_is_refused_after_the_estimate(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("RUNWARE_API_KEY", KEY)
    assert main(["drift", "--provider", "runware", "--max-cost", "0.001",
                 "--base-url", "http://127.0.0.1:9"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0].startswith("vidukit drift: estimated cost: $0.0075 (360p")
    assert lines[-1].startswith("vidukit drift: error: refusing: the estimate $0.0075")


def test_an_unpriced_provider_needs_consent(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("NOVITA_API_KEY", KEY)
    assert main(["drift", "--provider", "novita", "--base-url", "http://127.0.0.1:9"]) == 2
    assert "--allow-unpriced" in capsys.readouterr().err


def test_an_unreachable_provider_is_one_line(monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("WAVESPEED_API_KEY", KEY)
    assert main(["drift", "--provider", "wavespeed", "--base-url", "http://127.0.0.1:9"]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        "vidukit drift: error: cannot reach the wavespeed API: ConnectError")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_plan_is_the_cheapest_documented_request(provider: str) -> None:
    plan = build_plan(provider, "https://example.com/cat.png")
    assert is_valid(provider, "submit-request", plan.submit_body)
    text = json.dumps(plan.submit_body)
    lowest = {"wavespeed": "360p", "runware": "360p"}.get(provider, "540p")
    assert lowest in plan.summary and ", 1 s," in plan.summary
    if provider != "runware":
        assert f'"{lowest}"' in text and '"duration": 1' in text
    else:
        assert '"width": 640, "height": 352' in text and '"duration": 1' in text
    # Each invalid request breaks its named rule, and only rules that leave nothing to generate.
    assert 1 <= len(plan.invalid) <= 3
    for rule, body in plan.invalid:
        assert rule.endswith((".required", ".minItems"))
        assert rule in {v.rule for v in validate(provider, "submit-request", body)}


@pytest.mark.parametrize(("provider", "scheme", "result"), [
    # provider-docs: Vidu reads `Authorization: Token <key>` and answers Bearer with a 401;
    # its creations poll names the output. fal reads `Authorization: Key <key>`, and a
    # finished request's output is fetched from /requests/{id}, apart from its status.
    ("vidu", "Token", None),
    ("fal", "Key", "GET https://queue.fal.run/fal-ai/vidu/requests/<task id>\n"),
])
def test_dry_run_shows_the_scheme_and_calls_the_provider_reads(
        provider: str, scheme: str, result: str | None, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from vidukit.providers import spec

    monkeypatch.setenv(spec(provider).key_env, KEY)
    assert main(["drift", "--provider", provider, "--dry-run", "--allow-unpriced"]) == 0
    out, err = capsys.readouterr()
    assert KEY not in out + err
    assert f"Authorization: {scheme} <redacted>" in out and "Bearer" not in out
    assert ("# result (once finished)" in out) == (result is not None)
    if result is not None:
        assert result in out


def test_dry_run_shows_every_request_without_the_key(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("VTRIX_API_KEY", KEY)
    assert main(["drift", "--provider", "vtrix", "--dry-run"]) == 0
    out, err = capsys.readouterr()
    assert KEY not in out + err
    assert "POST https://cloud.vtrix.ai/model/v1/generation" in out
    assert "Authorization: Bearer <redacted>" in out and "(no Authorization header)" in out
    assert "GET https://cloud.vtrix.ai/model/v1/generation/task/<task id>" in out
    assert err.startswith("vidukit drift: estimated cost: $0.0060")


def test_recorded_fixtures_in_the_repository_keep_their_promise() -> None:
    """Every fixtures/<provider>/recorded/ exchange: its meta, its verdict, no key."""
    problems = [p for path in recorded_files(data_root("fixtures")) for p in check_recorded(path)]
    assert problems == []


def test_a_recording_that_no_longer_matches_its_verdict_fails(tmp_path: Path) -> None:
    folder = tmp_path / "wavespeed" / "recorded"
    folder.mkdir(parents=True)
    body = load(data_root("fixtures") / "wavespeed/result-response/valid/completed.json")
    (folder / "x.json").write_text(json.dumps(
        {"request": {"method": "GET", "path": "/p", "query": {}, "body": None},
         "response": {"status": 200, "body": body}}))
    meta = {"date": "d", "source": "s", "provider": "wavespeed", "scrubbing": [],
            "request_message": None, "response_message": "result-response",
            "errors": {"request": [], "response": ["data.status.enum"]}}
    (folder / "x.meta.json").write_text(json.dumps(meta))
    [problem] = check_recorded(folder / "x.json")
    assert "response breaks [] now, ['data.status.enum'] when recorded" in problem
    meta["errors"]["response"] = []
    (folder / "x.meta.json").write_text(json.dumps(meta))
    assert check_recorded(folder / "x.json") == []
    (folder / "y.json").write_text(json.dumps({"request": {"body": "Bearer sk-live-abcdef123"}}))
    (folder / "y.meta.json").write_text(json.dumps({**meta, "response_message": None}))
    assert any("bearer token" in p for p in check_recorded(folder / "y.json"))
