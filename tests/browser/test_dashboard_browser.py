"""The dashboard in a real browser: Debian's Chromium, driven by Playwright, against a live
mock on a virtual clock, while a client (httpx) moves tasks through their lifecycle.

Every assertion is about what the page shows, reached without reloading it.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest
from dashboard_support import (
    CAT,
    Driver,
    dashboard_config,
    launch_chromium,
    populate_demo,
    receiving,
)
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from vidukit.mock_server import create_app
from vidukit.mock_server.testing import LiveServer, serving

pytestmark = pytest.mark.slow  # a real browser: about 20 s for the module

STEP_MS = 5_000  # how long the page may take to show a change (it polls every 0.5 s)


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = launch_chromium(playwright)
    yield browser
    browser.close()


@pytest.fixture
def live() -> Iterator[LiveServer]:
    with serving(create_app(dashboard_config())) as server:
        yield server


@pytest.fixture
def driver(live: LiveServer) -> Iterator[Driver]:
    client = Driver(live.url)
    yield client
    client.close()


@pytest.fixture
def page(browser: Browser, live: LiveServer) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live.url)
    page = context.new_page()
    page.set_default_timeout(STEP_MS)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"the page raised: {errors}"


def open_dashboard(page: Page, live: LiveServer, view: str = "#/") -> None:
    page.goto(f"{live.url}/_mock/ui/{view}")
    expect(page.locator("#live")).to_contain_text("Live")
    page.evaluate("window.__sameDocument = true")  # gone if the page ever reloads


def still_same_document(page: Page) -> bool:
    return bool(page.evaluate("window.__sameDocument === true"))


def task_row(page: Page, task_id: str):  # -> Locator
    return page.locator(f'#tasks-region tr[data-task-id="{task_id}"]')


def test_a_task_appears_and_moves_on_live(page: Page, live: LiveServer, driver: Driver) -> None:
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(re.sub(r"^(\w+://[^/]+).*$", r"\1", request.url)))
    open_dashboard(page, live)
    expect(page.locator("#tasks-region")).to_contain_text("No tasks yet")

    task_id = driver.wavespeed(**{"X-Mock-Progression": "time=2,4"})
    row = task_row(page, task_id)
    expect(row.locator(".state")).to_have_text(re.compile(r"queued"))
    expect(row).to_contain_text("created")  # WaveSpeed's own word for queued

    driver.advance(3)
    expect(row.locator(".state")).to_have_text(re.compile(r"processing"))
    driver.poll("wavespeed", task_id)
    expect(row.locator("td").nth(6)).to_have_text("1")  # the poll is counted

    driver.advance(4)
    expect(row.locator(".state")).to_have_text(re.compile(r"succeeded"))
    bar = page.locator(f'#timeline-region a.row[href="#/task/{task_id}"]')
    expect(bar).to_have_attribute("data-state", "succeeded")
    expect(bar.locator("rect.seg-processing")).to_have_count(1)
    expect(bar.locator("path.poll")).to_have_count(1)
    assert still_same_document(page)
    assert hosts == {live.url}, f"the page reached beyond the mock: {sorted(hosts)}"


def test_the_clock_button_moves_a_task_on(page: Page, live: LiveServer, driver: Driver) -> None:
    task_id = driver.wavespeed(**{"X-Mock-Progression": "time=1,3"})
    open_dashboard(page, live)
    row = task_row(page, task_id)
    expect(row.locator(".state")).to_have_text(re.compile(r"queued"))

    page.get_by_role("button", name="Advance the clock by 5 seconds").click()
    expect(row.locator(".state")).to_have_text(re.compile(r"succeeded"))
    expect(page.locator("#clock-now")).to_contain_text("00:00:05.000")
    assert driver.task_state(task_id) == "succeeded"
    assert still_same_document(page)


def test_keyboard_reaches_the_clock_and_enter_advances_it(
    page: Page, live: LiveServer, driver: Driver
) -> None:
    task_id = driver.wavespeed(**{"X-Mock-Progression": "time=0.5,0.5"})
    open_dashboard(page, live)
    expect(task_row(page, task_id).locator(".state")).to_have_text(re.compile(r"queued"))

    order = []
    for _ in range(15):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const el = document.activeElement;"
            " return {text: el.textContent.trim(), advance: el.dataset.advance || null,"
            " outline: getComputedStyle(el).outlineStyle,"
            " width: parseFloat(getComputedStyle(el).outlineWidth)}; }"
        )
        order.append(focused["text"])
        if focused["advance"] == "1":
            break
    else:
        pytest.fail(f"Tab never reached the clock's +1 s button; focus went: {order}")
    assert order[:3] == ["Skip to content", "Tasks & timeline", "Journal"], order
    assert focused["outline"] != "none" and focused["width"] >= 2, "focus is not visible"

    page.keyboard.press("Enter")
    expect(page.locator("#clock-now")).to_contain_text("00:00:01.000")
    expect(task_row(page, task_id).locator(".state")).to_have_text(re.compile(r"succeeded"))
    # Focus stays where the keyboard user left it, through the live re-render.
    assert page.evaluate("document.activeElement.dataset.advance") == "1"


def test_an_invalid_request_is_highlighted_at_its_fields(
    page: Page, live: LiveServer, driver: Driver
) -> None:
    answer = driver.wavespeed_raw({"images": [], "duration": 9, "webhook_url": "x"})
    assert answer.status_code == 400
    open_dashboard(page, live, "#/journal")
    entry = page.locator("article.entry.verdict-invalid")
    expect(entry).to_have_count(1)
    expect(entry.locator(".badge.verdict-invalid")).to_contain_text("invalid (4 errors)")

    duration = entry.locator('.ln[data-pointer="/duration"] mark.issue.error')
    expect(duration).to_contain_text('"duration": 9')
    expect(entry.locator('.ln[data-pointer="/duration"] .j-note')).to_contain_text(
        "error duration.maximum"
    )
    expect(entry.locator('.ln[data-pointer="/images"] mark.issue')).to_contain_text('"images"')
    expect(entry.locator('.ln[data-pointer="/webhook_url"] mark.issue')).to_contain_text(
        '"webhook_url"'
    )
    missing = entry.locator(".ln.has-issue", has_text="(missing)")
    expect(missing).to_contain_text('"prompt"')
    expect(missing).to_contain_text("prompt.required")
    # Nothing valid is marked.
    expect(entry.locator(".ln.has-issue")).to_have_count(4)


def test_a_task_page_shows_its_request_polls_and_webhooks(
    page: Page, live: LiveServer, driver: Driver
) -> None:
    with receiving(500) as hook:
        body = {**CAT, "seed": 0}
        task_id = driver.wavespeed(
            body, webhook=hook.url, **{"X-Mock-Progression": "time=1,1"}
        )
        driver.poll("wavespeed", task_id)
        driver.advance(3)  # ends at 2 s: the callback fails once
        driver.poll("wavespeed", task_id)
        open_dashboard(page, live, f"#/task/{task_id}")
        expect(page.locator("#task-h")).to_contain_text("succeeded")
        warning = page.locator('.json .ln[data-pointer="/seed"] mark.issue.warning')
        expect(warning).to_contain_text('"seed": 0')
        expect(page.locator("#req-h")).to_contain_text("valid (1 warning)")
        kinds = page.locator("ol.exchanges .kind")
        expect(kinds).to_have_text(["submit", "poll 1", "poll 2"])
        expect(page.locator("#hooks-h")).to_contain_text("Webhooks (1)")
        expect(page.locator(".delivery tbody tr")).to_have_count(1)
        expect(page.locator(".delivery")).to_contain_text("✗ failed")

        driver.advance(6)  # the retry, 5 s later, is delivered: the page shows it live
        expect(page.locator(".delivery tbody tr")).to_have_count(2)
        expect(page.locator(".delivery tbody tr").nth(1)).to_contain_text("✓ delivered")
        timeline = page.locator("#task-timeline")
        expect(timeline.locator("path.hook-failed")).to_have_count(1)
        expect(timeline.locator("path.hook-ok")).to_have_count(1)
        assert hook.count == 2
    assert still_same_document(page)


def test_force_an_outcome_then_reset_from_the_page(
    page: Page, live: LiveServer, driver: Driver
) -> None:
    task_id = driver.wavespeed(**{"X-Mock-Progression": "polls=5"})
    open_dashboard(page, live, f"#/task/{task_id}")
    expect(page.locator("#task-h")).to_contain_text("queued")
    page.locator("#force-code").select_option("1200")
    page.get_by_role("button", name="✗ Fail now").click()
    expect(page.locator("#task-h")).to_contain_text("failed")
    assert driver.http.get(f"/_mock/tasks/{task_id}").json()["outcome"] == "fail:1200"

    page.get_by_role("link", name="Tasks & timeline").click()
    expect(task_row(page, task_id)).to_contain_text("fail:1200")
    reset = page.locator("#reset")
    reset.click()
    expect(reset).to_have_text("Confirm reset")
    reset.click()
    expect(page.locator("#tasks-region")).to_contain_text("No tasks yet")
    assert driver.http.get("/_mock/tasks").json()["count"] == 0


def test_set_a_scenario_from_the_page(page: Page, live: LiveServer, driver: Driver) -> None:
    open_dashboard(page, live)
    page.locator("#sc-name").select_option("fail-timeout")
    page.locator("#sc-provider").select_option("wavespeed")
    page.locator("#sc-count").fill("2")
    page.get_by_role("button", name="Set scenario").click()
    expect(page.locator("#sc-pending")).to_contain_text("fail-timeout for the next 2 tasks")
    pending = driver.http.get("/_mock/scenarios").json()["pending"]
    assert [(p["scenario"], p["remaining"], p["provider"]) for p in pending] == [
        ("fail-timeout", 2, "wavespeed")
    ]
    task_id = driver.wavespeed(**{"X-Mock-Progression": "immediate"})
    row = task_row(page, task_id)
    expect(row).to_contain_text("fail-timeout")
    expect(row.locator(".state")).to_have_text(re.compile("failed"))


def test_copy_as_curl_names_a_variable_not_the_key(
    page: Page, live: LiveServer, driver: Driver
) -> None:
    task_id = driver.wavespeed(**{"X-Mock-Progression": "time=1,1"})
    open_dashboard(page, live, "#/journal")
    page.get_by_role("button", name="Copy request 1 as curl").click()
    expect(page.locator("#control-status")).to_contain_text("Copied request #1 as curl")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "sk-dashboard-test-key" not in copied and "REDACTED" not in copied
    assert '"${VIDUKIT_API_KEY}"' in copied
    assert f"{live.url}/wavespeed/api/v3/vidu/reference-to-video-q2" in copied
    assert '"a cat turns its head"' in copied
    assert task_id  # the submit that was copied created this task


def test_colour_is_never_the_only_signal(page: Page, live: LiveServer, driver: Driver) -> None:
    ok = driver.wavespeed(**{"X-Mock-Progression": "immediate"})
    bad = driver.wavespeed(
        {**CAT, "prompt": "a dog"}, **{"X-Mock-Progression": "immediate", "X-Mock-Outcome": "fail"}
    )
    waiting = driver.wavespeed({**CAT, "prompt": "a bird"}, **{"X-Mock-Progression": "time=5,5"})
    open_dashboard(page, live)
    expected = {ok: "succeeded", bad: "failed", waiting: "queued"}
    for task_id, state in expected.items():
        expect(task_row(page, task_id).locator(".state")).to_contain_text(state)
        bar = page.locator(f'#timeline-region a.row[href="#/task/{task_id}"]')
        expect(bar).to_have_attribute("aria-label", re.compile(rf": {state}\b"))
        expect(bar.locator("text.row-state")).to_contain_text(state)
    legend = page.locator("#main .legend").first
    for state in ("queued", "processing", "succeeded", "failed"):
        expect(legend).to_contain_text(state)
    # Patterns, not flat colours, tell queued and processing apart in the bars.
    fills = page.eval_on_selector_all(
        "#timeline-region rect.seg", "els => els.map(e => e.getAttribute('fill'))"
    )
    assert set(fills) >= {"url(#tl-queued)", "url(#tl-succeeded)", "url(#tl-failed)"}
    text_table = page.locator("#timeline-text table")
    expect(text_table).to_contain_text("still queued")


def test_the_admin_token_guards_the_dashboard(browser: Browser) -> None:
    config = dashboard_config(admin_token="t0ken-for-the-ui")
    with serving(create_app(config)) as live:
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(STEP_MS)
        answer = page.goto(f"{live.url}/_mock/ui/")
        assert answer is not None and answer.status == 401
        data = page.request.get(f"{live.url}/_mock/ui/api/snapshot")
        assert data.status == 401
        page.fill("#token", "wrong")
        page.click("button[type=submit]")
        expect(page.locator(".login-error")).to_contain_text("not the admin token")
        page.fill("#token", "t0ken-for-the-ui")
        page.click("button[type=submit]")
        expect(page.locator("#live")).to_contain_text("Live")
        # The controls reach the admin API with the token the sign-in stored.
        page.get_by_role("button", name="Advance the clock by 30 seconds").click()
        expect(page.locator("#clock-now")).to_contain_text("00:00:30.000")
        context.close()


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_timeline_screenshot(
    page: Page, live: LiveServer, driver: Driver, tmp_path: Path
) -> None:
    """The guide's picture, made the same way (``python tests/browser/dashboard_demo.py``)."""
    with receiving(500) as hook:
        ids = populate_demo(driver, hook.url)
        open_dashboard(page, live)
        rows = page.locator("#timeline-region a.row")
        expect(rows).to_have_count(len(ids))
        shot = tmp_path / "timeline.png"
        page.locator("section[aria-labelledby=timeline-h]").screenshot(path=str(shot))
    width, height = _png_size(shot)
    assert width > 600 and height > 30 * len(ids)
    rows_js = "rows => rows.map(r => r.dataset.state)"
    states = set(page.eval_on_selector_all("#timeline-region a.row", rows_js))
    assert {"succeeded", "failed", "processing"} <= states
