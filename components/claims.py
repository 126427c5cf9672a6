"""Claims panel render helpers: stance chips, matrix cells, the table and card layouts.

Chips carry text and a symbol, so the stance reads without colour. Record text goes through `md_escape`
(or `quote_markdown`, which escapes and keeps right-to-left quotes in their direction); nothing here uses
unsafe_allow_html.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

import components.responsive as responsive
from components.cards import quote_markdown
from components.safe import md_escape
from incidents.evidence.comparison import Cell, Comparison, PartyOrder, Position, Row, StatementRef, party_order
from incidents.load.review import review_mark
from incidents.model.dataset import Dataset
from incidents.model.fields import Entry
from incidents.model.vocabulary import KIND_LABELS
from incidents.views.params import CLAIM_LAYOUTS, PARTY_ORDERS

# Colour is a second channel only: the symbol and the words carry the meaning.
STANCE_CHIPS: dict[str, tuple[str, str]] = {
    "asserts": ("green", "✔ asserts"),
    "suggests": ("orange", "≈ suggests (hedged)"),
    "implies": ("violet", "∴ implies (our inference)"),
    "denies": ("red", "✖ denies"),
    "doubts": ("gray", "? says it is unclear"),
    "declines": ("gray", "… declines to comment"),
    "none": ("gray", "— no statement"),
}
STATUS_CHIPS: dict[str, tuple[str, str]] = {
    "contested": ("red", "⚔ contested"),
    "one-sided": ("blue", "◐ one-sided"),
    "agreed": ("green", "✔ agreed"),
    "unaddressed": ("gray", "○ no position taken yet"),
}
# A one-sided or agreed row says which way, in words no stronger than the stances held (fixed labels only).
DIRECTION_WORDS = {"asserted": "asserted", "denied": "denied"}
STRENGTH_WORDS = {
    "asserted": "asserted",
    "suggested": "hedged",
    "implied": "implied (our inference)",
    "denied": "denied",
    "denied-inferred": "denial (inferred)",
    "unnamed": "unnamed source only",
    "unnamed-denied": "denied by unnamed source only",
    "aligned": "aligned media only",
    "aligned-denied": "denied by aligned media only",
    "voices-disagree": "its voices disagree",
}
GRADE_CHIPS: dict[str, str] = {
    "confirmed": "green",
    "fair": "blue",
    "weak": "orange",
    "contested": "red",
    "discounted": "gray",
}
ORDER_LABELS = {
    "accuser": "accusing party first",
    "chronological": "in the order they spoke",
    "name": "by name",
}
LAYOUTS = CLAIM_LAYOUTS  # auto: the table on a wide screen, cards on a phone (components/responsive.py)
LAYOUT_KEY = "layout"  # the URL parameter it is bound to

# A function that renders the links of one statement (timeline, map) into the current container.
LinkRenderer = Callable[[StatementRef], None]


def chip(color: str, text: str) -> str:
    """A Markdown badge. `text` must be one of our fixed labels, never record text."""
    return f":{color}-badge[{text}]"


def review_chip(record: Entry) -> str:
    """' Draft' or ' In review' as an orange badge after an unpublished record's text; '' when it is published."""
    mark = review_mark(record)
    return " " + chip("orange", mark) if mark else ""


def stance_chip(stance: str) -> str:
    color, text = STANCE_CHIPS[stance]
    return chip(color, text)


def status_chip(status: str, direction: str | None = None, strength: str | None = None) -> str:
    color, text = STATUS_CHIPS[status]
    if strength and status in ("one-sided", "agreed"):
        text += f": {STRENGTH_WORDS[strength]}"
    elif direction and status in ("one-sided", "agreed"):
        text += f": {DIRECTION_WORDS[direction]}"
    return chip(color, text)


def row_status_chip(row: Row) -> str:
    return status_chip(row.status, row.direction, row.strength)


