"""A callback receiver on 127.0.0.1 and one valid submit per provider, for the webhook tests.

`Receiver` is a real HTTP server (the standard library's, in a thread) that
records every POST and answers from a script: ``receiver.script("/hook", 500,
500, 200)`` makes the first two calls fail; ``Reply(200, sleep=0.5)`` answers
late (a timeout for a mock whose attempt timeout is shorter). Only loopback
URLs are ever registered by these tests.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlencode

from vidukit.mock_server.state import MockState

PROVIDERS = ("wavespeed", "novita", "myrouter", "vtrix", "runware")
TASK_UUID = "0f6b7c2e-3d4a-4b1e-9a77-5c2d8e1f4a90"


@dataclass(frozen=True)
class Reply:
    status: int = 200
    sleep: float = 0.0


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    #: time.monotonic() when it arrived (real time: only for ordering and rough waits).
    at: float

    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    def __init__(self) -> None:
        self.requests: list[Received] = []
        self._scripts: dict[str, deque[Reply]] = {}
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                reply = receiver._record(self.path, dict(self.headers.items()), body)
                if reply.sleep:
                    time.sleep(reply.sleep)
                try:
                    self.send_response(reply.status)
                    self.send_header("content-length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    pass  # the mock gave up waiting (a timeout test): nobody reads this

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a connection the mock closed early is part of the test

        self._server = Server(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def script(self, path: str, *replies: int | Reply) -> None:
        """Answer the next calls to *path* with these statuses (then 200)."""
        self._scripts[path] = deque(r if isinstance(r, Reply) else Reply(r) for r in replies)

    def _record(self, path: str, headers: dict[str, str], body: bytes) -> Reply:
        with self._arrived:
            self.requests.append(
                Received(path, {k.lower(): v for k, v in headers.items()}, body, time.monotonic())
            )
            self._arrived.notify_all()
            queue = self._scripts.get(path)
            return queue.popleft() if queue else Reply()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        """Block until *count* calls have arrived (fail after *timeout* seconds)."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.requests) >= count, timeout):
                raise AssertionError(f"expected {count} callbacks, got {len(self.requests)}")
            return list(self.requests)

    def on(self, path: str) -> list[Received]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


@contextmanager
def receiving() -> Iterator[Receiver]:
    receiver = Receiver()
    receiver.start()
    try:
        yield receiver
    finally:
        receiver.stop()


# -- one valid submit per provider, with its callback URL where the provider takes it ----------


def submit_request(provider: str, url: str, **extra: Any) -> tuple[str, dict[str, Any]]:
    """``(path, json body)`` of a valid submit asking for a callback to *url*."""
    if provider == "wavespeed":
        body = {"prompt": "a cat turns its head", "images": ["https://example.com/cat.png"]}
        path = "/wavespeed/api/v3/vidu/reference-to-video-q2?" + urlencode({"webhook": url})
        return path, {**body, **extra}
    if provider in ("novita", "myrouter"):
        body = {
            "prompt": "@1 walks along the beach at sunset",
            "duration": 5,
            "subjects": [{"id": "1", "images": ["https://example.com/subject-1.png"]}],
            "extra": {"webhook": {"url": url}},
        }
        return f"/{provider}/v3/async/vidu-q2-reference2video", {**body, **extra}
    if provider == "vtrix":
        params = {
            "prompt": "a cat turns its head",
            "images": ["https://example.com/cat.png"],
            "callback_url": url,
            **extra,
        }
        return "/vtrix/model/v1/generation", {
            "model": "viduq2_pro_reference",
            "input": [{"params": params}],
        }
    if provider == "runware":
        task = {
            "taskType": "videoInference",
            "taskUUID": extra.pop("taskUUID", TASK_UUID),
            "model": "vidu:3@1",
            "positivePrompt": "a paper boat drifting down a rain-soaked street",
            "webhookURL": url,
            **extra,
        }
        return "/runware/v1", [task]  # type: ignore[return-value]
    raise ValueError(provider)


def task_id_of(provider: str, answer: Any) -> str:
    """The id the admin API knows the new task by, from the submit answer."""
    if provider == "wavespeed":
        return str(answer["data"]["id"])
    if provider in ("novita", "myrouter"):
        return str(answer["task_id"])
    if provider == "vtrix":
        return str(answer["id"])
    return str(answer["data"][0]["taskUUID"])


def mock_now(state: MockState) -> float:
    return state.clock.now()
