"""AppTest runs of the claims page: the real Nakhchivan records, unknown ids, the fixture's three parties."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block, Node

from incidents.evidence.comparison import Comparison, compare
from incidents.load.pipeline import load_dataset
from tests.conftest import DATA, FIXTURES, open_app

NAKHCHIVAN = "nakhchivan-2026-03-05"
CLAIMS_FIXTURE = FIXTURES / "claims"
PICK_KEY = "claims_incident_pick"


def open_claims(params: dict[str, str] | None = None, data_dir: Path | None = None) -> AppTest:
    at = open_app("claims", params, data_dir)
    assert not at.exception, [e.value for e in at.exception]
    return at


def plain(text: str) -> str:
    """Markdown-escaped record text back to what a reader sees."""
    return text.replace("\\", "")


def texts_in(node: Node) -> list[str]:
    """Markdown and caption values under a block, in page order."""
    found: list[str] = []
    if isinstance(node, Block):
        for child in node.children.values():
            found += texts_in(child)
    elif node.type in ("markdown", "caption"):
        found.append(plain(node.value))
    return found


def blocks(node: Node) -> list[Block]:
    found: list[Block] = []
    if isinstance(node, Block):
        found.append(node)
        for child in node.children.values():
            found += blocks(child)
    return found


def keyed_block(at: AppTest, key: str) -> Block:
    """A container rendered with `key=`; its proto id ends with the key."""
    matches = [b for b in blocks(at.main) if getattr(b.proto, "id", "").endswith("-" + key)]
    assert matches, f"no block with key {key!r}"
    return matches[0]


def row_columns(at: AppTest, proposition_id: str) -> list[list[str]]:
    """The texts of each column of a proposition's row: [proposition, party 1, party 2, …]."""
    row = keyed_block(at, f"claims-row-{proposition_id}")
    columns = [b for b in blocks(row) if b.type == "column"]
    return [texts_in(column) for column in columns]


def party_columns(at: AppTest, proposition_id: str) -> tuple[list[str], dict[str, list[str]]]:
    """A row's proposition column, and each party's cell by the party's name (parties that spoke on it; with many
    parties they sit in a grid beside the proposition, so cells are the columns that start with a party's name)."""
    proposition, *parties = row_columns(at, proposition_id)
    cells = [column for column in parties if column and column[0].startswith("**")]
    return proposition, {column[0].split("**")[1]: column for column in cells}


def test_nakhchivan_attribution_and_denial_share_a_row() -> None:
    at = open_claims({"incident": NAKHCHIVAN})
    proposition, parties = party_columns(at, "iran-launched")
    assert "Iran launched the drones that struck Nakhchivan" in proposition[0]
    assert any("contested" in text for text in proposition)
    azerbaijan, iran = parties["Azerbaijan"], parties["Iran"]
    assert "✔ asserts" in azerbaijan[0] and "✖ denies" in iran[0]
    # Azerbaijan's attribution and Iran's denial, each in its own quoted words, in the same row.
    assert any(line.startswith("> “") for text in azerbaijan for line in text.splitlines())
    assert any(line.startswith("> “") for text in iran for line in text.splitlines())
    # Third states that took a position have a column of their own.
    assert {"EU", "United States", "Russia", "UN"} <= set(parties)


def test_a_hedged_alternative_is_shown_as_a_hedge_and_counts_against_the_accusation() -> None:
    at = open_claims({"incident": NAKHCHIVAN})
    proposition, parties = party_columns(at, "false-flag")
    assert any("contested" in text for text in proposition)
    iran = parties["Iran"]
    # Iran's false-flag suggestion, as the BBC reported it, is a hedge, not an assertion.
    assert "≈ suggests (hedged)" in iran[0]
    assert any("Israeli false-flag operation" in text for text in iran)
    assert any("BBC" in text for text in iran)
    # Azerbaijan said nothing on it, but its attribution to Iran excludes it.
    assert any("supports the competing" in text for text in parties["Azerbaijan"])


