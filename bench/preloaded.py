"""One provider's mock with N completed tasks already stored, served by one uvicorn worker.

`bench/http_compare.py` starts this to measure what a long-lived shared mock costs: the
resident memory of N stored tasks, and poll latency when every poll hits a random one of
them (garbage-collector pauses grow with the number of live objects, so a small store hides
them). The tasks go in through the engine, the same call a submit makes, so they are stored
exactly as served ones are; each gets its own parsed copy of a documented request body, as a
real submit would, so memory is not flattered by sharing one dict.

    python bench/preloaded.py [--provider ID] --tasks 1000000 --port 8123 --key KEY \
        --ids-file ids.txt

``--provider`` defaults as in `bench/one_provider.py` (the first provider id whose submit
and poll a fixed request can replay); ``--body`` to the first valid submit fixture of
``fixtures/<id>/submit-request/valid/``.

Prints ``VB_PROGRESS done total``, then ``VB_RSS_KIB n`` (after ``gc.collect()``), then
``VB_READY`` and serves until SIGINT/SIGTERM. The ids file gets one task id a line.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import sys
import time
from pathlib import Path
from typing import Any

import one_provider

from vidukit.providers import spec


def rss_kib() -> int:
    """This process's resident set size, from /proc (Linux); -1 where there is none."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return -1


def build_app(provider: str, tasks: int) -> Any:
    from vidukit.mock_server import MockConfig, create_app

    options: dict[str, Any] = {"provider": provider, "progression": "immediate"}
    # A store that keeps at most N tasks (when the config has the bound) must keep them all.
    if "max_tasks" in {f.name for f in dataclasses.fields(MockConfig)}:
        options["max_tasks"] = max(tasks, 1)
    return create_app(MockConfig(**options))


def task_meta(provider: str, request: Any) -> dict[str, Any]:
    """The requested length and resolution a stored task keeps (the mock's ``meta``
    convention, which prices and media read), from the provider's canonical reading."""
    try:
        canonical = spec(provider).translation.from_wire(request)
    except ValueError as exc:  # canonical.Unrecoverable
        raise SystemExit(f"the preload body is no {provider} request it can read: {exc}") from None
    return {"duration_seconds": canonical["duration"], "resolution": canonical["resolution"]}


def preload(app: Any, *, provider: str, tasks: int, key: str, body: bytes,
            ids_path: Path) -> None:
    """Create *tasks* completed predictions owned by *key*, writing their ids to *ids_path*."""
    from vidukit.mock_server.http import key_owner
    from vidukit.mock_server.tasks import Outcome, Progression

    engine = app.state.mock.engine
    owner = key_owner(key)
    progression = Progression.parse("immediate")
    outcome = Outcome.parse("succeed")
    step = max(1, tasks // 20)
    started = time.perf_counter()
    gc.disable()  # collections while building a million objects only slow the set-up down
    try:
        with ids_path.open("w") as ids:
            for done in range(1, tasks + 1):
                request = json.loads(body)
                task = engine.create(
                    provider=provider,
                    owner=owner,
                    request=request,
                    progression=progression,
                    outcome=outcome,
                    meta=task_meta(provider, request),
                )
                task = engine.observe(task)
                if done == 1 and task.state != "succeeded":
                    raise SystemExit(f"preloaded task is {task.state!r}, not 'succeeded'")
                ids.write(task.id + "\n")
                if done % step == 0 or done == tasks:
                    rate = done / max(time.perf_counter() - started, 1e-9)
                    print(f"VB_PROGRESS {done} {tasks} {rate:.0f}/s", flush=True)
    finally:
        gc.enable()
    gc.collect()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    one_provider.add_provider_option(parser)
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--key", required=True, help="the API key that owns every task")
    parser.add_argument("--ids-file", type=Path, required=True)
    parser.add_argument("--body", type=Path, default=None,
                        help="submit body to store (default: the provider's first valid fixture)")
    args = parser.parse_args(argv)
    provider = one_provider.chosen(args)
    body = args.body or one_provider.first_valid(provider)

    import uvicorn

    app = build_app(provider, args.tasks)
    preload(app, provider=provider, tasks=args.tasks, key=args.key, body=body.read_bytes(),
            ids_path=args.ids_file)
    stored = app.state.mock.store.count()
    if stored != args.tasks:
        raise SystemExit(f"the store kept {stored} of {args.tasks} tasks")
    print(f"VB_RSS_KIB {rss_kib()}", flush=True)
    print("VB_READY", flush=True)
    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        http="httptools",
        loop="uvloop",
        log_level="warning",
        access_log=False,
    )
    uvicorn.Server(config).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
