"""Patterns: how each party answered the accusations made against it, incident after incident, and the
propositions that recur across incidents.

Thin: computed by incidents.evidence.patterns (the same as `python -m incidents patterns`), drawn by components.monitor.
"""

from __future__ import annotations

import json

import streamlit as st

from components import responsive
from components.context import get_context
from components.monitor import accusations_frame, grid_figure, grid_summary
from components.paging import paged
from components.safe import md_escape
from incidents.evidence.patterns import ANSWER_KINDS, Accusation, lag_text, to_json
from incidents.model.vocabulary import ANSWER_LABELS, ANSWER_TEXT
from incidents.views.overview import kept_patterns

CHART_KEY = "patterns_chart"
TABLE_KEY = "patterns_table"
MAX_LINKS = 6  # statements linked per accusation; the table names them all



def statement_links(accusation: Accusation, key: str = "") -> None:
    """Links to the accusation's statements on the timeline (`incident=` and `rec=`), accusation first."""
    ids = [*accusation.accusing_statements, *(x.statement for x in accusation.answers)][:MAX_LINKS]
    with st.container(horizontal=True, key=f"patterns-links-{key}" if key else None):
        for statement_id in ids:
            st.page_link(
                "app_pages/timeline.py", label=statement_id, icon=":material/timeline:",
                query_params={"incident": accusation.incident, "rec": statement_id},
            )


context = get_context()
dataset = context.dataset
found = kept_patterns(dataset)

responsive.apply_stylesheet()
st.title("How each side answers")
st.caption(
    "For each party, every accusation made against it on record (a proposition that holds it responsible, asserted "
    "in its own name by a party the proposition does not also hold responsible) and its first answer, incident after "
    "incident. The lag runs from the accusation to "
    "that answer, as precisely as the two times allow. Unnamed sources and a page's own voice accuse no one here."
)

with st.expander("What the answers mean"):
    st.markdown("\n".join(f"- **{ANSWER_LABELS[k]}**: {md_escape(ANSWER_TEXT[k])}" for k in ANSWER_KINDS))

summary = grid_summary(found)
if not found.accusations:
    st.info(summary)
else:
    st.subheader("Party × first answer, over time")
    config = {"displaylogo": False, "modeBarButtonsToRemove": ["toImage"]}
    # Built once per dataset (`Dataset.derive`), not on every rerun: nothing on this page depends on the filter.
    with st.container(key=responsive.wide_key("patterns-chart")):
        st.plotly_chart(dataset.derive("patterns-grid", lambda: grid_figure(found)), key=CHART_KEY, config=config)
    with st.container(key=responsive.narrow_key("patterns-chart")):
        st.plotly_chart(
            dataset.derive("patterns-grid-phone", lambda: grid_figure(found, phone=True)),
            key=CHART_KEY + "_phone", config=config,
        )
    # The chart's text alternative, read by screen readers and shown to everyone.
    st.caption(md_escape(summary))
    grid = found.grid()
    st.dataframe(
        [
            {"Party": found.party_names.get(p, p), **{ANSWER_LABELS[k]: grid[p][k] for k in ANSWER_KINDS}}
            for p in found.parties
        ],
        hide_index=True,
        key="patterns_grid_table",
    )
    st.subheader("Each accusation and its answers")
    st.caption("Choose a row (on a phone, a card's links) to open its statements on the timeline.")
    frame = dataset.derive("patterns-frame", lambda: accusations_frame(found))
    with st.container(key=responsive.wide_key("patterns-table")):
        st.dataframe(
            frame, hide_index=True, column_config={"incident": None}, key=TABLE_KEY,
            on_select="rerun", selection_mode="single-row",
        )
        picked = st.session_state.get(TABLE_KEY) or {}
        rows = (picked.get("selection") or {}).get("rows") or []
        if rows and rows[0] < len(found.accusations):
            statement_links(found.accusations[rows[0]])
    with st.container(key=responsive.narrow_key("patterns-cards")):
        # A card per accusation, a page of them at a time (1,474 accusations at 300 synthetic incidents made about
        # 10,000 elements a run); the page and search search the table's columns.
        for a in (found.accusations[i] for i in paged(frame, "patterns-cards", "accusations").index):
            with st.container(border=True):
                accused = md_escape(found.party_names.get(a.accused, a.accused))
                st.markdown(f"**{accused}** · {md_escape(a.incident_dates)}")
                st.markdown(md_escape(a.text))
                st.caption(md_escape(f"First answer: {ANSWER_LABELS[a.answer]} · lag: {lag_text(a.lag)}"))
                statement_links(a, key=f"{a.incident}-{a.proposition}-{a.accused}")

st.subheader("Propositions that recur across incidents")
if not found.recurring:
    st.info(
        "No proposition recurs across incidents yet: curators mark the same claim in different incidents with one "
        "`recurs_as` key (data/README.md), and none share one."
    )
for recurring in found.recurring:
    with st.container(border=True):
        st.markdown(f"**{md_escape(recurring.key)}** · {len(recurring.incidents)} incidents")
        st.markdown(
            "\n".join(
                f"- {md_escape(o.incident_dates)}: {md_escape(o.text)} ({md_escape(o.status)})"
                for o in recurring.history
            )
        )

sidebar = st.sidebar.container(key="patterns-exports")
sidebar.subheader("Download the patterns")
sidebar.download_button(
    "Patterns as JSON",
    data=dataset.derive("patterns-json", lambda: json.dumps(to_json(found), ensure_ascii=False, indent=2).encode()),
    file_name="patterns.json",
    mime="application/json",
    key="patterns_json",
    on_click="ignore",
    icon=":material/download:",
    width="stretch",
)
