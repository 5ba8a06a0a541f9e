"""The official JavaScript SDKs, unchanged but for their base URL, against the mock on a socket.

``tests/sdk_js/`` pins them (``package.json`` and its lock file; ``.ci/run`` installs them
with ``npm ci --prefix tests/sdk_js``) and holds one small script per SDK that runs the
SDK's own flow, downloads the output with ``fetch`` and prints one JSON line of what the
SDK reported. Each SDK completes a reference-to-video task whose MP4 is measured here,
and is driven through a failed task; the SDKs cannot send the mock's control headers, so
the server's default outcome (``PUT /_mock/progression``) steers them.

Expected sizes come from the documented width x height table (provider-docs README §5,
the pairs the mock's schemas list for every provider); failure texts from each
provider's documented codes (§1 WaveSpeed task codes, §6 Vidu's codes that Novita's task
reason carries, §5 Runware's ``timeoutProvider``). A missing ``node`` or an uninstalled
SDK fails these tests with the command that fixes it; it never skips them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from media_support import probe
from mock_support import mock_config

from vidukit.mock_server import create_app
from vidukit.mock_server.testing import LiveServer, serving

SDK_DIR = Path(__file__).resolve().parents[1] / "sdk_js"
INSTALL = "npm ci --prefix tests/sdk_js"
KEY = "js-sdk-key"
SCRIPT_TIMEOUT_SECONDS = 60


def _pins() -> dict[str, str]:
    manifest = json.loads((SDK_DIR / "package.json").read_text(encoding="utf-8"))
    pins: dict[str, str] = manifest["dependencies"]
    return pins


@pytest.fixture(scope="module")
def node() -> str:
    """``node``, with every pinned SDK installed at its pinned version, or a failed test."""
    found = shutil.which("node")
    if found is None:
        pytest.fail("node is not installed: the JavaScript SDK tests need Node.js 18 or newer")
    for package, version in _pins().items():
        installed = SDK_DIR / "node_modules" / package / "package.json"
        if not installed.is_file():
            pytest.fail(f"{package} is not installed: run `{INSTALL}`")
        seen = json.loads(installed.read_text(encoding="utf-8"))["version"]
        if seen != version:
            pytest.fail(f"{package} {seen} is installed, {version} is pinned: run `{INSTALL}`")
    return found


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with serving(create_app(mock_config(api_keys=(KEY,), progression="immediate"))) as live:
        yield live


@pytest.fixture
def live(server: LiveServer) -> LiveServer:
    server.state.reset()
    steer(server, "succeed")
    return server


def steer(live: LiveServer, outcome: str) -> None:
    """Every new task's outcome, server-wide: what the SDKs' requests cannot ask for."""
    response = httpx.put(
        f"{live.url}/_mock/progression",
        json={"progression": "immediate", "outcome": outcome},
        timeout=5,
    )
    assert response.status_code == 200, response.text


def tasks(live: LiveServer, provider: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{live.url}/_mock/tasks", params={"provider": provider}, timeout=5)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["tasks"]
    return found


def run_sdk(
    node: str, script: str, base_url: str, out: Path, size: str, key: str = KEY
) -> dict[str, Any]:
    """Run one SDK script; its JSON line, parsed."""
    done = subprocess.run(
        [node, str(SDK_DIR / script), base_url, str(out), size],
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT_SECONDS,
        env={**os.environ, "VIDUKIT_SDK_KEY": key},
        cwd=SDK_DIR,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 0 and lines, f"{script} failed:\n{done.stdout}\n{done.stderr}"
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def assert_mp4(result: dict[str, Any], out: Path, width: int, height: int) -> None:
    """The SDK's output URL downloaded whole, an MP4 of the asked pixel size."""
    assert result["ok"] is True, result
    download = result["download"]
    assert download == {"http_status": 200, "bytes": out.stat().st_size, "ftyp": True}
    video = probe(out.read_bytes())
    assert (video.width, video.height) == (width, height)
    assert video.frames > 0


# -- WaveSpeed: `wavespeed` Client.run() submits and polls itself ---------------------------


