"""The soak's server side: the mock as a real subprocess, its fault mix, and its memory.

The mock runs as `vidukit serve` in its own process, as a team would run it,
so the RSS measured is the server's alone (the load generator's own memory
and garbage never mix into it). The fault mix is a scenarios file built from
the catalogue in docs/guide/scenarios.md; `SCENARIO_RULES` is the single place that says what
the clients must expect.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from procgroup import stop_group

from vidukit.providers import provider_ids, spec

#: Every request scenario and task scenario of the catalogue, with a probability each.
#: Rules are tried in order and the first that fires wins, so these are per-request
#: (request rules) and per-task (task rules) chances. ``stuck`` is kept rare: such a task
#: never ends, and the client waits out its deadline before it checks why.
SCENARIO_RULES: tuple[dict[str, Any], ...] = (
    {"scenario": "http-429;retry_after=1", "probability": 0.02},
    {"scenario": "http-500", "probability": 0.005},
    {"scenario": "http-502", "probability": 0.005},
    {"scenario": "http-503;retry_after=1", "probability": 0.01},
    {"scenario": "http-504;phase=after", "probability": 0.005, "on": "submit"},
    {"scenario": "http-504", "probability": 0.005, "on": "poll"},
    {"scenario": "latency;min_ms=20;max_ms=300", "probability": 0.05},
    {"scenario": "truncated-body", "probability": 0.005},
    {"scenario": "truncated-body;mode=short-read", "probability": 0.003},
    {"scenario": "not-json;status=502", "probability": 0.005},
    {"scenario": "not-json", "probability": 0.002, "on": "poll"},
    {"scenario": "connection-closed", "probability": 0.003},
    {"scenario": "connection-closed;phase=after", "probability": 0.002, "on": "submit"},
    {"scenario": "fail-content-moderation", "probability": 0.02},
    {"scenario": "fail-invalid-parameter", "probability": 0.01},
    {"scenario": "fail-media-access", "probability": 0.01},
    {"scenario": "fail-timeout", "probability": 0.01},
    {"scenario": "fail-internal", "probability": 0.01},
    # Only where an answer can flag NSFW (`ProviderSpec.scenarios`): one rule per provider.
    *({"scenario": "nsfw", "probability": 0.05, "provider": p}
      for p in provider_ids() if "nsfw" in spec(p).scenarios),
    {"scenario": "expired-url", "probability": 0.02},
    {"scenario": "extra-fields", "probability": 0.03},
    {"scenario": "stuck", "probability": 0.002},
)

#: The fewest submits a minute per key the soak allows: a documented limit below it (2 a
#: minute) would leave that provider's clients asleep most of the run.
MIN_PER_MINUTE = 6


def _quotas() -> dict[str, Any]:
    """The documented per-key limits (`Policies.quotas`), those under `MIN_PER_MINUTE` raised."""
    quotas: dict[str, Any] = {"profile": "documented"}
    for provider in provider_ids():
        per_minute = spec(provider).policies.quotas.per_minute
        if per_minute is not None and per_minute < MIN_PER_MINUTE:
            quotas[provider] = {"per_minute": MIN_PER_MINUTE}
    return quotas


QUOTAS: dict[str, Any] = _quotas()
WEBHOOK_SECRET = "whsec_soak_secret"


def scenario_file(seed: int, directory: Path) -> Path:
    """Write the scenarios file (JSON, which `vidukit serve --scenarios` reads) and return it."""
    path = directory / "soak-scenarios.json"
    path.write_text(
        json.dumps({"seed": seed, "rules": list(SCENARIO_RULES), "quotas": QUOTAS}, indent=1),
        encoding="utf-8",
    )
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_flags() -> set[str]:
    """The long options `vidukit serve` takes here (``--max-tasks`` is new in issue 7)."""
    out = subprocess.run(
        [sys.executable, "-m", "vidukit", "serve", "--help"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    ).stdout
    return {word.rstrip(",") for word in out.split() if word.startswith("--")}


class SetupError(RuntimeError):
    """The soak could not start (exit status 2)."""


@dataclass
class MockProcess:
    """`vidukit serve` on a free loopback port; `stop` always kills it."""

    port: int
    progression: str
    seed: int
    max_tasks: int | None
    journal_size: int
    workdir: Path
    process: subprocess.Popen[bytes] | None = None
    command: list[str] = field(default_factory=list)
    ignored_flags: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.workdir / "mock-server.log"

    def start(self) -> None:
        flags = serve_flags()
        command = [
            sys.executable, "-m", "vidukit", "serve",
            "--host", "127.0.0.1", "--port", str(self.port),
            "--progression", self.progression, "--seed", str(self.seed),
            "--scenarios", str(scenario_file(self.seed, self.workdir)),
            "--webhook-targets", "loopback", "--webhook-secret", WEBHOOK_SECRET,
            "--journal-size", str(self.journal_size), "--log-level", "warning",
        ]  # fmt: skip
        if self.max_tasks is not None:
            if "--max-tasks" in flags:
                command += ["--max-tasks", str(self.max_tasks)]
            else:
                self.ignored_flags.append("--max-tasks")
        self.command = command
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()

    async def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(timeout=2.0) as client:
            while time.monotonic() < deadline:
                if self.process is not None and self.process.poll() is not None:
                    raise SetupError(f"the mock exited ({self.process.returncode}): {self.tail()}")
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get(f"{self.base}/_mock/")).status_code == 200:
                        return
                await asyncio.sleep(0.2)
        raise SetupError(f"the mock did not answer within {timeout:g} s: {self.tail()}")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def tail(self, lines: int = 20) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def stop(self) -> None:
        """SIGTERM the server's process group, then SIGKILL if it lingers."""
        if self.process is not None:
            stop_group(self.process)


def workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="vidukit-soak-"))


# -- memory -------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    """Every descendant of *pid* (uvicorn workers, if any), from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = Path(f"/proc/{entry}/stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            parents.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def rss_bytes(pid: int) -> int:
    """Resident memory of *pid* and its descendants (VmRSS from /proc; psutil is not needed)."""
    total = 0
    for each in (pid, *_children(pid)):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
                    break
    return total


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of *pid* so far (clock ticks from /proc)."""
    with contextlib.suppress(OSError, IndexError, ValueError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return 0.0


@dataclass
class RssSeries:
    """RSS samples as (seconds since start, bytes), and the server's CPU seconds beside them."""

    samples: list[tuple[float, int]] = field(default_factory=list)
    cpu: list[tuple[float, float]] = field(default_factory=list)

    def take(self, pid: int, started: float) -> None:
        now = time.monotonic() - started
        self.samples.append((now, rss_bytes(pid)))
        self.cpu.append((now, cpu_seconds(pid)))

    async def run(self, pid: int, started: float, every: float, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.take(pid, started)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every)
        self.take(pid, started)

    def cpu_share(self, bucket: float) -> list[float]:
        """The server's CPU use per *bucket* seconds, as a share of one core."""
        shares, start = [], self.cpu[0] if self.cpu else None
        for t, c in self.cpu:
            if start is not None and t - start[0] >= bucket - 1e-6:
                shares.append(round((c - start[1]) / (t - start[0]), 2))
                start = (t, c)
        return shares


__all__ = [
    "QUOTAS",
    "SCENARIO_RULES",
    "WEBHOOK_SECRET",
    "MockProcess",
    "RssSeries",
    "SetupError",
    "cpu_seconds",
    "free_port",
    "rss_bytes",
    "scenario_file",
    "workdir",
]
