"""Big data in Debian's chromium (issue 13): the timeline's bars and the map's count circles render, say what they
mean, and a clicked bar brings the records back. Screenshots at 1440 and 390 px go to tests/artifacts/.

SCALE_COPIES (default 40) sets how many copies of the shipped incident the server gets; the issue's 1,000 is
`SCALE_COPIES=1000` (slow: about a minute to load).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.bigdata import write_copies
from tests.browser.harness import screenshot, wait_for_css, wait_idle

pytestmark = pytest.mark.browser

COPIES = int(os.environ.get("SCALE_COPIES", "40"))
BARS = '[data-testid="stPlotlyChart"] .barlayer .point path'
WIDTHS = {"desktop": 1440, "phone": 390}


@pytest.fixture(scope="module")
def big_url(start_app, tmp_path_factory: pytest.TempPathFactory) -> str:
    data_dir: Path = write_copies(tmp_path_factory.mktemp("scale") / "data", COPIES)
    return start_app(data_dir)


def open_page(page, url: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 1000})
    page.goto(url)
    wait_idle(page, timeout=180_000)


@pytest.mark.parametrize("screen", list(WIDTHS))
def test_timeline_bars_say_what_they_count(page, big_url: str, screen: str) -> None:
    open_page(page, f"{big_url}/timeline?detail=records", WIDTHS[screen])
    wait_for_css(page, BARS, timeout=60_000)
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 1  # one figure, whatever the width
    assert page.get_by_text("records per bar").count() >= 1  # the colour key's title
    assert page.get_by_text(re.compile(r"^More than \d+ records in view")).count() == 1
    screenshot(page, f"scale-{COPIES}-timeline-{screen}")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.console_errors == [], page.console_errors
    assert page.outside_requests == [], page.outside_requests


def test_clicking_a_bar_narrows_the_dates_and_brings_records_back(page, big_url: str) -> None:
    open_page(page, f"{big_url}/timeline?detail=records", WIDTHS["desktop"])
    wait_for_css(page, BARS, timeout=60_000)
    bars = page.locator(BARS)
    box = max((bars.nth(i).bounding_box() for i in range(bars.count())), key=lambda b: b["width"] if b else 0)
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.wait_for_timeout(300)
    page.mouse.click(x, y)
    page.wait_for_url(re.compile(r"[?&]from=\d{4}-\d\d-\d\d.*[&]to=\d{4}-\d\d-\d\d"), timeout=30_000)
    wait_idle(page, timeout=120_000)
    # Narrow enough now: one marker per record again (or, if still too many, finer bars).
    wait_for_css(page, '.st-key-wide-timeline-chart .scatterlayer path.point, ' + BARS, timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.console_errors == [], page.console_errors


@pytest.mark.parametrize("screen", list(WIDTHS))
def test_map_circles_count_the_events_at_each_place(page, big_url: str, screen: str) -> None:
    open_page(page, f"{big_url}/map", WIDTHS[screen])
    wait_for_css(page, '[data-testid="stDeckGlJsonChart"] canvas', timeout=60_000)
    page.wait_for_timeout(1500)  # deck.gl draws after the element mounts
    if screen == "phone":  # the legend folds into an expander on a phone: open it for the screenshot
        page.locator(".st-key-narrow-map-legend").get_by_text("Legend", exact=True).click(timeout=60_000)
        wait_idle(page, timeout=60_000)
    assert page.get_by_text(re.compile("circle size and number = number of events at the place")).count() >= 1
    screenshot(page, f"scale-{COPIES}-map-{screen}")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.console_errors == [], page.console_errors
    assert page.outside_requests == [], page.outside_requests


@pytest.mark.parametrize("screen", list(WIDTHS))
def test_shipped_data_still_draws_every_record(page, app_url: str, screen: str) -> None:
    """Below the thresholds nothing is aggregated: per-record markers on the timeline and on the map."""
    open_page(page, f"{app_url}/timeline?detail=records&from=2026-03-01&to=2026-03-31", WIDTHS[screen])
    key = "wide" if screen == "desktop" else "narrow"
    wait_for_css(page, f".st-key-{key}-timeline-chart .scatterlayer path.point", timeout=60_000)
    assert page.locator(BARS).count() == 0
    screenshot(page, f"scale-shipped-timeline-{screen}")
    open_page(page, f"{app_url}/map", WIDTHS[screen])
    wait_for_css(page, '[data-testid="stDeckGlJsonChart"] canvas', timeout=60_000)
    page.wait_for_timeout(1500)
    assert page.get_by_text(re.compile("number of events at the place")).count() == 0
    screenshot(page, f"scale-shipped-map-{screen}")
    assert page.console_errors == [], page.console_errors
