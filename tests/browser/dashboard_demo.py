"""Make the dashboard guide's picture of the timeline: ``docs/dashboard-timeline.png``.

    python tests/browser/dashboard_demo.py [OUT.png]

Runs a mock on a virtual clock, drives the same busy session as the screenshot test
(`dashboard_support.populate_demo`), opens the dashboard in Debian's Chromium and saves
the timeline panel. Deterministic but for font rendering: the same tasks, times and
marks every run.
"""

from __future__ import annotations

import sys
from pathlib import Path

from dashboard_support import Driver, dashboard_config, launch_chromium, populate_demo, receiving
from playwright.sync_api import sync_playwright

from vidukit.mock_server import create_app
from vidukit.mock_server.testing import serving

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "docs" / "dashboard-timeline.png"


def make_screenshot(out: Path) -> None:
    with serving(create_app(dashboard_config(seed=7))) as live, receiving(500) as hook:
        driver = Driver(live.url)
        populate_demo(driver, hook.url)
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1200, "height": 800}, device_scale_factor=1)
            page.goto(f"{live.url}/_mock/ui/")
            page.wait_for_selector("#timeline-region a.row")
            out.parent.mkdir(parents=True, exist_ok=True)
            page.locator("section[aria-labelledby=timeline-h]").screenshot(path=str(out))
            browser.close()
        driver.close()


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    make_screenshot(target)
    print(target)
