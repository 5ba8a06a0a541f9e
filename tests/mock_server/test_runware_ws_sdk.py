"""Runware's two official SDKs, unchanged, against the mock on a real socket on 127.0.0.1.

``runware`` (WebSocket only) and ``runware-sdk`` (WebSocket and REST) both install
the top-level package ``runware``, so each runs in its own virtual environment
(`sdk_venv`: built once per pinned version, then reused) as a subprocess:
tests/sdk_scripts/ holds the small client each runs, which prints one JSON line.
The SDKs cannot send the mock's control headers, so the server's default
progression (``PUT /_mock/progression``) steers each run; every task the SDKs
create is then checked through the admin API, and every frame they exchanged
through the journal.

A missing SDK never skips: a failed build errors the tests with pip's output.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from mock_support import mock_config
from sdk_venv import Sdk, SdkVenvError, build_seconds, sdk_python

import vidukit
from vidukit.mock_server import create_app
from vidukit.mock_server.providers.runware.status import cost
from vidukit.mock_server.testing import LiveServer, serving

RUNWARE = Sdk("runware", "0.5.24", "runware")
RUNWARE_SDK = Sdk("runware-sdk", "1.8.0", "runware")
SCRIPTS = Path(__file__).resolve().parents[1] / "sdk_scripts"
KEY = "sdk-key"
#: `runware` waits this long (ms) for a getResponse answer that carries a video before it
#: polls again; its default, 30 s, would make every "processing" poll take 30 s.
RUNWARE_KNOBS = {"RUNWARE_VIDEO_INITIAL_TIMEOUT": "1500", "RUNWARE_VIDEO_POLLING_DELAY": "50"}
SCRIPT_TIMEOUT_SECONDS = 60


@pytest.fixture(scope="session")
def runware_python() -> Path:
    return sdk_python(RUNWARE)


@pytest.fixture(scope="session")
def runware_sdk_python() -> Path:
    return sdk_python(RUNWARE_SDK)


@pytest.fixture(scope="module")
def sdk_server() -> Iterator[LiveServer]:
    with serving(create_app(mock_config(api_keys=(KEY,), progression="immediate"))) as live:
        yield live


@pytest.fixture
def live(sdk_server: LiveServer) -> LiveServer:
    sdk_server.state.reset()
    return sdk_server


def admin(live: LiveServer, method: str, path: str, **kwargs: Any) -> Any:
    response = httpx.request(method, f"{live.url}/_mock{path}", timeout=5, **kwargs)
    assert response.status_code < 300, response.text
    return response.json()


def steer(live: LiveServer, progression: str, outcome: str = "succeed") -> None:
    admin(live, "PUT", "/progression", json={"progression": progression, "outcome": outcome})


def ws_url(live: LiveServer) -> str:
    return live.base_url("runware").replace("http://", "ws://", 1) + "/v1"


def rest_url(live: LiveServer) -> str:
    return live.base_url("runware") + "/v1"


def run(python: Path, script: str, *args: str, env: dict[str, str] | None = None) -> Any:
    """Run a client script in the SDK's interpreter; its one JSON line, parsed."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("RUNWARE_")}
    done = subprocess.run(
        [str(python), str(SCRIPTS / script), *args],
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT_SECONDS,
        env={**clean, **(env or {})},
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 0 and lines, f"{script} failed:\n{done.stdout}\n{done.stderr}"
    return json.loads(lines[-1])


def only_task(live: LiveServer) -> dict[str, Any]:
    [task] = admin(live, "GET", "/tasks?provider=runware")["tasks"]
    return task  # type: ignore[no-any-return]


def message_of(status: int, body: dict[str, Any]) -> str:
    """Which Runware message a journaled answer must be."""
    if status != 200:
        return "error-response"
    items = [*body.get("data", []), *body.get("errors", [])]
    return "result-response" if any("status" in i for i in items) else "submit-response"


def assert_journal_conforms(live: LiveServer, method: str) -> list[dict[str, Any]]:
    """Every exchange the SDK made: a valid request, and an answer valid as its message."""
    entries = [
        e
        for e in admin(live, "GET", "/journal?provider=runware")["entries"]
        if e["request"]["method"] == method
    ]
    assert entries, f"no {method} exchange journaled"
    for entry in entries:
        response = entry["response"]
        message = message_of(response["status"], response["body"])
        found = vidukit.validate("runware", message, response["body"])
        assert found == [], f"{message}: {[v.to_dict() for v in found]}\n{response['body']}"
    return entries


def assert_video(live: LiveServer, item: dict[str, Any], task_uuid: str) -> None:
    assert (item["taskType"], item["taskUUID"], item["status"]) == (
        "videoInference",
        task_uuid,
        "success",
    )
    assert item["cost"] == pytest.approx(cost("720p", 5))
    assert item["videoURL"].startswith(f"{live.url}/_mock/media/")
    media = httpx.get(item["videoURL"], timeout=10)
    assert media.status_code == 200 and media.content[4:8] == b"ftyp"


# -- runware (PyPI "runware": WebSocket) -------------------------------------------------------


def test_runware_submits_and_polls_a_video_to_success(
    live: LiveServer, runware_python: Path
) -> None:
    steer(live, "polls=2")
    out = run(
        runware_python, "runware_ws_client.py", "--url", ws_url(live), "--api-key", KEY,
        env=RUNWARE_KNOBS,
    )
    assert out["ok"], out
    task_uuid = out["accepted"]["taskUUID"]
    assert out["accepted"] == {"taskType": "videoInference", "taskUUID": task_uuid}
    [video] = out["videos"]
    assert_video(live, video, task_uuid)
    task = only_task(live)
    assert (task["id"], task["state"], task["polls"]) == (task_uuid, "succeeded", 2)
    entries = assert_journal_conforms(live, "WS")
    sent = [e for e in entries if e["request"]["body"][0]["taskType"] == "videoInference"]
    assert [e["validation"]["valid"] for e in sent] == [True], "the SDK's request is valid"
    assert sent[0]["request"]["body"][0]["deliveryMethod"] == "async"


def test_runware_raises_the_failed_task_error(live: LiveServer, runware_python: Path) -> None:
    steer(live, "immediate", "fail:providerError")
    out = run(runware_python, "runware_ws_client.py", "--url", ws_url(live), "--api-key", KEY)
    assert not out["ok"]
    assert (out["error"], out["code"]) == ("RunwareAPIError", "providerError")
    assert out["error_data"]["taskUUID"] == only_task(live)["id"]
    assert only_task(live)["state"] == "failed"
    assert_journal_conforms(live, "WS")


def test_runware_reports_a_refused_key_and_an_invalid_request(
    live: LiveServer, runware_python: Path
) -> None:
    url = ws_url(live)
    out = run(runware_python, "runware_ws_client.py", "--url", url, "--api-key", "nope", "--case",
              "connect")
    assert (out["ok"], out["error"]) == (False, "ConnectionError")
    assert "unknown API key" in out["message"]
    out = run(runware_python, "runware_ws_client.py", "--url", url, "--api-key", KEY, "--case",
              "connect")
    assert out == {"ok": True, "connected": True}
    out = run(runware_python, "runware_ws_client.py", "--url", url, "--api-key", KEY,
              "--duration", "10")
    assert (out["error"], out["code"]) == ("RunwareAPIError", "unsupportedDuration")
    assert out["error_data"]["parameter"] == "duration"
    assert admin(live, "GET", "/tasks")["count"] == 0
    statuses = [e["response"]["status"] for e in assert_journal_conforms(live, "WS")]
    assert statuses == [401, 200, 200, 400], "refused, then authenticated twice, then invalid"


@pytest.mark.parametrize("word", ["queued", "pending", "scheduled", "waiting"])
def test_runware_keeps_polling_on_the_other_unfinished_words(
    live: LiveServer, runware_python: Path, word: str
) -> None:
    """runware/base.py ``_pollResults`` polls on while items are queued, pending, ..."""
    steer(live, "polls=2")
    admin(live, "POST", "/scenarios", json={"scenario": f"pending-status;word={word}",
                                             "for": "tasks"})
    out = run(
        runware_python, "runware_ws_client.py", "--url", ws_url(live), "--api-key", KEY,
        env=RUNWARE_KNOBS,
    )
    assert out["ok"], out
    [video] = out["videos"]
    assert_video(live, video, out["accepted"]["taskUUID"])
    entries = assert_journal_conforms(live, "WS")
    polled = [e["response"]["body"] for e in entries
              if e["request"]["body"][0]["taskType"] == "getResponse"]
    words = [item["status"] for body in polled for item in body.get("data", [])]
    assert words[0] == word and words[-1] == "success", words


# -- runware-sdk (PyPI "runware-sdk": WebSocket and REST) ---------------------------------------


TRANSPORTS = {"websocket": ("WS", ws_url), "rest": ("POST", rest_url)}


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_runware_sdk_runs_a_video_to_success(
    live: LiveServer, runware_sdk_python: Path, transport: str
) -> None:
    method, url = TRANSPORTS[transport]
    steer(live, "polls=2")
    out = run(
        runware_sdk_python, "runware_sdk_client.py", "--transport", transport, "--url", url(live),
        "--api-key", KEY,
    )
    assert out["ok"], out
    [video] = out["results"]
    task = only_task(live)
    assert_video(live, video, task["id"])
    assert (task["state"], task["polls"]) == ("succeeded", 2)
    entries = assert_journal_conforms(live, method)
    submitted = [e for e in entries if e["request"]["body"][-1]["taskType"] == "videoInference"]
    assert [e["validation"]["valid"] for e in submitted] == [True], "the SDK's request is valid"


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_runware_sdk_raises_the_failed_task_error(
    live: LiveServer, runware_sdk_python: Path, transport: str
) -> None:
    method, url = TRANSPORTS[transport]
    steer(live, "immediate", "fail:providerError")
    out = run(
        runware_sdk_python, "runware_sdk_client.py", "--transport", transport, "--url", url(live),
        "--api-key", KEY,
    )
    assert (out["ok"], out["error"], out["code"]) == (False, "RunwareError", "provider")
    assert out["message"] == "The provider failed to generate the video."
    task = only_task(live)
    assert (out["task_uuid"], task["state"]) == (task["id"], "failed")
    assert_journal_conforms(live, method)


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_runware_sdk_files_the_content_moderation_failure_as_safety(
    live: LiveServer, runware_sdk_python: Path, transport: str
) -> None:
    """The ``fail-content-moderation`` scenario's code is one runware-sdk's catalogue knows
    (runware/errors.py ``_SAFETY_CODES``); a code of the mock's own making would be "unknown"."""
    method, url = TRANSPORTS[transport]
    admin(live, "POST", "/scenarios", json={"scenario": "fail-content-moderation", "for": "tasks"})
    out = run(
        runware_sdk_python, "runware_sdk_client.py", "--transport", transport, "--url", url(live),
        "--api-key", KEY,
    )
    assert (out["ok"], out["error"], out["code"]) == (False, "RunwareError", "safety")
    assert (out["task_uuid"], only_task(live)["state"]) == (only_task(live)["id"], "failed")
    assert_journal_conforms(live, method)


#: The rest of runware-sdk's catalogue for a failed task, and how runware/errors.py
#: ``derive_code`` files each (``_SAFETY_CODES``; ``_NOT_FOUND_CODES``).
CATALOGUE = {
    "providerContentPolicyViolation": "safety",
    "taskFailedOrNotFound": "notFound",
    "taskCancelled": "notFound",
}


@pytest.mark.parametrize(("code", "filed"), CATALOGUE.items())
def test_runware_sdk_files_each_catalogue_code_the_mock_sends(
    live: LiveServer, runware_sdk_python: Path, code: str, filed: str
) -> None:
    """Each code the SDK's catalogue knows for a failed task, sent by the mock on request
    (``fail:<code>``), reaches the SDK's error with its code and the category it files."""
    method, url = TRANSPORTS["rest"]
    steer(live, "polls=1", f"fail:{code}")
    out = run(
        runware_sdk_python, "runware_sdk_client.py", "--transport", "rest", "--url", url(live),
        "--api-key", KEY,
    )
    assert (out["ok"], out["error"], out["code"]) == (False, "RunwareError", filed)
    assert (out["task_uuid"], only_task(live)["state"]) == (only_task(live)["id"], "failed")
    assert_journal_conforms(live, method)


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_runware_sdk_raises_a_failure_delivered_inside_data(
    live: LiveServer, runware_sdk_python: Path, transport: str
) -> None:
    """runware/client.py ``_AsyncCollector.ingest``: a data item with status error ends the
    run with that item's error, filed by its code (contentPolicyViolation: safety)."""
    method, url = TRANSPORTS[transport]
    steer(live, "polls=2", "fail:contentPolicyViolation")
    admin(live, "POST", "/scenarios", json={"scenario": "data-error", "for": "tasks"})
    out = run(
        runware_sdk_python, "runware_sdk_client.py", "--transport", transport, "--url", url(live),
        "--api-key", KEY,
    )
    assert (out["ok"], out["error"], out["code"]) == (False, "RunwareError", "safety")
    assert out["message"] == "The generated content was flagged by content moderation."
    task = only_task(live)
    assert (out["task_uuid"], task["state"]) == (task["id"], "failed")
    entries = assert_journal_conforms(live, method)
    last = entries[-1]["response"]["body"]
    assert "errors" not in last
    assert [(i["status"], i["error"]["code"]) for i in last["data"]] == [
        ("error", "contentPolicyViolation")
    ]


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_runware_sdk_reports_a_refused_key(
    live: LiveServer, runware_sdk_python: Path, transport: str
) -> None:
    method, url = TRANSPORTS[transport]
    out = run(
        runware_sdk_python, "runware_sdk_client.py", "--transport", transport, "--url", url(live),
        "--api-key", "nope",
    )
    assert (out["ok"], out["code"]) == (False, "auth")
    assert "unknown API key" in out["message"]
    assert out["status_code"] == (401 if transport == "rest" else None)
    assert [e["response"]["status"] for e in assert_journal_conforms(live, method)] == [401]


# -- the environments --------------------------------------------------------------------------


def test_each_sdk_has_its_own_cached_environment(
    runware_python: Path, runware_sdk_python: Path
) -> None:
    assert runware_python != runware_sdk_python
    for sdk, python in ((RUNWARE, runware_python), (RUNWARE_SDK, runware_sdk_python)):
        assert build_seconds(sdk) is not None
        started = time.monotonic()
        assert sdk_python(sdk) == python
        assert time.monotonic() - started < 1.0, "a built environment is reused, not rebuilt"


def test_a_failed_build_raises_with_pips_output(tmp_path: Path) -> None:
    with pytest.raises(SdkVenvError) as failed:
        sdk_python(RUNWARE, root=tmp_path, extra=["--no-index"])
    text = str(failed.value)
    assert "pip install runware==0.5.24 failed" in text
    assert "runware==0.5.24" in text.split("failed", 1)[1], "pip's own message follows"
    assert build_seconds(RUNWARE, root=tmp_path) is None, "nothing half-built is marked complete"
