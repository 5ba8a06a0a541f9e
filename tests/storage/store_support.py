"""Helpers for the store tests (imported by name: tests/ has no packages here)."""

from __future__ import annotations

import itertools
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import httpx
from redis_launcher import RedisServer

from vidukit.mock_server.storage import MemoryTaskStore, TaskStore, make_store

T = TypeVar("T")
_prefixes = itertools.count(1)


@dataclass
class StoreUnderTest:
    """One store kind, fresh for one test; `open` gives another handle on the same data."""

    kind: str
    url: str
    _opened: list[TaskStore] = field(default_factory=list)
    _memory: TaskStore | None = None

    def open(self) -> TaskStore:
        """A new connection to the same store (for memory: the one process-local store)."""
        if self.in_process:
            if self._memory is None:
                hot = {"memory-cold": {"hot_tasks": 1}}.get(self.kind, {})
                self._memory = MemoryTaskStore(**hot)
            return self._memory
        store = make_store(self.url)
        self._opened.append(store)
        return store

    @property
    def in_process(self) -> bool:
        return self.kind.startswith("memory")

    def close_all(self) -> None:
        for store in self._opened:
            store.close()


def fresh_store_url(kind: str, tmp_path: Path, redis: RedisServer | None) -> str:
    """A store URL nobody else uses: a new file, or a new Redis key prefix."""
    if kind == "sqlite":
        return f"sqlite:{tmp_path / 'store.db'}"
    if kind == "redis":
        assert redis is not None
        return redis.url(prefix=f"test{next(_prefixes)}")
    return "memory"


def race(
    subject: StoreUnderTest, work: Callable[[TaskStore, int], T], *, handles: int, rounds: int
) -> list[T]:
    """Run *work* on *handles* separate handles, one thread each, *rounds* times, all
    starting together. A memory store lives in one event loop: its turns are taken one
    after the other, which is the only concurrency it promises."""
    stores = [subject.open() for _ in range(handles)]
    if subject.in_process:
        return [work(store, n) for store in stores for n in range(rounds)]
    barrier = threading.Barrier(handles)

    def worker(index: int) -> list[T]:
        barrier.wait()
        return [work(stores[index], n) for n in range(rounds)]

    with ThreadPoolExecutor(handles) as pool:
        results = list(pool.map(worker, range(handles)))
    return [item for chunk in results for item in chunk]


# -- a mock server in a subprocess (``vidukit serve``) ---------------------------------------

REPO = Path(__file__).resolve().parents[2]
SUBMIT = "/wavespeed/api/v3/vidu/reference-to-video-q2"
RESULT = "/wavespeed/api/v3/predictions/{id}/result"
AUTH = {"Authorization": "Bearer store-test-key"}


def body(n: int) -> dict[str, Any]:
    return {"prompt": f"a cat turns its head, take {n}", "images": ["https://example.com/c.png"]}


class Serve:
    """``vidukit serve --port 0 ARGS`` in a subprocess: its URL, its output, and signals."""

    def __init__(self, *args: str, ready_timeout: float = 30.0) -> None:
        command = [sys.executable, "-u", "-m", "vidukit", "serve", "--port", "0", *args]
        self.process = subprocess.Popen(
            command,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.lines: list[str] = []
        self._found = threading.Event()
        self.url = ""
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()
        if not self._found.wait(ready_timeout):
            self.kill()
            raise AssertionError("vidukit serve printed no URL:\n" + self.output())
        self._wait_answering(ready_timeout)

    def _drain(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip())
            found = re.match(r"vidukit mock server on (http://127\.0\.0\.1:\d+)", line)
            if found:
                self.url = found.group(1)
                self._found.set()

    def _wait_answering(self, timeout: float) -> None:
        """The banner comes before uvicorn listens (and, with workers, before they start)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if httpx.get(self.url + "/_mock/", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        self.kill()
        raise AssertionError("vidukit serve never answered:\n" + self.output())

    def output(self) -> str:
        return "\n".join(self.lines)

    def signal(self, sig: int) -> None:
        self.process.send_signal(sig)

    def wait(self, timeout: float = 20.0) -> int:
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=5)  # the output up to the end (workers hold the pipe too)
        if not self._reader.is_alive() and self.process.stdout is not None:
            self.process.stdout.close()
        return code

    def kill(self) -> None:
        """SIGKILL the server and its workers (a killed parent leaves them running)."""
        workers = self.children()
        if self.process.poll() is None:
            self.process.kill()
        for pid in workers:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.wait(timeout=10)

    def stop(self) -> int:
        """SIGTERM, as a process manager stops a server: in-flight requests finish."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()
            raise

    def children(self) -> list[int]:
        """Pids of this server's worker processes (children running uvicorn workers)."""
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                cmdline = (stat.parent / "cmdline").read_bytes()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == self.process.pid and b"spawn_main" in cmdline:
                found.append(int(stat.parent.name))
        return found


@contextmanager
def serve(*args: str) -> Iterator[Serve]:
    server = Serve(*args)
    try:
        yield server
    finally:
        server.stop()


def submit(
    client: httpx.Client, n: int, *, headers: dict[str, str] | None = None, **params: str
) -> httpx.Response:
    """WaveSpeed's submit (query parameters: ``webhook=URL``)."""
    return client.post(SUBMIT, json=body(n), headers={**AUTH, **(headers or {})}, params=params)


def poll_status(client: httpx.Client, task_id: str) -> str:
    answer = client.get(RESULT.format(id=task_id), headers=AUTH)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["data"]["status"])


# -- a callback receiver that counts -------------------------------------------------------


class Receiver:
    """An HTTP server on 127.0.0.1 that counts the callbacks it gets, per webhook id.

    ``fail_first`` event ids (by task id) get a 500 on their first attempt, so the mock
    must retry them exactly once.
    """

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []  # (task id, attempt header)
        self.fail_first: set[str] = set()
        self._failed: set[str] = set()
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length") or 0))
                task = self.headers.get("x-mock-task-id", "")
                status = receiver._record(task, self.headers.get("x-mock-webhook-attempt", ""))
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def _record(self, task: str, attempt: str) -> int:
        with self._lock:
            self.calls.append((task, attempt))
            if task in self.fail_first and task not in self._failed:
                self._failed.add(task)
                return 500
            return 200

    def count(self, task: str | None = None) -> int:
        with self._lock:
            return sum(1 for t, _ in self.calls if task is None or t == task)

    def wait_for(self, total: int, timeout: float = 10.0) -> int:
        deadline = time.monotonic() + timeout
        while self.count() < total and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.count()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def receiving() -> Iterator[Receiver]:
    receiver = Receiver()
    try:
        yield receiver
    finally:
        receiver.close()
