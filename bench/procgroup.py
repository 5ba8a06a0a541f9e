"""Stopping a benchmark's server and everything it started (uvicorn workers, node)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group *process* leads, then SIGKILL it if it lingers.

    The servers are started with ``start_new_session=True``, so their group holds every
    child they spawned; a leader already gone may still have left children behind.
    """
    if process.poll() is not None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
