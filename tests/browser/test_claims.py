"""The claims panel in a real browser: both parties' columns, untrusted text shown as text, narrow screens."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.browser.harness import IDLE, screenshot, sideways_overflow, wait_for_css, wait_for_stylesheet
from tests.conftest import FIXTURES

pytestmark = pytest.mark.browser

NAKHCHIVAN = "nakhchivan-2026-03-05"
# The layout tests run on the claims fixture's two-party incident (a table of one column per party); the shipped
# data, with eleven parties, is drawn as a grid per row (test_many_parties_...).
FX = "fx-nakhchivan"
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def xss_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The claims fixture, with a curator's paste of HTML in a quote, a proposition and a discrepancy title."""
    root = tmp_path_factory.mktemp("claims-xss") / "data"
    shutil.copytree(FIXTURES / "claims", root)
    path = root / "incidents" / "fixture-nakhchivan.yaml"
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    records["statements"][0]["quote"] = f"Drones hit us {XSS} today"
    records["propositions"][1]["text"] = f"Four people were injured {XSS}"
    records["discrepancies"][0]["title"] = f"Weekday {XSS}"
    path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root


def settle(page) -> None:
    """wait_idle without the sidebar check: on a narrow screen the sidebar starts collapsed."""
    wait_for_css(page, IDLE)
    page.wait_for_timeout(300)
    wait_for_css(page, IDLE)


def open_claims(page, base_url: str, query: str) -> None:
    page.goto(f"{base_url}/claims?{query}")
    page.wait_for_selector(".st-key-claims-established", timeout=30_000)
    settle(page)
    wait_for_stylesheet(page)


@pytest.fixture(scope="module")
def fixture_url(start_app: Callable[[Path | None], str]) -> str:
    return start_app(FIXTURES / "claims")


def test_panel_renders_both_parties_columns(page, fixture_url: str) -> None:
    open_claims(page, fixture_url, f"incident={FX}")
    main = page.locator('[data-testid="stMain"]')
    assert main.get_by_role("heading", name="Who claims what").count() == 1
    # The at-a-glance table has one column per party, the accuser first.
    headers = [h.strip() for h in main.locator("table th").all_inner_texts()]
    assert headers == ["#", "Proposition", "Azerbaijan", "Iran"]
    row = page.locator(".st-key-claims-row-fx-iran-launched")
    columns = row.locator('[data-testid="stColumn"]')
    assert columns.count() == 3
    azerbaijan, iran = columns.nth(1).inner_text(), columns.nth(2).inner_text()
    assert azerbaijan.startswith("Azerbaijan") and "asserts" in azerbaijan
    assert iran.startswith("Iran") and "denies" in iran
    # Each statement links to the timeline and the map with the incident and the record selected.
    link = row.locator('a[href*="timeline"][href*="rec=fx-irn-denial"]')
    link.first.wait_for(state="attached", timeout=10_000)  # page links can land a moment after the app is idle
    assert link.count() == 1
    assert f"incident={FX}" in link.get_attribute("href")
    screenshot(page, "claims")
    assert page.console_errors == []
    assert page.outside_requests == []


def test_html_in_records_is_shown_as_text_and_never_runs(
    page, start_app: Callable[[Path | None], str], xss_data: Path
) -> None:
    base_url = start_app(xss_data)
    open_claims(page, base_url, "incident=fx-nakhchivan")
    page.locator('[data-testid="stExpander"] summary', has_text="Discrepancies recorded").click()
    page.wait_for_timeout(1500)  # time for an onerror handler to fire, were the tag ever rendered
    main = page.locator('[data-testid="stMain"]')
    text = main.inner_text()
    assert f"Drones hit us {XSS} today" in text  # the quote, literally
    assert f"Four people were injured {XSS}" in text  # the proposition, in the glance table and its row
    assert f"Weekday {XSS}" in text  # the discrepancy title
    assert page.locator('img[src="x"]').count() == 0
    assert page.dialogs == []
    screenshot(page, "claims-xss")
    assert page.console_errors == []


