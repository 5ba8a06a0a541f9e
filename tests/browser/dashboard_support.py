"""Helpers for the dashboard's browser tests: Debian's Chromium, a callback receiver, and
clients that drive tasks on a live mock (a real uvicorn socket on 127.0.0.1).

Chromium is the system package (``/usr/bin/chromium``, installed by ``.ci/run`` from
``.ci/apt-packages``), never a browser downloaded by Playwright. When it is missing or
does not start, the tests fail and say how to fix it: a dashboard nobody tested in a
browser is not done.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from vidukit.mock_server import MockConfig

try:
    from playwright.sync_api import Browser, Error, Playwright
except ImportError:  # pragma: no cover - the message is the point
    pytest.fail(
        "the browser tests need Playwright for Python: pip install -e '.[test]' "
        "(it drives Debian's Chromium; never run 'playwright install')",
        pytrace=False,
    )

#: VIDUKIT_CHROMIUM, else Debian's Chromium, else one on PATH (tests/system_requirements.py
#: looks in the same places before the suite starts).
CHROMIUM = os.environ.get("VIDUKIT_CHROMIUM") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file()
    else shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAVESPEED_SUBMIT = "/wavespeed/api/v3/vidu/reference-to-video-q2"
CAT = {"prompt": "a cat turns its head", "images": ["https://example.com/cat.png"]}


def dashboard_config(**overrides: Any) -> MockConfig:
    """Virtual clock, no jitter, responses checked, callbacks only to local receivers."""
    options: dict[str, Any] = {
        "clock": "virtual",
        "jitter": 0.0,
        "check_responses": True,
        "webhook_targets": "loopback",
    }
    options.update(overrides)
    return MockConfig(**options)


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's Chromium under Playwright, or a failed test saying what is missing."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: install Debian's package "
            "(apt-get install chromium fonts-liberation; .ci/run installs .ci/apt-packages) "
            "or point VIDUKIT_CHROMIUM at a Chromium binary",
            pytrace=False,
        )
    try:
        return playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=30_000
        )
    except Error as exc:
        pytest.fail(f"Chromium at {CHROMIUM} did not start under Playwright: {exc}", pytrace=False)


class Receiver:
    """A callback receiver on 127.0.0.1 answering POSTs with scripted statuses (then 200)."""

    def __init__(self) -> None:
        self.statuses: deque[int] = deque()
        self.count = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length") or 0))
                receiver.count += 1
                status = receiver.statuses.popleft() if receiver.statuses else 200
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def receiving(*statuses: int) -> Iterator[Receiver]:
    with Receiver() as receiver:
        receiver.statuses.extend(statuses)
        yield receiver


class Driver:
    """A client of every provider on one live mock, and its admin API (virtual clock)."""

    def __init__(self, url: str, key: str = "sk-dashboard-test-key") -> None:
        self.http = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"})

    def close(self) -> None:
        self.http.close()

    def wavespeed(self, body: Any = None, *, webhook: str | None = None, **headers: str) -> str:
        path = WAVESPEED_SUBMIT + (f"?{urlencode({'webhook': webhook})}" if webhook else "")
        answer = self.http.post(path, json=body if body is not None else CAT, headers=headers)
        answer.raise_for_status()
        return str(answer.json()["data"]["id"])

    def wavespeed_raw(self, body: Any) -> httpx.Response:
        return self.http.post(WAVESPEED_SUBMIT, json=body)

    def novita(self, provider: str = "novita", **headers: str) -> str:
        body = {
            "prompt": "@1 walks along the beach at sunset",
            "duration": 5,
            "subjects": [{"id": "1", "images": ["https://example.com/subject-1.png"]}],
        }
        answer = self.http.post(f"/{provider}/v3/async/vidu-q2-reference2video", json=body,
                                headers=headers)
        answer.raise_for_status()
        return str(answer.json()["task_id"])

    def vtrix(self, **headers: str) -> str:
        body = {"model": "viduq2_pro_reference", "input": [{"params": dict(CAT)}]}
        answer = self.http.post("/vtrix/model/v1/generation", json=body, headers=headers)
        answer.raise_for_status()
        return str(answer.json()["id"])

    def runware(self, task_uuid: str, **headers: str) -> str:
        task = {
            "taskType": "videoInference",
            "taskUUID": task_uuid,
            "model": "vidu:3@1",
            "positivePrompt": "a paper boat drifting down a rain-soaked street",
        }
        answer = self.http.post("/runware/v1", json=[task], headers=headers)
        answer.raise_for_status()
        return task_uuid

    def poll(self, provider: str, task_id: str) -> int:
        if provider == "wavespeed":
            path = f"/wavespeed/api/v3/predictions/{task_id}/result"
            return self.http.get(path).status_code
        if provider in ("novita", "myrouter"):
            path = f"/{provider}/v3/async/task-result"
            return self.http.get(path, params={"task_id": task_id}).status_code
        if provider == "vtrix":
            return self.http.get(f"/vtrix/model/v1/generation/task/{task_id}").status_code
        body = [{"taskType": "getResponse", "taskUUID": task_id}]
        return self.http.post("/runware/v1", json=body).status_code

    def advance(self, seconds: float) -> float:
        answer = self.http.post("/_mock/clock/advance", json={"seconds": seconds})
        answer.raise_for_status()
        return float(answer.json()["now"])

    def task_state(self, task_id: str) -> str:
        return str(self.http.get(f"/_mock/tasks/{task_id}").json()["state"])


def populate_demo(driver: Driver, hook_url: str) -> dict[str, str]:
    """Sixteen busy seconds on the mock: every provider, a failure, two polls answered 503, a
    webhook that fails once before it is delivered, a task still processing. Returns ids."""
    ids: dict[str, str] = {}
    ids["wavespeed"] = driver.wavespeed(**{"X-Mock-Progression": "time=2,6"})
    ids["wavespeed-hook"] = driver.wavespeed(
        webhook=hook_url, **{"X-Mock-Progression": "time=1,5"}
    )
    driver.advance(1)
    fail = {"X-Mock-Progression": "time=2,5", "X-Mock-Outcome": "fail"}
    ids["novita-fail"] = driver.novita(**fail)
    faults = {"X-Mock-Progression": "time=1,9", "X-Mock-Scenario": "http-503;on=poll;times=2"}
    ids["myrouter-503"] = driver.novita("myrouter", **faults)
    driver.advance(1)
    ids["runware"] = driver.runware("6c0e3b1a-5f0d-4a8e-9d7b-2a1c3e4f5a6b",
                                    **{"X-Mock-Progression": "time=3,7"})
    driver.wavespeed_raw({"prompt": "x", "images": [], "duration": 9})  # journal only: invalid
    for second in range(2, 16):
        if second == 4:
            ids["vtrix"] = driver.vtrix(**{"X-Mock-Progression": "time=6,12"})
        for name, task_id in ids.items():
            provider = name.split("-")[0]
            if second % 2 == 0 and driver.task_state(task_id) not in ("succeeded", "failed"):
                driver.poll(provider, task_id)
        driver.advance(1)
    return ids


__all__ = [
    "CAT",
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "Driver",
    "Receiver",
    "dashboard_config",
    "launch_chromium",
    "populate_demo",
    "receiving",
]