def discrepancy_lines(row: Row) -> list[str]:
    """The discrepancies that concern a proposition, for beside it: status and title."""
    return [f"⚠ *Discrepancy ({md_escape(d.status)}): {md_escape(d.title)}*" for d in row.discrepancies]


# What unnamed sources or aligned media say for a party: shown apart from its own stance (fixed labels only).
SECOND_HAND_CHIPS: dict[str, tuple[str, str]] = {
    "unnamed": ("gray", "◌ unnamed source"),
    "aligned-media": ("gray", "◌ aligned media"),
}


def cell_chips(cell: Cell) -> str:
    """Every stance the party took here in its own name, then what unnamed sources or aligned media say for it;
    a shift of one voice, and voices that disagree, are flagged in words."""
    own = [s for s in cell.stances if s != "none" or not cell.second_hand]
    chips = " ".join(stance_chip(s) for s in own)
    for footing, stance in cell.second_hand:
        color, label = SECOND_HAND_CHIPS.get(footing, ("gray", "◌ second-hand"))
        chips += " " + chip(color, f"{label} {STANCE_CHIPS[stance][1].split(' ', 1)[1]}")
    if cell.shifted:
        chips += " " + chip("violet", "⇄ position changed")
    if cell.voices_disagree:
        chips += " " + chip("violet", "⇆ its voices disagree")
    return chips.strip()


def order_control(page_params: dict[str, list[str]]) -> PartyOrder:
    """URL-bound `order` of the party columns; registered in the share link when not the default."""
    order = st.segmented_control(
        "Columns",
        list(PARTY_ORDERS),
        default="accuser",
        key="order",
        bind="query-params",
        required=True,
        help="; ".join(f"{k}: {v}" for k, v in ORDER_LABELS.items()),
    )
    chosen = party_order(order)
    if chosen != "accuser":
        page_params["order"] = [chosen]
    return chosen


def layout_control(page_params: dict[str, list[str]]) -> str:
    """URL-bound layout: `auto` (the screen's width decides), `table` (parties side by side) or `cards` (stacked)."""
    layout = st.segmented_control(
        "Layout",
        list(LAYOUTS),
        default=LAYOUTS[0],
        key=LAYOUT_KEY,
        bind="query-params",
        required=True,
        help="auto: a table on a wide screen, one card per proposition on a phone; "
        "table: parties side by side; cards: parties stacked under each proposition",
    )
    chosen = layout if layout in LAYOUTS else LAYOUTS[0]
    if chosen != LAYOUTS[0]:
        page_params[LAYOUT_KEY] = [chosen]
    return chosen


SHOWN_PER_CELL = 2  # statements shown in full per cell (the first and the latest); the rest fold away


def statement_lines(dataset: Dataset, position: Position, selected: str | None, own_chip: bool = False) -> list[str]:
    """Markdown blocks for one statement in a cell: the quote (script and direction kept), paraphrase, stance note.

    `own_chip` puts the statement's stance on top, for cells where the party took more than one stance."""
    ref = position.statement
    head = [stance_chip(position.stance)] if own_chip else []
    if ref.id == selected:
        head.append(chip("blue", "● selected record"))
    blocks = [" ".join(head)] if head else []
    statement = dataset.statements.get(ref.id)
    if statement is not None and review_mark(statement):
        blocks.insert(0, review_chip(statement).strip())
    if statement is not None and statement.quote:
        blocks.append(quote_markdown(statement))
    blocks.append(md_escape(ref.paraphrase))
    if position.note:
        blocks.append(f"*{md_escape(position.note)}*")
    return blocks


def statement_markdown(dataset: Dataset, position: Position, selected: str | None, own_chip: bool = False) -> str:
    """The statement's blocks (`statement_lines`) as one Markdown text, a blank line between them."""
    return "\n\n".join(statement_lines(dataset, position, selected, own_chip))


