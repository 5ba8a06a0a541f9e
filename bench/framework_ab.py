"""Interleaved A/B of mock server variants against bare Starlette, for framework decisions.

Run from the repository root:

    python bench/framework_ab.py --variant before=/path/to/other/checkout --variant after=. \
        [--cycles 6] [--duration 3] [--json bench/results/framework_ab.json]

Why not `http_compare.py` alone: it measures each server once, one after the other, and on
a machine shared with other work the outside load moves between those minutes, so two of
its runs can differ by more than the change being judged. Here every server (bare
Starlette and each variant, ``vidukit serve --provider P`` (`one_provider`), imported from the
checkout given, one uvicorn worker each, all pinned to the same CPU, wrk on the other) runs
at once, and each cycle measures every workload on every server back to back, in a rotating
order; each variant's ratio to bare is taken within a cycle, and the median over cycles is
reported. Exit status as `http_compare.py`'s (0 measured, 1 errors under load, 2 set-up).

When the machine is too busy for wrk figures to separate the variants, ``--in-process``
measures instead what a framework change can change, the app's own time per request:
`profile_hot_paths.py --clock cpu` (raw ASGI calls, no socket; the process's CPU time) for
each variant and workload, one process at a time pinned to one CPU, interleaved over the
cycles, best of the cycles kept (outside load only ever adds time).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import one_provider
from http_compare import (
    BENCH,
    READY_PATH,
    SERVER_CPU,
    Bench,
    Processes,
    Row,
    SetupError,
    free_port,
    handled_signals,
    pinning,
    processing_task,
    wait_ready,
)

#: workload -> (bare workload it is a ratio of, wrk script, expected status or None for 2xx)
WORKLOADS = {
    "poll": ("GET", "get.lua", None),
    "valid submit": ("POST", "post.lua", None),
    "invalid submit": ("POST", "post_status.lua", 400),
}


def start_bare(bench: Bench) -> str:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = bench.procs.start("bare", [
        *bench.pin(SERVER_CPU), sys.executable, "-m", "uvicorn", "--app-dir", str(BENCH),
        "bare_app:app", "--host", "127.0.0.1", "--port", str(port), "--http", "httptools",
        "--loop", "uvloop", "--log-level", "warning", "--no-access-log",
    ])
    wait_ready(bench.procs, "bare", proc, f"{base}/get", 30)
    return base


def start_variant(bench: Bench, name: str, tree: Path, body: bytes,
                  provider: str) -> tuple[str, str]:
    """A mock imported from *tree*: ``-P`` keeps the working directory off ``sys.path``, and
    PYTHONPATH precedes the editable install's finder."""
    if not (tree / "vidukit" / "__init__.py").exists():
        raise SetupError(f"--variant {name}={tree}: no vidukit/ package there")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = bench.procs.start(f"mock-{name}", [
        *bench.pin(SERVER_CPU), sys.executable, "-P", "-m", "vidukit", "serve", "--provider",
        provider, "--outcome", "stay-processing", "--host", "127.0.0.1", "--port",
        str(port), "--log-level", "warning",
    ], env={"PYTHONPATH": str(tree.resolve())})
    wait_ready(bench.procs, f"mock-{name}", proc, base + READY_PATH, 60)
    return base, processing_task(provider, base, body)


def measure(bench: Bench, label: str, url: str, workload: str, env: dict[str, str]) -> float:
    baseline, script, status = WORKLOADS.get(workload, (None, f"{workload.lower()}.lua", None))
    row = Row(label, workload, baseline, status)
    bench.measure(row, url, script, env)
    if row.problems:
        raise RuntimeError(f"{label} {workload}: {'; '.join(row.problems)}")
    assert row.load is not None
    return row.load.rps


def run(args: argparse.Namespace, procs: Processes, work: Path) -> dict[str, Any]:
    pinned, note = pinning()
    print(note, flush=True)
    bench = Bench(procs, pinned, args.duration, args.warmup, args.connections, 1, work)
    provider = one_provider.chosen(args)
    body, broken = one_provider.invalid_body(provider)
    valid, invalid = work / "valid.json", work / "invalid.json"
    valid.write_bytes(one_provider.first_valid(provider).read_bytes())
    invalid.write_text(json.dumps(body))
    bare = start_bare(bench)
    mocks = {name: start_variant(bench, name, tree, valid.read_bytes(), provider)
             for name, tree in args.variant}
    jobs: list[tuple[str, str]] = [("bare", "GET"), ("bare", "POST")]
    jobs += [(name, workload) for name in mocks for workload in WORKLOADS]
    rps: dict[tuple[str, str], list[float]] = {job: [] for job in jobs}
    ratios: dict[tuple[str, str], list[float]] = {
        job: [] for job in jobs if job[0] != "bare"
    }
    for cycle in range(args.cycles):
        order = jobs[cycle % len(jobs):] + jobs[:cycle % len(jobs)]
        seen: dict[tuple[str, str], float] = {}
        for server, workload in order:
            if server == "bare":
                path = "/get" if workload == "GET" else "/post"
                env = {"VB_PATH": path, "VB_BODY_FILE": str(valid)}
                seen[(server, workload)] = measure(bench, server, bare + path, workload, env)
                continue
            base, task = mocks[server]
            path = (one_provider.poll_url(provider, task) if workload == "poll"
                    else one_provider.submit_url(provider))
            env = {"VB_PATH": path, "VB_BODY_FILE": str(invalid if "invalid" in workload
                                                        else valid),
                   "VB_EXPECT_STATUS": "400"}
            seen[(server, workload)] = measure(bench, server, base + path, workload, env)
        for job, value in seen.items():
            rps[job].append(round(value, 1))
            if job in ratios:
                ratios[job].append(round(value / seen[("bare", WORKLOADS[job[1]][0])], 4))
        print(f"cycle {cycle + 1}/{args.cycles}: " + ", ".join(
            f"{s} {w} {r[-1]:.3f}" for (s, w), r in ratios.items()), flush=True)
    summary = {
        f"{server} {workload}": {
            "median_ratio_to_bare": round(statistics.median(values), 3),
            "min": min(values), "max": max(values), "ratios": values,
            "median_rps": statistics.median(rps[(server, workload)]),
        }
        for (server, workload), values in ratios.items()
    }
    for job in jobs[:2]:
        summary[f"bare {job[1]}"] = {"median_rps": statistics.median(rps[job])}
    return {
        "command": " ".join(["python", "bench/framework_ab.py", *sys.argv[1:]]),
        "settings": {"cycles": args.cycles, "duration_s": args.duration, "warmup_s": args.warmup,
                     "connections": args.connections, "workers": 1, "pinning": note,
                     "load_average_1m_after": round(os.getloadavg()[0], 2),
                     "provider": provider, "invalid_body_breaks": list(broken)},
        "variants": {name: str(tree) for name, tree in args.variant},
        "results": summary,
    }


