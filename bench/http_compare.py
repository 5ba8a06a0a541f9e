"""One-command HTTP benchmark: a bare Starlette app, one provider's mock and Prism, same run.

Run from the repository root:

    python bench/http_compare.py [--provider ID] [--duration 10] [--connections 32]
                                 [--tasks 1000000] [--skip-prism]
                                 [--json bench/results/http_compare.json]

``--provider`` defaults to the first provider id whose submit and poll a fixed request can
replay (`bench/one_provider.py`: a POST of one JSON object with server-chosen task ids, a
GET poll); its paths come from the provider's spec, its bodies from its fixtures.

Why one script: ratios are only meaningful between figures taken on the same machine, in
the same minute, under the same load generator. So this starts, one after another, each
server as ONE uvicorn worker (httptools + uvloop) pinned to CPU 1 with ``taskset``, and
loads it with ``wrk -t1 -cC`` pinned to CPU 0 (unpinned, and said so, without taskset or
a second CPU), after a short warm-up:

- ``bare``: `bench/bare_app.py`, the ceiling: GET a small JSON object; POST reads the body.
- ``mock``: the real CLI, ``vidukit serve --provider ID --outcome stay-processing``:
  poll (GET the result of one processing task), valid submit (the first valid fixture:
  validated, stored, journaled), invalid submit (a body with several violations, merged
  from the invalid fixtures; the 400 lists them all).
- ``prism``: ``@stoplight/prism-cli@5`` (installed once with npm into
  ``$VIDUKIT_BENCH_CACHE/prism``, default ``~/.cache/vidukit-bench/prism``) mocking the
  document ``vidukit export openapi --provider ID`` writes, static examples,
  request validation on (Prism's default); the same three workloads.
- ``mock 1M``: `bench/preloaded.py`, the mock with ``--tasks`` completed tasks stored:
  its RSS after the preload, and polls of random stored ids.

The bare server stays up, idle, while the others are measured: each of their rounds is
paired with a bare round of its baseline workload run just before it, and the median of
those per-round ratios is the "paired ratio" the targets are judged by (a virtual
machine's speed drifts over minutes, so the best round of each server, minutes apart, can
set a fast minute against a slow one). The bare server's own rows are measured first, as
before.

Prints a Markdown table (req/s, p50, p99, ratio of best rounds to bare, paired ratio, and
the server's CPU time per request with its ratios to bare: on a shared machine req/s moves
with the neighbours' load, CPU per request far less) and the issue-7 targets, each
met or MISSED, and writes the same as JSON. Exit status: 0 when everything was measured
(targets may be missed: this is a measurement), 1 when a workload saw unexpected error
statuses or socket errors (its figures are not trustworthy), 2 when set-up failed (a
server would not start, a tool is missing), 130 when interrupted. Every server started is
stopped on the way out, whatever the way out.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import one_provider
from procgroup import stop_group

from vidukit.providers.wire import PROCESSING, SUCCEEDED

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
WRK_DIR = BENCH / "wrk"
#: The mock's admin root: answers 200 once the server serves.
READY_PATH = "/_mock/"
KEY = "vidukit-bench-key"
PRISM_PACKAGE = "@stoplight/prism-cli@5"
SERVER_CPU, WRK_CPU = "1", "0"
GIB_KIB = 1024 * 1024
BUSY_LOAD = 0.5  # 1-minute load average above which the machine is not quiet enough

# Targets of issue 7 (one worker, ratios from the same run).
POLL_RATIO = 0.5
VALID_RATIO = 0.3
VALID_VS_PRISM = 2.0
INVALID_RATIO = 0.25
P99_LIMIT_MS = 15.0
TASKS_TARGET = 1_000_000


class SetupError(Exception):
    """The benchmark could not be set up: nothing it would print could be trusted."""


# -- results -------------------------------------------------------------------------------


@dataclass
class Load:
    """What one wrk run reported (bench/wrk/report.lua), latencies in microseconds."""

    requests: int
    duration_us: int
    p50_us: int
    p90_us: int
    p99_us: int
    max_us: int
    errors: dict[str, int]
    unexpected: int

    @property
    def rps(self) -> float:
        return self.requests / max(self.duration_us / 1e6, 1e-9)

    @property
    def socket_errors(self) -> int:
        return sum(v for k, v in self.errors.items() if k != "status")


@dataclass
class Row:
    server: str
    workload: str
    baseline: str | None  # the bare workload this one is a ratio of
    expect_status: int | None  # None: 2xx expected; else every answer must be this status
    load: Load | None = None
    rounds: list[float] = field(default_factory=list)  # req/s of every round measured
    #: The server's CPU microseconds per request, each round (see `cpu_seconds`).
    cpu_rounds: list[float] = field(default_factory=list)
    ratio: float | None = None
    cpu_ratio: float | None = None
    #: Each round's req/s and CPU ratio to a bare round of the baseline workload run just
    #: before it (see `Bench.measure`): the VM's speed drifts between minutes, not seconds.
    paired: list[float] = field(default_factory=list)
    paired_cpu: list[float] = field(default_factory=list)

    @property
    def paired_ratio(self) -> float | None:
        return statistics.median(self.paired) if self.paired else None

    @property
    def paired_cpu_ratio(self) -> float | None:
        return statistics.median(self.paired_cpu) if self.paired_cpu else None

    @property
    def cpu_us(self) -> float | None:
        """The least CPU a request took in any round: other load only ever adds to it."""
        return min(self.cpu_rounds) if self.cpu_rounds else None
    problems: list[str] = field(default_factory=list)

    def check(self) -> None:
        """Turn unexpected statuses and socket errors into loud problems."""
        if self.load is None:
            return
        load = self.load
        if load.requests == 0:
            self.problems.append("no request completed")
        if load.socket_errors:
            sockets = {k: v for k, v in load.errors.items() if k != "status" and v}
            self.problems.append(f"socket errors {sockets}")
        if self.expect_status is None and load.errors["status"]:
            self.problems.append(f"{load.errors['status']} answers with status >= 400")
        if self.expect_status is not None:
            if load.unexpected:
                self.problems.append(
                    f"{load.unexpected} answers with a status other than {self.expect_status}"
                )
            if load.errors["status"] != load.requests:
                self.problems.append(
                    f"only {load.errors['status']} of {load.requests} answers were >= 400"
                )


@dataclass
class Target:
    name: str
    value: float | None
    limit: float
    higher_is_better: bool
    unit: str
    note: str = ""
    invalid: bool = False  # the workload behind it saw errors

    @property
    def status(self) -> str:
        if self.value is None:
            return "not measured"
        if self.invalid:
            return "INVALID (errors)"
        ok = self.value >= self.limit if self.higher_is_better else self.value < self.limit
        return "met" if ok else "MISSED"


# -- processes -----------------------------------------------------------------------------


class Processes:
    """Every child started here, each in its own process group, all stopped on close."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.children: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(
        self,
        name: str,
        command: Sequence[str],
        *,
        env: dict[str, str] | None = None,
        pipe: bool = False,
    ) -> subprocess.Popen[bytes]:
        log = (self.logs / f"{name}.log").open("wb")
        try:
            proc = subprocess.Popen(
                list(command),
                cwd=ROOT,
                env={**os.environ, **(env or {})},
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE if pipe else log,
                stderr=log,
                start_new_session=True,  # a group of its own: killable whole, by its id
            )
        except OSError as exc:
            raise SetupError(f"cannot start {name}: {exc}") from None
        finally:
            log.close()
        self.children.append((name, proc))
        return proc

    def log_tail(self, name: str, lines: int = 25) -> str:
        path = self.logs / f"{name}.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, proc: subprocess.Popen[bytes]) -> None:
        stop_group(proc)
        if proc.stdout is not None:
            proc.stdout.close()
        self.children = [(n, p) for n, p in self.children if p is not proc]

    def close(self) -> None:
        for _, proc in reversed(self.children):
            self.stop(proc)


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