def statement_caption(ref: StatementRef) -> str:
    """Who, what kind, when (with precision), and the Admiralty grade with the credibility in words; how it counts
    when it is not a party's statement in its own name."""
    footing = f" · *{md_escape(ref.footing_text)}*" if ref.footing != "party" else ""
    return (
        f"**{md_escape(ref.speaker_name)}** · {KIND_LABELS.get(ref.kind, ref.kind)} · {md_escape(ref.when_label)}"
        f" · grade **{md_escape(ref.grade)}** at the nearest source, **{md_escape(ref.chain_grade)}** as we hold it"
        f" (the weakest link of the chain), {md_escape(ref.credibility_text)}{footing}"
    )


def render_statement(
    dataset: Dataset, position: Position, selected: str | None, links: LinkRenderer, own_chip: bool = False
) -> None:
    ref = position.statement
    # One element for the text and one for its footing, not one per block and line: every element a rerun sends
    # costs the served app about half a millisecond (bench/PROFILE.md, sixth pass), and a cell holds many.
    st.markdown(statement_markdown(dataset, position, selected, own_chip))
    st.caption(statement_caption(ref) + "  \nVia " + md_escape(ref.via_text))
    links(ref)


def render_cell(
    dataset: Dataset, comparison: Comparison, cell: Cell, selected: str | None, links: LinkRenderer
) -> None:
    """Party name and stance chips, then its statements in time order."""
    party = comparison.party(cell.party)
    st.markdown(f"**{md_escape(party.label)}** {cell_chips(cell)}")
    for other in cell.competing:
        st.caption(
            f"No statement on this, but {md_escape(party.label)} supports the competing "
            f"“{md_escape(comparison.proposition_text(other).rstrip('.'))}”."
        )
    if not cell.positions:
        return
    own_chip = len(cell.stances) > 1
    # Long cells show the first statement and the latest (the current position); the ones between fold away.
    positions = cell.positions
    folded = positions[1:-1] if len(positions) > SHOWN_PER_CELL else ()
    render_statement(dataset, positions[0], selected, links, own_chip)
    if folded:
        label = f"{len(folded)} more statement{'s' if len(folded) > 1 else ''} from {md_escape(party.label)} in between"
        chosen = any(p.statement.id == selected for p in folded)
        # Drawn only when open (opening reruns): a closed expander's statements were sent on every rerun unseen.
        # A selection inside opens it: a key of its own, so the state kept for the closed one does not apply.
        key = f"claims-fold-{cell.proposition}-{cell.party}" + ("-selected" if chosen else "")
        fold = st.expander(label, expanded=chosen, key=key, on_change="rerun")
        if fold.open:
            with fold:
                for index, position in enumerate(folded):
                    if index:
                        st.divider()
                    render_statement(dataset, position, selected, links, own_chip)
    if len(positions) > 1:
        st.divider()
        render_statement(dataset, positions[-1], selected, links, own_chip)


# Up to this many parties, each is a column of the glance table; beyond, the two in dispute keep their columns and
# the others share one, each named where it spoke (a silent party takes no room).
GLANCE_PARTY_COLUMNS = 4


def _cell_text(cell: Cell, numbers: dict[str, int]) -> str:
    """The cell's chips; a party silent here but supporting a competing proposition reads as that, compactly."""
    instead = "".join(f" *(supports #{numbers[o]} instead)*" for o in cell.competing if o in numbers)
    if not cell.positions and instead:
        return instead.strip()
    return cell_chips(cell) + instead


def _spoke(cell: Cell) -> bool:
    return bool(cell.positions or cell.competing)


