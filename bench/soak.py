"""Soak the mock: many concurrent clients doing full lifecycles with the fault mix on.

Run from the repository root:

    python bench/soak.py [--clients 100] [--duration 600] [--warmup 120] \
        [--json bench/results/soak.json]

It starts `vidukit serve` as a subprocess (every provider under its prefix, on a
free 127.0.0.1 port, short progressions, the scenario mix of
`soak_server.SCENARIO_RULES` and documented quotas), then runs ``--clients``
asyncio clients that loop submit -> poll -> (every ``--video-every``th success)
fetch the video, rotating providers, a quarter of them with a webhook to a
receiver in this process. Every answer is filed as expected (documented, or
injected by the mix, and retried as a careful client would) or unexpected
(anything else: a 5xx not injected, a body breaking the provider's schema, a
connection error no scenario explains, a task that never finishes, a missing
webhook, an error in the server's log). The server's RSS is sampled every
``--sample-every`` seconds; memory is "flat" when the linear fit of the
per-minute medians after ``--warmup`` grows by less than ``--flat-threshold``
of the first of them over the rest of the run (`soak_report.memory_summary`).

Exit status: 0 when there were no unexpected errors and memory stayed flat, 1
otherwise, 2 when the soak could not start. The server is always stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from soak_client import Client, Settings
from soak_flows import PROVIDERS, load_bodies
from soak_hooks import WebhookReceiver
from soak_report import memory_summary, render_markdown, server_log_problems
from soak_server import (
    QUOTAS,
    SCENARIO_RULES,
    WEBHOOK_SECRET,
    MockProcess,
    RssSeries,
    SetupError,
    cpu_seconds,
    free_port,
    workdir,
)
from soak_tally import BUCKET, Tally

REPO = Path(__file__).resolve().parents[1]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--duration", type=float, default=600.0, help="seconds of load")
    parser.add_argument(
        "--warmup",
        type=float,
        default=120.0,
        help="seconds before memory counts (120: the media cache fills in the first minutes)",
    )
    parser.add_argument("--json", type=Path, default=REPO / "bench" / "results" / "soak.json")
    parser.add_argument("--progression", default="time=0.2,1")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--max-tasks",
        type=int,
        default=2500,
        help="the server's task store bound: reached within warm-up at this load (about 40 "
        "tasks/s with 100 clients), so growth after warm-up is a leak, not the store filling",
    )
    parser.add_argument("--journal-size", type=int, default=1000)
    parser.add_argument("--poll-interval", type=float, default=0.25)
    parser.add_argument("--task-deadline", type=float, default=20.0)
    parser.add_argument("--video-every", type=int, default=20)
    parser.add_argument("--hook-share", type=float, default=0.25)
    parser.add_argument("--webhook-grace", type=float, default=30.0,
                        help="a task that ended this long before the end must have had its "
                        "webhook delivered")  # fmt: skip
    parser.add_argument("--sample-every", type=float, default=5.0)
    parser.add_argument("--flat-threshold", type=float, default=0.05)
    return parser.parse_args(argv)


async def soak(args: argparse.Namespace) -> dict[str, Any]:
    work = workdir()
    server = MockProcess(free_port(), args.progression, args.seed, args.max_tasks,
                         args.journal_size, work)  # fmt: skip
    hooks = WebhookReceiver(WEBHOOK_SECRET, seed=args.seed)
    tally = Tally()
    rss = RssSeries()
    try:
        server.start()
        await server.wait_ready()
        await hooks.start()
        assert server.process is not None
        pid = server.process.pid
        bodies = {p: load_bodies(p) for p in PROVIDERS}
        # Idle connections are dropped well before uvicorn's 5 s keep-alive timeout: at
        # httpx's default (also 5 s) a request can go out on a socket the server is closing.
        limits = httpx.Limits(
            max_connections=args.clients * 2,
            max_keepalive_connections=args.clients * 2,
            keepalive_expiry=2.0,
        )
        started = tally.t0 = time.monotonic()
        cpu_before = cpu_seconds(pid)
        client_cpu = time.process_time()
        settings = Settings(
            base=server.base,
            stop_at=started + args.duration,
            poll_interval=args.poll_interval,
            task_deadline=args.task_deadline,
            video_every=args.video_every,
            hook_share=args.hook_share,
            seed=args.seed,
        )
        stop_sampling = asyncio.Event()
        async with httpx.AsyncClient(limits=limits, timeout=30.0) as http:
            sampler = asyncio.create_task(rss.run(pid, started, args.sample_every, stop_sampling))
            clients = [Client(i, http, settings, tally, hooks, bodies) for i in range(args.clients)]
            await asyncio.gather(*(c.run() for c in clients))
            elapsed = time.monotonic() - started
            stop_sampling.set()
            await sampler
        cpu_used = cpu_seconds(pid) - cpu_before
        alive = server.alive()
        if not alive:
            tally.bad("server died", log=server.tail())
        check_webhooks(hooks, tally, args.webhook_grace)
        for line in server_log_problems(server.log_path):
            tally.bad("server log error", line=line)
        memory = memory_summary(rss.samples, args.warmup, args.flat_threshold)
        return {
            "command": " ".join(["python", "bench/soak.py", *sys.argv[1:]]),
            "server_command": " ".join(["vidukit", *server.command[3:]]),
            "ignored_server_flags": server.ignored_flags,
            "machine": {"python": platform.python_version(), "cpus": _cpus()},
            "clients": args.clients,
            "duration_s": round(elapsed, 1),
            "warmup_s": args.warmup,
            "progression": args.progression,
            "scenario_rules": list(SCENARIO_RULES),
            "quotas": QUOTAS,
            "requests": tally.total_requests,
            "requests_by_provider": dict(tally.requests),
            "requests_per_s": round(tally.total_requests / elapsed, 1),
            "requests_per_s_by_30s": tally.rates(),
            "server_cpu_s": round(cpu_used, 1),
            "server_cpu_share_by_30s": rss.cpu_share(BUCKET),
            "soak_process_cpu_s": round(time.process_time() - client_cpu, 1),
            "lifecycles": dict(tally.lifecycles),
            "lifecycles_completed": sum(
                n for k, n in tally.lifecycles.items() if k in ("succeeded", "failed as injected")
            ),
            "lifecycle_latency": tally.latency_summary(),
            "videos": dict(tally.videos),
            "webhooks": dict(hooks.counts),
            "expected": dict(tally.expected.most_common()),
            "unexpected": dict(tally.unexpected.most_common()),
            "unexpected_total": tally.total_unexpected,
            "unexpected_examples": tally.examples,
            "memory": memory,
            "server_alive_at_end": alive,
            "passed": tally.total_unexpected == 0 and bool(memory["flat"]),
        }
    finally:
        server.stop()
        await hooks.stop()


def check_webhooks(hooks: WebhookReceiver, tally: Tally, grace: float) -> None:
    """Every task that ended well before the end got its callback (after retries)."""
    cutoff = time.monotonic() - grace
    for token, hook in hooks.hooks.items():
        if hook.ended_at is None or hook.ended_at > cutoff:
            continue
        if hook.deliveries:
            tally.ok("webhook delivered")
        else:
            tally.bad("webhook never delivered", provider=hook.provider, token=token,
                      refused_attempts=hook.refused)  # fmt: skip
    for kind, detail in hooks.problems:
        tally.bad(kind, detail=detail)


def _cpus() -> int | None:
    import os

    return os.cpu_count()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        result = asyncio.run(soak(args))
    except SetupError as exc:
        print(f"soak: could not start: {exc}", file=sys.stderr)
        return 2
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(render_markdown(result))
    print(f"\nJSON: {args.json}")
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
