"""``/_mock/docs`` in a real browser with the network off: only 127.0.0.1 is reachable.

The page used to load Swagger UI from a CDN, so without internet (where a mock is most
needed) it stayed blank. Here every request to any host but the mock's is aborted and
recorded; the page must still render the admin API's operations, and must not even try
to reach another host.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from dashboard_support import dashboard_config, launch_chromium
from playwright.sync_api import Page, Route, expect, sync_playwright

from vidukit.mock_server import create_app
from vidukit.mock_server.testing import LiveServer, serving

pytestmark = pytest.mark.slow  # a real browser

LOOPBACK = "127.0.0.1"


@pytest.fixture
def live() -> Iterator[LiveServer]:
    with serving(create_app(dashboard_config())) as server:
        yield server


@pytest.fixture
def offline_page() -> Iterator[tuple[Page, list[str]]]:
    """A page whose every request to a host other than 127.0.0.1 is aborted (and listed)."""
    blocked: list[str] = []

    def gate(route: Route) -> None:
        if urlsplit(route.request.url).hostname == LOOPBACK:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort("internetdisconnected")

    with sync_playwright() as driver:
        browser = launch_chromium(driver)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.route("**/*", gate)
        page = context.new_page()
        page.set_default_timeout(15_000)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        yield page, blocked
        context.close()
        browser.close()
        assert not errors, f"the page raised: {errors}"


def test_swagger_ui_renders_the_admin_api_without_internet(
        live: LiveServer, offline_page: tuple[Page, list[str]]) -> None:
    page, blocked = offline_page
    assert urlsplit(live.url).hostname == LOOPBACK
    page.goto(f"{live.url}/_mock/docs")
    # Operations the admin API documents (its index and the issue name them).
    advance = page.locator(".opblock", has_text="/_mock/clock/advance")
    expect(advance.first).to_be_visible()
    expect(advance.first.locator(".opblock-summary-method")).to_have_text("POST")
    expect(page.locator(".opblock", has_text="/_mock/reset").first).to_be_visible()
    # Every operation of the served document is shown, and none is missing.
    document = httpx.get(f"{live.url}/_mock/openapi.json", timeout=10).json()
    operations = sum(len([m for m in item if m in {"get", "post", "put", "delete", "patch"}])
                     for item in document["paths"].values())
    expect(page.locator(".opblock")).to_have_count(operations)
    assert blocked == [], f"the docs page tried to leave the machine: {blocked}"


def test_the_docs_assets_are_served_by_the_mock(live: LiveServer) -> None:
    page = httpx.get(f"{live.url}/_mock/docs", timeout=10)
    assert page.status_code == 200
    assert "https://" not in page.text and "http://" not in page.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        answer = httpx.get(f"{live.url}/_mock/docs/static/{asset}", timeout=10)
        assert answer.status_code == 200, asset
        assert len(answer.content) > 10_000, asset
