"""Issue 23, findings 5, 6, 11 and 12: one escaping rule per sink, checked by rendering with a CommonMark parser
(markdown-it, with GFM's tables and strike-through): record text and the page's own URL never become a link, an
image, a heading, a list or strike-through."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from incidents.text import md_file, md_link, md_screen, md_url

PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
HOSTILE = [
    "![](https://tracker.example/px.gif)",
    "[Official update](https://phish.example/login)",
    "======",
    "1. item",
    "~~gone~~",
    "- item",
    "+ item",
    "# heading",
    "> quote",
    "<img src=x onerror=alert(1)>",
    "| a | b |\n|---|---|",
    "www.phish-login.com/reset",
    "https://phish.example/login",
    "mail me@phish.example",
]
MARKUP = {"link_open", "image", "heading_open", "ordered_list_open", "bullet_list_open", "s_open", "html_inline",
          "html_block", "blockquote_open", "table_open", "em_open", "strong_open", "code_inline"}


def tokens(markdown: str) -> set[str]:
    found = set()
    for token in PARSER.parse(markdown):
        found.add(token.type)
        found |= {child.type for child in token.children or []}
    return found


def bare_links(text: str) -> bool:
    """What GFM's autolink literals would link (they run after escapes are resolved)."""
    import re

    plain = text.replace("\\", "")
    return bool(re.search(r"(?i)\bwww\.|\bhttps?://|[\w.+-]@[\w-]+\.", plain))


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("escape", [md_screen, md_file], ids=["screen", "file"])
def test_record_text_stays_text(text: str, escape: object) -> None:
    assert callable(escape)
    # after a line of text (a setext underline needs one), and at the start of a line
    for markdown in (escape(text), "Previous line\n" + escape(text), "  " + escape(text)):
        assert not tokens(markdown) & MARKUP, (markdown, tokens(markdown))
        assert not bare_links(markdown), markdown


def test_the_hostile_texts_would_render_as_markup() -> None:
    """The fixtures are real attacks: unescaped, each renders as markup or an autolink."""
    for text in HOSTILE:
        assert tokens("Previous line\n" + text) & MARKUP or bare_links(text), text


@pytest.mark.parametrize("url", [
    "http://localhost:8501/x)[Sign-in-required](https:phish.example)?v=0123abcd",
    "http://localhost:8501/x]](https://phish.example)",
    "http://localhost:8501/<b>",
    "http://localhost:8501/a b",
    "javascript:alert(1)",
])
def test_the_pages_own_url_makes_one_link_to_itself(url: str) -> None:
    """Finding 6: the banner's and the changes page's links are built by md_link from st.context.url."""
    markdown = md_link("See this view on the current data", url)
    links = [t for tok in PARSER.parse(markdown) for t in tok.children or [] if t.type == "link_open"]
    assert len(links) <= 1
    for link in links:
        href = str(link.attrs["href"])
        assert href.startswith("http://localhost:8501/") and "phish" not in href.split("?")[0].split("/")[2]
    assert "Sign-in-required](" not in markdown.replace("%5D%28", "")


@pytest.mark.parametrize(("url", "shown"), [
    ("https://a.example/x y", None),
    ("https://a.example/x>y", None),
    ("https://a.example/x<y", None),
    ("https://a.example/p(1)", "https://a.example/p%281%29"),
    ("ftp://a.example/", None),
    ("https://a.example/ok?q=1#f", "https://a.example/ok?q=1#f"),
])
def test_briefing_urls(url: str, shown: str | None) -> None:
    """Finding 12: a URL with a space or an angle bracket is refused; parentheses are encoded."""
    assert md_url(url) == shown


def test_briefing_markdown_keeps_line_start_markers_inert() -> None:
    from incidents.evidence.briefing import to_markdown
    from incidents.evidence.comparison import compare
    from incidents.load.pipeline import load_dataset
    from tests.conftest import DATA

    dataset = load_dataset(DATA)
    incident_id = next(iter(dataset.incidents))
    statement = next(s for s in dataset.statements.values() if incident_id in s.incidents)
    dataset.statements[statement.id] = statement.model_copy(update={"paraphrase": "====== 1. ~~x~~ www.phish.example"})
    source = next(iter(dataset.sources.values()))
    dataset.sources[source.id] = source.model_copy(update={"url": "https://a.example/x> [y](https://phish.example)"})
    text = to_markdown(compare(dataset, incident_id), "https://m.example/claims?x=1 <b>")
    assert "phish.example)" not in text and "<b>" not in text
    line = next(row for row in text.splitlines() if "\\=\\=\\=" in row)
    assert not tokens("Previous line\n" + line) & MARKUP


@pytest.mark.parametrize("text", HOSTILE)
def test_a_claims_statement_stays_text_in_its_one_markdown_block(text: str) -> None:
    """`components.claims.statement_markdown` joins a statement's blocks into the one Markdown text the claims
    page sends: the paraphrase and the stance note are record text, and stay text there too."""
    import dataclasses

    from components.claims import statement_markdown
    from incidents.evidence.comparison import Comparison, compare
    from incidents.load.pipeline import load_dataset
    from tests.conftest import DATA

    dataset = load_dataset(DATA)
    comparison = compare(dataset, "nakhchivan-2026-03-05")
    assert isinstance(comparison, Comparison)
    position = next(p for row in comparison.rows for cell in row.cells for p in cell.positions)
    # An id of no kept statement: no quote block and no review chip, only the paraphrase and the note.
    hostile = dataclasses.replace(
        position, statement=dataclasses.replace(position.statement, id="none", paraphrase=text), note=text
    )
    markdown = statement_markdown(dataset, hostile, selected=None)
    assert not tokens(markdown) & (MARKUP - {"em_open"}), (markdown, tokens(markdown))  # the note is in italics
    assert not bare_links(markdown), markdown
