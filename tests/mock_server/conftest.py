"""Fixtures for the mock server's tests: in-process apps and clients, and a live server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
from mock_support import mock_config

from vidukit.mock_server import create_app
from vidukit.mock_server.testing import LiveServer, serving


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def make_client() -> Callable[..., httpx.AsyncClient]:
    """Build an in-process client for a fresh app; ``client.app_state`` is its MockState."""

    def build(**overrides: Any) -> httpx.AsyncClient:
        app = create_app(mock_config(**overrides))
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mock")
        client.app_state = app.state.mock  # type: ignore[attr-defined]
        return client

    return build


@pytest.fixture
async def client(make_client: Callable[..., httpx.AsyncClient]) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client() as c:
        yield c


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    """One real uvicorn server per test module, on 127.0.0.1; `live_server` resets it."""
    with serving(create_app(mock_config())) as server:
        yield server


@pytest.fixture
def live_server(live: LiveServer) -> LiveServer:
    live.state.reset()
    return live