def test_nakhchivan_header_counts_established_and_discrepancies() -> None:
    at = open_claims({"incident": NAKHCHIVAN})
    metrics = {m.label: m.value for m in at.metric}
    comparison = compare(load_dataset(DATA), NAKHCHIVAN)
    assert isinstance(comparison, Comparison)
    statuses = Counter(row.status for row in comparison.rows)
    assert metrics["⚔ Contested"] == str(statuses["contested"]) and statuses["contested"] >= 2
    assert metrics["◐ One-sided"] == str(statuses["one-sided"])
    established = " ".join(texts_in(keyed_block(at, "claims-established")))
    # A contested proposition is never established, and the strip says what one-sided claims are not.
    assert "Iran launched the drones" not in established
    assert "A claim only one side makes is never listed here" in established
    discrepancy_titles = [plain(e.label) for e in at.expander]
    assert any(label.startswith("Discrepancies recorded for this incident (") for label in discrepancy_titles)


def page_links(at: AppTest) -> list[tuple[str, str]]:
    return [(e.proto.page, e.proto.query_string) for e in at.get("page_link")]


def test_statements_link_to_timeline_and_map_with_the_same_filters() -> None:
    at = open_claims({"incident": NAKHCHIVAN, "kind": "denial"})
    at.session_state["claims-fold-iran-launched-irn"] = True  # Iran's statements between its first and its latest
    at.run()
    links = page_links(at)
    assert ("timeline", f"kind=denial&incident={NAKHCHIVAN}&rec=irn-denial") in links
    assert ("map", f"kind=denial&incident={NAKHCHIVAN}&rec=irn-denial") in links


def test_a_cells_folded_statements_are_sent_when_opened_or_when_one_is_selected() -> None:
    at = open_claims({"incident": NAKHCHIVAN})
    fold = next(e for e in at.expander if e.label.startswith("5 more statements from Iran"))
    assert not fold.children, "a closed fold sends nothing"
    assert not any(rec.endswith("rec=irn-denial") for _page, rec in page_links(at))
    at.session_state["claims-fold-iran-launched-irn"] = True  # the reader opens it: the rerun draws it
    at.run()
    fold = next(e for e in at.expander if e.label.startswith("5 more statements from Iran"))
    assert len([e for e in blocks(fold) if e.type == "flex_container"]) >= 5  # each statement's links
    assert ("timeline", f"incident={NAKHCHIVAN}&rec=irn-denial") in page_links(at)
    # A link to a folded statement opens its fold, with the statement marked.
    at = open_claims({"incident": NAKHCHIVAN, "rec": "irn-denial"})
    fold = next(e for e in at.expander if e.label.startswith("5 more statements from Iran"))
    assert "● selected record" in " ".join(texts_in(fold))


def test_unknown_incident_shows_a_notice_and_the_picker() -> None:
    at = open_claims({"incident": "no-such-incident"})
    warnings = " ".join(plain(w.value) for w in at.warning)
    assert "no-such-incident" in warnings
    picker = at.selectbox(key=PICK_KEY)
    assert any("Drone attack on Nakhchivan" in option for option in picker.options)
    assert not at.get("page_link"), "no matrix for an incident that does not exist"
    # Picking an incident shows its matrix, and the shared `incident` follows.
    picker.select(NAKHCHIVAN).run()
    assert not at.exception
    assert at.session_state["incident"] == NAKHCHIVAN
    assert row_columns(at, "iran-launched")


def test_fixture_incident_renders_three_party_columns() -> None:
    at = open_claims({"incident": "fictional-strelsau-2024"}, data_dir=CLAIMS_FIXTURE)
    columns = row_columns(at, "fs-patrol-crossed")
    assert len(columns) == 4  # the proposition, then three parties
    assert [c[0].split("**")[1] for c in columns[1:]] == ["Ruritania", "Borduria", "Syldavia"]
    borduria = columns[2]
    # Issue 22: the army denies and the foreign ministry asserts: two voices disagree, not a change of position.
    assert "⇆ its voices disagree" in borduria[0] and "⇄ position changed" not in borduria[0]
    # Persian keeps its script, wrapped in a right-to-left isolate.
    assert any("\u2067گشت ما از مرز عبور نکرد\u2069" in text for text in borduria + texts_in(at.main))
    tracks = texts_in(keyed_block(at, "claims-tracks"))
    assert any("different offices of one party disagree: Borduria on #2" in text for text in tracks)
    assert not any("change(s) of position" in text for text in tracks)
    sequence = next(text for text in tracks if "- **Borduria**" in text).split("- **Borduria**")[1]
    assert "changed:" not in sequence and sequence.index("✖ denies") < sequence.index("✔ asserts")
    assert any("Bordurian Army (fictional)** (Denial" in text and "answers **Ruritanian Foreign Office" in text
               for text in tracks)
    glance = next(m.value for m in at.markdown if m.value.startswith("| # | Proposition |"))
    assert "| Ruritania | Borduria | Syldavia |" in glance
    assert ":red-badge[⚔ contested] A Bordurian patrol crossed into Ruritania" in glance


