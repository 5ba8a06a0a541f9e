"""Runware's WebSocket, recorded through the mock itself and replayed on the virtual clock.

``vidukit proxy`` carries no WebSocket, so a WebSocket session is recorded by the mock
(``--record-tasks``): one connection's task queues 3 s and processes 40 s, another's
fails at 12 s (each steered by its handshake headers). A replay mock, told nothing but
the recordings, must show a new WebSocket session the same status at every checkpoint.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import httpx
from mock_support import mock_config
from websockets.sync.client import connect

from vidukit.mock_server import create_app
from vidukit.mock_server.replay import ReplaySettings
from vidukit.mock_server.testing import LiveServer, serving
from vidukit.recordings import load_recordings

KEY = "ws-replay-key"
CHECKPOINTS = (0.0, 2.999, 3.0, 11.999, 12.0, 42.999, 43.0)
HANDSHAKES = ({"X-Mock-Progression": "time=3,40", "X-Mock-Outcome": "succeed"},
              {"X-Mock-Progression": "time=3,9", "X-Mock-Outcome": "fail"})


def uid(phase: int, n: int) -> str:
    return f"{phase:08x}-0000-4000-8000-{n:012x}"


def ws_url(live: LiveServer) -> str:
    return live.base_url("runware").replace("http://", "ws://", 1) + "/v1"


def status(answer: Any) -> str:
    item = (answer.get("data") or answer.get("errors"))[0]
    return f"{item['status']}:{item.get('code', '')}"


def session(live: LiveServer, phase: int, *, steered: bool) -> list[list[tuple[float, str]]]:
    """Two tasks, one per connection; both polled at every checkpoint."""
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(connect(ws_url(live), additional_headers=h if steered
                                               else {})) for h in HANDSHAKES]
        clock = stack.enter_context(httpx.Client(base_url=live.url))
        for n, ws in enumerate(sockets):
            ws.send(json.dumps([{"taskType": "authentication", "apiKey": KEY}]))
            ws.recv(timeout=5)
            ws.send(json.dumps([{"taskType": "videoInference", "taskUUID": uid(phase, n),
                                 "model": "vidu:3@1", "positivePrompt": "a kite festival"}]))
            assert "errors" not in json.loads(ws.recv(timeout=5))
        seen: list[list[tuple[float, str]]] = [[], []]
        now = 0.0
        for at in CHECKPOINTS:
            if at > now:
                clock.post("/_mock/clock/advance", json={"seconds": round(at - now, 3)})
                now = at
            for n, ws in enumerate(sockets):
                ws.send(json.dumps([{"taskType": "getResponse", "taskUUID": uid(phase, n)}]))
                seen[n].append((at, status(json.loads(ws.recv(timeout=5)))))
        return seen


def test_a_websocket_session_recorded_by_the_mock_replays_exactly(tmp_path: Path) -> None:
    recorder = create_app(mock_config(record_tasks=str(tmp_path)))
    with serving(recorder) as live:
        original = session(live, 1, steered=True)
    recordings = load_recordings(tmp_path)
    assert [r.document["outcome"]["kind"] for r in recordings] == ["succeeded", "failed"]
    assert [r.document["statuses"][-1]["at"] for r in recordings] == [43.0, 12.0]
    assert all(KEY not in p.read_text("utf-8") for p in tmp_path.rglob("*.json"))
    replayer = create_app(mock_config(replay=ReplaySettings(tuple(recordings))))
    with serving(replayer) as live:
        replayed = session(live, 2, steered=False)
    assert replayed == original
    assert original[1][-1][1].startswith("error:") and original[0][-1][1] == "success:"