def glance_markdown(comparison: Comparison) -> str:
    """The whole matrix in one table of chips: each row's status, then each party's stance and its strength.

    The status sits in the proposition's cell rather than a column of its own, so the table fits a phone. With more
    than `GLANCE_PARTY_COLUMNS` parties, the two in dispute keep a column each and the others share the last one,
    named only on the rows where they spoke, so no column is too narrow to read a label whole."""
    numbers = {row.proposition.id: n for n, row in enumerate(comparison.rows, start=1)}
    grouped = len(comparison.parties) > GLANCE_PARTY_COLUMNS
    principal, others = comparison.grouped_parties() if grouped else (comparison.parties, ())
    names = [md_escape(p.label) for p in principal] + (["Other parties"] if grouped else [])
    lines = ["| # | Proposition | " + " | ".join(names) + " |", "|---:|---|" + "---|" * len(names)]
    for number, row in enumerate(comparison.rows, start=1):
        cells = [_cell_text(row.cell(p.id), numbers) for p in principal]
        if grouped:
            spoke = [
                f"**{md_escape(p.label)}** {_cell_text(row.cell(p.id), numbers)}"
                for p in others
                if _spoke(row.cell(p.id))
            ]
            cells.append(" · ".join(spoke) or "—")
        text = md_escape(row.proposition.text) + review_chip(row.proposition)
        lines.append(f"| {number} | {row_status_chip(row)} {text} | {' | '.join(cells)} |")
    return "\n".join(lines)


def glance_caption(comparison: Comparison) -> str | None:
    """Under a grouped glance table: which parties share the last column, and that a blank there means silence."""
    if len(comparison.parties) <= GLANCE_PARTY_COLUMNS:
        return None
    _, others = comparison.grouped_parties()
    return (
        "Other parties (" + ", ".join(md_escape(p.label) for p in others) + ") share the last column: each is named"
        " on the rows where it took a position; a party not named there said nothing on that proposition."
    )


def standing(comparison: Comparison, proposition_id: str) -> str:
    """Where a proposition stands among what is established: its tier's chip, or a plain "not established"."""
    for item in comparison.established:
        if item.proposition.id == proposition_id:
            color, label, _ = TIER_HEADINGS[item.tier]
            return chip(color, f"established: {label}")
    return chip("gray", "not established")


def glance_cards(comparison: Comparison) -> list[str]:
    """The matrix for a phone: one Markdown card per proposition, its status and established standing on top,
    then each party's stance on a line of its own, in the party order of the table."""
    numbers = {row.proposition.id: n for n, row in enumerate(comparison.rows, start=1)}
    cards = []
    for number, row in enumerate(comparison.rows, start=1):
        lines = [
            f"**{number}\\. {md_escape(row.proposition.text)}**{review_chip(row.proposition)}",
            f"{row_status_chip(row)} {standing(comparison, row.proposition.id)}",
            *discrepancy_lines(row),
        ]
        head = len(lines)
        principal, others = comparison.grouped_parties()
        silent = []
        for party in (*principal, *others):
            cell = row.cell(party.id)
            if party not in principal and not _spoke(cell):
                silent.append(md_escape(party.label))  # silent parties take one line between them
                continue
            lines.append(f"- **{md_escape(party.label)}** {_cell_text(cell, numbers)}")
        if silent:
            lines.append("- *No statement:* " + ", ".join(silent))
        cards.append("\n\n".join(lines[:head]) + "\n\n" + "\n".join(lines[head:]))
    return cards


def render_glance(comparison: Comparison, layout: str) -> None:
    """The matrix at a glance as a table, as cards, or (`auto`) both, the screen's width showing one of them.

    A table chosen on purpose scrolls inside its own frame on a narrow screen rather than the page sideways."""
    if layout != "cards":
        table_key = responsive.wide_key("claims-glance") if layout == "auto" else responsive.scroll_key("claims-glance")
        with st.container(key=table_key):
            st.markdown(glance_markdown(comparison))
            caption = glance_caption(comparison)
            if caption:
                st.caption(caption)
    if layout != "table":
        cards_key = responsive.narrow_key("claims-glance") if layout == "auto" else "claims-glance-cards"
        with st.container(key=cards_key, gap="small"):
            for card in glance_cards(comparison):
                with st.container(border=True):
                    st.markdown(card)


def render_proposition_head(row: Row, number: int) -> None:
    st.markdown(f"**{number}\\. {md_escape(row.proposition.text)}**")
    if row.proposition.question:
        st.caption(md_escape(row.proposition.question))
    st.markdown(row_status_chip(row) + review_chip(row.proposition))
    for line in discrepancy_lines(row):
        st.caption(line)


