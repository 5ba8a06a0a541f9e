"""Profile the mock's hot paths in-process: where a poll or a submit spends its time.

    python bench/profile_hot_paths.py poll            # time per request, then a profile
    python bench/profile_hot_paths.py submit --requests 20000 --no-profile
    python bench/profile_hot_paths.py invalid --provider ID

``--provider`` defaults as in `bench/one_provider.py` (the first provider id whose submit
and poll a fixed request can replay); the valid body is its first valid submit fixture,
the invalid one merges its invalid fixtures (several violations, all listed in the 400).

Drives the app through raw ASGI calls (no socket, no HTTP parser), so what it
shows is the mock's own cost per request, which is what a change to a hot path
changes; `bench/http_compare.py` measures the whole server under wrk. The
profile is pyinstrument's (``pip install -e '.[bench]'``); docs/performance.md
quotes its output.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import one_provider
import orjson

from vidukit.mock_server import MockConfig, create_app

Call = Callable[[], Awaitable[list[dict[str, Any]]]]


def _scope(method: str, target: str, body: bytes) -> dict[str, Any]:
    path, _, query = target.partition("?")
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
        "query_string": query.encode(),
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


async def _workload(kind: str, provider: str) -> Call:
    app = create_app(MockConfig(provider=provider, outcome="stay-processing"))
    valid = one_provider.first_valid(provider).read_bytes()
    path = one_provider.submit_url(provider)
    submit = _caller(app, "POST", path, valid)
    if kind == "submit":
        return submit
    if kind == "invalid":
        return _caller(app, "POST", path, orjson.dumps(one_provider.invalid_body(provider)[0]))
    answer = await submit()
    task_id = one_provider.task_id(provider, orjson.loads(valid), orjson.loads(answer[1]["body"]))
    if task_id is None:
        raise SystemExit(f"the {provider} submit answered no task id: {answer[1]['body'][:300]!r}")
    return _caller(app, "GET", one_provider.poll_url(provider, task_id))


async def _checked(call: Call, kind: str) -> Call:
    """*call*, once it answers as its kind should: a fast 404 would measure nothing."""
    status = (await call())[0]["status"]
    if status != (400 if kind == "invalid" else 200):
        raise SystemExit(f"{kind} answered HTTP {status}: the workload is not what it claims")
    return call


async def _run(call: Call, count: int, clock: Callable[[], float] = time.perf_counter) -> float:
    start = clock()
    for _ in range(count):
        await call()
    return (clock() - start) / count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=("poll", "submit", "invalid"))
    one_provider.add_provider_option(parser)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--no-profile", action="store_true", help="only the time per request")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="cpu: this process's CPU time, which other work on a shared "
                        "machine inflates far less than wall time (wall)")
    args = parser.parse_args(argv)
    clock = time.process_time if args.clock == "cpu" else time.perf_counter

    async def go() -> None:
        call = await _checked(await _workload(args.kind, one_provider.chosen(args)), args.kind)
        await _run(call, 1000)  # warm-up: caches, the first validator build
        per_request = await _run(call, args.requests, clock)
        print(f"{one_provider.chosen(args)} {args.kind}: {per_request * 1e6:.1f} us per request "
              "(in-process, raw ASGI" + (", CPU time)" if args.clock == "cpu" else ")"))
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