@pytest.mark.parametrize(
    ("order", "parties"),
    [
        ("accuser", ["Ruritania", "Borduria", "Syldavia"]),
        ("chronological", ["Ruritania", "Borduria", "Syldavia"]),
        ("name", ["Borduria", "Ruritania", "Syldavia"]),
    ],
)
def test_party_order_is_bound_and_in_the_share_link(order: str, parties: list[str]) -> None:
    at = open_claims({"incident": "fictional-strelsau-2024", "order": order}, data_dir=CLAIMS_FIXTURE)
    columns = row_columns(at, "fs-explosion")
    assert [c[0].split("**")[1] for c in columns[1:]] == parties
    # The default order is left out of the link.
    assert any(f"order={order}" in code.value for code in at.code) == (order != "accuser")


def has_key(at: AppTest, key: str) -> bool:
    return any(getattr(b.proto, "id", "").endswith("-" + key) for b in blocks(at.main))


def test_cards_layout_stacks_parties() -> None:
    at = open_claims({"incident": "fx-nakhchivan", "layout": "cards"}, data_dir=CLAIMS_FIXTURE)
    row = keyed_block(at, "claims-row-fx-iran-launched")
    assert not [b for b in blocks(row) if b.type == "column"], "cards stack parties instead of using columns"
    texts = texts_in(row)
    azerbaijan = next(i for i, t in enumerate(texts) if t.startswith("**Azerbaijan**"))
    iran = next(i for i, t in enumerate(texts) if t.startswith("**Iran**"))
    assert azerbaijan < iran
    # A layout chosen on purpose is in the share link.
    assert any("layout=cards" in code.value for code in at.code)


# layout -> (the glance table's container, the glance cards' container; None: not rendered at all).
# `auto` renders both, and the static stylesheet shows one by the screen's width (tests/browser/test_claims.py).
GLANCE_LAYOUTS = [
    ("auto", "wide-claims-glance", "narrow-claims-glance"),
    ("table", "scroll-x-claims-glance", None),
    ("cards", None, "claims-glance-cards"),
]


@pytest.mark.parametrize(("layout", "table_key", "cards_key"), GLANCE_LAYOUTS)
def test_the_links_layout_wins_over_the_screen(layout: str, table_key: str | None, cards_key: str | None) -> None:
    at = open_claims({"incident": NAKHCHIVAN, "layout": layout})
    for key in ("wide-claims-glance", "narrow-claims-glance", "scroll-x-claims-glance", "claims-glance-cards"):
        assert has_key(at, key) == (key in (table_key, cards_key)), key
    if table_key:
        table = texts_in(keyed_block(at, table_key))
        header = table[0].split("\n", 1)[0]
        assert header.startswith("| # | Proposition | Azerbaijan |") and "| Iran |" in header
    if cards_key:
        text = "\n".join(texts_in(keyed_block(at, cards_key)))
        assert "**1. Iran launched the drones that struck Nakhchivan.**" in text
        # Each party's stance on a line of its own: Azerbaijan asserts (and, in one statement, only implies it).
        # Issue 22: its own stances first, then (apart) what unnamed sources and aligned media say for it.
        assert (
            "- **Azerbaijan** :green-badge[✔ asserts] :violet-badge[∴ implies (our inference)]"
            " :gray-badge[◌ unnamed source asserts] :gray-badge[◌ aligned media asserts]"
        ) in text
        assert any(line.startswith("- **Iran** ") and "✖ denies" in line for line in text.split("\n"))
    assert any("layout=" in code.value for code in at.code) == (layout != "auto")


def test_unknown_layout_in_the_link_is_named_and_auto_is_used() -> None:
    at = open_app("claims", {"incident": NAKHCHIVAN, "layout": "grid"})
    assert not at.exception
    assert any("grid" in plain(w.value) for w in at.warning)
    assert has_key(at, "wide-claims-glance") and has_key(at, "narrow-claims-glance")


