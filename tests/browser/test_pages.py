"""Every page loads in Debian's chromium with no console errors and no request leaving 127.0.0.1."""

from __future__ import annotations

import pytest

from tests.browser.harness import page_heading, screenshot, wait_idle

# (path, name, the page's own st.title): the heading proves the right page rendered, not just some page.
PAGES = [
    ("", "overview", "Azerbaijan–Iran Incident Monitor"),
    ("timeline", "timeline", "Timeline"),
    ("map", "map", "Map"),
    ("claims", "claims", "Who claims what"),
    ("sources", "sources", "Sources"),
    ("about", "about", "About this monitor"),
]


# A desktop and a phone: every page is looked at (and screenshotted) at both.
WIDTHS = {"desktop": 1440, "phone": 390}


@pytest.mark.parametrize("device", WIDTHS)
@pytest.mark.parametrize(("path", "name", "heading"), PAGES, ids=[p[1] for p in PAGES])
def test_page_loads_cleanly(page, app_url: str, path: str, name: str, heading: str, device: str) -> None:
    page.set_viewport_size({"width": WIDTHS[device], "height": 900})
    page.goto(f"{app_url}/{path}")
    wait_idle(page)
    if name == "map":
        page.wait_for_selector('[data-testid="stDeckGlJsonChart"] canvas', timeout=20_000)
        page.wait_for_timeout(1500)
    shot = screenshot(page, f"page-{name}-{WIDTHS[device]}")
    assert shot.stat().st_size > 10_000
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page_heading(page) == heading
    assert page.console_errors == [], page.console_errors
    assert page.outside_requests == [], page.outside_requests
