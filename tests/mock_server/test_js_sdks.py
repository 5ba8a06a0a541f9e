"""The official JavaScript SDKs, unchanged but for their base URL, against the mock on a socket.

``tests/sdk_js/`` pins them (``package.json`` and its lock file; ``.ci/run`` installs them
with ``npm ci --prefix tests/sdk_js``) and holds one small script per SDK that runs the
SDK's own flow, downloads the output with ``fetch`` and prints one JSON line of what the
SDK reported. Each SDK completes a reference-to-video task whose MP4 is measured here,
and is driven through a failed task; the SDKs cannot send the mock's control headers, so
the server's default outcome (``PUT /_mock/progression``) steers them.

Each SDK is also driven into the SDK answer forms (provider-docs §8) its code is written
for, chosen through the admin API (``POST /_mock/scenarios``): WaveSpeed's ``cancelled`` and
``timeout``, novita-sdk's ``TASK_STATUS_UNKNOWN`` and billing reasons; and what each
reports is what its source (``tests/sdk_js/node_modules``) is coded to report, a limit
included (@runware/sdk-js does not see a failure delivered inside ``data``).

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


def steer(live: LiveServer, outcome: str, progression: str = "immediate") -> None:
    """Every new task's outcome, server-wide: what the SDKs' requests cannot ask for."""
    response = httpx.put(
        f"{live.url}/_mock/progression",
        json={"progression": progression, "outcome": outcome},
        timeout=5,
    )
    assert response.status_code == 200, response.text


def choose(live: LiveServer, provider: str, scenario: str, target: str = "tasks") -> None:
    """The next task (or request) of *provider* gets *scenario* (admin API): how an SDK that
    cannot send ``X-Mock-Scenario`` meets an SDK-form scenario."""
    choice = {"scenario": scenario, "provider": provider, "for": target}
    response = httpx.post(f"{live.url}/_mock/scenarios", json=choice, timeout=5)
    assert response.status_code < 300, response.text


def journal(live: LiveServer, provider: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{live.url}/_mock/journal", params={"provider": provider}, timeout=5)
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()["entries"]
    return entries


def tasks(live: LiveServer, provider: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{live.url}/_mock/tasks", params={"provider": provider}, timeout=5)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["tasks"]
    return found


def run_sdk(
    node: str, script: str, base_url: str, out: Path, size: str, key: str = KEY,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Run one SDK script; its JSON line, parsed."""
    done = subprocess.run(
        [node, str(SDK_DIR / script), base_url, str(out), size],
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT_SECONDS,
        env={**os.environ, "VIDUKIT_SDK_KEY": key, **(env or {})},
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


#: A 1x1 PNG: the smallest real image a client might upload.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def test_wavespeed_upload_then_run_works_offline(
    node: str, live: LiveServer, tmp_path: Path
) -> None:
    """The SDK's `upload()` (dist/api/client.js): a ticket from /api/v3/media/uploads, a PUT
    of the bytes to the ticket's URL, and the download URL back, used here as the image."""
    reference = tmp_path / "reference.png"
    reference.write_bytes(PNG)
    out = tmp_path / "wavespeed.mp4"
    result = run_sdk(node, "wavespeed.mjs", live.base_url("wavespeed"), out, "720p 1:1",
                     env={"VIDUKIT_SDK_UPLOAD": str(reference)})
    assert_mp4(result, out, 960, 960)
    fetched = httpx.get(result["image"], timeout=5)
    assert (fetched.status_code, fetched.content) == (200, PNG)
    submits = [e for e in journal(live, "wavespeed")
               if e["request"]["path"].endswith("/api/v3/vidu/reference-to-video-q2")]
    assert [e["request"]["body"]["images"] for e in submits] == [[result["image"]]]


