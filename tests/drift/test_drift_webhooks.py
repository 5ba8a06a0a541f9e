"""``vidukit drift --webhook-url`` against the mock as the live provider, over real sockets.

The "public" URL is a loopback one that points straight at the probe's receiver
(``--webhook-port``), as a tunnel would. The faithful mock must give an empty report;
the ``drop-callbacks`` profile must be named as a missing callback, the
``bad-callback-signature`` profile as a bad signature, and a profile file that delays
callbacks as a late one, each and nothing else.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from drift_support import ENV, KEY, PROVIDERS, load, mock_app, named

from vidukit.catalogue import data_root
from vidukit.cli import main
from vidukit.drift.analyse import Analyser
from vidukit.drift.callbacks import Arrival, CallbackSettings, judge
from vidukit.mock_server import MockConfig, create_app
from vidukit.mock_server.drift import parse_profile
from vidukit.mock_server.testing import serving
from vidukit.mock_server.webhooks import DEFAULT_SECRET

WEBHOOK = "webhook"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def probe(provider: str, base_url: str, tmp: Path, monkeypatch: pytest.MonkeyPatch,
          *extra: str) -> tuple[int, dict[str, Any]]:
    monkeypatch.setenv(ENV[provider], KEY)
    port = free_port()
    report = tmp / "report.json"
    status = main(["drift", "--provider", provider, "--base-url", base_url,
                   "--poll-interval", "0.01", "--timeout", "30", "--allow-unpriced",
                   "--webhook-url", f"http://127.0.0.1:{port}/hooks/drift?token=t0k3n",
                   "--webhook-port", str(port), "--format", "json", "--output", str(report),
                   *extra])
    return status, load(report)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_faithful_mocks_callbacks_give_an_empty_report(
        provider: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    with serving(mock_app()) as live:
        status, report = probe(provider, live.base_url(provider), tmp_path, monkeypatch,
                               "--webhook-wait", "10")
    err = capsys.readouterr().err
    assert report["findings"] == [] and report["notes"] == []
    assert status == 0
    assert WEBHOOK in report["messages"]  # the callback came and was judged
    assert "callbacks received: 1" in err or "callbacks received: 2" in err


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_provider_that_drops_callbacks_is_named(
        provider: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with serving(mock_app("drop-callbacks")) as live:
        status, report = probe(provider, live.base_url(provider), tmp_path, monkeypatch,
                               "--webhook-wait", "0.5")
    assert named(report) == {(WEBHOOK, "webhook-missing", "")}
    [finding] = report["findings"]
    assert "no callback came within 0.5 s" in finding["detail"]
    assert finding["severity"] == "breaking" and status == 1


def test_a_badly_signed_callback_is_named_and_no_secret_shows(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    # WaveSpeed signs its callbacks (webhook-id/-timestamp/-signature: provider-docs README).
    with serving(mock_app("bad-callback-signature")) as live:
        status, report = probe("wavespeed", live.base_url("wavespeed"), tmp_path, monkeypatch,
                               "--webhook-wait", "10")
    output = capsys.readouterr()
    assert named(report) == {(WEBHOOK, "webhook-bad-signature", "")}
    assert "bad-signature" in report["findings"][0]["detail"]
    assert status == 1
    text = json.dumps(report) + output.out + output.err
    assert KEY not in text and DEFAULT_SECRET not in text
    assert "t0k3n" not in text  # the public callback URL is scrubbed like a key


def test_a_late_callback_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    late = parse_profile({"mutations": [
        {"provider": "novita", "op": "callbacks", "options": "delay=1"}]})
    with serving(create_app(MockConfig(progression="polls=3", drift=late))) as live:
        status, report = probe("novita", live.base_url("novita"), tmp_path, monkeypatch,
                               "--webhook-wait", "10", "--webhook-late", "0.5")
    assert named(report) == {(WEBHOOK, "webhook-late", "")}
    assert status == 0  # late is notable, not breaking


def test_a_secret_given_in_the_environment_is_used(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOOK_SECRET", "whsec_someone_elses_secret")
    with serving(mock_app()) as live:
        status, report = probe("wavespeed", live.base_url("wavespeed"), tmp_path, monkeypatch,
                               "--webhook-wait", "10", "--webhook-secret-env", "HOOK_SECRET")
    assert named(report) == {(WEBHOOK, "webhook-bad-signature", "")}
    assert "whsec_someone_elses_secret" not in json.dumps(report)
    assert status == 1


def test_usage_errors_are_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(ENV["wavespeed"], KEY)
    monkeypatch.delenv("NO_SUCH_SECRET", raising=False)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with serving(mock_app()) as live:
            busy = main(["drift", "--provider", "wavespeed", "--base-url",
                         live.base_url("wavespeed"), "--allow-unpriced",
                         "--webhook-url", f"http://127.0.0.1:{port}/", "--webhook-port",
                         str(port), "--format", "json", "--output", str(tmp_path / "r.json")])
    unset = main(["drift", "--provider", "wavespeed", "--allow-unpriced", "--base-url",
                  "http://127.0.0.1:9", "--webhook-url", "http://127.0.0.1:9/",
                  "--webhook-secret-env", "NO_SUCH_SECRET"])
    err = capsys.readouterr().err.splitlines()
    assert (busy, unset) == (2, 2)
    assert [line for line in err if "error:" in line] == [
        f"vidukit drift: error: cannot receive callbacks on 127.0.0.1:{port}: Address already in "
        "use (choose another --webhook-port)",
        "vidukit drift: error: --webhook-secret-env: NO_SUCH_SECRET is not set"]


def test_the_dry_run_shows_where_the_callback_goes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drift", "--provider", "wavespeed", "--dry-run", "--allow-unpriced",
                 "--webhook-url", "https://tunnel.example/cb"]) == 0
    out = capsys.readouterr().out
    assert "# submit (with the callback URL)" in out
    assert "webhook=https://tunnel.example/cb" in out


# --------------------------------------------------------------------------- judge, alone

def _arrival(body: bytes, headers: dict[str, str] | None = None, at: float = 1.0) -> Arrival:
    return Arrival("/hooks", headers or {}, body, at)


def _judge(provider: str, *arrivals: Arrival, secret: str | None = None) -> set[Any]:
    settings = CallbackSettings(url="https://tunnel.example/hooks", wait=5.0, late=30.0)
    found = judge(provider, list(arrivals), 0.0, settings, secret, Analyser(provider))
    return {(f.message, f.kind, f.path) for f in found}


def test_an_off_schema_callback_is_named_with_the_usual_kinds() -> None:
    body = load(data_root("fixtures") / "novita" / "webhook" / "valid" / "succeed.json")
    assert _judge("novita", _arrival(json.dumps(body).encode())) == set()
    del body["event_type"]  # required by the webhook page's event shape
    body["payload"]["task"]["status"] = "TASK_STATUS_FINISHED"
    assert _judge("novita", _arrival(json.dumps(body).encode())) == {
        (WEBHOOK, "missing-field", "/event_type"),
        (WEBHOOK, "status-value", "/payload/task/status")}
    assert _judge("novita", _arrival(b"<html>ok</html>")) == {(WEBHOOK, "not-json", "")}


def test_an_unsigned_callback_of_a_provider_that_signs_is_named() -> None:
    body = (data_root("fixtures") / "wavespeed" / "webhook" / "valid" / "completed.json"
            ).read_bytes()
    assert _judge("wavespeed", _arrival(body), secret=DEFAULT_SECRET) == {
        (WEBHOOK, "webhook-unsigned", "")}
    assert _judge("wavespeed", _arrival(body)) == set()  # no secret: not checked (a note)
    assert _judge("novita", _arrival(body, at=31.0)) >= {(WEBHOOK, "webhook-late", "")}


def test_a_provider_verified_by_public_key_needs_no_secret(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A spec whose signing needs no shared secret (a published key) is verified with ''."""
    from types import SimpleNamespace

    import vidukit.drift.probe as probe_module
    from vidukit.drift.observer import Observer
    from vidukit.drift.probe import Plan, Probe

    plan = Plan(provider="wavespeed", submit_body={}, invalid=(), estimated_cost_usd=None,
                summary="")
    settings = CallbackSettings(url="https://tunnel.example/hooks")
    keyless = SimpleNamespace(signing=SimpleNamespace(needs_secret=False))
    monkeypatch.setattr(probe_module, "spec", lambda provider: keyless)
    probe = Probe(plan, "http://127.0.0.1:9", KEY, Observer("wavespeed"), callbacks=settings)
    assert probe._callback_secret() == ""
    assert probe.notes == []
