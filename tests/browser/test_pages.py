"""Every page loads in Debian's chromium with no console errors and no request leaving 127.0.0.1."""

from __future__ import annotations

import pytest

from tests.browser.harness import screenshot, wait_idle

PAGES = [
    ("", "overview", "Overview"),
    ("timeline", "timeline", "Timeline"),
    ("map", "map", "Map"),
    ("claims", "claims", "Claims"),
    ("sources", "sources", "Sources"),
    ("about", "about", "About"),
]


@pytest.mark.parametrize(("path", "name", "heading"), PAGES, ids=[p[1] for p in PAGES])
def test_page_loads_cleanly(page, app_url: str, path: str, name: str, heading: str) -> None:
    page.goto(f"{app_url}/{path}")
    wait_idle(page)
    if name == "map":
        page.wait_for_selector('[data-testid="stDeckGlJsonChart"] canvas', timeout=20_000)
        page.wait_for_timeout(1500)
    shot = screenshot(page, f"page-{name}")
    assert shot.stat().st_size > 10_000
    assert page.locator('[data-testid="stException"]').count() == 0
    assert (
        page.get_by_role("heading", name=heading).count() >= 1
        or heading in page.title()
        or page.locator("h1").count() >= 1
    )
    assert page.console_errors == [], page.console_errors
    assert page.outside_requests == [], page.outside_requests
