"""The front page, /incidents and /patterns (issue 27) on the multi-incident fixture, at a desktop and a phone
width: no errors, no axe violations, no sideways scroll; the index reads as cards on a phone and its filters stay in
the URL; the front page's chart draws and its links set incident=; the zoomed-out timeline's incident rows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.browser.harness import (
    axe_violations,
    click_point,
    page_heading,
    screenshot,
    sideways_overflow,
    wait_for_stylesheet,
    wait_idle,
)
from tests.conftest import FIXTURES

WIDTHS = {"desktop": 1440, "phone": 390}
PAGES = [
    ("", "overview", "Azerbaijan–Iran Incident Monitor"),
    ("incidents?year=2023&year=2025", "incidents", "Incidents"),
    ("patterns", "patterns", "How each side answers"),
    ("timeline", "timeline", "Timeline"),
]


@pytest.fixture(scope="module")
def monitor_url(start_app: Callable[[Path | None], str]) -> str:
    return start_app(FIXTURES / "monitor")


@pytest.mark.parametrize("device", WIDTHS)
@pytest.mark.parametrize(("path", "name", "heading"), PAGES, ids=[p[1] for p in PAGES])
def test_monitor_pages(page, monitor_url: str, path: str, name: str, heading: str, device: str) -> None:
    width = WIDTHS[device]
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{monitor_url}/{path}")
    wait_idle(page)
    wait_for_stylesheet(page)
    page.wait_for_timeout(800)
    screenshot(page, f"monitor-{name}-{width}")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page_heading(page) == heading
    assert page.console_errors == [], page.console_errors
    overflow = sideways_overflow(page)
    assert overflow["document"] <= overflow["width"], overflow
    assert overflow["main"] <= overflow["width"], overflow
    violations = axe_violations(page)
    assert violations == [], "\n".join(violations)
    if name == "overview":
        key = "wide" if device == "desktop" else "narrow"
        chart = page.locator(f'.st-key-{key}-overview-years img[src^="data:image/svg+xml"]')
        assert chart.first.is_visible()
        # the image was decoded and drawn at the column's width (a broken SVG has no natural width)
        size = chart.first.evaluate("img => [img.complete, img.naturalWidth, img.getBoundingClientRect().width]")
        assert size[0] and size[1] > 0 and size[2] > 0.8 * min(width, 1100) - 120, size
        links = page.locator('.st-key-overview-lead-links a[href*="incident=mx-airspace-2025"]')
        assert links.count() == 3  # its claims, timeline and map
    if name == "timeline":
        key = "wide" if device == "desktop" else "narrow"
        points = page.locator(f".st-key-{key}-timeline-incidents .scatterlayer path.point")
        assert points.count() == 5  # 2019–2025: one row per incident
    if name == "incidents":
        cards = page.locator('[class*="st-key-narrow-incidents-cards"]')
        table = page.locator('[class*="st-key-wide-incidents-table"]')
        shown, hidden = (cards, table) if device == "phone" else (table, cards)
        assert shown.is_visible() and not hidden.is_visible()
        if device == "phone":
            # Two incidents in 2023 and 2025 with statements, plus the 2025 airspace one: three cards.
            assert page.get_by_role("button", name="Open this incident").count() == 3


def test_clicking_an_incident_on_the_zoomed_out_timeline_opens_its_records(page, monitor_url: str) -> None:
    import re

    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{monitor_url}/timeline")
    wait_idle(page)
    page.wait_for_selector(".st-key-wide-timeline-incidents .scatterlayer path.point", timeout=20_000)
    narrowed = re.compile(r"[?&]from=\d{4}-\d\d-\d\d.*[&]to=\d{4}-\d\d-\d\d")
    hovered = click_point(page, ".st-key-wide-timeline-incidents .scatterlayer path.point", narrowed)
    wait_idle(page)
    # What opened is what the reader pointed at: the first point is the oldest incident's (the top row; its kind's
    # trace is drawn first), and the hover label under the click named it.
    assert "incident=mx-drone-2019" in page.url, (page.url, hovered)
    assert hovered.startswith("Strelsau drone strike"), hovered
    page.wait_for_selector(".st-key-wide-timeline-chart .scatterlayer path.point", timeout=20_000)
    screenshot(page, "monitor-timeline-clicked-1440")
    assert page.console_errors == [], page.console_errors