def test_wavespeed_run_completes_with_a_video_of_the_asked_size(
    node: str, live: LiveServer, tmp_path: Path
) -> None:
    out = tmp_path / "wavespeed.mp4"
    result = run_sdk(node, "wavespeed.mjs", live.base_url("wavespeed"), out, "540p 9:16")
    assert_mp4(result, out, 528, 960)
    [task] = tasks(live, "wavespeed")
    assert result["outputs"] == [result["url"]]
    assert task["id"] in result["url"]


def test_wavespeed_run_raises_with_the_failed_tasks_error(
    node: str, live: LiveServer, tmp_path: Path
) -> None:
    steer(live, "fail:1402")
    result = run_sdk(node, "wavespeed.mjs", live.base_url("wavespeed"), tmp_path / "x.mp4", "")
    assert result["ok"] is False
    [task] = tasks(live, "wavespeed")
    message = result["error"]["message"]
    assert message.startswith(f"Prediction failed (task_id: {task['id']}): ")
    assert "media access failed" in message  # 1402's documented meaning
    assert not (tmp_path / "x.mp4").exists()


# -- Novita and MyRouter: `novita-sdk` httpFetch() to submit, progress() to poll --------------


@pytest.mark.parametrize("provider", ["novita", "myrouter"])
def test_novita_sdk_completes_with_a_video_of_the_asked_size(
    node: str, live: LiveServer, tmp_path: Path, provider: str
) -> None:
    out = tmp_path / "novita.mp4"
    result = run_sdk(node, "novita.mjs", live.base_url(provider), out, "540p 1:1")
    assert_mp4(result, out, 720, 720)
    assert result["status"] == "TASK_STATUS_SUCCEED"
    [task] = tasks(live, provider)
    assert task["id"] == result["task_id"]


@pytest.mark.parametrize("provider", ["novita", "myrouter"])
def test_novita_sdk_sees_the_failed_task_and_its_reason(
    node: str, live: LiveServer, tmp_path: Path, provider: str
) -> None:
    steer(live, "fail:ImageDownloadFailure")
    result = run_sdk(node, "novita.mjs", live.base_url(provider), tmp_path / "x.mp4", "")
    assert result["ok"] is False
    assert result["status"] == "TASK_STATUS_FAILED"
    assert result["reason"].startswith("ImageDownloadFailure")


def test_novita_sdk_reports_a_refused_key_as_the_documented_401(
    node: str, live: LiveServer, tmp_path: Path
) -> None:
    """The SDK's NovitaError carries the HTTP status and the body's reason (README §3)."""
    result = run_sdk(
        node, "novita.mjs", live.base_url("novita"), tmp_path / "x.mp4", "", key="wrong-key"
    )
    assert result["ok"] is False
    assert result["error"]["code"] == 401
    assert result["error"]["reason"] == "FAILED_TO_AUTH"
    assert tasks(live, "novita") == []


# -- Runware: `@runware/sdk-js` videoInference() over WebSocket, polling getResponse ----------


def runware_ws(live: LiveServer) -> str:
    base: str = live.base_url("runware")
    return base.replace("http://", "ws://", 1) + "/v1"


def test_runware_sdk_completes_with_a_video_of_the_asked_size(
    node: str, live: LiveServer, tmp_path: Path
) -> None:
    out = tmp_path / "runware.mp4"
    result = run_sdk(node, "runware.mjs", runware_ws(live), out, "816x608")
    assert_mp4(result, out, 816, 608)
    assert result["status"] == "success"
    [task] = tasks(live, "runware")
    assert task["id"] == result["task_uuid"]


def test_runware_sdk_rejects_with_the_failed_tasks_error(
    node: str, live: LiveServer, tmp_path: Path
) -> None:
    steer(live, "fail:timeoutProvider")
    result = run_sdk(node, "runware.mjs", runware_ws(live), tmp_path / "x.mp4", "")
    assert result["ok"] is False
    [task] = tasks(live, "runware")
    error = result["error"]["error"]
    assert error["code"] == "timeoutProvider"
    assert error["taskUUID"] == task["id"]