def test_phone_shows_one_card_per_proposition_and_every_stance(page, fixture_url: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    open_claims(page, fixture_url, f"incident={FX}")
    # The stylesheet hides the wide table and shows the cards; nothing runs past the screen's edge.
    assert not page.locator(".st-key-wide-claims-glance").is_visible()
    cards = page.locator(".st-key-narrow-claims-glance")
    assert cards.is_visible()
    first = cards.locator('[data-testid="stVerticalBlock"]').filter(has_text="Iran launched the drones").last
    text = first.inner_text()
    assert "contested" in text and "not established" in text
    parties = [line for line in text.splitlines() if line.startswith(("Azerbaijan", "Iran"))]
    assert [line.split()[0] for line in parties] == ["Azerbaijan", "Iran"], text  # stacked, in the table's order
    assert "asserts" in parties[0] and "denies" in parties[1]
    for party, stance in (("Azerbaijan", first.get_by_text("✔ asserts")), ("Iran", first.get_by_text("✖ denies"))):
        box = stance.first.bounding_box()
        assert box and box["x"] + box["width"] <= 390, f"{party}'s stance is off the screen"
    assert sideways_overflow(page)["wide"] == []
    # Detailed rows: the columns stack, and each stacked cell still names its party.
    row = page.locator(".st-key-claims-row-fx-iran-launched")
    columns = row.locator('[data-testid="stColumn"]')
    azerbaijan, iran = columns.nth(1).bounding_box(), columns.nth(2).bounding_box()
    assert azerbaijan and iran
    assert iran["y"] >= azerbaijan["y"] + azerbaijan["height"] - 1, "columns stack on a narrow screen"
    assert columns.nth(2).inner_text().startswith("Iran")
    screenshot(page, "claims-phone")
    assert page.console_errors == []


def test_wide_screen_shows_the_table_and_a_chosen_layout_wins(page, fixture_url: str) -> None:
    open_claims(page, fixture_url, f"incident={FX}")
    assert page.locator(".st-key-wide-claims-glance table").is_visible()
    assert not page.locator(".st-key-narrow-claims-glance").is_visible()
    # Cards chosen in the control: one card per proposition, parties stacked, no columns; the link says so.
    page.locator(".st-key-layout").get_by_text("cards", exact=True).click()
    page.wait_for_timeout(200)
    settle(page)
    assert "layout=cards" in page.url
    assert page.locator(".st-key-claims-glance-cards").is_visible()
    # No matrix table (the figures' data grid is a table of its own, kept in every layout).
    assert page.locator('[data-testid="stMain"] [data-testid="stMarkdownContainer"] table').count() == 0
    row = page.locator(".st-key-claims-row-fx-iran-launched")
    assert row.locator('[data-testid="stColumn"]').count() == 0
    lines = row.inner_text().splitlines()
    heads = [i for i, line in enumerate(lines) if line.startswith(("Azerbaijan ✔", "Iran ✖"))]
    assert [lines[i].split()[0] for i in heads] == ["Azerbaijan", "Iran"]  # one card, parties stacked in order
    assert page.console_errors == []


def test_a_table_chosen_on_a_phone_scrolls_in_its_own_frame(page, fixture_url: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    open_claims(page, fixture_url, f"incident={FX}&layout=table")
    frame = page.locator(".st-key-scroll-x-claims-glance")
    assert frame.locator("table").is_visible()
    assert frame.evaluate("e => e.scrollWidth > e.clientWidth"), "the table is wider than the phone"
    overflow = sideways_overflow(page)
    assert overflow["document"] <= 390 and overflow["main"] <= 390 and overflow["wide"] == [], overflow


def test_many_parties_are_a_grid_per_row_on_the_shipped_data(page, app_url: str) -> None:
    open_claims(page, app_url, f"incident={NAKHCHIVAN}")
    row = page.locator(".st-key-claims-row-iran-launched")
    text = row.inner_text()
    # The parties that spoke sit beside the proposition, the silent ones are named in one line.
    for party in ("Azerbaijan", "Iran", "EU", "United States"):
        assert party in text
    assert "No statement on this from:" in text
    columns = row.locator('[data-testid="stColumn"]')
    cells = [columns.nth(i) for i in range(columns.count())]
    parties = [c for c in cells if c.inner_text().startswith(("Azerbaijan", "Iran", "EU", "United States", "Russia"))]
    widths = [box["width"] for box in (c.bounding_box() for c in parties) if box]
    assert len(widths) >= 4 and min(widths) >= 180, f"a party's cell too narrow to read: {widths}"
    screenshot(page, "claims-shipped")
    assert page.console_errors == []


def test_a_folded_cell_draws_its_statements_when_opened(page, app_url: str) -> None:
    open_claims(page, app_url, f"incident={NAKHCHIVAN}")
    fold = page.locator(".st-key-claims-fold-iran-launched-irn")
    assert fold.locator('[data-testid="stPageLink"]').count() == 0, "a closed fold sends nothing"
    fold.locator("summary").click()
    fold.locator('[data-testid="stPageLink"]').first.wait_for(timeout=30_000)  # the rerun drew them
    settle(page)
    assert fold.locator('[data-testid="stPageLink"]').count() >= 10  # five statements, two links each
    assert "Via " in fold.inner_text()
    assert page.console_errors == []
