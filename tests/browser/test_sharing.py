"""Share a view by URL in a real browser: filters survive page switches, the URL follows the widgets, and the
"Copy link to this view" link opens the same view in a fresh browser. Also: a download is built on click."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.harness import screenshot, wait_idle

pytestmark = pytest.mark.browser

ACTOR = "irn-general-staff"  # an Iranian body in the curated data
START = "/timeline?actor=irn-general-staff&from=2026-03-05"


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def path(url: str) -> str:
    return urlsplit(url).path


def settle(page) -> None:
    """Idle, and the sidebar's widgets drawn (their JS loads lazily: skeletons first)."""
    wait_idle(page)
    page.wait_for_selector(".st-key-actor .react-aria-ComboBox", timeout=30_000)
    page.wait_for_selector("[data-testid='stSidebar'] [data-testid='stSkeleton']", state="detached", timeout=30_000)
    page.wait_for_selector(".st-key-share_link [data-testid='stPopover'] button", timeout=30_000)


def chips(page, key: str) -> list[str]:
    """The options a bound multiselect shows as chosen."""
    tags = page.locator(f".st-key-{key} .react-aria-ComboBox [data-tag]")
    return [tags.nth(i).get_attribute("aria-label") or "" for i in range(tags.count())]


def date_value(page, key: str) -> str:
    """A date input's value as YYYY-MM-DD ('' when empty), from its form input."""
    return page.locator(f".st-key-{key} input[type='date']").input_value()


def share_link(page) -> str:
    """The URL in the sidebar's "Copy link to this view" popover (opened to read it, closed again)."""
    page.locator(".st-key-share_link [data-testid='stPopover'] button").click()
    code = page.locator("[data-testid='stPopoverBody'] [data-testid='stCode'] code")
    code.wait_for(timeout=30_000)
    link = re.sub(r"\s+", "", code.text_content() or "")
    page.keyboard.press("Escape")
    code.wait_for(state="detached", timeout=30_000)
    return link


def record_count(page) -> str:
    """The view's counts, as the sidebar's download block states them on every page."""
    assert page.locator(".st-key-exports").count(), "no download block in the sidebar: app.py must call render_exports"
    caption = page.locator(".st-key-exports [data-testid='stCaptionContainer']").first
    text = caption.inner_text()
    match = re.search(r"\d+ incidents, \d+ events, \d+ statements, \d+ places", text)
    assert match, f"no record count in {text!r}"
    return match.group(0)


def go_to(page, name: str) -> None:
    page.locator(f"[data-testid='stSidebarNav'] a[href$='/{name}']").click()
    page.wait_for_url(re.compile(rf"/{name}(\?|$)"))
    settle(page)


def assert_filter_in_url(url: str) -> None:
    params = query(url)
    assert params.get("actor") == [ACTOR], url
    assert params.get("from") == ["2026-03-05"], url


def test_a_shared_link_opens_the_same_view(page, browser, app_url: str) -> None:
    # 1. Open a filtered timeline.
    page.goto(app_url + START)
    settle(page)
    assert chips(page, "actor") == [ACTOR]
    assert date_value(page, "from") == "2026-03-05"
    assert_filter_in_url(page.url)
    assert page.locator(".stException").count() == 0

    # 2. Switch to the map, then to the claims page: the URL keeps the filter.
    go_to(page, "map")
    assert path(page.url) == "/map"
    assert_filter_in_url(page.url)
    assert chips(page, "actor") == [ACTOR]
    go_to(page, "claims")
    assert path(page.url) == "/claims"
    assert_filter_in_url(page.url)
    before = record_count(page)

    # 3. Change a filter (add Iran itself to the actors): the URL follows, and so do the counts.
    actor = page.locator(".st-key-actor .react-aria-ComboBox input")
    actor.click()
    actor.fill("irn")
    page.get_by_role("option", name="irn", exact=True).click()
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(r"actor=irn(&|$)"))
    settle(page)
    assert query(page.url).get("actor") == [ACTOR, "irn"]
    assert query(page.url).get("from") == ["2026-03-05"]
    assert chips(page, "actor") == [ACTOR, "irn"]
    after = record_count(page)
    assert after != before, "adding Iran's own statements should change the counts"

    # 4. Copy the link and open it in a fresh browser context (no cookies, no session).
    link = share_link(page)
    assert path(link) == "/claims"
    assert query(link).get("actor") == [ACTOR, "irn"] and query(link).get("from") == ["2026-03-05"]
    assert query(link).get("v")
    screenshot(page, "sharing-before")
    fresh_context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        fresh = fresh_context.new_page()
        # The link names the host the server saw; open the same path and query on our test server.
        fresh.goto(app_url + path(link) + "?" + urlsplit(link).query)
        settle(fresh)
        assert path(fresh.url) == "/claims"
        assert chips(fresh, "actor") == [ACTOR, "irn"]
        assert chips(fresh, "kind") == []
        assert date_value(fresh, "from") == "2026-03-05"
        assert date_value(fresh, "to") == ""
        assert record_count(fresh) == after
        assert fresh.get_by_text("the data has been updated since this link was made").count() == 0
        assert fresh.locator(".stException").count() == 0
        screenshot(fresh, "sharing-after")
    finally:
        fresh_context.close()
    assert page.console_errors == [], page.console_errors
    assert page.outside_requests == [], page.outside_requests


