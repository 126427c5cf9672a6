"""Overview, the monitor's front page: the latest incident in brief (or the one the link selects), what is open across
the record (open discrepancies, accusations with no answer on record), the latest changes, incidents per year by kind.

Thin: computed by incidents.views.overview, incidents.evidence.patterns and incidents.history.changes; the chart
from components.overview.
"""

import streamlit as st

from components import responsive
from components.cards import mark_prefix
from components.context import get_context
from components.overview import kept_per_year_svg
from components.safe import md_escape
from components.summaries import plural
from components.timetravel import cached_history, version_diffs
from incidents.history.changes import change_counts, touched_incidents
from incidents.views.incidents_index import headings
from incidents.views.overview import brief, by_incident, clipped, kept_patterns, open_items, per_year, per_year_text

MAX_OPEN = 6  # items listed per kind of open question; the pages linked list them all
MAX_CHANGES = 3  # versions listed; the Changes page lists them all

context = get_context()
dataset = context.dataset
responsive.apply_stylesheet()
st.title("Azerbaijan–Iran Incident Monitor")
st.caption(
    f"Data last updated {dataset.last_updated or 'unknown'} · version {dataset.version} · "
    f"{len(dataset.incidents)} incident(s), {len(dataset.events)} events, {len(dataset.statements)} statements, "
    f"{len(dataset.sources)} sources"
)

rows = headings(dataset)  # every incident named and dated; only the one led with is compared
lead = brief(dataset, context.filter.incident)
if lead is None:
    st.info("No incident records are loaded. Check the data panel above for errors.")
    st.stop()

row = lead.row
incident = dataset.incidents[row.id]
with st.container(border=True, key="overview-lead"):
    st.caption("Latest incident" if lead.latest else "Selected incident")
    st.subheader(mark_prefix(incident) + md_escape(row.title))
    when_column, kind_column, grade_column = st.columns(3)
    when_column.metric("When", md_escape(row.date))
    kind_column.metric("Kind", md_escape(row.kind))
    grade_column.metric("Assessment", incident.assessment.grade)
    st.markdown(md_escape(incident.summary))
    open_count = plural(row.open_discrepancies, "open discrepancy", "open discrepancies")
    st.markdown(f"**Claims:** {md_escape(row.claims_text())} · {open_count}")
    if row.places:
        st.caption("Where: " + md_escape("; ".join(row.places)))
    with st.container(horizontal=True, key="overview-lead-links"):
        for page, label, icon in (
            ("app_pages/claims.py", "Its claims", ":material/balance:"),
            ("app_pages/timeline.py", "Its timeline", ":material/timeline:"),
            ("app_pages/map.py", "Its map", ":material/map:"),
        ):
            st.page_link(page, label=label, icon=icon, query_params={"incident": row.id})
        st.page_link("app_pages/incidents.py", label=f"All {len(rows)} incidents", icon=":material/table_rows:")

found = kept_patterns(dataset)
items = open_items(dataset, found, rows)
st.header("Open across the record")
left, right = st.columns(2)
with left.container(key="overview-open-discrepancies"):
    st.subheader(f"Open discrepancies ({len(items.discrepancies)})")
    if not items.discrepancies:
        st.caption("None: every discrepancy on record is resolved or superseded.")
    groups = by_incident(items.discrepancies)
    lines = []
    for group in groups[:MAX_OPEN]:
        first = dataset.discrepancies[group.ids[0]]
        more = f" (and {len(group.ids) - 1} more)" if len(group.ids) > 1 else ""
        lines.append(
            f"- **{md_escape(group.incident_title or 'No incident')}** ({md_escape(group.incident_dates or 'undated')})"
            f", {len(group.ids)} open: {mark_prefix(first)}{md_escape(first.title)}{more}"
        )
    if len(groups) > MAX_OPEN:
        lines.append(f"- and {len(groups) - MAX_OPEN} more incidents with open discrepancies")
    st.markdown("\n".join(lines))
    if items.discrepancies:
        st.page_link(
            "app_pages/incidents.py", label="Incidents with open discrepancies", icon=":material/table_rows:",
            query_params={"status": "open-discrepancies"},
        )
with right.container(key="overview-unanswered"):
    st.subheader(f"Accusations with no answer on record ({len(items.unanswered)})")
    if not items.unanswered:
        st.caption("None: every accusation on record has an answer from the party accused.")
    st.markdown(
        "\n".join(
            f"- **{md_escape(u.accused_name)}**, accused by {md_escape(', '.join(u.accusers))} "
            f"({md_escape(u.incident_dates)}): {mark_prefix(dataset.propositions[u.proposition])}{md_escape(u.text)}"
            for u in items.unanswered[:MAX_OPEN]
        )
    )
    st.page_link("app_pages/patterns.py", label="How each side answers", icon=":material/grid_view:")

st.header("Latest changes")
versions = cached_history(context.data_dir)
if not versions:
    st.caption("The latest changes need the git history of the data, which this deployment lacks.")
else:
    travel = context.travel
    if travel is not None and travel.version is not None and travel.version in versions:
        versions = versions[versions.index(travel.version):]  # nothing after the version shown
    shown = versions[:MAX_CHANGES + 1]
    titles = {r.id: r.title for r in rows}
    for item, change in list(zip(shown, version_diffs(context.data_dir, shown), strict=True))[:MAX_CHANGES]:
        what = change_counts(change) if change is not None else "the first version of the data"
        touched = [titles.get(i, i) for i in touched_incidents(change)] if change is not None else []
        about = f" · {md_escape(', '.join(touched[:4]))}" + (" …" if len(touched) > 4 else "") if touched else ""
        st.markdown(
            f"- **{md_escape(item.date[:10])}** · version {md_escape(item.version)}: {md_escape(what)}{about}  \n"
            f"  {md_escape(clipped(item.message, 160))}"
        )
    st.page_link("app_pages/changes.py", label="Every change", icon=":material/history:")

st.header("Incidents per year, by kind")
counts = per_year(rows)
# An image, not a plotly chart: the front page is most readers' first, and plotly's code took it from 1.7 s to
# 2.6 s in a new browser (bench/PROFILE.md, eleventh pass). The counts are in the text alternative below.
ALT = "Bar chart of incidents per year, stacked by kind; the counts are in the text below it."
with st.container(key=responsive.wide_key("overview-years")):
    st.image(kept_per_year_svg(counts), width="stretch", alt=ALT)
with st.container(key=responsive.narrow_key("overview-years")):
    st.image(kept_per_year_svg(counts, phone=True), width="stretch", alt=ALT)
# The chart's text alternative, shown to everyone.
st.caption(md_escape(per_year_text(counts)))

st.divider()
st.caption(
    f"The shared filters select {context.view.record_count} of {len(dataset.events) + len(dataset.statements)} "
    "records. Timeline, Map and Claims show them in detail; Sources lists every source with its grade."
)
