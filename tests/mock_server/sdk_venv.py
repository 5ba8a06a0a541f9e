"""A virtual environment per pinned SDK, built once and reused, for SDKs that cannot share one.

Runware's two official SDKs (PyPI ``runware`` and ``runware-sdk``) both install the
top-level package ``runware``, so neither can sit in the project's environment
beside the other. `sdk_python` builds ``<root>/<name>-<version>-py<X.Y>/`` with
``python -m venv`` and pip, marks it complete only after the SDK imports at the
pinned version, and returns its interpreter; later calls (and later runs on the
same machine) reuse it. The venv gets no pip of its own (``--without-pip``; the
bundled pip costs seconds to install): the running pip installs into it with
``pip --python`` (pip >= 22.3). The root is ``$VIDUKIT_SDK_VENVS`` or
``<temp dir>/vidukit-sdk-venvs``: outside the repository, so nothing needs ignoring.

A build that fails raises `SdkVenvError` carrying pip's own output: a test that
needs the SDK errors with the reason instead of being skipped.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT_ENV = "VIDUKIT_SDK_VENVS"
MARKER = "vidukit-sdk-venv.json"
#: pip may need a while on a cold cache; a hung index must still end the build.
BUILD_TIMEOUT_SECONDS = 600


class SdkVenvError(RuntimeError):
    """The SDK's environment could not be built; the message holds pip's output."""


@dataclass(frozen=True)
class Sdk:
    """A PyPI distribution pinned to one version, and the module that proves it imports."""

    distribution: str
    version: str
    module: str

    @property
    def requirement(self) -> str:
        return f"{self.distribution}=={self.version}"

    @property
    def key(self) -> str:
        return f"{self.distribution}-{self.version}-py{sys.version_info[0]}.{sys.version_info[1]}"


def venv_root() -> Path:
    configured = os.environ.get(ROOT_ENV)
    return Path(configured) if configured else Path(tempfile.gettempdir()) / "vidukit-sdk-venvs"


def interpreter(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def sdk_python(sdk: Sdk, root: Path | None = None, *, extra: Sequence[str] = ()) -> Path:
    """The interpreter of *sdk*'s own environment, built on first use.

    *extra* are further pip arguments (tests of this helper use them); they are
    part of the build, so pass the same ones every time for a given root.
    """
    root = venv_root() if root is None else root
    root.mkdir(parents=True, exist_ok=True)
    venv = root / sdk.key
    with _locked(root / f"{sdk.key}.lock"):
        if _complete(venv, sdk):
            return interpreter(venv)
        shutil.rmtree(venv, ignore_errors=True)
        started = time.monotonic()
        _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], f"python -m venv {venv}")
        python = interpreter(venv)
        pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"]
        pip += ["--disable-pip-version-check", "--no-input", sdk.requirement, *extra]
        _run(pip, f"pip install {sdk.requirement}")
        found = _run(
            [str(python), "-c", _VERSION_PROBE, sdk.distribution, sdk.module],
            f"import {sdk.module} from {sdk.requirement}",
        )
        if found.strip() != sdk.version:
            raise SdkVenvError(f"{sdk.requirement}: the environment holds {found.strip()!r}")
        record = {"requirement": sdk.requirement, "seconds": round(time.monotonic() - started, 1)}
        (venv / MARKER).write_text(json.dumps(record), encoding="utf-8")
        return python


def build_seconds(sdk: Sdk, root: Path | None = None) -> float | None:
    """How long the cached environment took to build (None when it is not built)."""
    marker = (venv_root() if root is None else root) / sdk.key / MARKER
    try:
        return float(json.loads(marker.read_text(encoding="utf-8"))["seconds"])
    except (OSError, ValueError, KeyError):
        return None


_VERSION_PROBE = (
    "import importlib, importlib.metadata, sys; "
    "importlib.import_module(sys.argv[2]); "
    "print(importlib.metadata.version(sys.argv[1]))"
)


def _complete(venv: Path, sdk: Sdk) -> bool:
    try:
        record = json.loads((venv / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return record.get("requirement") == sdk.requirement and interpreter(venv).exists()


def _run(command: list[str], what: str) -> str:
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT_SECONDS,
            check=False,
            env={**os.environ, "PIP_NO_INPUT": "1"},
        )
    except subprocess.TimeoutExpired as exc:
        raise SdkVenvError(f"{what}: no answer within {BUILD_TIMEOUT_SECONDS} s") from exc
    if done.returncode != 0:
        raise SdkVenvError(
            f"{what} failed (exit {done.returncode}):\n{done.stderr.strip() or done.stdout.strip()}"
        )
    return done.stdout


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One builder per environment at a time, across processes (two pytest runs, say)."""
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


__all__ = ["ROOT_ENV", "Sdk", "SdkVenvError", "build_seconds", "sdk_python", "venv_root"]
