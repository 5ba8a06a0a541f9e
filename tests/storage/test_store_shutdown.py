"""Graceful shutdown: SIGTERM mid-load, in-flight requests finish, nothing acknowledged is lost.

``vidukit serve`` on a persistent store takes submits from several clients
while one slow request (a latency scenario) is in flight; SIGTERM arrives.
The slow request must still get its answer, the server must exit cleanly,
and a server started again on the same store must know every task whose
submit was answered 200.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from redis_launcher import RedisServer
from store_support import Serve, fresh_store_url, serve, submit


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_sigterm_mid_load_loses_no_acknowledged_task(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    redis: RedisServer | None = request.getfixturevalue("redis_live") if kind == "redis" else None
    store = fresh_store_url(kind, tmp_path, redis)
    server = Serve("--store", store, "--progression", "immediate")
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    slow: list[httpx.Response] = []

    def load(worker: int) -> None:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            for n in range(10_000):
                if stop.is_set():
                    return
                try:
                    answer = submit(client, worker * 100_000 + n)
                except httpx.TransportError:  # the server has stopped taking requests
                    return
                if answer.status_code == 200:
                    with lock:
                        acknowledged.append(answer.json()["data"]["id"])

    def slow_submit() -> None:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            slow.append(submit(client, -1, headers={"X-Mock-Scenario": "latency;ms=2500"}))

    try:
        threads = [threading.Thread(target=load, args=(w,)) for w in range(4)]
        threads.append(threading.Thread(target=slow_submit))
        for thread in threads:
            thread.start()
        _until(lambda: len(acknowledged) >= 50)
        assert not slow, "the slow submit must still be in flight when SIGTERM comes"
        server.signal(signal.SIGTERM)  # the slow submit is waiting out its latency now
        # uvicorn finishes the shutdown, then re-raises the signal: death by SIGTERM, but
        # only after "Application shutdown complete" (the store closed).
        assert server.wait(timeout=20) in (0, -signal.SIGTERM), server.output()
        assert "Application shutdown complete" in server.output()
        stop.set()
        for thread in threads:
            thread.join(timeout=20)
    finally:
        stop.set()
        server.kill()
    assert len(slow) == 1 and slow[0].status_code == 200, "the in-flight request was cut off"
    acknowledged.append(slow[0].json()["data"]["id"])
    with serve("--store", store) as again, httpx.Client(base_url=again.url) as client:
        kept = {t["id"] for t in client.get("/_mock/tasks").json()["tasks"]}
    missing = sorted(set(acknowledged) - kept)
    assert not missing, f"{len(missing)} of {len(acknowledged)} acknowledged tasks were lost"


def _until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert condition(), "the load never got going"
