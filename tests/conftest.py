"""Shared setup for the toolkit's own tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from system_requirements import missing

from vidukit.contract_tests.profiles import load_profile

load_profile()

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


def pytest_sessionstart(session: pytest.Session) -> None:
    """Stop before collecting anything when a program the suite drives is missing.

    One line per missing program, with how to install it: a machine set up outside Debian
    learns everything it lacks at once instead of from failures deep in a long run.
    """
    lines = missing()
    if lines:
        pytest.exit("the test suite needs programs that are not installed "
                    "(README.md, Set up):\n" + "\n".join(lines),
                    returncode=pytest.ExitCode.USAGE_ERROR)
