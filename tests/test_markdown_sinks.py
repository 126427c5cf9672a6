"""Issue 23, finding 5: record text never reaches Streamlit Markdown unescaped.

The test walks every `st.*` (and `column.*`, `slot.*` …) call in `app.py`, `app_pages/` and `components/` whose
arguments Streamlit renders as Markdown (bodies, labels, metric values, `help=`), and proves each such argument
safe: a constant, a call to the one escaping helper of the sink (`md_escape`/`md_screen`, `md_link`), a number, a
record id (ids are `[a-z0-9-]`, checked by the model), a closed vocabulary value, or a builder whose own output is
escaped (listed below, each with its test). Anything else must be listed in `REVIEWED` with why it is safe: a new
sink that shows record text unescaped fails here.
"""

from __future__ import annotations

import ast

from tests.conftest import ROOT

# Streamlit calls whose text arguments render as Markdown (first positional argument, and these keywords).
SINKS = {
    "markdown", "caption", "write", "warning", "info", "error", "success", "title", "header", "subheader", "toast",
    "metric", "expander", "popover", "button", "checkbox", "toggle", "radio", "selectbox", "multiselect", "slider",
    "select_slider", "text_input", "text_area", "number_input", "date_input", "download_button", "link_button",
    "pills", "segmented_control", "page_link", "status", "form_submit_button", "table",
}
MARKDOWN_KEYWORDS = {"help", "label", "body", "value", "captions", "placeholder"}
# Second positional argument that renders as Markdown: a metric's value.
SECOND = {"metric"}
ESCAPERS = {"md_escape", "md_screen", "md_link"}
# Builders that return Markdown made only of escaped record text (each tested where it is defined).
SAFE_BUILDERS = {
    "mark_prefix", "quote_markdown", "status_chip", "review_chip", "chip", "cell_chips", "glance_markdown",
    "track_lines", "reply_lines", "markdown_lines", "timeline_summary", "map_summary", "statement_caption", "lines",
    "statement_markdown", "figures_table",
    "len", "established_lines", "row_status_chip", "grid_summary",
    "plural",  # a count and a constant noun (components.monitor)
    # the About page's documentation: made from constants of the code, never from records
    "graded", "glossed", "one_of", "admiralty_grade", "get_args", "field_docs",
}
SAFE_METHODS = {"isoformat", "lower", "upper", "capitalize", "rstrip", "strip", "replace"}
# Attributes that hold numbers, dates, data versions, record ids or closed vocabularies, never free text.
SAFE_ATTRIBUTES = {
    "version", "record_count", "last_updated", "id", "geo_precision", "precision_m", "lat", "lon", "grade",
    "assessed_on", "requested", "current",
}
# What the walk cannot prove but a reader has checked: expression text → why it is safe.
REVIEWED: dict[str, str] = {
    "label": "constant labels (paging, filters), or claims' 'N more statements from {md_escape(party)}'",
    "notice": "review_notice: counts of records, no record text",
    "note": "timeline's discrepancy note: md_escape'd title, description and handling, a vocabulary kind",
    "card": "components.claims.glance_cards: md_escape'd proposition and party, chips",
    "button.label": "export buttons: constant labels",
    "button.help": "export buttons: constant help",
    "heading": "a constant heading of components.claims",
    "by": "' by ' + md_escape(…) in components.claims",
    "role": "a constant role suffix in components.claims",
    "names": "md_escape'd names joined (components.claims)",
    "origin": "a constant phrase (app_pages/timeline.py)",
    "more": "a count phrase (numbers only)",
    "since": "a count phrase (numbers only)",
    "about": "a constant sentence (app_pages/timeline.py)",
    "credibility": "a grade number and its constant meaning",
    "channel": "a closed vocabulary (channel kinds)",
    "meaning": "the reliability grade's constant meaning",
    "shown": "a page range (numbers)",
    "pages": "a page count",
    "noun": "a constant noun passed by the page",
    "view.derive(('map-summary', tuple(layers)), lambda: map_summary(view, entries, len(hidden)))": "map_summary",
    "view.derive('timeline-summary', lambda: timeline_summary(view))": "timeline_summary",
    "counts[status]": "a count",
    "SPAN_THRESHOLD.days": "a constant number of days (incidents.views.binning)",
    "KIND_LABELS[statement.kind]": "a constant vocabulary",
    "STATUS_TEXT[status]": "a constant vocabulary",
    "grade": "a source's reliability letter (closed vocabulary)",
    "carried_pages": "a count",
    "number": "a row number",
    "layer": "mapview.LAYERS: constant layer names",
    "text": "the constant help texts of mapview.LAYERS / GROUPING_HELP",
    "name": "GROUPING_HELP: constant grouping names",
    "k": "ORDER_LABELS: constant keys",
    "v": "ORDER_LABELS: constant labels",
    "i": "actor ids (pattern-checked by the model)",
    "empty": "constant tier headings (components.claims.TIER_HEADINGS)",
    "caption": "components.claims.glance_caption: md_escape'd party labels in a constant sentence",
    "line": "components.claims.discrepancy_lines: md_escape'd status and title",
    "p": "actor ids in the /incidents party help (pattern-checked by the model)",
    "page": "a constant page path of app_pages (/incidents' links)",
    "open_count": "plural(): a count and a constant noun",
    "ANSWER_LABELS[k]": "a constant vocabulary (incidents.model.vocabulary)",
    "summary": "components.monitor.grid_summary: md_escape'd party names, counts, constant labels",
    "statement_id": "statement ids (pattern-checked by the model) as link labels",
    "accused": "md_escape'd party name (app_pages/patterns.py)",
    "lines": "built line by line from md_escape'd text or constants: map legend (our own words, counts), sources "
             "chain, claims' established lines, report notices (md_screen), timeline lags (md_escape)",
    "lines[:half]": "the map legend's lines (see lines)",
    "lines[half:]": "the map legend's lines (see lines)",
    "lines[:MAX_LAG_LINES]": "timeline lag lines, each md_escape'd",
    "lines[MAX_LAG_LINES:]": "timeline lag lines, each md_escape'd",
}


