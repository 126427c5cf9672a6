"""Hostile URLs at scale (issue 14): hypothesis draws query strings for every page of the real app (AppTest).

Names come from the parameter table (`incidents.views.params.PARAMS`) and beyond it; values are random text, unicode
(right-to-left and zero-width marks, characters outside the BMP, which JavaScript holds as surrogate pairs), very
long values, repeated keys, script and HTML text, and real values so the pages get past their notices. A page fails
on any exception, and on any raw HTML of a value, or a `javascript:` link, in an element that renders Markdown.

Fixed seed (`derandomize=True`) and a bounded number of examples per page, so the run is the same every time.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import cast

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from incidents.views.params import PARAMS

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "export" / "data"
PAGES = {
    "overview": None,
    "timeline": "app_pages/timeline.py",
    "map": "app_pages/map.py",
    "claims": "app_pages/claims.py",
    "sources": "app_pages/sources.py",
    "about": "app_pages/about.py",
}
EXAMPLES_PER_PAGE = 12

SCRIPTS = (
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<svg/onload=alert(1)>",
    "</div><iframe src=javascript:alert(1)>",
    "[click](javascript:alert(1))",
    "javascript:alert(document.cookie)",
    "<!--",
    "**bold** _em_ `code` $x^2$ :red[red] ~~s~~ &amp; &#60;b&#62;",
)
UNICODE = (
    "\u202eevil\u202c",  # right-to-left override
    "\u200f\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",  # RTL mark, Hebrew, Arabic
    "a\u200bb\u200c\u200d\u2060\ufeff",  # zero-width characters and a BOM
    "\U0001f4a3\U0001f1e6\U0001f1ff\U00010348",  # outside the BMP: surrogate pairs in the browser
    "e\u0301\u0301\u0301",  # stacked combining marks
    "\x00\x1b[31m\r\n\t",  # control characters
)
# Real values of every kind, so a drawn link often passes the checks and reaches the pages' own rendering.
REAL = (
    "2026-03-05", "2026-03-31", "irn", "aze-mfa", "denial", "claim", "nakhchivan-2026-03-05", "ev-launch",
    "actor", "name", "chronological", "border", "true", "false", "",
)
NAMES = tuple(param.name for param in PARAMS)

# Text that can be sent in a URL: any code point but lone surrogates (they cannot be encoded as UTF-8).
any_text = st.text(st.characters(codec="utf-8"), max_size=40)
values = st.one_of(
    any_text,
    st.sampled_from(SCRIPTS + UNICODE + REAL),
    st.builds(lambda text, times: text * times, st.sampled_from(SCRIPTS + UNICODE + ("x",)), st.integers(50, 800)),
    st.builds("".join, st.lists(st.sampled_from(SCRIPTS + UNICODE + REAL), min_size=2, max_size=4)),
)
names = st.one_of(st.sampled_from(NAMES), st.sampled_from(NAMES), any_text, st.sampled_from(SCRIPTS + UNICODE))
# A link: a few parameters, each given one to three times (repeated keys).
links = st.dictionaries(names, st.lists(values, min_size=1, max_size=3), max_size=5)

HTML_START = re.compile(r"<[A-Za-z/!?][^<>]{0,30}>?")
JS_LINK = re.compile(r"\]\(\s*javascript:", re.IGNORECASE)
MARKDOWN_ELEMENTS = ("markdown", "caption", "warning", "info", "error", "success", "title", "header", "subheader")


def open_page(page: str | None, params: dict[str, list[str]]) -> AppTest:
    """A fresh browser on the link: the page is chosen before the first run (as in test_bad_params_app.py)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if page:
        at.switch_page(page)
    for key, vals in params.items():
        at.query_params[key] = vals
    return at.run()


def rendered_markdown(at: AppTest) -> list[str]:
    """Every text the frontend renders as Markdown: Markdown elements, alerts, headings and expander labels."""
    bodies = [str(element.value) for kind in MARKDOWN_ELEMENTS for element in at.get(kind)]
    return bodies + [expander.label for expander in at.get("expander")]


