"""The ``vidukit validate`` and ``vidukit schemas`` commands: output, exit status, usage errors."""

from __future__ import annotations

import gzip
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from vidukit.catalogue import catalogue, data_root
from vidukit.cli import main

FIXTURES = data_root("fixtures")
VALID = {"prompt": "a fox in snow", "images": ["https://images.example.com/fox.jpg"]}
#: Two errors and one warning, in three places.
BROKEN = {"prompt": "a fox", "images": [], "duration": 99, "seed": 0}
#: WaveSpeed's public page for this endpoint (provider-docs README §1): what a source cites.
WAVESPEED_PAGE = "https://wavespeed.ai/docs/docs-api/vidu/vidu-reference-to-video-q2"


def console_script() -> list[str]:
    """The installed ``vidukit`` entry point, or the module when run from a bare checkout."""
    found = shutil.which("vidukit", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "vidukit"]


def write(tmp_path: Path, payload: Any, name: str = "payload.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(payload), encoding="utf-8")
    return str(path)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def test_console_script_reads_stdin_and_reports_json() -> None:
    done = subprocess.run(
        [*console_script(), "validate", "--provider", "wavespeed", "--message", "submit-request",
         "--format", "json", "-"],
        input=json.dumps(BROKEN), capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["valid"] is False
    assert (report["provider"], report["message"]) == ("wavespeed", "submit-request")
    found = {(v["path"], v["rule"], v["severity"]) for v in report["violations"]}
    assert found == {("/images", "images.minItems", "error"),
                     ("/duration", "duration.maximum", "error"),
                     ("/seed", "seed-zero-random", "warning")}
    assert all(v["source"].startswith(WAVESPEED_PAGE) for v in report["violations"])
    assert all(set(v) == {"path", "rule", "message", "source", "severity"}
               for v in report["violations"])


def test_console_script_usage_error_is_one_line_without_traceback(tmp_path: Path) -> None:
    done = subprocess.run(
        [*console_script(), "validate", "--provider", "acme", "--message", "submit-request",
         write(tmp_path, VALID)],
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert "acme" in done.stderr and "Traceback" not in done.stderr


def test_valid_payload_exits_0_and_still_prints_warnings(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["validate", "--provider", "wavespeed", "--message", "submit-request",
                          write(tmp_path, {**VALID, "seed": 0})], capsys)
    assert status == 0
    assert " valid " in out.splitlines()[0]
    assert "seed-zero-random" in out


def test_invalid_payload_lists_every_violation_with_path_rule_and_source(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["validate", "--provider", "wavespeed", "--message", "submit-request",
                          write(tmp_path, BROKEN)], capsys)
    assert status == 1
    assert "invalid" in out.splitlines()[0]
    for path, rule in (("/images", "images.minItems"), ("/duration", "duration.maximum"),
                       ("/seed", "seed-zero-random")):
        assert any(path in line and f"[{rule}]" in line for line in out.splitlines()), rule
    assert out.count(f"source: {WAVESPEED_PAGE}") == 3


def test_text_and_json_formats_report_the_same_violations(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, BROKEN)
    args = ["validate", "--provider", "wavespeed", "--message", "submit-request", path]
    _, text, _ = run(args, capsys)
    _, as_json, _ = run([*args[:-1], "--format", "json", path], capsys)
    rules_in_text = sorted(line.split("[")[1].split("]")[0]
                           for line in text.splitlines() if "[" in line)
    assert rules_in_text == sorted(v["rule"] for v in json.loads(as_json)["violations"])


@pytest.mark.parametrize("provider", catalogue().providers())
def test_every_provider_message_validates_its_fixtures(
        provider: str, capsys: pytest.CaptureFixture[str]) -> None:
    for message in catalogue().messages(provider):
        for kind, expected in (("valid", 0), ("invalid", 1)):
            found = sorted((FIXTURES / provider / message / kind).glob("*.json"))
            if found:
                status, _, _ = run(["validate", "--provider", provider, "--message", message,
                                    str(found[0])], capsys)
                assert status == expected, found[0]


def test_response_notes_are_printed_and_can_be_omitted(
        capsys: pytest.CaptureFixture[str]) -> None:
    noted = [p for p in (FIXTURES).glob("*/*/valid/*.json")
             if p.parts[-3] != "submit-request" and "note" in p.stem]
    assert noted, "fixtures with undeclared response fields (valid/*note*.json) are missing"
    provider, message = noted[0].parts[-4], noted[0].parts[-3]
    args = ["validate", "--provider", provider, "--message", message, "--format", "json"]
    _, out, _ = run([*args, str(noted[0])], capsys)
    assert any(v["severity"] == "note" for v in json.loads(out)["violations"])
    _, out, _ = run([*args, "--no-notes", str(noted[0])], capsys)
    assert not any(v["severity"] == "note" for v in json.loads(out)["violations"])


def test_gzipped_payload_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "payload.json.gz"
    path.write_bytes(gzip.compress(json.dumps(VALID).encode()))
    status, _, _ = run(["validate", "--provider", "wavespeed", "--message", "submit-request",
                        str(path)], capsys)
    assert status == 0


@pytest.mark.parametrize(("argv", "needle"), [
    (["--provider", "acme", "--message", "submit-request"], "unknown provider 'acme'"),
    (["--provider", "vtrix", "--message", "poll-request"], "no message 'poll-request'"),
    (["--provider", "vtrix", "--message", "submit-request"], "cannot read"),
])
def test_usage_errors_exit_2_with_one_line(argv: list[str], needle: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    missing = str(tmp_path / "missing.json")
    status, out, err = run(["validate", *argv, missing], capsys)
    assert status == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and needle in err


def test_malformed_json_exits_2_naming_the_place(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"prompt": "x",\n  "images": [}\n', encoding="utf-8")
    status, _, err = run(["validate", "--provider", "vtrix", "--message", "submit-request",
                          str(path)], capsys)
    assert status == 2 and "not valid JSON" in err and "line 2" in err
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\xff\xfe\x00")))
    status, _, err = run(["validate", "--provider", "vtrix", "--message", "submit-request", "-"],
                         capsys)
    assert status == 2 and "<stdin>" in err and len(err.strip().splitlines()) == 1


def test_missing_argument_is_a_one_line_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--provider", "vtrix", "payload.json"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_schemas_lists_every_provider_with_its_messages(
        capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["schemas"], capsys)
    assert status == 0
    listed = {line.split()[0]: line.split()[1:] for line in out.splitlines()}
    cat = catalogue()
    assert listed == {p: list(cat.messages(p)) for p in cat.providers()}


def test_schemas_show_prints_the_schema_file(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["schemas", "show", "vtrix", "submit-request"], capsys)
    assert status == 0
    on_disk = json.loads((data_root("schemas") / "vtrix" / "submit-request.json").read_text())
    assert json.loads(out) == on_disk
    assert out.startswith("{\n  ")


def test_schemas_show_unknown_message_is_a_usage_error(
        capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["schemas", "show", "wavespeed", "poll-request"], capsys)
    assert (status, out) == (2, "")
    assert "poll-request" in err


def test_schemas_rules_lists_schema_and_named_rules(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["schemas", "rules", "wavespeed", "submit-request"], capsys)
    assert status == 0
    ids = {line.split()[0]: line.split()[1] for line in out.splitlines()}
    assert ids["duration.maximum"] == "error"
    assert ids["prompt.required"] == "error"
    assert ids["seed-zero-random"] == "warning"
    assert "body-size" not in ids  # a Vtrix-only rule