# -- HTTP ----------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None


def call(method: str, url: str, body: bytes | None = None, timeout: float = 10.0) -> Answer:
    headers = {"Authorization": f"Bearer {KEY}"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            return Answer(reply.status, {k.lower(): v for k, v in reply.headers.items()},
                          reply.read())
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read())


def wait_ready(
    procs: Processes, name: str, proc: subprocess.Popen[bytes], url: str, timeout: float,
    *, any_status: bool = False,
) -> None:
    """Until *url* answers 200 (any HTTP answer with *any_status*: a server with no route
    that is sure to answer 200), or fail with the server's own last words."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SetupError(
                f"{name} exited with status {proc.returncode} before serving; its log:\n"
                + procs.log_tail(name)
            )
        try:
            answer = call("GET", url, timeout=2.0)
            if answer.status == 200 or any_status:
                return
            last = f"status {answer.status}"
        except OSError as exc:
            last = str(exc)
        time.sleep(0.2)
    raise SetupError(f"{name} did not answer {url} within {timeout:.0f}s ({last}); its log:\n"
                     + procs.log_tail(name))


# -- wrk -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """A bare workload a measured row's rounds are paired with (its URL, script, server)."""

    url: str
    script: str
    env: dict[str, str]
    pid: int


@dataclass
class Bench:
    provider: str
    procs: Processes
    pinned: bool
    duration: int
    warmup: int
    connections: int
    rounds: int
    work: Path
    #: Bare workload ("GET", "POST") -> the live bare server's reference for pairing.
    references: dict[str, Reference] = field(default_factory=dict)

    def pin(self, cpu: str) -> list[str]:
        return ["taskset", "-c", cpu] if self.pinned else []

    def wrk(self, name: str, url: str, script: str, env: dict[str, str], seconds: int) -> Load:
        command = [
            *self.pin(WRK_CPU), "wrk", "-t1", f"-c{self.connections}", f"-d{seconds}s",
            "--latency", "-s", str(WRK_DIR / script), url,
        ]
        full_env = {"VB_WRK_DIR": str(WRK_DIR), "VB_KEY": KEY, **env}
        proc = self.procs.start(name, command, env=full_env, pipe=True)
        try:
            out, _ = proc.communicate(timeout=seconds + 60)
        except subprocess.TimeoutExpired:
            raise SetupError(f"wrk ({name}) did not finish in time") from None
        finally:
            self.procs.stop(proc)
        text = out.decode(errors="replace")
        for line in text.splitlines():
            if line.startswith("VB_RESULT "):
                data = json.loads(line.removeprefix("VB_RESULT "))
                data.pop("bytes", None)
                data.pop("mean_us", None)
                return Load(**data)
        raise SetupError(f"wrk ({name}) printed no result (exit {proc.returncode}):\n{text}\n"
                         + self.procs.log_tail(name))

    def one_round(self, name: str, url: str, script: str, env: dict[str, str],
              pid: int | None) -> tuple[Load, float | None]:
        """One measured wrk run, and the CPU microseconds per request *pid* spent in it."""
        before = cpu_seconds(pid)
        load = self.wrk(name, url, script, env, self.duration)
        after = cpu_seconds(pid)
        if before is None or after is None or not load.requests:
            return load, None
        return load, round((after - before) * 1e6 / load.requests, 1)

    def measure(self, row: Row, url: str, script: str, env: dict[str, str],
                pid: int | None = None) -> None:
        """*pid*: the server's process, whose CPU time per request is read each round.

        Where the bare server is still up (`references`), each round is paired: a round of
        the bare baseline workload, then this row's round, and their ratio kept. On a
        shared virtual machine the bare server's req/s moved by a third between adjacent
        ten-second runs, so the best round of each server, taken minutes apart, can pair a
        fast minute with a slow one; the median of paired rounds cannot.
        """
        label = f"{row.server}-{row.workload}".replace(" ", "_")
        reference = self.references.get(row.baseline or "")
        if self.warmup > 0:
            self.wrk(f"wrk-warmup-{label}", url, script, env, self.warmup)
        for _ in range(self.rounds):  # keep the best round: outside load only ever slows down
            bare = None
            if reference is not None:  # the bare round this round is paired with
                bare = self.one_round(f"wrk-pair-{label}", reference.url,
                                      reference.script, reference.env, reference.pid)
            load, cpu = self.one_round(f"wrk-{label}", url, script, env, pid)
            row.rounds.append(round(load.rps, 1))
            if cpu is not None:
                row.cpu_rounds.append(cpu)
            if bare is not None and bare[0].requests and load.requests:
                row.paired.append(round(load.rps / bare[0].rps, 4))
                if bare[1] is not None and cpu:
                    row.paired_cpu.append(round(bare[1] / cpu, 4))
            if row.load is None or load.rps > row.load.rps:
                row.load = load
        row.check()
        best = row.load
        assert best is not None  # at least one round ran
        print(f"  {row.server:<8} {row.workload:<15} {best.rps:>9.0f} req/s  "
              f"p50 {best.p50_us / 1000:.2f} ms  p99 {best.p99_us / 1000:.2f} ms"
              + ("" if not row.problems else "  FAILURE: " + "; ".join(row.problems)),
              flush=True)


