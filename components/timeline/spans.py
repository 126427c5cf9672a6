"""The timeline zoomed out: one span per incident (or, above INCIDENT_ROWS_MAX, incidents counted per kind per bin).

Pure builders (no streamlit). A span's marker carries customdata [SPAN_MARK, incident id, first day, last day]: a
click narrows the dates to the incident and its records (app_pages/timeline.py). Counted bars carry the record bins'
[BIN_MARK, first day, last day, …], so `selected_bin_dates` reads both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

import plotly.graph_objects as go

from components.overview import KIND_COLOURS
from components.timeline.aggregate import BIN_MARK
from components.timeline.axis import iso
from components.timeline.labels import plot_text
from components.timeline.selection import _get
from incidents.views.binning import Bin, IncidentSpan, bin_when, span_text

SPAN_MARK = "incident"  # customdata[0] of an incident's marker
ROW_PX = 26
PHONE_LABEL = 18  # characters of a row label kept on a phone


def _label(span: IncidentSpan, phone: bool) -> str:
    text = span.title if not phone or len(span.title) <= PHONE_LABEL else span.title[: PHONE_LABEL - 1] + "…"
    return plot_text(text)


def incident_span_figure(
    spans: Sequence[IncidentSpan], start: dt.datetime, end: dt.datetime, phone: bool = False
) -> go.Figure:
    """One row per incident, oldest at the top: a bar over its window (at least a visible sliver) and a marker at
    its middle, coloured by kind. Hover names its dates at their precision and the records it holds in view."""
    figure = go.Figure()
    # Row labels must be unique: two incidents with one short title get their dates added.
    seen: dict[str, int] = {}
    labels = []
    for span in spans:
        label = _label(span, phone)
        seen[label] = seen.get(label, 0) + 1
        labels.append(label if seen[label] == 1 else f"{label} ({plot_text(span.dates)})")
    kinds = [k for k in KIND_COLOURS if any(s.kind == k for s in spans)]
    for kind in kinds:
        rows = [(span, label) for span, label in zip(spans, labels, strict=True) if span.kind == kind]
        xs: list[Any] = []
        ys: list[Any] = []
        for span, label in rows:
            low = span.window.start if span.window.start is not None else span.window.end
            xs += [iso(low), iso(span.window.end), None]
            ys += [label, label, None]
        figure.add_trace(
            go.Scatter(
                x=xs, y=ys, mode="lines", line={"color": KIND_COLOURS[kind], "width": 10},
                hoverinfo="skip", showlegend=False, legendgroup=kind,
            )
        )
        figure.add_trace(
            go.Scatter(
                x=[iso(span.window.middle) for span, _ in rows],
                y=[label for _, label in rows],
                mode="markers",
                name=kind,
                legendgroup=kind,
                marker={"size": 13, "color": KIND_COLOURS[kind], "line": {"width": 1.5, "color": "#222"}},
                customdata=[[SPAN_MARK, s.id, s.first_day.isoformat(), s.last_day.isoformat()] for s, _ in rows],
                hovertext=[
                    f"<b>{plot_text(s.title)}</b><br>{plot_text(s.dates)} · {kind}<br>"
                    f"{s.records} record{'s' if s.records != 1 else ''} in view<br>Click to see its records"
                    for s, _ in rows
                ],
                hoverinfo="text",
            )
        )
    # The key: above the rows on a desktop (clear of the time axis's labels), one entry a line below them on a phone.
    legend_room = 22 * (len(kinds) + 1) if phone else 0
    plot_px = max(160, 50 + ROW_PX * len(spans))
    legend = (
        {"orientation": "v", "yanchor": "top", "y": -40 / plot_px, "x": 0}
        if phone
        else {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0}
    )
    figure.update_layout(
        height=plot_px + legend_room + (40 if phone else 80),
        margin={"l": 10, "r": 10, "t": 10 if phone else 50, "b": legend_room + 30},
        legend={**legend, "title": {"text": "Kind"}},
        xaxis={"type": "date", "range": [iso(start), iso(end)], "title": None},
        yaxis={"categoryorder": "array", "categoryarray": list(reversed(labels)), "title": None,
               "automargin": True},
        meta={"level": "incidents", "incidents": [s.id for s in spans]},
        hovermode="closest",
        dragmode="zoom",
        clickmode="event+select",
    )
    return figure


def incident_bins_figure(bins: Sequence[Bin], start: dt.datetime, end: dt.datetime) -> go.Figure:
    """Incidents per kind per time bin, stacked: what the zoomed-out timeline draws above INCIDENT_ROWS_MAX."""
    figure = go.Figure()
    kinds = [k for k in KIND_COLOURS if any(b.lane == k for b in bins)]
    for kind in kinds:
        mine = [b for b in bins if b.lane == kind]
        first = [b.dates[0].isoformat() for b in mine]
        last = [b.dates[1].isoformat() for b in mine]
        figure.add_trace(
            go.Bar(
                x=[iso(b.start + (b.end - b.start) / 2) for b in mine],
                y=[b.count for b in mine],
                width=[(b.end - b.start).total_seconds() * 1000 * 0.9 for b in mine],
                name=kind,
                marker={"color": KIND_COLOURS[kind]},
                customdata=[
                    [BIN_MARK, f, la, bin_when(b), "", b.count] for b, f, la in zip(mine, first, last, strict=True)
                ],
                hovertemplate=f"<b>%{{y}} {kind}</b>, %{{customdata[3]}}<br>Click to narrow the dates<extra></extra>",
            )
        )
    figure.update_layout(
        barmode="stack",
        height=320,
        margin={"l": 10, "r": 10, "t": 10, "b": 80},
        legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0, "title": {"text": "Kind"}},
        xaxis={"type": "date", "range": [iso(start), iso(end)], "title": None},
        yaxis={"title": {"text": "incidents"}, "rangemode": "tozero"},
        meta={"level": "incident-bins", "aggregated": True},
        hovermode="closest",
        dragmode="zoom",
        clickmode="event+select",
    )
    return figure


def selected_span(event: object) -> tuple[str, str, str] | None:
    """(incident id, first day, last day) of the first selected incident marker, or None."""
    points = _get(_get(event, "selection"), "points") or []
    for point in points if isinstance(points, (list, tuple)) else []:
        custom = _get(point, "customdata")
        if isinstance(custom, (list, tuple)) and len(custom) >= 4 and custom[0] == SPAN_MARK:
            return str(custom[1]), str(custom[2]), str(custom[3])
    return None


def span_selection_state(event: object, known: Collection[str]) -> dict[str, object]:
    """What a click on an incident sets (the widgets' keys are the URL's names): `from` and `to`, the days that hold
    the incident and its records in view, and `incident`; nothing for anything else or an unknown incident."""
    picked = selected_span(event)
    if picked is None or picked[0] not in known:
        return {}
    incident_id, first, last = picked
    return {"from": dt.date.fromisoformat(first), "to": dt.date.fromisoformat(last), "incident": incident_id}


def spans_summary(spans: Sequence[IncidentSpan], start: dt.datetime, end: dt.datetime) -> str:
    """The text alternative of the zoomed-out timeline (plain text; the page escapes it)."""
    if not spans:
        return "No incident is in view."
    # The view's window is padded around the data: name only the days that hold incidents (no 2028 for a 2026 record).
    first = max(start.date(), min(span.first_day for span in spans))
    last = min((end - dt.timedelta(microseconds=1)).date(), max(span.last_day for span in spans))
    kinds: dict[str, int] = {}
    for span in spans:
        kinds[span.kind] = kinds.get(span.kind, 0) + 1
    listed = ", ".join(f"{count} {kind}" for kind, count in kinds.items())
    head = (
        f"The timeline shows {len(spans)} incident{'s' if len(spans) != 1 else ''} ({listed}) over "
        f"{span_text(first, last)}, the first from {spans[0].dates}, the last from {spans[-1].dates}; "
        "one row each over its dates, oldest first"
    )
    rows = "; ".join(f"{s.title}: {s.dates}, {s.records} record{'s' if s.records != 1 else ''}" for s in spans[:40])
    more = f"; and {len(spans) - 40} more" if len(spans) > 40 else ""
    return f"{head}: {rows}{more}."
