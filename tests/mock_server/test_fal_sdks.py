"""fal.ai's official clients, unchanged but for their host and CA, against the mock over TLS.

Both clients build ``https://`` URLs only, so the mock listens with TLS
(``serving(..., tls=True)``: a local CA, a certificate for 127.0.0.1) and serves fal
alone at its root (``MockConfig(provider="fal")``, what ``vidukit serve --provider fal
--tls`` does), so that a bare host is all a client needs:

- PyPI ``fal-client`` (pinned in pyproject.toml) reads ``FAL_QUEUE_RUN_HOST`` and trusts
  ``SSL_CERT_FILE`` (httpx); it runs in a subprocess because it reads the host when
  imported (``tests/sdk_scripts/fal_sdk_client.py``).
- npm ``@fal-ai/client`` (pinned in tests/sdk_js) always calls https://queue.fal.run; its
  own ``requestMiddleware`` hook moves that origin to the mock, and Node trusts
  ``NODE_EXTRA_CA_CERTS`` (``tests/sdk_js/fal.mjs``).

Each completes requests and downloads an MP4 of the asked size (540p 9:16 is 528x960 and
540p 1:1 is 720x720, provider-docs README §5's table), and each meets one failure: a
request the model refuses as ``content_policy_violation`` answers its result with 422 and
``detail`` a list of ``{loc, msg, type}`` (fal's Model Errors page), which the Python client
raises as ``FalClientHTTPError`` and the JavaScript one as ``ValidationError``. The mock's
clock is real and its requests short (0.2 s queued, 0.3 s running). A missing ``node``, SDK
or package fails these tests; it never skips them.
"""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from media_support import probe
from mock_support import mock_config
from webhooks_support import Receiver, receiving

from vidukit.mock_server import create_app
from vidukit.mock_server.testing import LiveServer, serving
from vidukit.validation import validate

TESTS = Path(__file__).resolve().parents[1]
PY_SCRIPT = TESTS / "sdk_scripts" / "fal_sdk_client.py"
SDK_JS = TESTS / "sdk_js"
JS_PACKAGE = "@fal-ai/client"
KEY = "fal-sdk-key"
TIMEOUT = 90
PROGRESSION = "time=0.2,0.3"


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    config = mock_config(api_keys=(KEY,), provider="fal", clock="real",
                         progression=PROGRESSION)
    with serving(create_app(config), tls=True) as live:
        assert live.url.startswith("https://") and live.ca_path is not None
        yield live


@pytest.fixture
def live(server: LiveServer) -> LiveServer:
    server.state.reset()
    steer(server, "succeed")
    return server


def steer(live: LiveServer, outcome: str) -> None:
    """Every new request's outcome, server-wide: the clients cannot send control headers."""
    answer = httpx.put(f"{live.url}/_mock/progression",
                       json={"progression": PROGRESSION, "outcome": outcome},
                       verify=ssl.create_default_context(cafile=live.ca_path), timeout=5)
    assert answer.status_code == 200, answer.text


def ca_env(live: LiveServer) -> dict[str, str]:
    ca = str(live.ca_path)
    return {**os.environ, "FAL_KEY": KEY, "SSL_CERT_FILE": ca, "REQUESTS_CA_BUNDLE": ca,
            "NODE_EXTRA_CA_CERTS": ca}


def last_json(done: subprocess.CompletedProcess[str], what: str) -> dict[str, Any]:
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 0 and lines, f"{what} failed:\n{done.stdout}\n{done.stderr}"
    found: dict[str, Any] = json.loads(lines[-1])
    return found


def assert_mp4(download: dict[str, Any], out: Path, width: int, height: int) -> None:
    assert download == {"http_status": 200, "bytes": out.stat().st_size, "ftyp": True}
    video = probe(out.read_bytes())
    assert (video.width, video.height) == (width, height)
    assert video.frames > 0


# -- PyPI fal-client -----------------------------------------------------------------------


def run_python(live: LiveServer, flow: str, out: Path, size: str = "",
               webhook: str = "") -> dict[str, Any]:
    host = urlsplit(live.url).netloc  # 127.0.0.1:<port>: the client adds https://
    env = {**ca_env(live), "FAL_QUEUE_RUN_HOST": host, "FAL_RUN_HOST": host}
    done = subprocess.run([sys.executable, str(PY_SCRIPT), flow, str(out), size, webhook],
                          capture_output=True, text=True, timeout=TIMEOUT, env=env,
                          check=False)
    return last_json(done, f"fal-client {flow}")


