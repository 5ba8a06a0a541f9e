"""``vidukit proxy`` in front of the mock (faithful and drifted), over real sockets.

A team's own client (the example clients) runs through the proxy unchanged;
the proxy must judge every answer, forward the key without keeping it, and
relay large bodies chunk by chunk.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import subprocess
import sys
import tracemalloc
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from drift_support import KEY, PROVIDERS, expected_all, mock_app, named
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.routing import Route

from vidukit.cli.drift_cmd import build_plan
from vidukit.drift.observer import Observer
from vidukit.drift.wire import wire
from vidukit.mock_server import MockConfig, create_app
from vidukit.mock_server.testing import serving
from vidukit.proxy import create_proxy_app

REQUEST = {"prompt": "a cat turns its head", "images": ["https://example.com/cat.png"],
           "duration": 5, "resolution": "720p", "aspect_ratio": "16:9",
           "movement_amplitude": "auto", "seed": None}


def drive(provider: str, base_url: str, *, invalid: bool = True) -> dict[str, Any]:
    """A team's traffic: its client end to end, one more poll, one request without a prompt."""
    client = importlib.import_module(f"examples.{provider}_client")
    outcome = client.adapter(dict(REQUEST), {"provider": provider, "base_url": base_url,
                                             "api_key": KEY, "poll_interval": 0.01})
    facts = wire(provider)
    auth = {"Authorization": f"Bearer {KEY}"}
    with httpx.Client(base_url=base_url, headers=auth) as http:
        plan = build_plan(provider, "https://example.com/cat.png")
        answer = http.request("POST", facts.submit(plan.submit_body).path, json=plan.submit_body)
        task_id = facts.task_id(plan.submit_body, answer.json())
        assert task_id is not None
        for _ in range(5):  # to the end, and once more: a finished task must stay finished
            call = facts.poll(task_id)
            http.request(call.method, call.path, params=call.params, json=call.json)
        if invalid:
            bad = _without_prompt(provider, plan.submit_body)
            assert http.post(facts.submit(bad).path, json=bad).status_code == 400
    return dict(outcome)


def _without_prompt(provider: str, body: Any) -> Any:
    body = json.loads(json.dumps(body))
    holder = {"vtrix": lambda b: b["input"][0]["params"], "runware": lambda b: b[0]}.get(
        provider, lambda b: b)(body)
    holder.pop("positivePrompt" if provider == "runware" else "prompt")
    return body


def _report(proxy_url: str) -> dict[str, Any]:
    report: dict[str, Any] = httpx.get(f"{proxy_url}/_proxy/report").json()
    return report


@pytest.mark.parametrize("profile", [None, "all"])
@pytest.mark.parametrize("provider", PROVIDERS)
def test_proxy_judges_a_client_run(provider: str, profile: str | None) -> None:
    with serving(mock_app(profile)) as live:
        observer = Observer(provider)
        with serving(create_proxy_app(provider, live.base_url(provider), observer)) as proxy:
            outcome = drive(provider, proxy.url)
            report = _report(proxy.url)
            journal = httpx.get(f"{proxy.url}/_proxy/journal").text
    assert outcome["status"] == "succeeded"  # the client never noticed the proxy
    requests = {f for f in named(report) if f[0] == "submit-request"}
    answers = named(report) - requests
    # The client's own bad request is named by its rule (the proxy judges requests too).
    assert {(f["kind"], f["rule"].rsplit(".", 1)[-1]) for f in report["findings"]
            if f["message"] == "submit-request"} == {("invalid-request", "required")}
    assert answers == (expected_all(provider) if profile else set())
    assert KEY not in json.dumps(report) and KEY not in journal


def test_the_key_is_forwarded_unchanged_and_kept_nowhere(tmp_path: Path) -> None:
    """With a mock that knows one key, only that key gets through; the journal never holds it."""
    journal_file = tmp_path / "journal.jsonl"
    app = create_app(MockConfig(api_keys=(KEY,), progression="polls=3"))
    with serving(app) as live:
        observer = Observer("wavespeed")
        proxied = create_proxy_app("wavespeed", live.base_url("wavespeed"), observer,
                                   journal_file=journal_file)
        with serving(proxied) as proxy:
            body = build_plan("wavespeed", "https://example.com/cat.png").submit_body
            path = "/api/v3/vidu/reference-to-video-q2"
            good = httpx.post(proxy.url + path, json=body,
                              headers={"Authorization": f"Bearer {KEY}"})
            bad = httpx.post(proxy.url + path, json=body,
                             headers={"Authorization": "Bearer other"})
        upstream_saw = [e.to_dict() for e in live.state.journal.entries()]
    assert (good.status_code, bad.status_code) == (200, 401)
    assert good.json()["data"]["status"] == "created"
    assert len(upstream_saw) == 2
    assert KEY not in journal_file.read_text(encoding="utf-8")
    assert len(journal_file.read_text(encoding="utf-8").splitlines()) == 2