# Up to this many parties, each party is a column of the whole table; beyond it a column would be too narrow to
# read, so each row shows only the parties that said something on it, in a grid, and names the silent ones.
TABLE_PARTY_COLUMNS = 4
GRID_COLUMNS = 3


def render_table(dataset: Dataset, comparison: Comparison, selected: str | None, links: LinkRenderer) -> None:
    """Parties as columns, propositions as rows. Streamlit stacks the columns on narrow screens; each cell
    names its party, so a stacked row still reads."""
    if len(comparison.parties) > TABLE_PARTY_COLUMNS:
        render_grid(dataset, comparison, selected, links)
        return
    spec = [2] + [3] * len(comparison.parties)
    head = st.columns(spec, vertical_alignment="bottom")
    head[0].markdown("**Proposition**")
    for column, party in zip(head[1:], comparison.parties, strict=True):
        role = " · accusing party" if party.accuser else ""
        column.markdown(f"#### {md_escape(party.label)}")
        column.caption(md_escape(party.name) + role)
    for number, row in enumerate(comparison.rows, start=1):
        with st.container(border=True, key=f"claims-row-{row.proposition.id}"):
            columns = st.columns(spec)
            with columns[0]:
                render_proposition_head(row, number)
            for column, cell in zip(columns[1:], row.cells, strict=True):
                with column:
                    render_cell(dataset, comparison, cell, selected, links)
            render_reporting(dataset, row, selected, links)


def render_grid(dataset: Dataset, comparison: Comparison, selected: str | None, links: LinkRenderer) -> None:
    """Many parties: per row, the proposition beside a grid of the parties that spoke on it (or support a competing
    proposition), and one line naming the parties with no statement on it."""
    for number, row in enumerate(comparison.rows, start=1):
        with st.container(border=True, key=f"claims-row-{row.proposition.id}"):
            head, body = st.columns([2, 9])
            with head:
                render_proposition_head(row, number)
            principal, others = comparison.grouped_parties()
            ordered = [row.cell(p.id) for p in (*principal, *others)]  # the two in dispute first
            spoke = [cell for cell in ordered if _spoke(cell)]
            silent = [comparison.party(cell.party).label for cell in ordered if cell not in spoke]
            with body:
                for start in range(0, len(spoke), GRID_COLUMNS):
                    line = st.columns(GRID_COLUMNS)
                    for column, cell in zip(line, spoke[start : start + GRID_COLUMNS], strict=False):
                        with column:
                            render_cell(dataset, comparison, cell, selected, links)
                if silent:
                    st.caption(md_escape("No statement on this from: " + ", ".join(silent)))
            render_reporting(dataset, row, selected, links)


def render_cards(dataset: Dataset, comparison: Comparison, selected: str | None, links: LinkRenderer) -> None:
    """One card per proposition, parties stacked: the narrow-screen layout."""
    for number, row in enumerate(comparison.rows, start=1):
        with st.container(border=True, key=f"claims-row-{row.proposition.id}"):
            render_proposition_head(row, number)
            for cell in row.cells:
                with st.container(border=True):
                    render_cell(dataset, comparison, cell, selected, links)
            render_reporting(dataset, row, selected, links)


def render_reporting(dataset: Dataset, row: Row, selected: str | None, links: LinkRenderer) -> None:
    """The publication's own voice on a proposition: reporting of its own, shown apart from the parties."""
    if not row.reporting:
        return
    st.markdown(
        "**Reporting** (the publication's voice, not a party; only an independent outlet's own observation counts)"
    )
    for position in row.reporting:
        render_statement(dataset, position, selected, links, own_chip=True)


TIER_HEADINGS = {
    "accepted": ("green", "✔ accepted", "Accepted by the party it goes against, disputed by no one"),
    "corroborated": (
        "blue",
        "≡ corroborated",
        "Observed by two or more independent outlets aligned with no party, disputed by no one",
    ),
}
