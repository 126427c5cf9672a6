"""Incidents: the index of every incident, filtered and sorted through the URL; a row opens that incident.

Thin: the rows come from incidents.views.incidents_index, the table from components.monitor.
"""

from __future__ import annotations

import streamlit as st

from components import responsive
from components.context import get_context
from components.monitor import index_frame
from components.safe import md_escape
from components.summaries import plural
from incidents.model.vocabulary import INCIDENT_KIND_TEXT
from incidents.views.incidents_index import filter_rows, index_options, index_rows, sort_rows, to_csv, to_json
from incidents.views.params import INCIDENT_KINDS, INDEX_SORTS, INDEX_STATUSES

TABLE_KEY = "incidents_table"
STATUS_LABELS = {
    "contested": "a proposition the parties contradict each other on",
    "one-sided": "a proposition only one party has spoken on",
    "agreed": "a proposition every party that spoke takes the same side on",
    "established": "something established (accepted by the party accused, or corroborated)",
    "open-discrepancies": "a discrepancy still open",
}

context = get_context()
dataset = context.dataset
rows = index_rows(dataset)
options = index_options(dataset)
names = {party: dataset.actor_index.label(party) for party in options["party"]}


def _open(incident_id: str) -> None:
    # A callback runs before the script, so the bound sidebar `incident` and the URL follow the choice.
    if incident_id in dataset.incidents:
        st.session_state["incident"] = incident_id


def _on_table_select() -> None:
    selection = st.session_state.get(TABLE_KEY) or {}
    picked = (selection.get("selection") or {}).get("rows") or []
    if picked and picked[0] < len(st.session_state.get("_incidents_shown", [])):
        _open(st.session_state["_incidents_shown"][picked[0]])


responsive.apply_stylesheet()
st.title("Incidents")
st.caption(
    "Every incident in the record, one row each: its dates as precisely as the sources give them, its kind, places, "
    "the parties that spoke on record, how its propositions stand (contested, one-sided, agreed; whether anything "
    "is established), its open discrepancies and how many sources it cites. Choose a row to open that incident."
)

top, middle = st.columns(2), st.columns(2)
years = top[0].multiselect("Year", list(options["year"]), key="year", bind="query-params", placeholder="Every year")
kinds = top[1].multiselect(
    "Kind", list(INCIDENT_KINDS), key="type", bind="query-params", placeholder="Every kind",
    help="; ".join(f"{k}: {v}" for k, v in INCIDENT_KIND_TEXT.items()),
)
# Option labels are the values themselves, because a bound widget writes its label into the URL.
parties = middle[0].multiselect(
    "Party that spoke", list(options["party"]), key="party", bind="query-params", placeholder="Every party",
    help="Ids as in the data: " + "; ".join(f"{p} = {md_escape(n)}" for p, n in names.items()),
)
statuses = middle[1].multiselect(
    "Status", list(INDEX_STATUSES), key="status", bind="query-params", placeholder="Any status",
    help="; ".join(f"{k}: {v}" for k, v in STATUS_LABELS.items()),
)
sort = st.segmented_control(
    "Sort", list(INDEX_SORTS), default=INDEX_SORTS[0], key="sort", bind="query-params", required=True
) or INDEX_SORTS[0]
for name, chosen in (("year", years), ("type", kinds), ("party", parties), ("status", statuses)):
    if chosen:
        context.page_params[name] = [str(item) for item in chosen]
if sort != INDEX_SORTS[0]:
    context.page_params["sort"] = [sort]

shown = sort_rows(
    filter_rows(rows, years=[int(y) for y in years], kinds=kinds, parties=parties, statuses=statuses), sort
)
st.session_state["_incidents_shown"] = [row.id for row in shown]
st.caption(f"{plural(len(shown), 'incident')} of {len(rows)}")

# The incident chosen in the table (its callback also set the shared `incident`), else the one the link names.
table_state = st.session_state.get(TABLE_KEY) or {}
table_rows = (table_state.get("selection") or {}).get("rows") or []
selected = shown[table_rows[0]].id if table_rows and table_rows[0] < len(shown) else context.filter.incident
if selected in dataset.incidents:
    chosen_row = next((row for row in rows if row.id == selected), None)
    with st.container(border=True, key="incidents-open"):
        st.markdown(f"**Open:** {md_escape(chosen_row.title if chosen_row else selected)}")
        links = st.columns(3)
        for column, page, label, icon in zip(
            links,
            ("app_pages/claims.py", "app_pages/timeline.py", "app_pages/map.py"),
            ("Its claims", "Its timeline", "Its map"),
            (":material/balance:", ":material/timeline:", ":material/map:"),
            strict=True,
        ):
            column.page_link(page, label=label, icon=icon, query_params={"incident": selected})

if not shown:
    st.info("No incident matches these filters.")
else:
    with st.container(key=responsive.wide_key("incidents-table")):
        st.dataframe(
            index_frame(shown),
            hide_index=True,
            key=TABLE_KEY,
            on_select=_on_table_select,
            selection_mode="single-row",
            column_config={"id": None, "Incident": st.column_config.TextColumn(width="large")},
        )
    with st.container(key=responsive.narrow_key("incidents-cards")):
        for row in shown:
            with st.container(border=True):
                st.markdown(f"**{md_escape(row.title)}**")
                st.caption(f"{md_escape(row.date)} · {md_escape(row.kind)} · {plural(row.sources, 'source')}")
                if row.places:
                    st.markdown("Places: " + md_escape("; ".join(row.places)))
                if row.party_names:
                    st.markdown("Parties: " + md_escape(", ".join(row.party_names)))
                open_count = plural(row.open_discrepancies, "open discrepancy", "open discrepancies")
                st.markdown(md_escape(row.claims_text()) + f" · {open_count}")
                st.button("Open this incident", key=f"open-{row.id}", on_click=_open, args=(row.id,))

sidebar = st.sidebar.container(key="incidents-exports")
sidebar.subheader("Download this index")
sidebar.download_button(
    "Index as CSV", data=to_csv(shown), file_name="incidents-index.csv", mime="text/csv", key="incidents_csv",
    on_click="ignore", icon=":material/download:", width="stretch",
)
sidebar.download_button(
    "Index as JSON", data=to_json(shown), file_name="incidents-index.json", mime="application/json",
    key="incidents_json", on_click="ignore", icon=":material/download:", width="stretch",
)
