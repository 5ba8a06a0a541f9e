"""The HTML reports of ``vidukit verify`` and ``vidukit drift`` in Debian's Chromium (Playwright):
opened from disk, they draw the dashboard's timeline, show the failure, run none of the
payloads' markup, and make no request at all."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dashboard_support import launch_chromium
from html_report_support import DRIFT_PAYLOAD, VERIFY_PAYLOAD, read_page, run_drift, run_verify
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

pytestmark = pytest.mark.slow  # a real browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as driver:
        browser = launch_chromium(driver)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("reports")
    with pytest.MonkeyPatch.context() as patch:
        assert run_verify(folder, patch, "--html", str(folder / "verify.html")) == 1
        assert run_drift(patch, "--html", str(folder / "drift.html")) == 1
    return {"verify": folder / "verify.html", "drift": folder / "drift.html"}


class Opened:
    """A report open in a fresh page, with every request, console error and page error."""

    def __init__(self, page: Page, path: Path) -> None:
        self.page = page
        self.url = path.as_uri()
        self.requests: list[str] = []
        self.problems: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("pageerror", lambda exc: self.problems.append(str(exc)))
        page.on("console", self._console)
        page.goto(self.url)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):  # a CSP violation is reported here
            self.problems.append(message.text)


@pytest.fixture
def open_report(browser: Browser) -> Iterator[Any]:
    contexts = []

    def opener(path: Path) -> Opened:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(5_000)
        return Opened(page, path)

    yield opener
    for context in contexts:
        context.close()


def test_verify_report_draws_the_failing_exchange(open_report: Any,
                                                 reports: dict[str, Path]) -> None:
    [data] = read_page(reports["verify"]).data.values()
    [task] = data["tasks"]
    polls = sum(1 for e in task["exchanges"] if e["kind"] == "poll")
    opened = open_report(reports["verify"])
    page = opened.page

    timeline = page.locator("svg.timeline")
    expect(timeline).to_be_visible()
    row = timeline.locator("g.row")
    expect(row).to_have_count(1)
    expect(row).to_have_attribute("data-state", "succeeded")
    expect(row).to_have_attribute("aria-label", re.compile(
        rf"^wavespeed task {task['id']}: succeeded; .*; {polls} polls?; 0 webhook attempts"))
    expect(row.locator("rect.seg-succeeded")).to_have_count(1)
    expect(row.locator("path.poll")).to_have_count(polls)
    expect(page.locator(".legend").first).to_contain_text("poll")

    broke = page.locator("#broke-request-faithful")
    expect(broke).to_be_visible()
    expect(broke).to_contain_text("request-faithful broke")
    expect(page.locator("tr.broke")).to_contain_text("✗ broke")
    # The payload, shown as text: in the request as sent, and in the check's message.
    expect(page.locator("pre.json", has_text=json.dumps(VERIFY_PAYLOAD)).first).to_be_visible()
    expect(page.locator("ul.messages li")).to_contain_text(f"prompt: sent {VERIFY_PAYLOAD!r}")

    page.locator(".timeline-text summary").click()
    expect(page.locator(".timeline-text table")).to_contain_text(task["id"])

    assert page.evaluate("window.__pwned") is None  # the payload's markup never ran
    assert opened.requests == [opened.url]  # the file itself, nothing else
    assert opened.problems == []


def test_drift_report_draws_the_probed_task_and_its_findings(open_report: Any,
                                                              reports: dict[str, Path]) -> None:
    opened = open_report(reports["drift"])
    page = opened.page

    row = page.locator("svg.timeline g.row")
    expect(row).to_have_count(1)
    expect(row.locator("rect.seg-queued")).to_have_count(1)
    expect(row.locator("rect.seg-processing")).to_have_count(1)
    expect(row.locator("rect.seg-succeeded")).to_have_count(1)
    # Every poll's answer drew a finding (the drifted model): each is drawn as a faulty poll.
    expect(row.locator("path.poll-error")).to_have_count(4)
    expect(row.locator("path.poll-error title").last).to_contain_text("lifecycle-order")

    expect(page.locator("#findings-breaking")).to_be_visible()
    expect(page.locator("#findings table").first).to_contain_text("lifecycle-order")
    expect(page.locator("#findings").get_by_text(DRIFT_PAYLOAD)).to_be_visible()

    closed = page.locator("details:not([open])")
    assert closed.count() > 0
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    expect(closed).to_have_count(0)  # printing shows every exchange
    expect(page.locator("svg.timeline")).to_be_visible()

    assert page.evaluate("window.__pwned") is None
    assert opened.requests == [opened.url]
    assert opened.problems == []