@pytest.mark.parametrize("scenario", ["cancelled", "timeout-status"])
def test_wavespeed_run_stops_on_a_cancelled_or_timed_out_task(
    node: str, live: LiveServer, tmp_path: Path, scenario: str
) -> None:
    """The SDK's `_wait` (dist/api/client.js) ends on TERMINAL_FAILURE_STATUSES (failed,
    cancelled, timeout, deleted) and throws with the prediction's error; the run before the
    fix "polled forever". One poll, then the error: no second look at a finished task."""
    choose(live, "wavespeed", scenario)
    result = run_sdk(node, "wavespeed.mjs", live.base_url("wavespeed"), tmp_path / "x.mp4", "")
    assert result["ok"] is False
    [task] = tasks(live, "wavespeed")
    polls = [e for e in journal(live, "wavespeed") if e["request"]["method"] == "GET"]
    assert len(polls) == 1
    data = polls[0]["response"]["body"]["data"]
    # provider-docs §8: the Python SDK's wait loop stops on cancelled and timeout.
    assert data["status"] == {"cancelled": "cancelled", "timeout-status": "timeout"}[scenario]
    assert result["error"]["message"] == (
        f"Prediction failed (task_id: {task['id']}): {data['error']}")
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


def test_novita_sdk_polls_on_through_task_status_unknown_to_the_video(
    node: str, live: LiveServer, tmp_path: Path
) -> None:
    """TASK_STATUS_UNKNOWN is in the SDK's own TaskStatus (dist/src/types.d.ts), neither
    SUCCEED nor FAILED: the caller's loop on `progress()` keeps polling through it."""
    steer(live, "succeed", progression="polls=2")
    choose(live, "novita", "status-unknown")
    out = tmp_path / "novita.mp4"
    result = run_sdk(node, "novita.mjs", live.base_url("novita"), out, "540p 1:1")
    assert_mp4(result, out, 720, 720)
    assert {"status": "TASK_STATUS_UNKNOWN", "known": True} in result["seen"]
    assert result["seen"][-1] == {"status": "TASK_STATUS_SUCCEED", "known": True}


@pytest.mark.parametrize("reason", [
    # The billing names of the SDK's APIErrReason (dist/src/types.d.ts, provider-docs §8).
    "BILLING_BALANCE_NOT_ENOUGH", "BILLING_FAILED", "BILLING_AUTH_FAILED",
    "ANONYMOUS_ACCESS_QUOTA_EXCEEDS",
])
def test_novita_sdk_reports_a_billing_refusal_with_its_own_reason(
    node: str, live: LiveServer, tmp_path: Path, reason: str
) -> None:
    """httpFetch rejects a non-200 answer with a NovitaError carrying the HTTP status as
    `code` and the body's `reason`: one of the SDK's own names, so a caller can switch on it."""
    choose(live, "novita", f"billing-refused;reason={reason}", target="requests")
    result = run_sdk(node, "novita.mjs", live.base_url("novita"), tmp_path / "x.mp4", "")
    assert result["ok"] is False
    assert result["error"]["code"] == 403
    assert result["error"]["reason"] == reason
    assert result["error"]["known_reason"] is True
    assert tasks(live, "novita") == []


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


def test_runware_sdk_does_not_see_a_failure_delivered_inside_data(
    node: str, live: LiveServer, tmp_path: Path
) -> None:
    """The SDK's limit, as its code is written: `pollForAsyncResults` (dist/index.js) keeps
    only items whose status is "success" and polls getResponse every 2 s for up to 10
    minutes; a data item {status: "error", error: {...}} is neither a result nor a rejection
    (only an `errors` list rejects). runware-sdk (Python) does handle it
    (test_runware_ws_sdk.py). The script reports it still pending after the watch."""
    steer(live, "fail:contentPolicyViolation")
    choose(live, "runware", "data-error")
    result = run_sdk(node, "runware.mjs", runware_ws(live), tmp_path / "x.mp4", "",
                     env={"VIDUKIT_SDK_WATCH_MS": "4500"})
    assert result == {"ok": False, "pending": True, "waited_ms": 4500}
    [task] = tasks(live, "runware")
    assert task["state"] == "failed"
    answers = [e["response"]["body"] for e in journal(live, "runware")
               if any(i.get("status") == "error" for i in e["response"]["body"].get("data", []))]
    # At least one poll showed the failure before the watch ended (polls come every 2 s),
    # and the SDK neither resolved nor rejected on it.
    assert answers, "no getResponse answer carried the failure"
    for body in answers:
        assert "errors" not in body
        assert [(i["taskUUID"], i["error"]["code"]) for i in body["data"]] == [
            (task["id"], "contentPolicyViolation")]
