"""Profile the mock's hot paths in-process: where a poll or a submit spends its time.

    python bench/profile_hot_paths.py poll            # time per request, then a profile
    python bench/profile_hot_paths.py submit --requests 20000 --no-profile

Drives the app through raw ASGI calls (no socket, no HTTP parser), so what it
shows is the mock's own cost per request, which is what a change to a hot path
changes; `bench/http_compare.py` measures the whole server under wrk. The
profile is pyinstrument's (``pip install -e '.[bench]'``); the README's
performance notes quote its output.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import orjson

from vidukit.mock_server import MockConfig, create_app

SUBMIT = "/api/v3/vidu/reference-to-video-q2"
VALID = {
    "prompt": "a cat turns its head toward the camera",
    "images": ["https://example.com/cat.png"],
    "duration": 5,
    "resolution": "720p",
    "aspect_ratio": "16:9",
    "seed": 1,
}
#: Three violations: the answer lists them all.
INVALID = dict(VALID, duration=99, resolution="4k", aspect_ratio="2:1")
Call = Callable[[], Awaitable[list[dict[str, Any]]]]


def _scope(method: str, path: str, body: bytes) -> dict[str, Any]:
    headers = [(b"host", b"127.0.0.1:8000"), (b"authorization", b"Bearer bench-key")]
    if method == "POST":
        headers += [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


def _caller(app: Any, method: str, path: str, body: bytes = b"") -> Call:
    async def call() -> list[dict[str, Any]]:
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await app(_scope(method, path, body), receive, send)
        return sent

    return call


async def _workload(kind: str) -> Call:
    app = create_app(MockConfig(provider="wavespeed", outcome="stay-processing"))
    submit = _caller(app, "POST", SUBMIT, orjson.dumps(VALID))
    if kind == "submit":
        return submit
    if kind == "invalid":
        return _caller(app, "POST", SUBMIT, orjson.dumps(INVALID))
    answer = await submit()
    task_id = orjson.loads(answer[1]["body"])["data"]["id"]
    return _caller(app, "GET", f"/api/v3/predictions/{task_id}/result")


async def _run(call: Call, count: int, clock: Callable[[], float] = time.perf_counter) -> float:
    start = clock()
    for _ in range(count):
        await call()
    return (clock() - start) / count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=("poll", "submit", "invalid"))
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--no-profile", action="store_true", help="only the time per request")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="cpu: this process's CPU time, which other work on a shared "
                        "machine inflates far less than wall time (wall)")
    args = parser.parse_args(argv)
    clock = time.process_time if args.clock == "cpu" else time.perf_counter

    async def go() -> None:
        call = await _workload(args.kind)
        await _run(call, 1000)  # warm-up: caches, the first validator build
        per_request = await _run(call, args.requests, clock)
        print(f"{args.kind}: {per_request * 1e6:.1f} us per request (in-process, raw ASGI"
              + (", CPU time)" if args.clock == "cpu" else ")"))
        if args.no_profile:
            return
        try:
            from pyinstrument import Profiler
        except ImportError:
            print("pyinstrument is not installed: pip install -e '.[bench]'", file=sys.stderr)
            raise SystemExit(2) from None
        profiler = Profiler(interval=0.0001, async_mode="disabled")
        profiler.start()
        await _run(call, args.requests)
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False, time="percent_of_total"))

    asyncio.run(go())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