def test_media_passes_through_in_chunks_byte_for_byte() -> None:
    """An output video is relayed as it arrives, not judged and not held."""
    with serving(mock_app(provider="vtrix")) as live:
        observer = Observer("vtrix")
        with serving(create_proxy_app("vtrix", live.url, observer)) as proxy:
            client = importlib.import_module("examples.vtrix_client")
            request = {**REQUEST, "resolution": "1080p", "duration": 10}
            outcome = client.adapter(request, {"provider": "vtrix", "base_url": proxy.url,
                                               "api_key": KEY, "poll_interval": 0.01})
            direct = httpx.get(outcome["video_url"]).content
            relayed = httpx.get(outcome["video_url"].replace(live.url, proxy.url))
            stats = proxy.app.state.proxy.stats
    assert relayed.content == direct
    assert relayed.headers["content-type"] == "video/mp4"
    assert stats.streamed_bytes == len(direct)
    assert stats.streamed_chunks >= 2
    assert stats.largest_chunk < len(direct)


def _big_upstream(size: int, chunk: int) -> Starlette:
    async def video(request: Request) -> StreamingResponse:
        async def chunks() -> AsyncIterator[bytes]:
            block = bytes(range(256)) * (chunk // 256)
            for _ in range(size // chunk):
                yield block

        return StreamingResponse(chunks(), media_type="video/mp4",
                                 headers={"content-length": str(size)})

    return Starlette(routes=[Route("/media/big.mp4", video)])


def test_a_large_body_is_relayed_with_bounded_memory() -> None:
    """32 MB pass through while the process never holds half of it at once.

    The bound is the servers' write buffers, not the body: uvloop's transports keep up to
    about 11 MB in traced memory whatever the size relayed (32 MB and 128 MB measured the
    same), plain asyncio's under 8 MB.
    """
    size, chunk = 32 * 1024 * 1024, 64 * 1024
    with serving(_big_upstream(size, chunk)) as upstream:  # type: ignore[arg-type]
        observer = Observer("wavespeed")
        with serving(create_proxy_app("wavespeed", upstream.url, observer)) as proxy:
            received = 0
            tracemalloc.start()
            try:
                with httpx.stream("GET", f"{proxy.url}/media/big.mp4") as answer:
                    for piece in answer.iter_raw():
                        received += len(piece)
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
            stats = proxy.app.state.proxy.stats
    assert received == size
    assert stats.streamed_bytes == size
    assert stats.streamed_chunks >= size // (1024 * 1024)
    assert peak < size // 2, f"peak {peak} bytes while relaying {size}"


def _start_proxy_cli(upstream: str, *extra: str) -> tuple[subprocess.Popen[str], str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "vidukit", "proxy", "--provider", "wavespeed", "--upstream",
         upstream, "--port", "0", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert process.stderr is not None
    banner = process.stderr.readline()
    assert banner.startswith("vidukit proxy: http://127.0.0.1:"), banner
    return process, banner.split()[2]


@pytest.mark.parametrize(("profile", "fail_on", "exit_code"),
                         [(None, "info", 0), ("all", "breaking", 1), ("all", "never", 0)])
def test_proxy_command_reports_on_exit(profile: str | None, fail_on: str, exit_code: int,
                                       tmp_path: Path) -> None:
    with serving(mock_app(profile)) as live:
        process, url = _start_proxy_cli(live.base_url("wavespeed"), "--format", "json",
                                        "--fail-on", fail_on, "--record", str(tmp_path))
        try:
            drive("wavespeed", url, invalid=False)
        finally:
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=30)
    assert process.returncode == exit_code, err
    report = json.loads(out)
    assert report["mode"] == "proxy" and report["exchanges"] >= 6
    # No request was refused this time, so no error body: only the answers' drift shows.
    drifted = {f for f in expected_all("wavespeed") if f[0] != "error-response"}
    assert named(report) == (drifted if profile else set())
    assert KEY not in out + err
    assert any(tmp_path.glob("wavespeed/recorded/*.meta.json"))