# -- bodies --------------------------------------------------------------------------------


def listed(text: str, fields: Sequence[str]) -> list[str]:
    return [f for f in fields if f in text]


# -- the servers ---------------------------------------------------------------------------


def python_server_check() -> None:
    missing = [m for m in ("uvloop", "httptools") if importlib.util.find_spec(m) is None]
    if missing:
        raise SetupError(f"{', '.join(missing)} not installed: pip install 'uvicorn[standard]'")


def vidukit_command() -> list[str]:
    return [sys.executable, "-m", "vidukit"]


def run_bare(bench: Bench, bodies: dict[str, Path], rows: list[Row],
             info: dict[str, Any]) -> subprocess.Popen[bytes]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        *bench.pin(SERVER_CPU), sys.executable, "-m", "uvicorn", "--app-dir", str(BENCH),
        "bare_app:app", "--host", "127.0.0.1", "--port", str(port), "--http", "httptools",
        "--loop", "uvloop", "--log-level", "warning", "--no-access-log",
    ]
    proc = bench.procs.start("bare", command)
    try:
        wait_ready(bench.procs, "bare", proc, f"{base}/get", 30)
        if call("POST", f"{base}/post", bodies["valid"].read_bytes()).status != 200:
            raise SetupError("the bare app's POST did not answer 200")
        references = {
            "GET": Reference(f"{base}/get", "get.lua", {"VB_PATH": "/get"}, proc.pid),
            "POST": Reference(f"{base}/post", "post.lua",
                              {"VB_PATH": "/post", "VB_BODY_FILE": str(bodies["valid"])},
                              proc.pid),
        }
        for workload, reference in references.items():
            row = Row("bare", workload, None, None)
            bench.measure(row, reference.url, reference.script, reference.env, proc.pid)
            rows.append(row)
        info["bare"] = {"rss_kib": rss_kib(proc.pid), "command": command}
    except BaseException:
        bench.procs.stop(proc)
        raise
    # Kept up, idle, for the other servers' paired rounds; `run` stops it.
    bench.references.update(references)
    return proc


