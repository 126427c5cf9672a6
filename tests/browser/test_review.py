"""Hosted mode in chromium: `streamlit run` with INCIDENTS_PUBLISHED_ONLY=1 on tests/fixtures/review shows no draft
on any page, in a downloaded export, or through a link that names a draft; the same server without the switch
shows the drafts (so the checks can fail)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import pytest

from incidents.load.review import PUBLISHED_ONLY_ENV
from tests.browser.harness import page_heading, wait_for_css, wait_idle
from tests.test_review_app import NOTICE, REVIEW, leaks

HOSTED = {PUBLISHED_ONLY_ENV: "1"}
# (path, the page's st.title, published text it shows when the hosted view works, or None)
PAGES = [
    ("", "Azerbaijan–Iran Incident Monitor", "Shelling at Osterlich"),
    ("timeline", "Timeline", None),
    ("map", "Map", None),
    ("claims", "Who claims what", "Ruritania says the Bordurian army shelled Osterlich"),
    ("sources", "Sources", "Strelsau Gazette report on the Osterlich shelling"),
    ("about", "About this monitor", None),
]


def settle(page) -> None:
    """Idle, with the sidebar's widgets and its download block drawn."""
    wait_idle(page)
    page.wait_for_selector("[data-testid='stSidebar'] [data-testid='stSkeleton']", state="detached", timeout=30_000)
    page.wait_for_selector(".st-key-exports", state="attached", timeout=60_000)
    wait_for_css(page, '[data-testid="stMain"] h1', 60_000)  # the page's own title: the page itself has run
    wait_idle(page)


def page_texts(page) -> str:
    """What a reader can read (the body's text) and what the page holds (its HTML: chart texts, attributes)."""
    return page.locator("body").inner_text() + "\n" + page.content()


@pytest.fixture(scope="module")
def hosted_url(start_app: Callable[..., str]) -> str:
    return start_app(REVIEW, HOSTED)


@pytest.mark.parametrize(("path", "heading", "published"), PAGES, ids=[p[0] or "overview" for p in PAGES])
def test_hosted_pages_show_no_draft(page, hosted_url: str, path: str, heading: str, published: str | None) -> None:
    page.goto(f"{hosted_url}/{path}")
    settle(page)
    assert page_heading(page) == heading
    text = page_texts(page)
    assert published is None or published in text, "the published records render"
    assert leaks(text) == []
    assert page.console_errors == [], page.console_errors


@pytest.mark.parametrize(("key", "name"), [("export_json", "JSON records"), ("export_csv", "CSV tables (zip)")])
def test_hosted_export_holds_no_draft(page, hosted_url: str, key: str, name: str) -> None:
    page.goto(f"{hosted_url}/claims?incident=rv-osterlich-2024")
    settle(page)
    button = page.locator(f".st-key-{key}").get_by_role("button", name=name)
    with page.expect_download(timeout=30_000) as info:
        button.click()
    raw = open(info.value.path(), "rb").read()
    if raw[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            text = "\n".join(archive.read(member).decode() for member in archive.namelist())
    else:
        text = raw.decode()
    assert "rv-osterlich-2024" in text and "rv-accusation" in text
    assert leaks(text) == []


def _notice(page) -> str:
    """The ignored-parameters notice's text (Streamlit's alert box holding it)."""
    return page.locator("[data-testid='stAlertContainer']", has_text="Some link parameters were ignored").inner_text()


def test_a_link_naming_a_draft_reads_as_an_unknown_id(page, hosted_url: str) -> None:
    page.goto(f"{hosted_url}/?rec=rv-no-such-record")
    settle(page)
    unknown = _notice(page)
    page.goto(f"{hosted_url}/?rec=rv-draft-claim")
    settle(page)
    assert _notice(page).replace("rv-draft-claim", "rv-no-such-record") == unknown
    assert [leak for leak in leaks(page_texts(page)) if leak != "rv-draft-claim"] == []


def test_local_mode_shows_and_marks_the_drafts(page, start_app: Callable[..., str]) -> None:
    page.goto(start_app(REVIEW) + "/sources")
    settle(page)
    text = page_texts(page)
    assert NOTICE in text
    assert "[In review] Radio Klow bulletin" in text
    assert "Zemblan" in text and leaks(text)
