"""A machine without a program the suite drives learns it at once, one line per program."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from system_requirements import REQUIREMENTS, missing

REPO = Path(__file__).resolve().parent.parent
#: The programs README.md's "Set up" lists beyond Python.
DOCUMENTED = ["chromium", "redis-server", "curl", "node", "npm"]


def _bin_without(tmp_path: Path, *hidden: str) -> Path:
    """A PATH directory holding links to every required program except *hidden*."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("redis-server", "curl", "node", "npm", "chromium"):
        found = shutil.which(name)
        if name not in hidden and found:
            (bin_dir / name).symlink_to(found)
    return bin_dir


def test_the_checked_programs_are_the_documented_ones() -> None:
    assert [r.name for r in REQUIREMENTS] == DOCUMENTED
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    set_up = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    for name in DOCUMENTED:
        assert f"`{name}`" in set_up, f"README's Set up does not list {name}"


def test_nothing_is_missing_on_this_machine() -> None:
    """The suite's own machine has everything (.ci/run installs .ci/apt-packages)."""
    assert missing() == []


def test_each_missing_program_is_one_line_with_how_to_install_it(tmp_path: Path) -> None:
    bin_dir = _bin_without(tmp_path, "redis-server", "npm")
    environ = {"PATH": str(bin_dir), "VIDUKIT_CHROMIUM": str(tmp_path / "no-chromium")}
    lines = missing(environ)
    assert [line.split(" ", 2)[1] for line in lines] == ["chromium", "redis-server", "npm"]
    assert all(line.startswith("missing: ") and "\n" not in line for line in lines)
    assert "apt-get install redis-server" in lines[1] and "brew install redis" in lines[1]


def test_chromium_is_found_where_the_browser_tests_look(tmp_path: Path) -> None:
    binary = tmp_path / "Chromium"
    binary.write_text("#!/bin/sh\n", encoding="utf-8")
    assert missing({"PATH": str(_bin_without(tmp_path)), "VIDUKIT_CHROMIUM": str(binary)}) == []


def test_pytest_stops_before_collecting_when_a_program_is_missing(tmp_path: Path) -> None:
    """The real hook, in a real pytest run whose PATH hides redis-server."""
    environ = {**os.environ, "PATH": str(_bin_without(tmp_path, "redis-server"))}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/test_project_layout.py"],
        cwd=REPO, env=environ, capture_output=True, text=True, timeout=120, check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 4, output
    missing_lines = {line.removesuffix(" !") for line in output.splitlines()
                     if line.startswith("missing: ")}
    assert len(missing_lines) == 1, output
    assert next(iter(missing_lines)).startswith("missing: redis-server (")
    assert "collected" not in output and "passed" not in output