def test_geojson_download_is_built_on_click(page, app_url: str) -> None:
    page.goto(app_url + "/map?actor=irn&from=2026-03-05")
    settle(page)
    link = share_link(page)
    assert page.locator(".st-key-exports").count(), "no download block in the sidebar: app.py must call render_exports"
    # Streamlit also draws a hidden copy of the button (to measure it); take the visible one by its role.
    button = page.locator(".st-key-export_geojson").get_by_role("button", name="GeoJSON (map)")
    with page.expect_download(timeout=20_000) as info:
        button.click()
    download = info.value
    version = query(link)["v"][0]
    assert download.suggested_filename == f"incidents_{version}_2026-03-05_end.geojson"
    collection = json.loads(open(download.path(), encoding="utf-8").read())
    assert collection["type"] == "FeatureCollection"
    assert collection["metadata"]["data_version"] == version
    assert collection["metadata"]["query"] == {"from": ["2026-03-05"], "actor": ["irn"]}
    assert collection["features"], "the Iranian records of 5 March include located events"
    assert page.console_errors == [], page.console_errors


def test_a_filter_change_on_a_filter_free_page_reruns_the_sidebar_alone(page, app_url: str) -> None:
    """On /patterns (its body reads neither the filter nor the view) a filter change reruns app.py's sidebar
    fragment only: it sends a fraction of a whole rerun, and the URL, the share link and the download block's counts
    still follow it; the filter holds across a page switch. On /claims the same change reruns the whole page."""
    received: list[int] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: received.append(len(payload))))

    def sent_by(action) -> int:
        received.clear()
        action()
        settle(page)
        return sum(received)

    def type_filter(text: str) -> None:
        box = page.locator(".st-key-q input")
        box.fill(text)
        box.press("Enter")
        if text:
            page.wait_for_url(re.compile(rf"q={text}(&|$)"))
        else:
            page.wait_for_url(lambda url: "q=" not in url)

    page.goto(app_url + "/patterns")
    settle(page)
    before = record_count(page)
    whole = sent_by(lambda: page.keyboard.press("r"))  # Streamlit's rerun shortcut: the whole script
    alone = sent_by(lambda: type_filter("drone"))
    assert alone * 4 < whole, (alone, whole)
    assert query(page.url).get("q") == ["drone"] and path(page.url) == "/patterns"
    assert query(share_link(page)).get("q") == ["drone"] and path(share_link(page)) == "/patterns"
    assert record_count(page) != before
    assert page.locator(".stException").count() == 0

    go_to(page, "claims")
    assert query(page.url).get("q") == ["drone"]
    whole_claims = sent_by(lambda: page.keyboard.press("r"))
    changed = sent_by(lambda: type_filter(""))
    assert changed * 2 > whole_claims, (changed, whole_claims)  # a filtered page: the whole page again
    assert "q" not in query(share_link(page))
    assert record_count(page) == before
    assert page.console_errors == [], page.console_errors
