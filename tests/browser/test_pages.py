"""Every page, at a desktop and a phone width, in Debian's chromium: no console errors, no request leaving
127.0.0.1, no WCAG 2.1 A or AA violation that axe-core finds, and no sideways scroll on the phone."""

from __future__ import annotations

import pytest

from tests.browser.harness import (
    axe_violations,
    page_heading,
    screenshot,
    sideways_overflow,
    wait_for_css,
    wait_for_stylesheet,
    wait_idle,
)

# (path, name, the page's own st.title): the heading proves the right page rendered, not just some page.
PAGES = [
    ("", "overview", "Azerbaijan–Iran Incident Monitor"),
    ("timeline", "timeline", "Timeline"),
    ("map", "map", "Map"),
    ("incidents", "incidents", "Incidents"),
    ("claims", "claims", "Who claims what"),
    ("patterns", "patterns", "How each side answers"),
    ("sources", "sources", "Sources"),
    ("changes", "changes", "Changes to the data"),
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
    wait_for_stylesheet(page)
    if name == "map":
        wait_for_css(page, '[data-testid="stDeckGlJsonChart"] canvas')
        page.wait_for_timeout(1500)
    shot = screenshot(page, f"page-{name}-{WIDTHS[device]}")
    assert shot.stat().st_size > 10_000
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page_heading(page) == heading
    assert page.console_errors == [], page.console_errors
    assert page.outside_requests == [], page.outside_requests
    # Tables and dataframes may scroll inside their own frame; the page and its main block may not.
    overflow = sideways_overflow(page)
    assert overflow["document"] <= overflow["width"], overflow
    assert overflow["main"] <= overflow["width"], overflow
    assert overflow["wide"] == [], overflow
    violations = axe_violations(page)
    assert violations == [], "\n".join(violations)


def test_the_checks_catch_faint_text_and_sideways_scroll(page, app_url: str) -> None:
    """The two checks above can fail: a faint caption and a too-wide block planted in a real page are caught."""
    page.set_viewport_size({"width": WIDTHS["phone"], "height": 900})
    page.goto(f"{app_url}/sources")
    wait_idle(page)
    assert axe_violations(page) == []
    assert sideways_overflow(page)["main"] <= WIDTHS["phone"]
    page.evaluate(
        """() => {
        const main = document.querySelector('[data-testid="stMain"] [data-testid="stMainBlockContainer"]');
        const faint = document.createElement('p');
        faint.textContent = 'A caption in Streamlit grey on an older theme';
        faint.style.color = '#9a9a9a';
        const wide = document.createElement('div');
        wide.style.width = '1200px';
        wide.textContent = 'a matrix wider than a phone';
        main.prepend(faint, wide);  // on screen: axe leaves the contrast of off-screen text "incomplete"
    }"""
    )
    violations = axe_violations(page)
    assert [v.split(" ")[0] for v in violations] == ["color-contrast"], violations
    assert "#9a9a9a" in violations[0]
    assert sideways_overflow(page)["main"] > WIDTHS["phone"]


def test_the_about_report_is_monospace_text_without_the_highlighter(page, app_url: str) -> None:
    """The validation report is plain text set as the command line prints it; no `st.code` on the page, whose
    syntax highlighter cost the first visit 0.3 s (bench/PROFILE.md)."""
    page.goto(f"{app_url}/about")
    wait_idle(page)
    wait_for_stylesheet(page)
    report = page.locator('.st-key-validation-report [data-testid="stText"] span').first
    assert "SINGLE_SOURCE (warning)" in report.inner_text()
    assert "monospace" in report.evaluate("node => getComputedStyle(node).fontFamily")
    assert page.locator('[data-testid="stMain"] [data-testid="stCode"]').count() == 0
