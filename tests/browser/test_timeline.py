"""The timeline in Debian's chromium: every filtered record is a drawn point, and a click selects into the URL."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from incidents.load.pipeline import load_dataset
from incidents.views.filtering import FilterValue, apply_filter
from tests.browser.harness import click_point, screenshot, sideways_overflow, wait_for_stylesheet, wait_idle
from tests.conftest import DATA, FIXTURES

pytestmark = pytest.mark.browser

# The page draws the chart twice, for a wide screen and for a phone (the stylesheet shows one): tests name which.
CHART = '.st-key-wide-timeline-chart [data-testid="stPlotlyChart"]'
PHONE_CHART = '.st-key-narrow-timeline-chart [data-testid="stPlotlyChart"]'
# Record markers are the only traces with customdata; count their drawn SVG points.
COUNT_POINTS = """() => [...document.querySelectorAll('.st-key-wide-timeline-chart .scatterlayer g.trace')]
  .filter(g => g.__data__ && g.__data__[0] && g.__data__[0].trace.customdata)
  .reduce((n, g) => n + g.querySelectorAll('path.point').length, 0)"""

# March 2026 alone: fewer records than the timeline bins above.
MARCH_FROM, MARCH_TO = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
MARCH = "from=2026-03-01&to=2026-03-31"


def expected_count(value: FilterValue, data_dir: Path = DATA) -> int:
    dataset = load_dataset(data_dir)
    return apply_filter(dataset, value).record_count


def open_timeline(page, url: str) -> None:
    page.goto(url)
    wait_idle(page)
    page.wait_for_selector(f"{CHART} .scatterlayer path.point", timeout=20_000)
    page.wait_for_timeout(500)


@pytest.mark.parametrize(
    ("query", "value"),
    # detail=records on March 2026: the shipped record runs 2001–2026, which the timeline shows as incidents unless
    # asked, and its whole 392 records are over the bin threshold.
    [
        (f"?detail=records&{MARCH}", FilterValue(date_from=MARCH_FROM, date_to=MARCH_TO)),
        (f"?detail=records&{MARCH}&actor=irn", FilterValue(date_from=MARCH_FROM, date_to=MARCH_TO, actors=("irn",))),
    ],
    ids=["all", "iran"],
)
def test_drawn_points_equal_filtered_records(page, app_url: str, query: str, value: FilterValue) -> None:
    open_timeline(page, f"{app_url}/timeline{query}")
    expected = expected_count(value)
    assert expected > 0
    assert page.evaluate(COUNT_POINTS) == expected
    caption = page.get_by_text(re.compile(r"^\d+ records · filter")).inner_text()
    assert caption.startswith(f"{expected} records")
    if "actor" not in query:
        shot = screenshot(page, "timeline")
        assert shot.stat().st_size > 20_000
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.console_errors == [], page.console_errors
    assert page.outside_requests == [], page.outside_requests


def test_clicking_a_point_sets_the_incident_in_the_url(page, app_url: str) -> None:
    open_timeline(page, f"{app_url}/timeline?detail=records&{MARCH}")
    assert "incident=" not in page.url
    click_point(page, f"{CHART} .scatterlayer path.point", re.compile(r"[?&]incident=[a-z0-9-]+"))
    wait_idle(page)
    assert re.search(r"[?&]rec=[a-z0-9-]+", page.url)
    incident = re.search(r"[?&]incident=([a-z0-9-]+)", page.url).group(1)
    assert incident in load_dataset(DATA).incidents
    assert page.get_by_text(re.compile(r"^1 record\(s\) selected")).count() == 1
    assert page.console_errors == [], page.console_errors


# The y axis's drawn labels, top to bottom (plotly renders escaped text as plain characters).
TICK_TEXTS = """() => [...document.querySelectorAll('.st-key-wide-timeline-chart .yaxislayer-above .ytick text')]
  .map(t => [t.getBoundingClientRect().top, t.textContent]).sort((a, b) => a[0] - b[0]).map(a => a[1])"""
# Horizontal centres of the record markers, and the plot area's left and right edges.
MARKER_SPREAD = """() => {
  const area = document.querySelector('.st-key-wide-timeline-chart .nsewdrag').getBoundingClientRect();
  const xs = [...document.querySelectorAll('.st-key-wide-timeline-chart .scatterlayer g.trace')]
    .filter(g => g.__data__ && g.__data__[0] && g.__data__[0].trace.customdata)
    .flatMap(g => [...g.querySelectorAll('path.point')])
    .map(p => { const b = p.getBoundingClientRect(); return b.left + b.width / 2; });
  return {left: area.left, right: area.right, xs};
}"""


def test_rows_are_named_and_markers_stay_in_the_date_window(page, start_app: Callable[[Path | None], str]) -> None:
    """Few records: every row shows its record's label under its lane's name; with a date window ending on the
    undated records' latest date, every marker (the undated ones too) is drawn inside the plot. On the timeline
    fixture: the curated record has more records than the row-label limit."""
    import html

    from components.timeline import build_timeline_figure

    value = FilterValue(date_from=dt.date(2026, 3, 5), date_to=dt.date(2026, 3, 6))
    data_dir = FIXTURES / "timeline"
    dataset = load_dataset(data_dir)
    app_url = start_app(data_dir)
    figure = build_timeline_figure(dataset, apply_filter(dataset, value), value)
    assert figure.layout.meta["row_labels"], "the fixture has outgrown the row-label limit"
    ticks = sorted(zip(figure.layout.yaxis.tickvals, figure.layout.yaxis.ticktext, strict=True))
    expected = [html.unescape(re.sub(r"<[^>]+>", "", text)) for _, text in ticks]
    assert any("·" in label for label in expected)  # a statement row: "speaker · kind"

    open_timeline(page, f"{app_url}/timeline?from=2026-03-05&to=2026-03-06")
    assert page.evaluate(TICK_TEXTS) == expected
    spread = page.evaluate(MARKER_SPREAD)
    assert len(spread["xs"]) == expected_count(value, data_dir)
    assert all(spread["left"] < x < spread["right"] for x in spread["xs"]), spread
    screenshot(page, "timeline-dates")
    assert page.console_errors == [], page.console_errors


# The phone chart's plot area and its two keys (colour, shape), as drawn.
PHONE_BOXES = """(chart) => {
  const root = document.querySelector(chart);
  const box = e => { const b = e.getBoundingClientRect(); return {left: b.left, right: b.right, top: b.top,
    bottom: b.bottom}; };
  return {plot: box(root.querySelector('.nsewdrag')),
    legends: [...root.querySelectorAll('g.legend, g.legend2')].map(box),
    ticks: root.querySelectorAll('.yaxislayer-above .ytick text').length};
}"""


def test_phone_chart_keeps_the_width_and_puts_the_keys_below(browser, app_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(f"{app_url}/timeline?detail=records&{MARCH}")
        wait_idle(page)
        wait_for_stylesheet(page)
        page.wait_for_selector(f"{PHONE_CHART} .scatterlayer path.point", timeout=20_000)
        page.wait_for_timeout(500)
        assert not page.locator(CHART).is_visible()
        boxes = page.evaluate(PHONE_BOXES, PHONE_CHART)
        plot, legends = boxes["plot"], boxes["legends"]
        assert plot["right"] - plot["left"] >= 0.85 * 390, plot  # the time axis has most of the width
        assert boxes["ticks"] == 0, "no row labels on a phone"
        assert len(legends) == 2
        assert all(legend["top"] >= plot["bottom"] for legend in legends), (plot, legends)
        upper, lower = sorted(legends, key=lambda b: b["top"])
        assert upper["bottom"] <= lower["top"] + 1, "the two keys overlap"
        assert sideways_overflow(page)["wide"] == []
        screenshot(page, "timeline-phone")
        # Tapping a marker selects its record, as a click does on a desktop.
        point = page.locator(f"{PHONE_CHART} .scatterlayer path.point").first
        point.scroll_into_view_if_needed()
        box = point.bounding_box()
        assert box is not None
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        # Two taps: the first brings up the marker's hover, the second selects it (one tap alone did not select
        # in headless chromium); the table's rows are the other route on a phone.
        page.touchscreen.tap(x, y)
        page.wait_for_timeout(500)
        page.touchscreen.tap(x, y)
        page.wait_for_url(re.compile(r"[?&]rec=[a-z0-9-]+"), timeout=15_000)
    finally:
        context.close()
