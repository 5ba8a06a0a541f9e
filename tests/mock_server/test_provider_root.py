"""A provider's base URL (what the start-up banner prints) answers with the truth.

``GET /wavespeed`` used to answer "no provider serves /wavespeed; base paths: /wavespeed
(wavespeed), ...", contradicting itself. These tests run on a real socket, for every
provider the mock registers.
"""

from __future__ import annotations

import re

import httpx
import pytest

from vidukit.mock_server.providers import load_providers
from vidukit.mock_server.testing import LiveServer
from vidukit.validation import is_valid

PROVIDER_IDS = sorted(load_providers())


def _callable(path: str) -> str:
    """A listed path with its parameters filled, as a client would call it."""
    return re.sub(r"\{[^}]+\}", "probe-id", path)


@pytest.mark.parametrize("provider", PROVIDER_IDS)
@pytest.mark.parametrize("slash", ["", "/"])
def test_base_url_lists_routes_that_are_really_served(
        live_server: LiveServer, provider: str, slash: str) -> None:
    with httpx.Client(base_url=live_server.url, timeout=10) as client:
        answer = client.get(f"/{provider}{slash}")
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["provider"] == provider
        assert body["base_url"] == f"{live_server.url}/{provider}"
        assert client.get(body["docs"]).status_code == 200
        http_routes = [r for r in body["routes"] if r["method"] != "WEBSOCKET"]
        assert http_routes, body
        assert any(r["method"] == "POST" for r in http_routes), "a submit route is listed"
        for route in http_routes:
            assert route["path"].startswith(f"/{provider}/"), route
            reply = client.request(route["method"], _callable(route["path"]))
            # Any answer but the catch-all's: the route exists (auth or body errors are fine).
            assert "no route" not in reply.text, (route, reply.text)


@pytest.mark.parametrize("provider", PROVIDER_IDS)
def test_unknown_paths_under_a_provider_keep_its_error_shape(
        live_server: LiveServer, provider: str) -> None:
    with httpx.Client(base_url=live_server.url, timeout=10) as client:
        for method, path in (("GET", f"/{provider}/no/such/route"),
                             ("POST", f"/{provider}"), ("DELETE", f"/{provider}/")):
            reply = client.request(method, path)
            assert reply.status_code in (404, 405), (method, path, reply.text)
            assert is_valid(provider, "error-response", reply.json()), (method, path, reply.text)
            assert "no provider serves" not in reply.text


def test_a_path_no_provider_owns_names_base_paths_that_answer(live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.url, timeout=10) as client:
        reply = client.get("/no-such-provider")
        assert reply.status_code == 404
        listed = re.findall(r"(/[a-z]+) \(([a-z]+)\)", reply.json()["error"])
        assert sorted(pid for _, pid in listed) == PROVIDER_IDS
        for base, pid in listed:
            assert client.get(base).json()["provider"] == pid
