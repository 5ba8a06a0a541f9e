"""Fixtures for the store tests: one real Redis per session, and every store kind in turn."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from redis_launcher import RedisServer, redis_server
from store_support import StoreUnderTest, fresh_store_url

from vidukit.mock_server.storage import TaskStore

#: "memory-cold" keeps one task live: every other one is frozen to a row and thawed on get.
KINDS = ("memory", "memory-cold", "sqlite", "redis")


@pytest.fixture(scope="session")
def redis_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A real redis-server on 127.0.0.1 for the whole session (fails when not installed)."""
    with redis_server(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture(params=KINDS)
def store_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def under_test(
    store_kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[StoreUnderTest]:
    """A fresh store of the kind under test (a new file, a new Redis key prefix)."""
    redis = request.getfixturevalue("redis_live") if store_kind == "redis" else None
    subject = StoreUnderTest(store_kind, fresh_store_url(store_kind, tmp_path, redis))
    try:
        yield subject
    finally:
        subject.close_all()


@pytest.fixture
def store(under_test: StoreUnderTest) -> TaskStore:
    return under_test.open()
