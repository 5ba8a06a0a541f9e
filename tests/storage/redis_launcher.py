"""A real ``redis-server`` for the tests: 127.0.0.1, a free port, a temporary directory.

Started with every persistence option off (no RDB snapshots, no AOF) and its
working directory in the test's temporary directory, so a run leaves nothing
behind and reads no ``redis.conf``. When the binary or the Python client is
missing the tests FAIL with what to install: a Redis store nobody tested is
exactly what this suite exists to prevent.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

INSTALL_HINT = (
    "the Redis store tests need a real redis-server: install the Debian package "
    "'redis-server' (apt-get install -y redis-server; .ci/apt-packages) and the Python "
    "client (pip install redis)"
)


@dataclass(frozen=True)
class RedisServer:
    port: int
    directory: Path

    def url(self, db: int = 0, prefix: str | None = None) -> str:
        query = f"?prefix={prefix}" if prefix else ""
        return f"redis://127.0.0.1:{self.port}/{db}{query}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _ready(port: int, process: subprocess.Popen[bytes], timeout: float) -> bool:
    import redis

    client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=0.5)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if client.ping():
                    return True
            except redis.ConnectionError:
                time.sleep(0.02)
        return False
    finally:
        client.close()


@contextmanager
def redis_server(directory: Path, *, timeout: float = 10.0) -> Iterator[RedisServer]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail(f"redis-server is not on PATH: {INSTALL_HINT}", pytrace=False)
    try:
        import redis  # noqa: F401
    except ImportError:
        pytest.fail(f"the 'redis' Python package is missing: {INSTALL_HINT}", pytrace=False)
    directory.mkdir(parents=True, exist_ok=True)
    for _ in range(3):  # a free port can be taken between probing and binding: try again
        port = _free_port()
        log = directory / f"redis-{port}.log"
        command = [
            binary,
            "--port", str(port),
            "--bind", "127.0.0.1",
            "--dir", str(directory),
            "--save", "",
            "--appendonly", "no",
            "--daemonize", "no",
            "--databases", "16",
            "--logfile", str(log),
        ]  # fmt: skip
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if _ready(port, process, timeout):
            break
        process.kill()
        process.wait()
    else:
        details = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        pytest.fail(f"redis-server did not start on 127.0.0.1 (log: {details})", pytrace=False)
    try:
        yield RedisServer(port, directory)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()


__all__ = ["INSTALL_HINT", "RedisServer", "redis_server"]
