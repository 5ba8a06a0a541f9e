"""``vidukit drift`` stops polling a task that has visibly ended under a status it does not
know, instead of waiting out its whole timeout (900 s by default), and says so as it goes.

Against the mock with the ``rename-terminal`` profile (the success word renamed, its
outputs still there) and with ``new-status`` on a task that never leaves processing
(an unknown word that lasts), over real sockets, with the default timeout.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from drift_support import ENV, KEY, PROVIDERS, RESULT, load, mock_app, named

from vidukit.cli import main
from vidukit.mock_server.drift import builtin
from vidukit.mock_server.testing import serving

#: Where each provider's status sits and its success word (provider documents, written out).
STATUS = {
    "wavespeed": ("/data/status", "completed"),
    "vtrix": ("/status", "completed"),
    "novita": ("/task/status", "TASK_STATUS_SUCCEED"),
    "myrouter": ("/task/status", "TASK_STATUS_SUCCEED"),
    "runware": ("/data/*/status", "success"),
    "vidu": ("/state", "success"),
    "fal": ("/status", "COMPLETED"),
}

#: What else a success answer under an unknown word breaks: the schemas that tie outputs to
#: the success status (Vtrix's ``output`` and ``usage``, Runware's ``videoURL`` in a
#: result item) find them under a status that is not it.
ALSO: dict[str, set[tuple[str, str, str]]] = {
    "vtrix": {(RESULT, "constraint", "/output"), (RESULT, "constraint", "/usage")},
    "runware": {(RESULT, "constraint", "/data/*")},
}
ALSO.update({p: set() for p in STATUS if p not in ALSO})


def probe(provider: str, base_url: str, tmp: Path, monkeypatch: pytest.MonkeyPatch,
          *extra: str) -> tuple[int, dict[str, Any], float]:
    """The probe with its default 900 s timeout: what it reported and how long it took."""
    monkeypatch.setenv(ENV[provider], KEY)
    report = tmp / "report.json"
    started = time.perf_counter()
    status = main(["drift", "--provider", provider, "--base-url", base_url,
                   "--poll-interval", "0.01", "--allow-unpriced", "--format", "json",
                   "--output", str(report), *extra])
    return status, load(report), time.perf_counter() - started


def test_rename_terminal_renames_every_success_word_and_stays_out_of_all() -> None:
    renamed = {(m.provider, "/" + "/".join(m.path), m.when, m.to)
               for m in builtin("rename-terminal").mutations}
    assert renamed == {(p, path, word, f"{word}_v2") for p, (path, word) in STATUS.items()}
    assert "rename-terminal" not in builtin("all").name.split(",")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_renamed_finished_status_with_outputs_ends_the_probe_at_once(
        provider: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    path, word = STATUS[provider]
    with serving(mock_app("rename-terminal")) as live:
        status, report, took = probe(provider, live.base_url(provider), tmp_path, monkeypatch)
    err = capsys.readouterr().err
    assert took < 20, f"the probe waited {took:.0f} s"
    assert status == 1
    assert named(report) == {(RESULT, "status-value", path), (RESULT, "no-terminal-status", ""),
                             *ALSO[provider]}
    [ended] = [f for f in report["findings"] if f["kind"] == "no-terminal-status"]
    assert f"ended under '{word}_v2'" in ended["detail"] and "outputs appeared" in ended["detail"]
    said = err.index(f"'{word}_v2' is not a status vidukit knows")
    assert said < err.index("outputs appeared")  # reported as seen, before the stop


def test_an_unknown_status_that_lasts_past_the_expected_duration_ends_the_probe(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    with serving(mock_app("new-status")) as live:
        httpx.put(f"{live.url}/_mock/progression",
                  json={"progression": "immediate", "outcome": "stay-processing"}
                  ).raise_for_status()
        status, report, took = probe("wavespeed", live.base_url("wavespeed"), tmp_path,
                                     monkeypatch, "--expected-duration", "1")
    err = capsys.readouterr().err
    assert took < 20, f"the probe waited {took:.0f} s"
    assert status == 1
    assert named(report) == {(RESULT, "status-value", "/data/status"),
                             (RESULT, "no-terminal-status", "")}
    [ended] = [f for f in report["findings"] if f["kind"] == "no-terminal-status"]
    assert "ended under 'running'" in ended["detail"]
    assert "past the 1 s a task is expected to take" in ended["detail"]
    assert err.count("'running' is not a status vidukit knows") == 1  # once, as first seen


def test_a_known_status_that_lasts_is_still_waited_for(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with serving(mock_app()) as live:
        httpx.put(f"{live.url}/_mock/progression",
                  json={"progression": "immediate", "outcome": "stay-processing"}
                  ).raise_for_status()
        status, report, took = probe("wavespeed", live.base_url("wavespeed"), tmp_path,
                                     monkeypatch, "--expected-duration", "0.5",
                                     "--timeout", "3")
    assert status == 1
    assert took > 2  # well past the 0.5 s: processing is a word it knows, only the timeout ends it
    [ended] = [f for f in report["findings"] if f["kind"] == "no-terminal-status"]
    assert "had no finished status after 3 s" in ended["detail"]