def test_fal_client_queue_flow_over_tls(live: LiveServer, tmp_path: Path) -> None:
    """submit, status with logs, result, subscribe with its own polling, cancel, webhook."""
    out = tmp_path / "fal.mp4"
    with receiving() as receiver:
        result = run_python(live, "queue", out, "540p 9:16", receiver.url("/fal/hook"))
        assert result["ok"] is True, result
        assert_mp4(result["download"], out, 528, 960)
        # The status walk: queued (the position falling), in progress, completed.
        statuses = result["statuses"]
        assert statuses[0] == "Queued" and statuses[-1] == "Completed"
        assert "InProgress" in statuses
        assert result["positions"] == sorted(result["positions"], reverse=True)
        assert result["url"].startswith(live.url + "/_mock/media/")
        assert result["subscribed"]["updates"][-1] == "Completed"
        assert result["subscribed"]["url"].endswith(".mp4")
        # The cancelled request is COMPLETED with an error, as fal-client's Completed says.
        cancelled = result["cancelled"]
        assert cancelled["status"] == "Completed" and cancelled["error"]
        assert cancelled["error_type"] == "request_cancelled"
        (call,) = webhook_calls(receiver, 1)
    body = call.json()
    assert body["request_id"] == result["webhook_request_id"]
    assert body["status"] == "OK"
    assert validate("fal", "webhook", body) == []
    assert call.headers["x-fal-webhook-request-id"] == result["webhook_request_id"]


def webhook_calls(receiver: Receiver, count: int) -> list[Any]:
    return receiver.wait_for(count, timeout=10)


def test_fal_client_raises_the_models_422(live: LiveServer, tmp_path: Path) -> None:
    steer(live, "fail:content_policy_violation")
    result = run_python(live, "subscribe", tmp_path / "x.mp4")
    assert result["ok"] is False
    error = result["error"]
    assert (error["name"], error["status"]) == ("FalClientHTTPError", 422)
    [detail] = error["message"]  # the body's detail, as the client passes it on
    assert detail["type"] == "content_policy_violation"
    assert detail["loc"] == ["body", "prompt"]
    assert error["request_id"]


# -- npm @fal-ai/client ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.fail("node is not installed: the JavaScript SDK tests need Node.js 18 or newer")
    pinned = json.loads((SDK_JS / "package.json").read_text())["dependencies"][JS_PACKAGE]
    installed = SDK_JS / "node_modules" / JS_PACKAGE / "package.json"
    if not installed.is_file():
        pytest.fail(f"{JS_PACKAGE} is not installed: run `npm ci --prefix tests/sdk_js`")
    seen = json.loads(installed.read_text())["version"]
    if seen != pinned:
        pytest.fail(f"{JS_PACKAGE} {seen} is installed, {pinned} is pinned: "
                    "run `npm ci --prefix tests/sdk_js`")
    return found


def run_node(node: str, live: LiveServer, out: Path, size: str) -> dict[str, Any]:
    done = subprocess.run([node, str(SDK_JS / "fal.mjs"), live.url, str(out), size],
                          capture_output=True, text=True, timeout=TIMEOUT,
                          env={**ca_env(live), "VIDUKIT_SDK_KEY": KEY}, cwd=SDK_JS,
                          check=False)
    return last_json(done, "fal.mjs")


def test_fal_js_client_queue_and_subscribe_over_tls(
    node: str, live: LiveServer, tmp_path: Path
) -> None:
    out = tmp_path / "fal-js.mp4"
    result = run_node(node, live, out, "540p 1:1")
    assert result["ok"] is True, result
    assert_mp4(result["download"], out, 720, 720)
    assert result["final"] == "COMPLETED"
    assert result["statuses"][-1] == "COMPLETED" and "IN_PROGRESS" in result["statuses"]
    assert result["subscribed"]["request_id"] != result["request_id"]
    assert result["subscribed"]["url"].startswith(live.url + "/_mock/media/")


def test_fal_js_client_reports_the_models_422_as_a_validation_error(
    node: str, live: LiveServer, tmp_path: Path
) -> None:
    steer(live, "fail:content_policy_violation")
    result = run_node(node, live, tmp_path / "x.mp4", "")
    assert result["ok"] is False
    error = result["error"]
    assert (error["name"], error["status"]) == ("ValidationError", 422)
    [field] = error["field_errors"]
    assert (field["type"], field["loc"]) == ("content_policy_violation", ["body", "prompt"])
