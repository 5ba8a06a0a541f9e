"""What the test suite needs beyond Python, found before anything runs.

The suite drives real programs, never mocks of them: Chromium for the dashboard's browser
tests, ``redis-server`` for the Redis store, curl for the documented transcripts and the
dashboard's "copy as curl", Node.js and npm for the JavaScript SDK tests. Without this
check a machine missing one of them meets it as a failure deep in a long run; with it,
``pytest`` stops at once with one line per missing program saying how to install it
(README, "Set up"). ``tests/conftest.py`` calls `missing` from ``pytest_sessionstart``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

#: Where Debian's package puts Chromium; the browser tests use it unless VIDUKIT_CHROMIUM says.
DEBIAN_CHROMIUM = "/usr/bin/chromium"


def find_chromium(environ: Mapping[str, str]) -> str | None:
    """The Chromium binary the browser tests will launch, or None when there is none.

    ``VIDUKIT_CHROMIUM`` wins when set (a Homebrew or hand-installed Chromium), then
    Debian's path, then ``chromium`` or ``chromium-browser`` on PATH.
    """
    chosen = environ.get("VIDUKIT_CHROMIUM")
    if chosen:
        return chosen if Path(chosen).is_file() else None
    if Path(DEBIAN_CHROMIUM).is_file():
        return DEBIAN_CHROMIUM
    path = environ.get("PATH", "")
    return shutil.which("chromium", path=path) or shutil.which("chromium-browser", path=path)


def _on_path(name: str) -> Callable[[Mapping[str, str]], str | None]:
    def find(environ: Mapping[str, str]) -> str | None:
        return shutil.which(name, path=environ.get("PATH", ""))
    return find


@dataclass(frozen=True)
class Requirement:
    name: str
    needed_for: str
    install: str
    find: Callable[[Mapping[str, str]], str | None]

    def line(self) -> str:
        return f"missing: {self.name} ({self.needed_for}); install: {self.install}"


REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement(
        "chromium", "the dashboard's browser tests",
        "Debian 'apt-get install chromium fonts-liberation'; macOS 'brew install --cask "
        "chromium' then VIDUKIT_CHROMIUM=/Applications/Chromium.app/Contents/MacOS/Chromium; "
        "elsewhere your distribution's chromium, or VIDUKIT_CHROMIUM=<path to the binary>",
        find_chromium,
    ),
    Requirement(
        "redis-server", "the Redis store's tests",
        "Debian 'apt-get install redis-server'; macOS 'brew install redis'; "
        "Fedora 'dnf install redis'",
        _on_path("redis-server"),
    ),
    Requirement(
        "curl", "the documented curl transcripts and the dashboard's copy-as-curl test",
        "Debian 'apt-get install curl'; macOS ships it; Fedora 'dnf install curl'",
        _on_path("curl"),
    ),
    Requirement(
        "node", "the JavaScript SDK tests",
        "Debian 'apt-get install nodejs npm'; macOS 'brew install node'; "
        "elsewhere https://nodejs.org/ (18 or newer)",
        _on_path("node"),
    ),
    Requirement(
        "npm", "installing the JavaScript SDKs",
        "Debian 'apt-get install npm'; macOS 'brew install node' (npm comes with it)",
        _on_path("npm"),
    ),
)


def missing(environ: Mapping[str, str] | None = None) -> list[str]:
    """One line per required program that cannot be found, in `REQUIREMENTS` order."""
    env = os.environ if environ is None else environ
    return [req.line() for req in REQUIREMENTS if req.find(env) is None]
