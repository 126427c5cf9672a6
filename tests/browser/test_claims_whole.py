"""Issue 22, point 8: the claims page reads whole on a desktop: no stance label, status or header is cut short or
broken mid-word at 1280 and 1440 px, with the shipped data's ten parties and with the fixture's three and two."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.browser.harness import screenshot, wait_for_stylesheet
from tests.browser.test_claims import settle
from tests.conftest import DATA, FIXTURES

pytestmark = pytest.mark.browser

# What must read whole: the matrix at a glance (its headers, status and stance chips), each row's head and party
# names, and every badge on the page. Long record text (titles, URLs) may wrap where it must; these may not.
_CHECK = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const visible = e => e.checkVisibility({visibilityProperty: true}) && e.getClientRects().length > 0;
    const scope = Array.from(main.querySelectorAll(
        '[class*="claims-glance"] th, [class*="claims-glance"] td, ' +
        '[class*="st-key-claims-row-"] strong, [class*="st-key-claims-row-"] h4, ' +
        '.stMarkdownBadge, [class*="st-key-claims-by-party"] strong, [class*="st-key-claims-discrepancies"] strong'
    )).filter(visible);
    const cut = [];
    const broken = [];
    for (const e of scope) {
        // Cut: the box clips its own text (an ellipsis or hidden overflow narrower than the text).
        const s = getComputedStyle(e);
        if (e.scrollWidth > e.clientWidth + 1 && (s.overflowX !== 'visible' || s.textOverflow === 'ellipsis')) {
            cut.push(e.innerText.trim().slice(0, 60));
        }
        // Broken: a word whose letters sit on two lines.
        const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const text = node.textContent;
            for (const m of text.matchAll(/[\\p{L}\\p{N}'’-]{2,}/gu)) {
                const range = document.createRange();
                range.setStart(node, m.index);
                range.setEnd(node, m.index + m[0].length);
                const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0)
                    .map(r => Math.round(r.top)));
                if (tops.size > 1) broken.push(m[0]);
            }
        }
    }
    return {checked: scope.length, cut: [...new Set(cut)].slice(0, 20), broken: [...new Set(broken)].slice(0, 20)};
}"""


def reads_whole(page) -> dict:
    return page.evaluate(_CHECK)


def open_claims(page, base_url: str, query: str) -> None:
    """The claims page, settled: the established strip, or (an incident without propositions) its statements."""
    page.goto(f"{base_url}/claims?{query}")
    page.wait_for_selector(".st-key-claims-established, .st-key-claims-by-party", timeout=30_000)
    settle(page)
    wait_for_stylesheet(page)


@pytest.fixture(scope="module")
def data_url(start_app: Callable[[Path | None], str]) -> str:
    return start_app(DATA)


@pytest.fixture(scope="module")
def fixture_url(start_app: Callable[[Path | None], str]) -> str:
    return start_app(FIXTURES / "claims")


CASES = [
    ("data", "incident=nakhchivan-2026-03-05", "ten parties"),
    ("data", "incident=nakhchivan-measures-2026-03", "no propositions: statements by party, figures, discrepancies"),
    ("fixture", "incident=fictional-strelsau-2024", "three parties"),
    ("fixture", "incident=fx-nakhchivan", "two parties"),
]


@pytest.mark.parametrize("width", [1280, 1440])
@pytest.mark.parametrize(("where", "query", "case"), CASES)
def test_no_label_is_cut_or_broken(
    page, data_url: str, fixture_url: str, width: int, where: str, query: str, case: str
) -> None:
    page.set_viewport_size({"width": width, "height": 1000})
    open_claims(page, data_url if where == "data" else fixture_url, query)
    found = reads_whole(page)
    assert found["checked"] > 0, case
    assert found["cut"] == [], f"{case} at {width}px: cut {found['cut']}"
    assert found["broken"] == [], f"{case} at {width}px: broken mid-word {found['broken']}"
    if width == 1440 and where == "data":
        screenshot(page, f"claims-whole-{query.split('=')[1]}-{width}")
    assert page.console_errors == []


def test_the_detector_finds_a_cut_and_a_broken_word(page, fixture_url: str) -> None:
    """The check can fail: a badge squeezed into a narrow box is reported cut, and a header squeezed into a column
    narrower than its word is reported broken."""
    page.set_viewport_size({"width": 1280, "height": 1000})
    open_claims(page, fixture_url, "incident=fx-nakhchivan")
    page.evaluate(
        """() => {
        const badge = document.querySelector('[data-testid="stMain"] .stMarkdownBadge');
        badge.style.display = 'inline-block'; badge.style.width = '12px';
        badge.style.overflow = 'hidden'; badge.style.textOverflow = 'ellipsis'; badge.style.whiteSpace = 'nowrap';
        const th = document.querySelector('[class*="claims-glance"] th:nth-child(3)');
        th.style.width = '20px'; th.style.maxWidth = '20px'; th.style.wordBreak = 'break-all';
        th.style.display = 'inline-block';
    }"""
    )
    found = reads_whole(page)
    assert found["cut"] and found["broken"], found