def test_incident_without_propositions_shows_a_notice_and_the_picker(write_data) -> None:
    root = write_data(
        actors="actors:\n  - {id: a, name: Party A, kind: state}\n",
        sources="sources:\n  - {id: doc, title: Doc, reliability: C}\n",
        incidents={
            "quiet.yaml": """
            incident:
              id: quiet
              title: Invented incident with no propositions yet
              summary: Invented for a test.
              when: {start: 2024-01-01, precision: day}
              event_type: Other
              sub_event_type: Other
              assessment: {grade: weak, rationale: test, assessed_on: 2024-01-02}
              sources: [doc]
              first_published: 2024-01-02
              last_updated: 2024-01-02
            """
        },
    )
    at = open_claims(data_dir=root)
    assert any("No propositions are recorded" in plain(i.value) for i in at.info)
    assert at.selectbox(key=PICK_KEY).value == "quiet"
    # No briefing to download (the page stops before its exports). The sidebar's "Download this view" is drawn by
    # app.py's sidebar fragment before the page runs, so it is there even when a page stops early.
    assert not at.main.get("download_button")
    assert [b.key for b in at.sidebar.get("download_button")] == ["export_csv", "export_json", "export_geojson"]


def test_page_picker_and_sidebar_incident_stay_in_step() -> None:
    at = open_claims({"incident": "fx-nakhchivan"}, data_dir=CLAIMS_FIXTURE)
    at.selectbox(key=PICK_KEY).select("fictional-klow-2024").run()
    assert at.session_state["incident"] == "fictional-klow-2024"
    assert any("drone over Klow" in s.value for s in at.subheader)
    # The sidebar's shared selection drives the page picker too.
    at.selectbox(key="incident").select("fictional-strelsau-2024").run()
    assert at.selectbox(key=PICK_KEY).value == "fictional-strelsau-2024"
    assert row_columns(at, "fs-explosion")


def test_many_parties_show_only_those_that_spoke_and_name_the_silent() -> None:
    at = open_claims({"incident": NAKHCHIVAN, "layout": "table"})
    comparison = compare(load_dataset(DATA), NAKHCHIVAN)
    assert isinstance(comparison, Comparison) and len(comparison.parties) > 4
    for row in comparison.rows:
        spoke = {comparison.party(c.party).label for c in row.cells if c.positions or c.competing}
        # The two in dispute first, then the others (issue 22), the silent named in that order.
        principal, others = comparison.grouped_parties()
        ordered = [row.cell(p.id) for p in (*principal, *others)]
        silent = [comparison.party(c.party).label for c in ordered if not (c.positions or c.competing)]
        _, cells = party_columns(at, row.proposition.id)
        assert set(cells) == spoke, row.proposition.id
        texts = " ".join(texts_in(keyed_block(at, f"claims-row-{row.proposition.id}")))
        named = "No statement on this from: " + ", ".join(silent)
        assert named in texts if silent else "No statement on this from" not in texts


def test_the_glance_groups_many_parties_and_keeps_few_as_columns() -> None:
    """Issue 22, point 8: ten parties: the two in dispute keep a column, the others share one and are named only
    where they spoke; three parties: one column each."""
    from components.claims import glance_caption, glance_markdown

    comparison = compare(load_dataset(DATA), NAKHCHIVAN)
    assert isinstance(comparison, Comparison)
    assert [p.id for p in comparison.in_dispute()] == ["aze", "irn"]
    table = glance_markdown(comparison).splitlines()
    assert table[0] == "| # | Proposition | Azerbaijan | Iran | Other parties |"
    row_of = {r.proposition.id: n for n, r in enumerate(comparison.rows, start=2)}  # after the header and rule
    three = table[row_of["four-drones"]]
    assert three.endswith("| — |")  # no other party spoke on it: nothing listed, no 'no statement' chips
    first = table[row_of["iran-launched"]]
    assert "**EU**" in first and "**Kazakhstan**" not in first  # silent parties take no room
    assert "Kazakhstan" in (glance_caption(comparison) or "")
    fixture = compare(load_dataset(CLAIMS_FIXTURE), "fictional-strelsau-2024")
    assert isinstance(fixture, Comparison) and glance_caption(fixture) is None
    assert glance_markdown(fixture).splitlines()[0] == "| # | Proposition | Ruritania | Borduria | Syldavia |"