USED: set[str] = set()  # the REVIEWED entries the walk met: a stale entry fails the test


def _is_caps(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id.isupper()


def unsafe(node: ast.expr) -> list[str]:
    """The parts of a Markdown argument that the rules cannot prove safe (their source text)."""
    if isinstance(node, ast.Constant) or _is_caps(node):
        return []
    if isinstance(node, ast.JoinedStr):
        return [part for value in node.values if isinstance(value, ast.FormattedValue) for part in unsafe(value.value)]
    if isinstance(node, ast.BinOp):
        return unsafe(node.left) + unsafe(node.right)
    if isinstance(node, ast.IfExp):
        return unsafe(node.body) + unsafe(node.orelse)
    if isinstance(node, ast.BoolOp):
        return [part for value in node.values for part in unsafe(value)]
    if isinstance(node, (ast.GeneratorExp, ast.ListComp)):
        return unsafe(node.elt)
    if isinstance(node, ast.Tuple):
        return [part for item in node.elts for part in unsafe(item)]
    if isinstance(node, ast.Attribute) and node.attr in SAFE_ATTRIBUTES:
        return []
    if isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name in ESCAPERS or name in SAFE_BUILDERS:
            return []
        if isinstance(func, ast.Attribute) and name == "join" and isinstance(func.value, ast.Constant):
            return [part for arg in node.args for part in unsafe(arg)]
        if isinstance(func, ast.Attribute) and name in SAFE_METHODS:
            return unsafe(func.value)
    text = ast.unparse(node)
    if text in REVIEWED:
        USED.add(text)
        return []
    return [text]


def sink_arguments(call: ast.Call) -> list[ast.expr]:
    func = call.func
    assert isinstance(func, ast.Attribute)
    count = 2 if func.attr in SECOND else 1
    return [*call.args[:count], *(k.value for k in call.keywords if k.arg in MARKDOWN_KEYWORDS)]


def findings() -> list[str]:
    found = []
    files = [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py")), *sorted((ROOT / "components").rglob("*.py"))]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SINKS:
                for argument in sink_arguments(node):
                    found += [f"{path.relative_to(ROOT)}:{node.lineno}: {text}" for text in unsafe(argument)]
    return found


def test_no_record_text_reaches_markdown_unescaped() -> None:
    assert findings() == []
    assert set(REVIEWED) - USED == set(), "reviewed expressions no sink uses any more: remove them"


def test_the_walk_sees_the_sinks_it_guards() -> None:
    """The rules are not vacuous: the two sinks of the finding, written as they were, are caught."""
    for source in ('where_column.metric("Where", short_place(places))',
                   'st.multiselect("Actors", ids, help="Ids. " + "; ".join(f"{i} = {n}" for i, n in names))',
                   'st.warning(f"[See this view]({current_link})")'):
        call = ast.parse(source).body[0]
        assert isinstance(call, ast.Expr) and isinstance(call.value, ast.Call)
        assert any(unsafe(argument) for argument in sink_arguments(call.value)), source


def test_the_claims_builders_the_walk_trusts_escape_record_text() -> None:
    """discrepancy_lines and glance_caption are listed above as safe: hostile titles and party labels stay text."""
    from types import SimpleNamespace

    from components.claims import discrepancy_lines, glance_caption

    hostile = "[Official update](https://phish.example/login) ![](https://tracker.example/px.gif)"
    row = SimpleNamespace(discrepancies=[SimpleNamespace(status="open", title=hostile)])
    lines = discrepancy_lines(row)  # type: ignore[arg-type]
    assert len(lines) == 1 and "](" not in lines[0] and "\\[Official update\\]" in lines[0]
    parties = [SimpleNamespace(label=f"{hostile} {n}") for n in range(6)]
    comparison = SimpleNamespace(parties=parties, grouped_parties=lambda: (parties[:2], parties[2:]))
    caption = glance_caption(comparison) or ""  # type: ignore[arg-type]
    assert "](" not in caption and caption.count("\\[Official update\\]") == 4
