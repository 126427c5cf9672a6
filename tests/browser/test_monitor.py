"""/incidents and /patterns (issue 27) on the multi-incident fixture, at a desktop and a phone width: no errors, no
axe violations, no sideways scroll; the index reads as cards on a phone and its filters stay in the URL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.browser.harness import (
    axe_violations,
    page_heading,
    screenshot,
    sideways_overflow,
    wait_for_stylesheet,
    wait_idle,
)
from tests.conftest import FIXTURES

WIDTHS = {"desktop": 1440, "phone": 390}
PAGES = [("incidents?year=2023&year=2025", "incidents", "Incidents"), ("patterns", "patterns", "How each side answers")]


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
    if name == "incidents":
        cards = page.locator('[class*="st-key-narrow-incidents-cards"]')
        table = page.locator('[class*="st-key-wide-incidents-table"]')
        shown, hidden = (cards, table) if device == "phone" else (table, cards)
        assert shown.is_visible() and not hidden.is_visible()
        if device == "phone":
            # Two incidents in 2023 and 2025 with statements, plus the 2025 airspace one: three cards.
            assert page.get_by_role("button", name="Open this incident").count() == 3
