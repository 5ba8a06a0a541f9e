"""``vidukit drift`` against a ``--clock virtual`` mock says why the task never finished.

On a virtual clock a task waits for someone to move the clock, so the probe gives up
with ``no-terminal-status``; the finding must name the virtual clock and how to move it,
and must stay silent when the clock is real or the admin API cannot be read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from drift_support import ENV, KEY, PROVIDERS, load

from vidukit.cli import main
from vidukit.mock_server import create_app
from vidukit.mock_server.config import MockConfig
from vidukit.mock_server.testing import serving


def _no_terminal(provider: str, config: MockConfig, tmp: Path,
                 monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, Any], str]:
    """The probe's ``no-terminal-status`` finding, against a mock whose tasks take 5 s."""
    monkeypatch.setenv(ENV[provider], KEY)
    report = tmp / "report.json"
    with serving(create_app(config)) as live:
        main(["drift", "--provider", provider, "--base-url", live.base_url(provider),
              "--poll-interval", "0.05", "--timeout", "0.4", "--allow-unpriced",
              "--format", "json", "--output", str(report)])
    found = [f for f in load(report)["findings"] if f["kind"] == "no-terminal-status"]
    assert len(found) == 1, found
    return found[0], live.url


@pytest.mark.parametrize("provider", PROVIDERS)
def test_virtual_clock_is_named_with_how_to_move_it(
        provider: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    finding, origin = _no_terminal(provider, MockConfig(clock="virtual", progression="time=1,4"),
                                   tmp_path, monkeypatch)
    detail = finding["detail"]
    assert "virtual" in detail
    assert f"POST {origin}/_mock/clock/advance" in detail
    assert "--clock real" in detail
    assert "clock is virtual" in capsys.readouterr().err  # said while it happens, too


@pytest.mark.parametrize("config", [
    MockConfig(clock="real", progression="time=1,4"),
    MockConfig(clock="virtual", progression="time=1,4", admin_token="admin-secret"),
], ids=["real-clock", "admin-behind-a-token"])
def test_no_hint_when_the_clock_is_real_or_unreadable(
        config: MockConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    finding, _ = _no_terminal("wavespeed", config, tmp_path, monkeypatch)
    assert "virtual" not in finding["detail"]
    assert "/_mock/clock" not in finding["detail"]