def run_in_process(args: argparse.Namespace) -> dict[str, Any]:
    pinned, note = pinning()
    pin = ["taskset", "-c", SERVER_CPU] if pinned else []
    kinds = ("poll", "submit", "invalid")
    provider = one_provider.chosen(args)
    seen: dict[str, dict[str, list[float]]] = {n: {k: [] for k in kinds} for n, _ in args.variant}
    for cycle in range(args.cycles):
        for name, tree in args.variant:
            for kind in kinds:
                out = subprocess.run(
                    [*pin, sys.executable, "-P", str(BENCH / "profile_hot_paths.py"), kind,
                     "--no-profile", "--clock", "cpu", "--requests", str(args.requests),
                     "--provider", provider],
                    # -P keeps bench/ off sys.path: its shared modules come after the variant.
                    env={**os.environ, "PYTHONPATH": os.pathsep.join(
                        (str(tree.resolve()), str(BENCH)))},
                    capture_output=True, text=True, timeout=600,
                )
                found = re.search(r"([0-9.]+) us per request", out.stdout)
                if out.returncode != 0 or found is None:
                    raise SetupError(f"{name} {kind}: {out.stderr.strip() or out.stdout}")
                seen[name][kind].append(float(found.group(1)))
        print(f"cycle {cycle + 1}/{args.cycles}: " + ", ".join(
            f"{n} {k} {v[-1]:.1f} us" for n, ks in seen.items() for k, v in ks.items()),
            flush=True)
    return {
        "command": " ".join(["python", "bench/framework_ab.py", *sys.argv[1:]]),
        "settings": {"mode": "in-process (bench/profile_hot_paths.py --clock cpu, raw ASGI)",
                     "provider": provider,
                     "cycles": args.cycles, "requests": args.requests, "pinning": note,
                     "load_average_1m_after": round(os.getloadavg()[0], 2)},
        "variants": {name: str(tree) for name, tree in args.variant},
        "results": {
            f"{name} {kind}": {"best_us_per_request": min(v), "us_per_request": v}
            for name, ks in seen.items() for kind, v in ks.items()
        },
    }


def _variant(text: str) -> tuple[str, Path]:
    name, sep, tree = text.partition("=")
    if not sep or not name or not tree:
        raise argparse.ArgumentTypeError(f"expected NAME=PATH, got {text!r}")
    return name, Path(tree)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--variant", type=_variant, action="append", required=True,
                        help="NAME=PATH of a checkout whose vidukit to serve (repeatable)")
    one_provider.add_provider_option(parser)
    parser.add_argument("--cycles", type=int, default=6)
    parser.add_argument("--duration", type=int, default=3, help="seconds per measurement (3)")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--in-process", action="store_true",
                        help="time per request through raw ASGI calls instead of wrk")
    parser.add_argument("--requests", type=int, default=5000,
                        help="requests per in-process measurement (5000)")
    parser.add_argument("--json", type=Path, default=BENCH / "results" / "framework_ab.json")
    args = parser.parse_args(argv)
    if args.in_process:
        try:
            result = run_in_process(args)
        except SetupError as exc:
            print(f"\nSET-UP FAILED: {exc}", file=sys.stderr)
            return 2
        print("\n| variant workload | best us per request |\n|---|---:|")
        for key, value in result["results"].items():
            print(f"| {key} | {value['best_us_per_request']:.1f} |")
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
        print(f"\nwrote {args.json}")
        return 0
    with tempfile.TemporaryDirectory(prefix="vidukit-ab-") as tmp, handled_signals():
        procs = Processes(Path(tmp))
        try:
            result = run(args, procs, Path(tmp))
        except SetupError as exc:
            print(f"\nSET-UP FAILED: {exc}", file=sys.stderr)
            return 2
        except RuntimeError as exc:
            print(f"\nFAILURE (unexpected errors under load): {exc}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("\ninterrupted; stopping servers", file=sys.stderr)
            return 130
        finally:
            procs.close()
    print("\n| variant workload | median ratio to bare | min | max |\n|---|---:|---:|---:|")
    for key, value in result["results"].items():
        if "median_ratio_to_bare" in value:
            print(f"| {key} | {value['median_ratio_to_bare']:.3f} | {value['min']:.3f} | "
                  f"{value['max']:.3f} |")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
