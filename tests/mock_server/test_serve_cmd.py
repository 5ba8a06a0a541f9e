"""``vidukit serve``: options, the exposure rule, and a real start-up in a subprocess."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from mock_support import AUTH, VALID

from vidukit.cli import build_parser, main
from vidukit.cli.serve_cmd import banner, build_config
from vidukit.mock_server import create_app

REPO = Path(__file__).resolve().parents[2]


def test_options_become_the_mock_configuration() -> None:
    args = build_parser().parse_args(
        [
            "serve",
            "--provider",
            "wavespeed",
            "--clock",
            "virtual",
            "--api-key",
            "a",
            "--api-key",
            "b",
            "--seed",
            "9",
            "--progression",
            "polls=2",
            "--outcome",
            "fail:1200",
            "--jitter",
            "0",
        ]
    )
    config = build_config(args)
    assert (config.provider, config.clock, config.api_keys) == ("wavespeed", "virtual", ("a", "b"))
    assert (config.seed, config.progression, config.outcome, config.jitter) == (
        9,
        "polls=2",
        "fail:1200",
        0.0,
    )
    assert (args.host, args.port) == ("127.0.0.1", 8000)


def test_banner_lists_every_provider_base_url_and_the_admin_url() -> None:
    args = build_parser().parse_args(["serve"])
    state = create_app(build_config(args)).state.mock
    lines = banner(state, "http://127.0.0.1:8000")
    text = "\n".join(lines)
    for pid in state.providers:
        assert f"http://127.0.0.1:8000/{pid}" in text
    assert lines[-1].split()[-1] == "http://127.0.0.1:8000/_mock/"


def test_a_public_bind_without_admin_token_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["serve", "--host", "0.0.0.0", "--port", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--admin-token is required" in err


def test_a_bad_progression_is_refused_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "0", "--progression", "eventually"]) == 2
    assert "polls=N" in capsys.readouterr().err


def test_serve_starts_prints_its_urls_and_answers() -> None:
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "vidukit", "serve", "--port", "0", "--clock", "virtual"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line.rstrip())
            if line.split()[:1] == ["admin"]:
                break
        text = "\n".join(lines)
        admin_url = lines[-1].split()[-1]
        base = re.search(r"(http://127\.0\.0\.1:\d+/wavespeed)", text)
        assert base is not None, text
        assert httpx.get(admin_url, timeout=5).json()["clock"] == "virtual"
        submitted = httpx.post(
            base.group(1) + "/api/v3/vidu/reference-to-video-q2", json=VALID, headers=AUTH
        )
        assert submitted.status_code == 200 and submitted.json()["data"]["status"] == "created"
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def test_the_memory_and_journal_bounds_reach_the_configuration() -> None:
    args = build_parser().parse_args(
        ["serve", "--max-tasks", "7", "--journal-max-bytes", "4096", "--journal-max-age", "2.5",
         "--max-body-bytes", "1000"]
    )
    config = build_config(args)
    assert (config.max_tasks, config.journal_max_bytes, config.journal_max_age) == (7, 4096, 2.5)
    assert config.max_body_bytes == 1000
    state = create_app(config).state.mock
    assert (state.journal.max_bytes, state.journal.max_age) == (4096, 2.5)
    assert state.store.max_tasks == 7
