"""``vidukit drift`` against the mock as the live provider, over real sockets.

The faithful mock must give an empty report; each drift profile must be named
exactly (every injected difference, nothing else), on all five providers.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import jsonpatch
import pytest
from drift_support import (
    ENV,
    EXPECTED,
    KEY,
    PROFILES,
    PROVIDERS,
    expected_all,
    load,
    mock_app,
    named,
    texts,
)

from vidukit.catalogue import build_catalogue, data_root
from vidukit.cli import main
from vidukit.drift.record import check_recorded, recorded_files
from vidukit.mock_server.testing import serving
from vidukit.validation import build_validator


def probe(provider: str, base_url: str, tmp: Path, monkeypatch: pytest.MonkeyPatch,
          *extra: str) -> tuple[int, dict[str, Any]]:
    monkeypatch.setenv(ENV[provider], KEY)
    report = tmp / "report.json"
    status = main(["drift", "--provider", provider, "--base-url", base_url,
                   "--poll-interval", "0.01", "--timeout", "30", "--allow-unpriced",
                   "--format", "json", "--output", str(report), *extra])
    return status, load(report)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_faithful_mock_gives_an_empty_report(provider: str, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    with serving(mock_app()) as live:
        status, report = probe(provider, live.base_url(provider), tmp_path, monkeypatch,
                               "--record", str(tmp_path / "fixtures"))
    err = capsys.readouterr().err
    assert report["findings"] == []
    assert status == 0
    # Submit, three polls, the confirming poll, the invalid ones and the unknown task.
    assert report["exchanges"] >= 8
    assert {"submit-response", "result-response", "error-response"} <= set(report["messages"])
    assert err.splitlines()[0].startswith("vidukit drift: estimated cost:")
    assert "fetching the output" in err
    recorded = recorded_files(tmp_path / "fixtures")
    assert len(recorded) == report["exchanges"]
    assert [p for path in recorded for p in check_recorded(path)] == []
    metas = [load(p.with_name(p.name.replace(".json", ".meta.json"))) for p in recorded]
    assert [m["errors"]["response"] for m in metas] == [[]] * len(metas)
    # Only the documented-invalid requests break their schema, each its own rule.
    assert {m["purpose"].removeprefix("invalid:") for m in metas if m["errors"]["request"]} == {
        rule for m in metas for rule in m["errors"]["request"]}


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("provider", PROVIDERS)
def test_each_drift_is_named_and_nothing_else(provider: str, profile: str, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    with serving(mock_app(profile)) as live:
        status, report = probe(provider, live.base_url(provider), tmp_path, monkeypatch)
    assert named(report) == EXPECTED[profile][provider]
    assert status == (1 if any(f["severity"] == "breaking" for f in report["findings"]) else 0)


def _patched_catalogue(patches: Path, tmp: Path) -> Any:
    """The catalogue with every proposed patch applied (by the jsonpatch library)."""
    root = tmp / "schemas"
    shutil.copytree(data_root("schemas"), root)
    for patch_file in patches.rglob("*.patch.json"):
        relative = patch_file.relative_to(patches).as_posix().removesuffix(".patch.json")
        target = root / f"{relative}.json"
        patched = jsonpatch.apply_patch(load(target), load(patch_file))
        target.write_text(jsonpatch.json.dumps(patched), encoding="utf-8")
    return build_catalogue(root)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_all_drifts_at_once_with_patches_and_recording(
        provider: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    fixtures, patches = tmp_path / "fixtures", tmp_path / "patches"
    with serving(mock_app("all")) as live:
        status, report = probe(provider, live.base_url(provider), tmp_path, monkeypatch,
                               "--record", str(fixtures), "--propose-patch", str(patches))
    output = capsys.readouterr()
    assert status == 1
    assert named(report) == expected_all(provider)
    # The key never shows: not on the terminal, in the report, the recording or a patch.
    assert all(KEY not in text for text in [output.out, output.err,
                                            *texts(tmp_path / "report.json", fixtures, patches)])

    # Every recording keeps its promise, and a drifted answer is evidence, not a valid fixture.
    recorded = recorded_files(fixtures)
    assert [p for path in recorded for p in check_recorded(path)] == []
    broken = [p for p in recorded if load(p.with_name(p.name.replace(".json", ".meta.json")))
              ["errors"]["response"]]
    assert broken

    # Applying the proposed patches makes every observed answer validate.
    catalogue = _patched_catalogue(patches, tmp_path)
    for path in recorded:
        meta = load(path.with_name(path.name.replace(".json", ".meta.json")))
        message, body = meta["response_message"], load(path)["response"]["body"]
        if message is None:
            continue
        errors = [v for v in build_validator(catalogue, provider, message).violations(body)
                  if v.severity == "error"]
        assert errors == [], (path.name, errors)


def test_without_patches_the_drifted_answers_do_fail(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The control for the test above: the unpatched catalogue refuses the same answers."""
    with serving(mock_app("all")) as live:
        probe("wavespeed", live.base_url("wavespeed"), tmp_path, monkeypatch,
              "--record", str(tmp_path / "fixtures"))
    catalogue = build_catalogue(data_root("schemas"))
    refused = 0
    for path in recorded_files(tmp_path / "fixtures"):
        meta = load(path.with_name(path.name.replace(".json", ".meta.json")))
        if meta["response_message"]:
            body = load(path)["response"]["body"]
            validator = build_validator(catalogue, "wavespeed", meta["response_message"])
            refused += not validator.is_valid(body)
    assert refused >= 5
