"""Overview: what happened, where, when, casualties, who claims what, the assessment, data freshness."""

import streamlit as st

from components import responsive
from components.cards import mark_prefix
from components.context import get_context
from components.overview import (
    current_incident,
    figure_lines,
    headline_figure,
    headline_statements,
    short_dates,
    short_place,
)
from components.safe import md_escape
from incidents.evidence.comparison import Comparison, compare
from incidents.model.queries import speaker_name
from incidents.model.vocabulary import KIND_LABELS

context = get_context()
dataset = context.dataset
responsive.apply_stylesheet()
st.title("Azerbaijan–Iran Incident Monitor")
st.caption(
    f"Data last updated {dataset.last_updated or 'unknown'} · version {dataset.version} · "
    f"{len(dataset.incidents)} incident(s), {len(dataset.events)} events, {len(dataset.statements)} statements, "
    f"{len(dataset.sources)} sources"
)

incident = current_incident(dataset, context.filter.incident)
if incident is None:
    st.info("No incident records are loaded. Check the data panel above for errors.")
    st.stop()

st.header(mark_prefix(incident) + md_escape(incident.title))
st.markdown(md_escape(incident.summary))

places = [
    dataset.places[role.place]
    for role in incident.places
    if role.place in dataset.places and role.role in ("impact", "target")
]
when_column, where_column, harm_column, grade_column = st.columns(4)
when_column.metric("When", short_dates(incident.when))
when_column.caption(md_escape(incident.when.label()))
where_column.metric("Where", md_escape(short_place(places)))
where_column.caption(md_escape("; ".join(f"{p.names.en} ({p.geo_precision}, ±{p.precision_m:,} m)" for p in places)))
comparison = compare(dataset, incident.id)
tracks = comparison.figures if isinstance(comparison, Comparison) else ()
harm_column.metric("Injured (as reported)", headline_figure(tracks, "injured"))
harm_column.caption(md_escape("; ".join(line for line in figure_lines(tracks) if line.startswith("people injured"))))
grade_column.metric("Assessment", incident.assessment.grade)
grade_column.caption(md_escape(incident.assessment.rationale))

st.subheader("Who claims what")
for statement in headline_statements(dataset, incident.id):
    st.markdown(
        f"- {mark_prefix(statement)}**{md_escape(speaker_name(dataset, statement))}** "
        f"({KIND_LABELS[statement.kind].lower()}, "
        f"{md_escape(statement.when.label())}): {md_escape(statement.paraphrase)}"
    )

discrepancies = [d for d in dataset.discrepancies.values() if d.incident == incident.id]
if discrepancies:
    st.subheader(f"Open questions and discrepancies ({len(discrepancies)})")
    for discrepancy in discrepancies:
        st.markdown(
            f"- {mark_prefix(discrepancy)}**{md_escape(discrepancy.title)}** — {md_escape(discrepancy.description)}"
        )

st.divider()
st.caption(
    f"The shared filters select {context.view.record_count} of {len(dataset.events) + len(dataset.statements)} "
    "records. Timeline, Map and Claims show them in detail; Sources lists every source with its grade."
)
