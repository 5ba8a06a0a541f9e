"""Shared setup for the toolkit's own tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from vidukit.contract_tests.profiles import load_profile

load_profile()

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO
