"""Timeline page: who did and said what, when, with the precision it is known to.

Thin: the figure, table, CSV and lags come from components.timeline and incidents.views.timing.
Selections (chart points or a table row) are written to `incident`/`rec` inside callbacks, so the URL follows.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from components import responsive
from components.cards import render_event_card, render_statement_card
from components.context import get_context
from components.paging import paged
from components.safe import md_escape
from components.summaries import timeline_summary
from components.timeline import (
    GROUPING_HELP,
    ROW_LABEL_MAX,
    build_timeline_figure,
    selected_ids,
    timeline_csv,
    timeline_csv_name,
    timeline_rows,
)
from components.timeline.aggregate import build_aggregate_figure, selected_bin_dates
from components.timeline.compact import compact_figure
from components.timeline.spans import (
    incident_bins_figure,
    incident_span_figure,
    span_selection_state,
    spans_summary,
)
from incidents.evidence.discrepancies import discrepancies_by_record
from incidents.model.queries import record_incident
from incidents.model.records import Event, Statement
from incidents.views.binning import (
    AGGREGATE_THRESHOLD,
    INCIDENT_ROWS_MAX,
    SPAN_THRESHOLD,
    incident_bins,
    timeline_detail,
)
from incidents.views.params import BY_NAME, GROUPINGS, TIMELINE_DETAILS
from incidents.views.timing import lag_lines, response_lags, speaking_incidents

CHART_KEY = "timeline_chart"
PHONE_CHART_KEY = "timeline_chart_phone"  # the same traces in the phone layout (components/timeline/compact.py)
BINS_KEY = "timeline_bins"  # the counts per lane per time bin, drawn instead above AGGREGATE_THRESHOLD records
SPANS_KEY = "timeline_incidents"  # zoomed out: one span per incident (incidents.views.binning.timeline_level)
PHONE_SPANS_KEY = "timeline_incidents_phone"
INCIDENT_BINS_KEY = "timeline_incident_bins"  # zoomed out with more than INCIDENT_ROWS_MAX incidents
TABLE_KEY = "timeline_table"
# The last selection made through a callback: {"ids": [...], "rec": the `rec` it set}.
SELECTED_KEY = "_timeline_selected"
MAX_CARDS = 12
MAX_LAG_LINES = 12

context = get_context()
dataset, view, value = context.dataset, context.view, context.filter


def _select(ids: list[str]) -> None:
    """Remember the selection; a single record also becomes the URL's `rec` and `incident` (callbacks only)."""
    ids = [i for i in ids if i in dataset.events or i in dataset.statements]
    rec = st.session_state.get("rec")
    if len(ids) == 1:
        record = dataset.events.get(ids[0]) or dataset.statements.get(ids[0])
        rec = ids[0]
        st.session_state["rec"] = rec
        incident = record_incident(record) if record is not None else ""
        if incident in dataset.incidents:
            st.session_state["incident"] = incident
    elif not ids:
        rec = None
        st.session_state["rec"] = None
    st.session_state[SELECTED_KEY] = {"ids": ids, "rec": rec}


def _on_chart_select() -> None:
    _select(selected_ids(st.session_state.get(CHART_KEY)))


def _on_phone_chart_select() -> None:
    _select(selected_ids(st.session_state.get(PHONE_CHART_KEY)))


def _narrow_to_span(key: str) -> None:
    """A clicked incident narrows the shared dates to it and its records, and selects it, so the URL follows."""
    for name, chosen in span_selection_state(st.session_state.get(key), dataset.incidents).items():
        st.session_state[BY_NAME[name].name] = chosen


def _on_span_select() -> None:
    _narrow_to_span(SPANS_KEY)


def _on_phone_span_select() -> None:
    _narrow_to_span(PHONE_SPANS_KEY)


def _on_incident_bins_select() -> None:
    _on_bins_select(INCIDENT_BINS_KEY)


def _on_bins_select(key: str = BINS_KEY) -> None:
    """A clicked (or box-selected) bar narrows the shared date filter to its days, so the URL follows."""
    days = selected_bin_dates(st.session_state.get(key))
    if days:
        st.session_state[BY_NAME["from"].name] = dt.date.fromisoformat(days[0])
        st.session_state[BY_NAME["to"].name] = dt.date.fromisoformat(days[1])


responsive.apply_stylesheet()  # the wide chart on a wide screen, the compact one on a phone
st.title("Timeline")
st.caption(
    "Who did and said what, and when, as precisely as the sources allow. Times are UTC. "
    "A bar is a time known only to the day (or a longer window); hollow markers are approximate times; "
    "⚠ marks a record with a recorded discrepancy. Click, or box/lasso-select, records to see them below."
)

lanes_column, detail_column = st.columns(2)
group = lanes_column.radio(
    "Lanes",
    GROUPINGS,
    index=0,
    key="group",
    bind="query-params",
    horizontal=True,
    help="; ".join(f"{name}: {text}" for name, text in GROUPING_HELP.items()),
)
if group != GROUPINGS[0]:
    context.page_params["group"] = [group]
detail = detail_column.radio(
    "Detail",
    TIMELINE_DETAILS,
    index=0,
    key="detail",
    bind="query-params",
    horizontal=True,
    help=f"auto: one row per incident when the dates in view run over {SPAN_THRESHOLD.days} days and hold "
    "several incidents, else every record; incidents or records forces one.",
) or TIMELINE_DETAILS[0]
if detail != TIMELINE_DETAILS[0]:
    context.page_params["detail"] = [detail]

if view.record_count == 0:
    st.info(f"No events or statements match the filters ({md_escape(value.describe())}).")
else:
    st.caption(f"{view.record_count} records · filter: {md_escape(value.describe())}")
    config = {"displaylogo": False, "modeBarButtonsToRemove": ["toImage"]}
    event = phone_event = None
    level = view.derive(("timeline-detail", value, detail), lambda: timeline_detail(dataset, view, value, detail))
    if level.level == "incidents":
        # Zoomed out: one row per incident; a click narrows the dates to it, and its records are drawn.
        spans = list(level.spans)
        with st.container(key=responsive.wide_key("timeline-incidents")):
            st.plotly_chart(
                view.derive(("timeline-spans-figure", value, detail),
                            lambda: incident_span_figure(spans, level.start, level.end)),
                on_select=_on_span_select,
                selection_mode=("points", "box"), key=SPANS_KEY, config=config,
            )
        with st.container(key=responsive.narrow_key("timeline-incidents")):
            st.plotly_chart(
                view.derive(("timeline-spans-phone-figure", value, detail),
                            lambda: incident_span_figure(spans, level.start, level.end, phone=True)),
                on_select=_on_phone_span_select,
                selection_mode=("points", "box"), key=PHONE_SPANS_KEY, config=config,
            )
        st.caption(
            f"The dates in view run over {SPAN_THRESHOLD.days} days, so each incident is one row across its dates "
            "(a dot marks its middle; colour is its kind). Click an incident to narrow the dates to it and see its "
            "records; choose Detail: records to draw every record over the whole range."
        )
        st.markdown(md_escape(spans_summary(spans, level.start, level.end)))
    elif level.level == "incident-bins":
        st.plotly_chart(
            view.derive(("timeline-incident-bins-figure", value, detail), lambda: incident_bins_figure(
                incident_bins(list(level.spans), level.start, level.end), level.start, level.end
            )),
            on_select=_on_incident_bins_select, selection_mode=("points", "box"),
            key=INCIDENT_BINS_KEY, config=config,
        )
        st.caption(
            f"More than {INCIDENT_ROWS_MAX} incidents over more than {SPAN_THRESHOLD.days} days, so each bar counts "
            "the incidents of one kind that fall in a stretch of time. Click a bar to narrow the dates to it."
        )
        st.markdown(md_escape(spans_summary(level.spans, level.start, level.end)))
    elif level.level == "bins":
        # Too many records to draw one by one: counts per lane per time bin, one figure for every screen width.
        st.plotly_chart(
            # Worked out once per view (`View.derive`): every new reader of this filter gets it ready-made.
            view.derive(("timeline-bins", value, group), lambda: build_aggregate_figure(dataset, view, value, group)),
            on_select=_on_bins_select,
            selection_mode=("points", "box"),
            key=BINS_KEY,
            config=config,
        )
        st.caption(
            f"More than {AGGREGATE_THRESHOLD} records in view, so each bar counts one lane's records in a stretch "
            "of time (darker = more; hatched = some times known only to a wider window). Click a bar, or box-select "
            "several, to narrow the dates to them; zooming only magnifies the bars, so narrow with the dates (From, "
            f"To), the actors or the text filter. At {AGGREGATE_THRESHOLD} records or fewer every record is drawn."
        )
        st.markdown(view.derive("timeline-summary", lambda: timeline_summary(view)))
    else:
        # Kept with the view, as every figure here: a new reader of this filter is sent it without building it
        # (the shipped data's incident rows took 135 ms of every new session's run).
        figure = view.derive(("timeline-figure", value, group), lambda: build_timeline_figure(dataset, view, value,
                                                                                             group=group))
        with st.container(key=responsive.wide_key("timeline-chart")):
            event = st.plotly_chart(
                figure,
                on_select=_on_chart_select,
                selection_mode=("points", "box", "lasso"),
                key=CHART_KEY,
                config=config,
            )
        with st.container(key=responsive.narrow_key("timeline-chart")):
            phone_event = st.plotly_chart(
                view.derive(("timeline-phone-figure", value, group), lambda: compact_figure(figure)),
                on_select=_on_phone_chart_select,
                selection_mode=("points", "box", "lasso"),
                key=PHONE_CHART_KEY,
                config=config,
            )
            st.caption("Tap a marker, or pick a row in the chronological table below, to see a record.")
        # The chart's text alternative; the table below is the route to every record.
        st.markdown(timeline_summary(view))
        if not figure.layout.meta["row_labels"]:
            st.caption(
                f"More than {ROW_LABEL_MAX} records: rows are packed and only lanes are labelled. "
                "Hover a marker, or narrow the filters to see every row named."
            )

    # Kept with the view: its positions in the dataset's table, not a copy of its rows (`TableRows`). The table's
    # rows are the view's records, so it says which selected ids are in view (`TableRows.shows`).
    view_rows = view.derive(("timeline-rows", group), lambda: timeline_rows(dataset, view, group))

    def _on_table_select() -> None:
        state = st.session_state.get(TABLE_KEY)
        rows = list(state["selection"]["rows"]) if state else []
        _select([str(page.iloc[row]["Id"]) for row in rows if 0 <= row < len(page)])

    # Filled after the table renders, so an ongoing table selection counts too.
    cards_area = st.container()

    st.subheader("Response lag")
    # One incident at a time: the selected one, else the most recent in view (as the sidebar's default says).
    in_view, speaking = view.derive("timeline-speaking", lambda: speaking_incidents(view))
    focus = value.incident if value.incident in in_view else (speaking[-1] if speaking else None)
    lag_statements = view.derive(
        ("lag-statements", focus),
        lambda: [s for s in view.statements if len(in_view) <= 1 or (s.incidents and s.incidents[0] == focus)],
    )
    if lag_statements:
        about = ""
        if len(in_view) > 1 and focus in dataset.incidents:
            about = f" Shown for {md_escape(dataset.incidents[focus].title)}; select another incident in the sidebar."
        st.caption("For each statement: the time since the first report of the incident it concerns." + about)
        lines = view.derive(
            ("lag-lines", focus),
            lambda: [f"- {md_escape(line)}" for line in lag_lines(dataset, response_lags(dataset, lag_statements))],
        )
        st.markdown("\n".join(lines[:MAX_LAG_LINES]))
        if len(lines) > MAX_LAG_LINES:
            with st.expander(f"{len(lines) - MAX_LAG_LINES} more"):
                st.markdown("\n".join(lines[MAX_LAG_LINES:]))
    else:
        st.caption("No statements match the filters.")

    st.subheader("Chronological table")
    page = paged(view_rows, "timeline-rows", "records")
    table_event = st.dataframe(
        page,
        on_select=_on_table_select,
        selection_mode="single-row",
        key=TABLE_KEY,
        hide_index=True,
        column_config={
            "From (UTC)": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
            "Until (UTC)": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
            "Precision": st.column_config.TextColumn(help="minute … month; ~ approximate; undated = latest date only"),
            "Record": st.column_config.TextColumn(width="large"),
        },
    )
    st.download_button(
        "Download this table as CSV",
        data=lambda: timeline_csv(view_rows.frame()),
        file_name=timeline_csv_name(value),
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key="timeline_csv",
    )

    # Cards: the last callback selection while `rec` still matches it, else an ongoing chart or table selection
    # (e.g. injected by a test), else the record the link selected.
    chosen = st.session_state.get(SELECTED_KEY)
    table_rows = list(table_event["selection"]["rows"]) if table_event else []
    table_ids = [str(page.iloc[row]["Id"]) for row in table_rows if 0 <= row < len(page)]
    if chosen and chosen.get("rec") == value.record and chosen.get("ids"):
        ids, origin = list(chosen["ids"]), "selected"
    elif selected_ids(event) or selected_ids(phone_event):
        ids, origin = selected_ids(event) or selected_ids(phone_event), "selected in the chart"
    elif table_ids:
        ids, origin = table_ids, "selected in the table"
    elif value.record:
        ids, origin = [value.record], "selected by the link (rec)"
    else:
        ids, origin = [], ""
    hidden = [i for i in ids if not view_rows.shows(i)]
    ids = [i for i in ids if view_rows.shows(i)]

    with cards_area:
        st.subheader("Selected records")
        if not ids:
            st.caption("None yet: click a marker, or draw a box or lasso around several, or pick a row in the table.")
        else:
            more = f"; showing the first {MAX_CARDS}" if len(ids) > MAX_CARDS else ""
            st.caption(f"{len(ids)} record(s) {origin}{more}")
            flagged = discrepancies_by_record(dataset)
            columns = st.columns(2)
            for index, record_id in enumerate(ids[:MAX_CARDS]):
                column = columns[index % 2]
                record = dataset.events.get(record_id) or dataset.statements.get(record_id)
                if isinstance(record, Statement):
                    render_statement_card(dataset, record, column)
                elif isinstance(record, Event):
                    render_event_card(dataset, record, column)
                for discrepancy_id in flagged.get(record_id, []):
                    discrepancy = dataset.discrepancies[discrepancy_id]
                    note = f"**⚠ Discrepancy ({discrepancy.kind}): {md_escape(discrepancy.title)}**  \n"
                    note += md_escape(discrepancy.description)
                    if discrepancy.handling:
                        note += "  \n*Handling:* " + md_escape(discrepancy.handling)
                    column.warning(note)
        if hidden:
            st.caption(f"{len(hidden)} selected record(s) are outside the current filters.")