def unescaped(fragment: str, body: str) -> bool:
    """The fragment occurs in the Markdown with its `<` not backslash-escaped (an even run of backslashes before it)."""
    start = body.find(fragment)
    while start != -1:
        backslashes = len(body[:start]) - len(body[:start].rstrip("\\"))
        if backslashes % 2 == 0:
            return True
        start = body.find(fragment, start + 1)
    return False


def check_link(at: AppTest, params: dict[str, list[str]], own: str = "") -> None:
    """No exception, and no raw HTML from the link's names or values in rendered Markdown. `own` is the page's own
    Markdown without the link (the About page shows `data/README.md`, which has an HTML comment): a fragment of a
    value found there raw too is the page's, not the link's."""
    assert not at.exception, [e.value for e in at.exception]
    bodies = rendered_markdown(at)
    assert bodies, "the page rendered nothing"
    fragments = {m.group() for text in [*params, *(v for vals in params.values() for v in vals)]
                 for m in HTML_START.finditer(text)}
    fragments = {fragment for fragment in fragments if not unescaped(fragment, own)}
    for body in bodies:
        raw = [fragment for fragment in fragments if unescaped(fragment, body)]
        assert not raw, f"raw HTML from the link {raw} in {body[:300]!r}"
        assert not JS_LINK.search(body), f"a javascript: link in {body[:300]!r}"


@pytest.fixture(autouse=True)
def _fixture_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INCIDENTS_DATA_DIR", str(FIXTURE))


@pytest.mark.parametrize("page", PAGES)
@settings(
    derandomize=True,
    max_examples=EXAMPLES_PER_PAGE,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(params=links)
@example(params={"q": [SCRIPTS[0]], "actor": [SCRIPTS[1], "irn"], "utm_source": [SCRIPTS[2]]})
@example(params={"incident": [UNICODE[0] * 500], "rec": [UNICODE[3]], "from": [UNICODE[2]], SCRIPTS[0]: ["1"]})
@example(params={name: [SCRIPTS[4], SCRIPTS[4]] for name in NAMES})
def test_hostile_links_never_break_a_page(page: str, params: dict[str, list[str]]) -> None:
    check_link(open_page(PAGES[page], params), params, own=own_markdown(page))


@functools.cache
def own_markdown(page: str) -> str:
    """The page's Markdown without link parameters."""
    return "\n".join(rendered_markdown(open_page(PAGES[page], {})))


def test_the_checks_catch_raw_html_and_script_links() -> None:
    """The fuzz's own checks fail on what they are for (a check that cannot fail checks nothing)."""

    class Fake:
        exception: list[object] = []

        def __init__(self, body: str) -> None:
            self.body = body

        def get(self, kind: str) -> list[object]:
            if kind == "markdown":
                return [type("Element", (), {"value": self.body})()]
            return []

    check_link(cast(AppTest, Fake("safe \\<script\\>alert\\(1\\)\\</script\\>")), {"q": [SCRIPTS[0]]})
    for body in (f"found {SCRIPTS[0]}", f"an escaped backslash, then {chr(92) * 2}{SCRIPTS[0]}", "[x](javascript:1)"):
        with pytest.raises(AssertionError):
            check_link(cast(AppTest, Fake(body)), {"q": [SCRIPTS[0]]})


def test_the_fuzz_catches_a_notice_that_forgets_to_escape(monkeypatch: pytest.MonkeyPatch) -> None:
    """Planted bug: the notices print link values unescaped; the first hostile example must then fail."""
    monkeypatch.setattr("components.report.md_screen", lambda text: text or "")
    params = {"actor": [SCRIPTS[0]]}
    with pytest.raises(AssertionError, match="raw HTML from the link"):
        check_link(open_page(None, params), params)
