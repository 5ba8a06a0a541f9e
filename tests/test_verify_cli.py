"""``vidukit verify``: exit 0 when every check holds, 1 with the minimal example, 2 for misuse."""

from __future__ import annotations

import textwrap
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from vidukit.cli import main

BROKEN = textwrap.dedent('''
    """A WaveSpeed adapter that says every task succeeded."""
    import time

    import httpx

    from vidukit.contract_tests.canonical import to_wire


    def adapter(request, endpoint):
        headers = {"Authorization": "Bearer " + endpoint["api_key"]}
        with httpx.Client(base_url=endpoint["base_url"], headers=headers) as http:
            data = http.post("/api/v3/vidu/reference-to-video-q2",
                             json=to_wire("wavespeed", request)).json()["data"]
            while data["status"] not in ("completed", "failed", "cancelled", "timeout"):
                time.sleep(endpoint["poll_interval"])
                data = http.get(f"/api/v3/predictions/{data['id']}/result").json()["data"]
        return {"status": "succeeded", "video_url": (data["outputs"] or ["https://x/v.mp4"])[0]}
''')


def _module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh importable module in the working directory (verify imports from there)."""
    name = f"broken_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{name}.py").write_text(BROKEN)
    monkeypatch.chdir(tmp_path)
    return name


def test_a_correct_client_exits_0_and_writes_a_passing_junit_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junit = tmp_path / "verify.xml"
    status = main(["verify", "--provider", "novita", "--adapter", "examples.novita_client:adapter",
                   "--examples", "2", "--seed", "1", "--skip", "poll-rate",
                   "--junit-xml", str(junit)])

    out = capsys.readouterr().out
    assert status == 0, out
    assert "all checks held" in out and "seed 1" in out
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None and suite.get("failures") == "0"
    names = {c.get("name") for c in suite.findall("testcase")}
    assert "no-hang" in names and "poll-rate" not in names and "strict-retries" not in names


def test_a_broken_client_exits_1_with_the_minimal_example_and_a_junit_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    name = _module(tmp_path, monkeypatch)
    junit = tmp_path / "out.xml"
    status = main(["verify", "--provider", "wavespeed", "--adapter", f"{name}:adapter",
                   "--examples", "15", "--seed", "3", "--checks", "outcome-matches,no-crash",
                   "--junit-xml", str(junit)])

    out = capsys.readouterr().out
    assert status == 1, out
    for part in ("FAILED: 1 of 2 check(s) broke\n  outcome-matches: ", "canonical request:",
                 "provider behaviour:",
                 "exchange (", "check outcome-matches broke", "reproduce: --seed 3"):
        assert part in out, part
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == "2" and suite.get("failures") == "1"
    [failure] = suite.findall("testcase/failure")
    assert failure.get("type") == "outcome-matches"
    assert "no task succeeded" in (failure.text or "")


@pytest.mark.parametrize(("argv", "says"), [
    (["--provider", "acme", "--adapter", "examples.novita_client:adapter"],
     "unknown provider 'acme'"),
    (["--provider", "novita", "--adapter", "examples.nothing_here:adapter"],
     "cannot import examples.nothing_here"),
    (["--provider", "novita", "--adapter", "examples.novita_client"], "MODULE:FUNCTION"),
    (["--provider", "novita", "--adapter", "examples.novita_client:adapter", "--checks",
      "no-crash,speedy"], "unknown check(s) 'speedy'"),
    (["--provider", "novita", "--adapter", "examples.novita_client:adapter", "--skip", "nope"],
     "unknown check(s) 'nope'"),
    (["--provider", "novita", "--adapter", "examples.novita_client:adapter", "--examples",
      "0"], "positive"),
])
def test_usage_errors_exit_2_with_one_line(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        status = main(["verify", *argv])
    except SystemExit as exc:  # argparse's own errors
        status = int(exc.code or 0)
    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and says in lines[0] and "Traceback" not in captured.err


def test_verify_is_listed_in_the_commands() -> None:
    assert main(["verify", "--help"]) == 0  # main returns statuses, never raises SystemExit


def test_webhook_mode_runs_the_webhook_outcome_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junit = tmp_path / "verify.xml"
    status = main(["verify", "--provider", "wavespeed", "--mode", "webhook",
                   "--adapter", "examples.wavespeed_webhook_client:adapter",
                   "--examples", "3", "--seed", "2", "--junit-xml", str(junit)])
    out = capsys.readouterr().out
    assert status == 0, out
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None
    assert "webhook-outcome" in {c.get("name") for c in suite.findall("testcase")}


def test_strict_charges_reaches_the_run(monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """The flag is passed on (what it changes is tests/contract/test_charges_checks.py's)."""
    from vidukit.contract_tests import harness
    from vidukit.contract_tests.harness import Report

    seen: dict[str, object] = {}

    def fake(provider: str, adapter: object, **options: object) -> Report:
        seen.update(options)
        return Report(provider, "m:f", ("no-double-charge",), 1, 1, 0.1,
                      risks=("no-double-charge (in 1 of 1 example(s)): blind resubmit",))

    monkeypatch.setattr(harness, "verify_client", fake)
    argv = ["verify", "--provider", "novita", "--adapter", "examples.novita_client:adapter"]
    assert main(argv) == 0
    assert seen["strict_charges"] is False
    assert "risk no-double-charge (in 1 of 1" in capsys.readouterr().out
    assert main([*argv, "--strict-charges"]) == 0
    assert seen["strict_charges"] is True