def submit_workloads(
    bench: Bench, server: str, base: str, task_id: str, bodies: dict[str, Path],
    pid: int | None = None,
) -> list[Row]:
    """*pid*: the server process whose CPU per request is read (None: not read)."""
    poll = Row(server, "poll", "GET", None)
    path = one_provider.poll_url(bench.provider, task_id)
    bench.measure(poll, base + path, "get.lua", {"VB_PATH": path}, pid)
    submit = one_provider.submit_url(bench.provider)
    valid = Row(server, "valid submit", "POST", None)
    bench.measure(valid, base + submit, "post.lua",
                  {"VB_PATH": submit, "VB_BODY_FILE": str(bodies["valid"])}, pid)
    invalid = Row(server, "invalid submit", "POST", 400)
    bench.measure(invalid, base + submit, "post_status.lua",
                  {"VB_PATH": submit, "VB_BODY_FILE": str(bodies["invalid"]),
                   "VB_EXPECT_STATUS": "400"}, pid)
    return [poll, valid, invalid]


def processing_task(provider: str, base: str, body: bytes) -> str:
    """Submit one task and wait until the mock shows it processing (stay-processing)."""
    answer = call("POST", base + one_provider.submit_url(provider), body)
    task_id = one_provider.task_id(provider, json.loads(body), answer.json())
    if answer.status != 200 or not task_id:
        raise SetupError(f"mock submit answered {answer.status}: {answer.body[:300]!r}")
    deadline = time.monotonic() + 15
    rank = None
    while time.monotonic() < deadline:
        polled = call("GET", base + one_provider.poll_url(provider, task_id))
        rank = one_provider.rank(provider, polled.json(), task_id)
        if polled.status == 200 and rank == PROCESSING:
            return task_id
        time.sleep(0.25)
    raise SetupError(f"task {task_id} never showed processing (last status rank {rank!r})")


def run_mock(bench: Bench, bodies: dict[str, Path], fields: list[str], rows: list[Row],
             info: dict[str, Any]) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        *bench.pin(SERVER_CPU), *vidukit_command(), "serve", "--provider", bench.provider,
        "--outcome", "stay-processing", "--host", "127.0.0.1", "--port", str(port),
        "--log-level", "warning",
    ]
    proc = bench.procs.start("mock", command)
    try:
        wait_ready(bench.procs, "mock", proc, base + READY_PATH, 60)
        task_id = processing_task(bench.provider, base, bodies["valid"].read_bytes())
        answer = call("POST", base + one_provider.submit_url(bench.provider),
                      bodies["invalid"].read_bytes())
        shown = listed(answer.body.decode(errors="replace"), fields)
        info["mock"] = {"invalid_status": answer.status, "violations_listed": shown,
                        "violations_sent": fields, "command": command}
        if answer.status != 400:
            raise SetupError(f"the mock answered the invalid body with {answer.status}")
        print(f"  mock: invalid body answered 400 naming {len(shown)} of {len(fields)} "
              "violated fields", flush=True)
        rows += submit_workloads(bench, "mock", base, task_id, bodies, proc.pid)
        info["mock"]["rss_kib"] = rss_kib(proc.pid)
    finally:
        bench.procs.stop(proc)


