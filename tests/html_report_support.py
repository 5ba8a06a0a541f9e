"""Real runs that produce the HTML reports the tests read (here and in tests/browser/).

- verify: a tiny WaveSpeed adapter that prefixes the prompt with markup (so
  ``request-faithful`` breaks, and the failing request carries a payload that
  must be shown as text) and claims success, against the mock the harness starts;
- drift: ``vidukit drift`` over a real socket against a mock drifted by a
  profile that puts markup into a result field and makes a finished task regress.
"""

from __future__ import annotations

import json
import textwrap
import uuid
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from vidukit.cli import main
from vidukit.mock_server import MockConfig, create_app
from vidukit.mock_server.drift import parse_profile
from vidukit.mock_server.testing import serving

#: Markup in a payload: it must reach the page as text, never run, never fetch.
VERIFY_PAYLOAD = "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\">"
DRIFT_PAYLOAD = "<script>window.__pwned = 3</script>"
DRIFT_KEY = "sk-report-test-SECRET-8191"

ADAPTER = textwrap.dedent('''
    """WaveSpeed: prefixes the prompt with markup, polls, and always reports success."""
    import time

    import httpx

    from vidukit.contract_tests.canonical import to_wire

    PAYLOAD = {payload!r}


    def adapter(request, endpoint):
        headers = {{"Authorization": "Bearer " + endpoint["api_key"]}}
        body = to_wire("wavespeed", request)
        body["prompt"] = PAYLOAD + body["prompt"]
        with httpx.Client(base_url=endpoint["base_url"], headers=headers) as http:
            data = http.post("/api/v3/vidu/reference-to-video-q2", json=body).json()["data"]
            while data["status"] not in ("completed", "failed", "cancelled", "timeout"):
                time.sleep(endpoint["poll_interval"])
                data = http.get(f"/api/v3/predictions/{{data['id']}}/result").json()["data"]
        return {{"status": "succeeded", "video_url": (data["outputs"] or ["https://x/v.mp4"])[0]}}
''').format(payload=VERIFY_PAYLOAD)

VERIFY_ARGS = ("--provider", "wavespeed", "--examples", "5", "--seed", "3",
               "--checks", "request-faithful,outcome-matches,no-crash")


def broken_adapter(folder: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh importable module in *folder*, made the working directory; its MODULE:FUNCTION."""
    name = f"markup_adapter_{uuid.uuid4().hex[:8]}"
    (folder / f"{name}.py").write_text(ADAPTER, encoding="utf-8")
    monkeypatch.chdir(folder)
    return f"{name}:adapter"


def run_verify(folder: Path, monkeypatch: pytest.MonkeyPatch, *extra: str) -> int:
    adapter = broken_adapter(folder, monkeypatch)
    return main(["verify", *VERIFY_ARGS, "--adapter", adapter, *extra])


def drifted_app() -> Any:
    """Three polls per task; every result's model is markup; a finished task regresses."""
    profile = parse_profile({"mutations": [
        {"provider": "wavespeed", "message": "result-response", "op": "replace",
         "path": "/data/model", "to": DRIFT_PAYLOAD},
        {"provider": "wavespeed", "op": "regress"},
    ]})
    return create_app(MockConfig(progression="polls=3", drift=profile))


def run_drift(monkeypatch: pytest.MonkeyPatch, *extra: str) -> int:
    monkeypatch.setenv("WAVESPEED_API_KEY", DRIFT_KEY)
    with serving(drifted_app()) as live:
        return main(["drift", "--provider", "wavespeed", "--base-url",
                     live.base_url("wavespeed"), "--poll-interval", "0.01", "--timeout", "30",
                     "--format", "json", "--output", str(Path.cwd() / "drift.json"), *extra])


class _Page(HTMLParser):
    """The text a reader sees (scripts and styles left out) and the JSON data blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.data: dict[str, Any] = {}
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._skip: str | None = None
        self._data_id: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found))
        if tag in ("script", "style"):
            self._skip = tag
            self._data_id = found.get("id") if found.get("type") == "application/json" else None

    def handle_endtag(self, tag: str) -> None:
        if tag == self._skip:
            self._skip = self._data_id = None

    def handle_data(self, data: str) -> None:
        if self._data_id is not None:
            self.data[self._data_id] = json.loads(data)
        elif self._skip is None:
            self.text.append(data)


def read_page(path: Path) -> _Page:
    parsed = _Page()
    parsed.feed(path.read_text(encoding="utf-8"))
    parsed.close()
    return parsed


def visible(parsed: _Page) -> str:
    return " ".join(" ".join(parsed.text).split())
