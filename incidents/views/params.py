"""The URL's parameters, declared once (Datasette-style: a table of parameters, kept apart from the views).

The frame's widgets take their keys from it, `incidents.views.urlstate` reads and writes links by it, the share link
is ordered by it, and the README's Linking tables are rendered from it (`linking_tables`) and tested against it.
Page controls' choices are defined here, so a page and its link can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from incidents.model.vocabulary import INCIDENT_KIND_TEXT

INCIDENT_KINDS: tuple[str, ...] = tuple(INCIDENT_KIND_TEXT)

ParamKind = Literal["date", "id", "kind", "text", "choice", "flag", "version", "streamlit"]
Scope = Literal["shared", "page", "link", "streamlit"]
# Which value of a single-valued key given twice `incidents.views.urlstate` keeps, as the bound widget reads it
# (Streamlit's date input takes the first, its text input and selectbox the last). Repeatable keys keep them all.
Keeps = Literal["first", "last"]

# Page-control choices. The first choice is the default.
GROUPINGS: tuple[str, ...] = ("hierarchy", "country", "actor")
# The timeline's level of detail: `auto` follows incidents.views.binning.timeline_level (incidents as spans over a
# long range, records over a short one); the others force one.
TIMELINE_DETAILS: tuple[str, ...] = ("auto", "incidents", "records")
PARTY_ORDERS: tuple[str, ...] = ("accuser", "chronological", "name")
# `auto` lets the screen choose: the party × proposition table on a wide screen, cards on a phone.
CLAIM_LAYOUTS: tuple[str, ...] = ("auto", "table", "cards")
LAYER_IDS: tuple[str, ...] = ("countries", "border", "places", "events", "crossings", "labels", "claims")
BASEMAP_CHOICES: tuple[str, ...] = ("true", "false")
# The incidents index (/incidents): its sort orders (the first the default) and the claims statuses it filters by
# (`incidents.views.incidents_index.IndexRow.statuses`; a test holds them equal).
INDEX_SORTS: tuple[str, ...] = ("newest", "oldest", "contested", "sources", "title")
INDEX_STATUSES: tuple[str, ...] = ("contested", "one-sided", "agreed", "established", "open-discrepancies")
# The longest search the sidebar takes; a longer `q` is cut.
MAX_TEXT = 200


@dataclass(frozen=True)
class Param:
    """One query parameter: what it holds, whether it repeats, its default, the page that owns it, its docs.

    `field` is the `FilterValue` field a shared filter fills; `noun` names what an id points at, in notices.
    `doc` and `default_doc` are the Value and Default cells of the README's Linking tables.
    """

    name: str
    kind: ParamKind
    scope: Scope
    repeatable: bool = False
    default: str | None = None
    page: str | None = None
    choices: tuple[str, ...] = ()
    keeps: Keeps = "first"
    field: str | None = None
    noun: str = ""
    max_length: int | None = None
    doc: str = ""
    default_doc: str = ""
    # Reserved names are known (no "unknown parameter" notice) but not yet documented in the tables.
    reserved: bool = False

    @property
    def default_text(self) -> str:
        """The Default cell of the Linking tables: the documented words, else the default value as code."""
        if self.default_doc:
            return self.default_doc
        return f"`{self.default}`" if self.default is not None else "—"


def _choices(values: tuple[str, ...]) -> str:
    return ", ".join(f"`{value}`" for value in values)


PARAMS: tuple[Param, ...] = (
    Param(
        "from", "date", "shared", field="date_from", keeps="first", default_doc="no limit",
        doc="First day, `YYYY-MM-DD`. A record counts if the time it may fall in overlaps the range.",
    ),
    Param(
        "to", "date", "shared", field="date_to", keeps="first", default_doc="no limit",
        doc="Last day, `YYYY-MM-DD`; not before `from`.",
    ),
    Param(
        "actor", "id", "shared", repeatable=True, field="actors", noun="actor", default_doc="all actors",
        doc="An actor id from the data, e.g. `irn`, `irn-general-staff`, `aze-mfa`. An actor includes the bodies "
        "below it: `actor=irn` also selects what Iran's General Staff said.",
    ),
    Param(
        "kind", "kind", "shared", repeatable=True, field="kinds", noun="record kind",
        default_doc="all kinds",
        doc="`event`, `claim`, `denial`, `accusation`, `alternative-explanation`, `demand`, `threat`, `assurance`",
    ),
    Param(
        "q", "text", "shared", keeps="last", field="text", max_length=MAX_TEXT, default_doc="none",
        doc="Search text in titles, descriptions, quotes, paraphrases and summaries (case-insensitive), at most "
        f"{MAX_TEXT} characters.",
    ),
    Param(
        "incident", "id", "shared", keeps="last", field="incident", noun="incident", default_doc="the most recent",
        doc="The selected incident's id, e.g. `nakhchivan-2026-03-05`. A selection: it chooses what the pages show "
        "in detail; it does not hide other records.",
    ),
    Param(
        "rec", "id", "shared", keeps="last", field="record", noun="record", default_doc="none",
        doc="The selected event or statement id, e.g. `irn-denial`. Also a selection.",
    ),
    Param(
        "v", "version", "link", keeps="first", default_doc="—",
        doc="The data version the view shows (8 hex digits): an older version shows the data as it was then (see "
        "[Time travel](#time-travel-and-the-data-version-pin)). Added by the copy-link control.",
    ),
    Param(
        "group", "choice", "page", default=GROUPINGS[0], page="timeline", choices=GROUPINGS,
        doc="Lanes: `hierarchy` (one per state, its bodies inside), `country`, `actor`",
    ),
    Param(
        "detail", "choice", "page", default=TIMELINE_DETAILS[0], page="timeline", choices=TIMELINE_DETAILS,
        doc="`auto`: one span per incident when the dates in view run over 120 days and hold several incidents, "
        "else the records (counted per lane and time bin above 300); `incidents` or `records` forces one",
    ),
    Param(
        "order", "choice", "page", default=PARTY_ORDERS[0], page="claims", choices=PARTY_ORDERS,
        doc="Party columns: `accuser` (accusing party first), `chronological`, `name`",
    ),
    Param(
        "layout", "choice", "page", default=CLAIM_LAYOUTS[0], page="claims", choices=CLAIM_LAYOUTS,
        doc="`auto` (a table on a wide screen, one card per proposition on a phone), `table`, `cards`",
    ),
    # `layers=` (empty) means no layer, so the empty value is a valid choice.
    Param(
        "layers", "choice", "page", repeatable=True, page="map", choices=("", *LAYER_IDS),
        default_doc="all layers",
        doc=f"The layers switched on: {_choices(LAYER_IDS)}; `layers=` (empty) for none",
    ),
    Param(
        "basemap", "choice", "page", default="false", page="map", choices=BASEMAP_CHOICES,
        default_doc="off (`false`)",
        doc="`true` draws Carto's light basemap under the records (its tiles come from an outside service)",
    ),
    Param(
        "sort", "choice", "page", default=INDEX_SORTS[0], page="incidents", choices=INDEX_SORTS,
        doc="Rows: `newest` first, `oldest` first, most `contested` propositions first, most `sources` first, "
        "by `title`",
    ),
    Param(
        "year", "text", "page", repeatable=True, page="incidents", default_doc="every year",
        doc="Incidents that start in this year, e.g. `2023`; repeat for several. A year with no incident is "
        "ignored with a notice.",
    ),
    Param(
        "type", "choice", "page", repeatable=True, page="incidents", choices=INCIDENT_KINDS, default_doc="every kind",
        doc=f"The incident's kind: {_choices(INCIDENT_KINDS)} (see data/README.md)",
    ),
    Param(
        "party", "id", "page", repeatable=True, page="incidents", noun="party", default_doc="every party",
        doc="Incidents where this party spoke on record (a state's id, e.g. `irn`; its bodies count for it).",
    ),
    Param(
        "status", "choice", "page", repeatable=True, page="incidents", choices=INDEX_STATUSES,
        default_doc="any",
        doc="Incidents with at least one proposition `contested`, `one-sided` or `agreed`, with something "
        "`established`, or with `open-discrepancies`",
    ),
    Param("table", "choice", "page", reserved=True),  # reserved for a later table-layout control
    Param(
        "embed", "streamlit", "streamlit",
        doc="`true`: the page without Streamlit's chrome (see [Embedding](#embedding)).",
    ),
    Param(
        "embed_options", "streamlit", "streamlit", repeatable=True,
        doc="Repeatable, with `embed=true`: `show_toolbar`, `show_padding`, `disable_scrolling`, `light_theme`, "
        "`dark_theme`, `hide_loading_screen`.",
    ),
)
BY_NAME: dict[str, Param] = {param.name: param for param in PARAMS}


def names(scope: Scope) -> tuple[str, ...]:
    """The parameter names of one scope, in table order."""
    return tuple(param.name for param in PARAMS if param.scope == scope)


SHARED_PARAMS = names("shared")
PAGE_PARAMS = names("page")
KNOWN_PARAMS = tuple(BY_NAME)


def page_options() -> dict[str, tuple[str, ...]]:
    """Page control -> the values its bound widget accepts (it drops any other without a word, so we check)."""
    return {param.name: param.choices for param in PARAMS if param.scope == "page" and param.choices}


# The README's Linking tables: (heading, the columns, which parameters). The first column is always the name.
LINKING_TABLES: tuple[tuple[str, tuple[str, ...], tuple[Scope, ...]], ...] = (
    ("Shared filters (every page)", ("Parameter", "Repeatable", "Value", "Default"), ("shared", "link")),
    ("Page controls", ("Parameter", "Page", "Repeatable", "Value", "Default"), ("page",)),
    ("Streamlit's own", ("Parameter", "Value"), ("streamlit",)),
)


def _cell(param: Param, column: str) -> str:
    cells = {
        "Parameter": f"`{param.name}`",
        "Repeatable": "yes" if param.repeatable else "no",
        "Page": f"`/{param.page}`" if param.page else "",
        "Value": param.doc,
        "Default": param.default_text,
    }
    return cells[column]


def linking_rows(scopes: tuple[Scope, ...], columns: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The cells of one Linking table, one tuple per documented parameter, in table order."""
    return [
        tuple(_cell(param, column) for column in columns)
        for param in PARAMS
        if param.scope in scopes and not param.reserved
    ]


def linking_tables() -> str:
    """The README's Linking parameter tables as Markdown, each under its `####` heading, rendered from PARAMS."""
    blocks = []
    for heading, columns, scopes in LINKING_TABLES:
        lines = [f"#### {heading}", "", "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(row) + " |" for row in linking_rows(scopes, columns)]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