def cache_dir() -> Path:
    configured = os.environ.get("VIDUKIT_BENCH_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "vidukit-bench"


def install_prism(procs: Processes) -> Path:
    """Prism's executable, installed with npm into the cache the first time."""
    prefix = cache_dir() / "prism"
    binary = prefix / "node_modules" / ".bin" / "prism"
    if binary.exists():
        return binary
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise SetupError("Prism needs node and npm (not found on PATH); install them "
                         "(Debian: apt-get install nodejs npm) or pass --skip-prism")
    prefix.mkdir(parents=True, exist_ok=True)
    print(f"installing {PRISM_PACKAGE} into {prefix} (once) ...", flush=True)
    proc = procs.start("npm-install", [npm, "install", "--prefix", str(prefix), PRISM_PACKAGE])
    try:
        proc.wait(timeout=900)
    except subprocess.TimeoutExpired:
        raise SetupError("npm install of Prism took over 15 minutes; pass --skip-prism") from None
    finally:
        procs.stop(proc)
    if proc.returncode != 0 or not binary.exists():
        raise SetupError(f"npm install {PRISM_PACKAGE} failed (exit {proc.returncode}); "
                         f"pass --skip-prism to measure without it. npm said:\n"
                         + procs.log_tail("npm-install"))
    return binary


def run_prism(bench: Bench, binary: Path, bodies: dict[str, Path], fields: list[str],
              rows: list[Row], info: dict[str, Any], log_level: str) -> None:
    document = bench.work / f"{bench.provider}.openapi.json"
    exported = subprocess.run(
        [*vidukit_command(), "export", "openapi", "--provider", bench.provider,
         "-o", str(document)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    if exported.returncode != 0:
        raise SetupError(f"vidukit export openapi failed: {exported.stderr.strip()}")
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True,
                             timeout=60).stdout.strip()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [*bench.pin(SERVER_CPU), str(binary), "mock", "-h", "127.0.0.1", "-p", str(port),
               "--verboseLevel", log_level, str(document)]
    proc = bench.procs.start("prism", command)
    try:
        submit = base + one_provider.submit_url(bench.provider)
        # Prism serves only the document's routes, none sure to answer 200: any answer will do.
        wait_ready(bench.procs, "prism", proc, submit, 90, any_status=True)
        valid = call("POST", submit, bodies["valid"].read_bytes())
        invalid = call("POST", submit, bodies["invalid"].read_bytes())
        shown = listed(invalid.headers.get("sl-violations", ""), fields)
        info["prism"] = {
            "version": version,
            "log_level": log_level,
            "valid_status": valid.status,
            "valid_body": valid.body.decode(errors="replace")[:400],
            "valid_response_violations": _violations(valid.headers.get("sl-violations")),
            "invalid_status": invalid.status,
            "violations_listed": shown,
            "command": command,
        }
        if valid.status != 200:
            raise SetupError(f"Prism answered the valid body with {valid.status}: "
                             f"{valid.headers.get('sl-violations', valid.body[:300])!r}")
        if invalid.status != 400:
            raise SetupError(f"Prism answered the invalid body with {invalid.status}")
        answered = info["prism"]["valid_response_violations"]
        print(f"  prism {version}: invalid body answered 400 naming {len(shown)} of "
              f"{len(fields)} violated fields; its own valid-submit answer breaks "
              f"{len(answered)} rule(s) of our response schema", flush=True)
        rows += submit_workloads(bench, "prism", base, "0123456789abcdef", bodies)
        info["prism"]["rss_kib"] = rss_kib(proc.pid)
    finally:
        bench.procs.stop(proc)


def _violations(header: str | None) -> list[str]:
    """Prism's ``sl-violations`` header, as ``location: message`` lines."""
    if not header:
        return []
    try:
        items = json.loads(header)
    except ValueError:
        return [header]
    return [f"{'.'.join(map(str, v.get('location', [])))}: {v.get('message')}" for v in items]


def run_preloaded(bench: Bench, tasks: int, rows: list[Row], info: dict[str, Any]) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    ids = bench.work / "ids.txt"
    command = [*bench.pin(SERVER_CPU), sys.executable, str(BENCH / "preloaded.py"),
               "--provider", bench.provider, "--tasks", str(tasks), "--port", str(port),
               "--key", KEY, "--ids-file", str(ids)]
    print(f"  preloading {tasks:,} completed tasks ...", flush=True)
    proc = bench.procs.start("preloaded", command, pipe=True)
    seen: dict[str, int] = {}
    reader = threading.Thread(target=_follow, args=(proc, seen), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 120 + tasks / 2000
        while "ready" not in seen:
            if proc.poll() is not None or time.monotonic() > deadline:
                time.sleep(0.5)  # let the reader drain the last lines
                raise SetupError("preloaded mock did not get ready (exit "
                                 f"{proc.poll()}); its log:\n" + bench.procs.log_tail("preloaded"))
            time.sleep(0.2)
        wait_ready(bench.procs, "preloaded", proc, base + READY_PATH, 60)
        first = ids.read_text().split("\n", 1)[0]
        polled = call("GET", base + one_provider.poll_url(bench.provider, first)).json()
        rank = one_provider.rank(bench.provider, polled, first)
        if rank != SUCCEEDED:
            raise SetupError(f"a preloaded task polls with status rank {rank!r}, not succeeded")
        prefix, suffix = one_provider.poll_split(bench.provider)
        row = Row(f"mock {_count(tasks)}", "poll random", "GET", None)
        bench.measure(row, base + "/", "poll_random.lua", {
            "VB_IDS_FILE": str(ids), "VB_PATH_PREFIX": prefix, "VB_PATH_SUFFIX": suffix},
            proc.pid)
        rows.append(row)
        info["preloaded"] = {"tasks": tasks, "rss_kib_after_preload": seen.get("rss"),
                             "rss_kib_after_load": rss_kib(proc.pid), "command": command}
    finally:
        bench.procs.stop(proc)


def _follow(proc: subprocess.Popen[bytes], seen: dict[str, int]) -> None:
    """Echo the preload's progress and note its RSS; keep the pipe drained."""
    assert proc.stdout is not None
    with contextlib.suppress(ValueError, OSError):  # the pipe closes when the server stops
        _echo(proc.stdout, seen)


def _echo(stream: Any, seen: dict[str, int]) -> None:
    for raw in stream:
        line = raw.decode(errors="replace").strip()
        if line.startswith("VB_PROGRESS "):
            done, total, rate = line.split()[1:4]
            print(f"    {int(done):>9,} / {int(total):,} ({rate})", flush=True)
        elif line.startswith("VB_RSS_KIB "):
            seen["rss"] = int(line.split()[1])
            print(f"    RSS after preload: {seen['rss'] / 1024:.0f} MiB", flush=True)
        elif line == "VB_READY":
            seen["ready"] = 1


def _count(tasks: int) -> str:
    """1000000 -> 1M, 20000 -> 20k: the preloaded server's name in the table."""
    if tasks % 1_000_000 == 0:
        return f"{tasks // 1_000_000}M"
    return f"{tasks // 1000}k" if tasks % 1000 == 0 else str(tasks)


# -- report --------------------------------------------------------------------------------


def ratios(rows: list[Row]) -> None:
    bare = {r.workload: r.load.rps for r in rows if r.server == "bare" and r.load}
    bare_cpu = {r.workload: r.cpu_us for r in rows if r.server == "bare" and r.cpu_us}
    for row in rows:
        if row.load and row.baseline in bare:
            row.ratio = row.load.rps / bare[row.baseline]
        cpu, base = row.cpu_us, bare_cpu.get(row.baseline or "")
        if cpu and base:
            row.cpu_ratio = base / cpu


def cpu_seconds(pid: int | None) -> float | None:
    """User and system CPU seconds *pid* has used (Linux ``/proc``), or None.

    Requests per second move with whatever else the machine runs (a shared 2-core VM's
    bare server moved by half between runs); the CPU a server spends per request moves
    far less, so the table shows both.
    """
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def targets(rows: list[Row], info: dict[str, Any], tasks: int) -> list[Target]:
    def find(server: str, workload: str) -> Row | None:
        return next((r for r in rows if r.server == server and r.workload == workload), None)

    def ratio_target(name: str, row: Row | None, limit: float) -> Target:
        # Judged by the paired rounds where there are some (see `Bench.measure`).
        value = None if row is None else (
            row.paired_ratio if row.paired_ratio is not None else row.ratio)
        return Target(name, value, limit, True, "x bare", invalid=bool(row and row.problems))

    poll, valid = find("mock", "poll"), find("mock", "valid submit")
    invalid, prism = find("mock", "invalid submit"), find("prism", "valid submit")
    vs_prism = (valid.load.rps / prism.load.rps
                if valid and valid.load and prism and prism.load else None)
    preloaded = next((r for r in rows if r.workload == "poll random"), None)
    scale = "" if tasks == TASKS_TARGET else f"measured with {tasks:,} tasks, not 1,000,000"
    rss = (info.get("preloaded") or {}).get("rss_kib_after_preload")
    return [
        ratio_target("poll >= 0.5 x bare GET", poll, POLL_RATIO),
        ratio_target("valid submit >= 0.3 x bare POST", valid, VALID_RATIO),
        Target("valid submit >= 2 x Prism", vs_prism, VALID_VS_PRISM, True, "x Prism",
               note="" if prism else "Prism skipped",
               invalid=bool((valid and valid.problems) or (prism and prism.problems))),
        ratio_target("invalid submit >= 0.25 x bare POST", invalid, INVALID_RATIO),
        Target("p99 < 15 ms, 32 connections, 1M tasks stored",
               preloaded.load.p99_us / 1000 if preloaded and preloaded.load else None,
               P99_LIMIT_MS, False, "ms", note=scale,
               invalid=bool(preloaded and preloaded.problems)),
        Target("RSS < 1 GiB with 1M completed tasks", rss / GIB_KIB if rss else None,
               1.0, False, "GiB", note=scale),
    ]


def markdown(rows: list[Row], goals: list[Target]) -> str:
    lines = [
        "| server | workload | req/s | p50 ms | p99 ms | ratio to bare | paired ratio "
        "| CPU us/req | CPU ratio | paired CPU ratio | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        if row.load is None:
            continue
        ratio = "" if row.ratio is None else f"{row.ratio:.2f} ({row.baseline})"
        cpu = "" if row.cpu_us is None else f"{row.cpu_us:.1f}"
        cpu_ratio = "" if row.cpu_ratio is None else f"{row.cpu_ratio:.2f}"
        paired = "" if row.paired_ratio is None else f"{row.paired_ratio:.2f}"
        paired_cpu = "" if row.paired_cpu_ratio is None else f"{row.paired_cpu_ratio:.2f}"
        errors = "; ".join(row.problems) or (
            "none" if row.expect_status is None else f"all {row.expect_status}, as expected")
        lines.append(f"| {row.server} | {row.workload} | {row.load.rps:,.0f} | "
                     f"{row.load.p50_us / 1000:.2f} | {row.load.p99_us / 1000:.2f} | "
                     f"{ratio} | {paired} | {cpu} | {cpu_ratio} | {paired_cpu} | {errors} |")
    lines += ["", "| target | measured | status |", "|---|---:|---|"]
    for goal in goals:
        value = "-" if goal.value is None else f"{goal.value:.3f} {goal.unit}"
        status = goal.status if not goal.note else f"{goal.status} ({goal.note})"
        lines.append(f"| {goal.name} | {value} | {status} |")
    return "\n".join(lines)


def machine(pinned: bool, note: str, busy: float) -> dict[str, Any]:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True, timeout=30)
    import uvicorn

    return {
        "cpu": model,
        "cpus": os.cpu_count(),
        "pinned": pinned,
        "pinning": note,
        "python": platform.python_version(),
        "uvicorn": uvicorn.__version__,
        "wrk": (wrk.stdout or wrk.stderr).splitlines()[0] if (wrk.stdout or wrk.stderr) else "",
        "node": _version(["node", "--version"]),
        "load_average_1m_before": round(busy, 2),
        "load_average_1m_after": round(os.getloadavg()[0], 2),
    }


def _version(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=30).stdout.strip()
    except OSError:
        return ""


def pinning() -> tuple[bool, str]:
    if shutil.which("taskset") is None:
        return False, "UNPINNED: taskset not found (Debian: util-linux)"
    cpus = os.sched_getaffinity(0)
    if not {0, 1} <= cpus:
        return False, f"UNPINNED: CPUs 0 and 1 are not both available (have {sorted(cpus)})"
    return True, f"servers on CPU {SERVER_CPU}, wrk on CPU {WRK_CPU} (taskset)"


# -- main ----------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    one_provider.add_provider_option(parser)
    parser.add_argument("--duration", type=int, default=10, help="seconds per workload (10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per workload (2)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=1,
                        help="measure each workload N times and keep the round with the most "
                        "req/s (its latencies too); every round's req/s goes in the JSON (1)")
    parser.add_argument("--tasks", type=int, default=TASKS_TARGET,
                        help="completed tasks stored for the 4th measurement (1000000)")
    parser.add_argument("--skip-prism", action="store_true", help="do not install or run Prism")
    parser.add_argument("--prism-log-level", default="silent",
                        help="Prism --verboseLevel (silent: like the mock, no line per request; "
                        "Prism's own default, info, roughly halves its throughput)")
    parser.add_argument("--json", type=Path, default=BENCH / "results" / "http_compare.json")
    args = parser.parse_args(argv)
    if min(args.duration, args.connections, args.tasks, args.rounds) < 1 or args.warmup < 0:
        parser.error("--duration, --connections, --tasks and --rounds must be positive")
    return args


def run(args: argparse.Namespace, procs: Processes, work: Path) -> int:
    if shutil.which("wrk") is None:
        raise SetupError("wrk not found on PATH (Debian: apt-get install wrk)")
    python_server_check()
    pinned, note = pinning()
    print(("" if pinned else "WARNING: ") + note, flush=True)
    busy = os.getloadavg()[0]
    if busy > BUSY_LOAD:
        print(f"WARNING: load average {busy:.2f} before the run: something else is using the "
              "CPUs, figures will be low and noisy", flush=True)
    prism = None if args.skip_prism else install_prism(procs)  # fail before measuring
    provider = one_provider.chosen(args)
    bench = Bench(provider, procs, pinned, args.duration, args.warmup, args.connections,
                  args.rounds, work)
    body, fields = one_provider.invalid_body(provider)
    bodies = {"valid": work / "valid.json", "invalid": work / "invalid.json"}
    bodies["valid"].write_bytes(one_provider.first_valid(provider).read_bytes())
    bodies["invalid"].write_text(json.dumps(body))
    rows: list[Row] = []
    info: dict[str, Any] = {}

    print("bare Starlette (reference ceiling)", flush=True)
    bare = run_bare(bench, bodies, rows, info)
    print(f"vidukit mock (vidukit serve --provider {provider} --outcome stay-processing)",
          flush=True)
    run_mock(bench, bodies, fields, rows, info)
    if prism is None:
        print("Prism: skipped (--skip-prism)", flush=True)
    else:
        print(f"Prism ({PRISM_PACKAGE}, static examples, request validation on)", flush=True)
        run_prism(bench, prism, bodies, fields, rows, info, args.prism_log_level)
    print(f"vidukit mock with {args.tasks:,} completed tasks stored", flush=True)
    run_preloaded(bench, args.tasks, rows, info)
    procs.stop(bare)

    ratios(rows)
    goals = targets(rows, info, args.tasks)
    table = markdown(rows, goals)
    print()
    best = f", best of {args.rounds} rounds" if args.rounds > 1 else ""
    print(f"One uvicorn worker per server (httptools + uvloop); wrk -t1 -c{args.connections} "
          f"-d{args.duration}s after {args.warmup}s warm-up{best}; {note}.")
    print()
    print(table)
    missed = [g.name for g in goals if g.status in ("MISSED", "INVALID (errors)")]
    failed = [f"{r.server} {r.workload}: {'; '.join(r.problems)}" for r in rows if r.problems]
    print()
    for name in missed:
        print(f"MISSED: {name}")
    for line in failed:
        print(f"FAILURE (unexpected errors under load): {line}")
    result = {
        "command": " ".join(["python", "bench/http_compare.py", *sys.argv[1:]]),
        "settings": {"provider": provider, "duration_s": args.duration, "warmup_s": args.warmup,
                     "connections": args.connections, "wrk_threads": 1, "tasks": args.tasks,
                     "rounds": args.rounds,
                     "workers": 1, "http": "httptools", "loop": "uvloop"},
        "machine": machine(pinned, note, busy),
        "rows": [_row_json(r) for r in rows],
        "targets": [{**asdict(g), "status": g.status} for g in goals],
        "servers": info,
        "markdown": table,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(portable(result), indent=2) + "\n")
    print(f"\nwrote {args.json}")
    return 1 if failed else 0


def portable(value: Any) -> Any:
    """*value* with this machine's paths out of its strings (the interpreter is ``python``,
    the checkout ``.``, the home folder ``~``): a result file is committed and read
    elsewhere."""
    if isinstance(value, dict):
        return {k: portable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [portable(v) for v in value]
    if not isinstance(value, str):
        return value
    if value == sys.executable:
        return "python"
    return value.replace(f"{ROOT}/", "").replace(str(ROOT), ".").replace(str(Path.home()), "~")


def _row_json(row: Row) -> dict[str, Any]:
    load = row.load
    return {
        "server": row.server,
        "workload": row.workload,
        "requests_per_s": round(load.rps, 1) if load else None,
        "p50_ms": load.p50_us / 1000 if load else None,
        "p99_ms": load.p99_us / 1000 if load else None,
        "max_ms": load.max_us / 1000 if load else None,
        "ratio_to_bare": round(row.ratio, 3) if row.ratio is not None else None,
        "cpu_us_per_request": row.cpu_us,
        "cpu_rounds_us_per_request": row.cpu_rounds,
        "cpu_ratio_to_bare": round(row.cpu_ratio, 3) if row.cpu_ratio is not None else None,
        "paired_ratio_to_bare": (round(row.paired_ratio, 3)
                                 if row.paired_ratio is not None else None),
        "paired_rounds": row.paired,
        "paired_cpu_ratio_to_bare": (round(row.paired_cpu_ratio, 3)
                                     if row.paired_cpu_ratio is not None else None),
        "paired_cpu_rounds": row.paired_cpu,
        "baseline": row.baseline,
        "requests": load.requests if load else None,
        "rounds_requests_per_s": row.rounds,
        "errors": load.errors if load else None,
        "unexpected_status": load.unexpected if load else None,
        "expected_status": row.expect_status or "2xx",
        "problems": row.problems,
    }


@contextlib.contextmanager
def handled_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP end the run like Ctrl-C does: through the clean-up."""
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="vidukit-bench-") as tmp, handled_signals():
        work = Path(tmp)
        procs = Processes(work)
        try:
            return run(args, procs, work)
        except SetupError as exc:
            print(f"\nSET-UP FAILED: {exc}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("\ninterrupted; stopping servers", file=sys.stderr)
            return 130
        finally:
            procs.close()


if __name__ == "__main__":
    sys.exit(main())
