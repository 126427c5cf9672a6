"""Claims: each party's claims and denials side by side, proposition by proposition."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from components import claims as ui
from components import claims_more as more
from components import responsive
from components.cards import mark_prefix
from components.context import get_context
from components.figures import figures_frame, show_figures
from components.filters import NOTICES_KEY, share_link
from components.overview import current_incident
from components.safe import md_escape, md_link
from components.timetravel import render_proposition_history
from incidents.evidence.briefing import to_csv, to_markdown
from incidents.evidence.comparison import STATUS_TEXT, ComparisonError, StatementRef, compare
from incidents.load.review import marked
from incidents.model.queries import chronological
from incidents.views.urlstate import to_params

PICK_KEY = "claims_incident_pick"

context = get_context()
dataset = context.dataset
by_date = sorted(dataset.incidents.values(), key=chronological, reverse=True)


def _pick() -> None:
    # A callback runs before the script, so the bound sidebar `incident` and the URL follow the choice.
    st.session_state["incident"] = st.session_state[PICK_KEY]
    st.session_state.pop(NOTICES_KEY, None)


def _incident_label(incident_id: str) -> str:
    incident = dataset.incidents[incident_id]
    return marked(incident, f"{incident.when.first_day} · {incident.title}")


def incident_picker(current: str | None) -> None:
    if st.session_state.get(PICK_KEY) != current:
        st.session_state[PICK_KEY] = current
    st.selectbox(
        "Incident",
        [i.id for i in by_date],
        index=None,  # the value comes from session state, set just above
        key=PICK_KEY,
        format_func=_incident_label,
        placeholder="Choose an incident",
        on_change=_pick,
    )


responsive.apply_stylesheet()
st.title("Who claims what")
unknown = [n for n in context.notices if n.param == "incident"] if context.filter.incident is None else []
if unknown:
    st.warning(
        f"The link asks for incident “{md_escape(unknown[0].value[:64])}”, which was ignored: "
        f"{md_escape(unknown[0].reason)}. Choose an incident below.",
        icon=":material/search_off:",
    )
    incident_picker(None)
    st.stop()

incident = current_incident(dataset, context.filter.incident)
if incident is None:
    st.info("No incident records are loaded. Check the data panel above for errors.")
    st.stop()

result = compare(dataset, incident.id)
if isinstance(result, ComparisonError):  # only if the data changed under us
    st.warning(md_escape(result.message))
    incident_picker(None)
    st.stop()
comparison = result

st.subheader(mark_prefix(incident) + md_escape(incident.title))
st.caption(
    f"`{incident.id}` · {md_escape(incident.when.label())} · record last updated "
    f"{incident.last_updated} · data last updated {dataset.last_updated} (version {dataset.version})"
)
picker_column, order_column, layout_column = st.columns([3, 2, 2], vertical_alignment="bottom")
with picker_column:
    incident_picker(incident.id)
with order_column:
    order = ui.order_control(context.page_params)
with layout_column:
    layout = ui.layout_control(context.page_params)
comparison = comparison.reordered(order)

if not comparison.rows:
    # No matrix without propositions, but the record still holds statements, figures and discrepancies: show them.
    st.info(
        "No propositions are recorded for this incident, so there is no matrix. Its statements by party, its"
        " figures and its discrepancies follow."
    )
    with st.container(key="claims-by-party"):
        st.subheader("Statements by party")
        more.render_statements_by_party(dataset, comparison)
    if comparison.figures:
        with st.container(key=responsive.FIGURES_KEY):
            st.markdown("**Figures, as each gave them** (in time order; revisions and disagreements kept)")
            show_figures(figures_frame(comparison.figures))
    with st.container(key="claims-discrepancies"):
        st.subheader(f"Discrepancies ({len(comparison.discrepancies)})")
        more.render_discrepancies(comparison)
    st.stop()

counts = comparison.counts
with st.container(horizontal=True):  # side by side, wrapping on a phone instead of stacking four tall boxes
    for status, label in (("contested", "⚔ Contested"), ("one-sided", "◐ One-sided"), ("agreed", "✔ Agreed")):
        st.metric(label, counts[status], help=STATUS_TEXT[status], border=True, width=150)
st.caption(
    "Parties: "
    + " · ".join(md_escape(p.label) + (" (accusing party)" if p.accuser else "") for p in comparison.parties)
    + f" · {len(comparison.rows)} propositions"
    + (
        " · The sidebar's date, actor, kind and text filters do not hide statements here: every side stays in view."
        if not replace(context.filter, incident=None, record=None).is_default
        else ""
    )
)

ui.render_glance(comparison, layout)
more.render_established(comparison)
if comparison.figures:
    with st.container(key=responsive.FIGURES_KEY):
        st.markdown(
            "**Figures, as each party gave them** (in time order; revisions and disagreements kept, never averaged)"
        )
        show_figures(figures_frame(comparison.figures))
more.render_assessment(comparison)
with st.expander(f"Discrepancies recorded for this incident ({len(comparison.discrepancies)})"):
    more.render_discrepancies(comparison)
# Drawn only when open (opening reruns the page): reading the data's history took 17-22 ms of every claims rerun on
# the shipped data (about 40 % of it), for a table most readers never open.
history = st.expander(
    "How each proposition and figure changed over the data versions", key="claims-history", on_change="rerun"
)
if history.open:
    with history:
        render_proposition_history(context.data_dir, context.travel, dataset, incident.id)

filters = replace(context.filter, incident=incident.id)


def statement_links(statement: StatementRef) -> None:
    params = to_params(replace(filters, record=statement.id))
    with st.container(horizontal=True, gap="small"):
        st.page_link("app_pages/timeline.py", label="Timeline", icon=":material/timeline:", query_params=params)
        st.page_link("app_pages/map.py", label="Map", icon=":material/map:", query_params=params)


st.subheader("Proposition by proposition")
if layout == "cards":
    ui.render_cards(dataset, comparison, context.filter.record, statement_links)
else:
    ui.render_table(dataset, comparison, context.filter.record, statement_links)

with st.container(key="claims-tracks"):
    st.subheader("Stance over time")
    st.caption("Each party's statements on each proposition, in order; a change of stance is marked.")
    more.render_tracks(comparison)
    if comparison.replies:
        st.markdown("**Who answered whom**")
        st.markdown("\n".join(more.reply_lines(comparison)))
    if comparison.other_statements:
        with st.expander(f"Other statements on this incident ({len(comparison.other_statements)})"):
            st.caption("They take no position on the propositions above (threats, background, context).")
            for ref in comparison.other_statements:
                st.markdown(f"**{md_escape(ref.speaker_name)}** · {md_escape(ref.when_label)}")
                st.markdown(md_escape(ref.paraphrase))
                st.caption("Source chain: " + md_escape(ref.chain_text))

st.subheader("Export")
view_url = share_link(st.context.url or "http://localhost:8501/claims", filters, context.page_params, dataset.version)
download_md, download_csv = st.columns(2)
download_md.download_button(
    "Download briefing note (Markdown)",
    data=lambda: to_markdown(comparison, view_url),
    file_name=f"claims-{incident.id}.md",
    mime="text/markdown",
    on_click="ignore",
    icon=":material/description:",
)
download_csv.download_button(
    "Download matrix (CSV, one row per cell)",
    data=lambda: to_csv(comparison, view_url),
    file_name=f"claims-{incident.id}.csv",
    mime="text/csv",
    on_click="ignore",
    icon=":material/table:",
)
# A link, not the text of the URL: escaped text would carry an invisible word joiner (no autolink) into a copy.
st.caption("Both carry the incident id, the data's last-updated date and " + md_link("this view's link", view_url))
