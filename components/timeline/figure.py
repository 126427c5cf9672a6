"""The timeline figure: lanes by actor group, markers by record kind, bars for coarse times, responds_to arrows.

A pure function of the data (no streamlit), so tests read the figure's JSON.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape
from typing import Any

import plotly.graph_objects as go

from components.timeline.axis import MS, POINT_MS, iso, ms_to_datetime, to_ms
from components.timeline.hover import HoverText
from components.timeline.labels import row_label
from components.timeline.lanes import Lane, LaneIndex, Placed, Record, place_records
from components.timeline.style import (
    CONNECTOR_COLOUR,
    GL_THRESHOLD,
    MAX_ARROWS,
    NO_COUNTRY,
    OTHER_COUNTRIES,
    ROW_LABEL_MAX,
    ROW_PX,
    colour_group,
    country_colours,
)
from components.timeline.traces import (
    Arrow,
    Trace,
    bar_traces,
    connector_trace,
    country_key_traces,
    marker_traces,
    shape_key_traces,
)
from incidents.evidence.discrepancies import discrepancies_by_record
from incidents.model.dataset import Dataset
from incidents.views.filtering import FilterValue, View
from incidents.views.params import GROUPINGS
from incidents.views.timing import visible_range


def place_markers(placed: Sequence[Placed], x_start: dt.datetime, x_end: dt.datetime) -> None:
    """Set each record's marker position: the middle of its window, kept inside the visible range.

    A window that runs past the visible range keeps its marker inside it (inset from the edges, where a marker
    would be cut in half), so it stays visible and clickable; its bar still shows the whole window.
    """
    x_start_ms, x_end_ms = to_ms(x_start), to_ms(x_end)
    inset = (x_end_ms - x_start_ms) / 60
    inner_low, inner_high = x_start_ms + inset, x_end_ms - inset
    for item in placed:
        if item.window.start is None:
            item.marker_ms = min(max(item.end_ms, inner_low), inner_high)
        elif item.end_ms - item.start_ms > POINT_MS:
            low, high = max(item.start_ms, x_start_ms), min(item.end_ms, x_end_ms)
            middle = (low + high) / 2 if low < high else item.middle_ms
            item.marker_ms = min(max(middle, inner_low), inner_high)
        else:
            item.marker_ms = item.middle_ms


def _by_country(
    placed: Sequence[Placed], country_names: dict[str, str], colours: dict[str, str]
) -> tuple[dict[str, list[Placed]], dict[str, str]]:
    """Placed records per colour group (a country, or "Other countries"), in legend order (by name, other countries
    and no country last), and each group's legend name."""
    groups: dict[str, list[Placed]] = {}
    for item in placed:
        groups.setdefault(colour_group(item.country, colours) if item.country else NO_COUNTRY, []).append(item)
    # Legend entries render plotly's HTML subset, and names come from the data: escape them.
    fixed = {NO_COUNTRY: "No country", OTHER_COUNTRIES: "Other countries"}
    names = {code: fixed.get(code) or escape(country_names.get(code, code), False) for code in groups}
    order = sorted(groups, key=lambda code: (code == NO_COUNTRY, code == OTHER_COUNTRIES, names[code]))
    return {code: groups[code] for code in order}, names


def _lane_bands(lanes: Sequence[Lane]) -> list[dict[str, Any]]:
    """Alternating background bands, one per lane."""
    return [
        {
            "type": "rect",
            "xref": "paper",
            "yref": "y",
            "x0": 0,
            "x1": 1,
            "y0": lane.base - 0.6,
            "y1": lane.base + lane.rows - 0.4,
            "fillcolor": "rgba(120,120,120,0.08)" if index % 2 == 0 else "rgba(120,120,120,0.0)",
            "line": {"width": 0},
            "layer": "below",
        }
        for index, lane in enumerate(lanes)
    ]


def _arrowheads(arrows: Sequence[Arrow]) -> list[dict[str, Any]]:
    """One annotation per connector's arrowhead; none when there are too many to draw."""
    if len(arrows) > MAX_ARROWS:
        return []
    return [
        {
            "x": iso(ms_to_datetime(x)),
            "y": y,
            "ax": iso(ms_to_datetime(ax)),
            "ay": ay,
            "xref": "x",
            "yref": "y",
            "axref": "x",
            "ayref": "y",
            "showarrow": True,
            "arrowhead": 2,
            "arrowsize": 1.2,
            "arrowwidth": 1.3,
            "arrowcolor": CONNECTOR_COLOUR,
            "standoff": 9,
            "text": "",
        }
        for x, y, ax, ay in arrows
    ]


def _y_ticks(
    lanes: Sequence[Lane], placed: Sequence[Placed], labelled: bool, lane_index: LaneIndex
) -> tuple[list[float], list[str], list[str]]:
    """Tick values and texts of the y axis, and the lanes' (escaped) labels.

    Tick labels render plotly's HTML subset: record and actor text is escaped; only the header markup is ours.
    """
    lane_labels = [escape(lane.label, False) for lane in lanes]
    if not labelled:
        return [lane.centre for lane in lanes], lane_labels, lane_labels
    values = [lane.base for lane in lanes] + [item.y for item in placed]
    texts = [f'<span style="font-size:14px"><b>{label}</b></span>' for label in lane_labels]
    texts += [row_label(item.record, lane_index.label(item.actor)) for item in placed]
    return values, texts, lane_labels


def _heights(lanes: Sequence[Lane], labelled: bool, key_entries: int) -> tuple[int, int]:
    """(figure height, height of the shape key below the plot) in pixels."""
    rows = sum(lane.rows for lane in lanes)
    # Labelled rows keep room for a line of text each (at most ROW_LABEL_MAX of them, so the height stays sane).
    row_px = ROW_PX if rows <= 30 else max(20 if labelled else 14, ROW_PX * 30 // rows)
    # The shape key holds three entries a line.
    key_px = 30 + 22 * -(-key_entries // 3)
    return int(min(max(40 + key_px + 60 + row_px * (rows + 0.8 * len(lanes)), 360), 1700)), key_px


def _legends() -> dict[str, Any]:
    """Both keys sit outside the plot, above and below it, so the time axis gets the full width."""
    return {
        "legend": {
            "title": {"text": "Actor's country (colour):", "side": "left"},
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1.0,
            "yanchor": "bottom",
            "groupclick": "togglegroup",
        },
        "legend2": {
            "title": {"text": "Shape and marks:", "side": "top left"},
            "orientation": "h",
            "entrywidth": 0.3,
            "entrywidthmode": "fraction",
            "x": 0,
            "xanchor": "left",
            "yref": "container",
            "y": 0,
            "yanchor": "bottom",
            "itemclick": False,
            "itemdoubleclick": False,
        },
    }


def _axes(
    x_range: tuple[dt.datetime, dt.datetime], ticks: tuple[list[float], list[str]], total: float, labelled: bool
) -> dict[str, Any]:
    """The time axis over the visible range, and the lane (and row) axis, top to bottom."""
    return {
        "xaxis": {
            "type": "date",
            "range": [iso(x_range[0]), iso(x_range[1])],
            "title": {"text": "Time (UTC)"},
            "showgrid": True,
            "gridcolor": "rgba(120,120,120,0.25)",
            "zeroline": False,
        },
        "yaxis": {
            "range": [total - 0.2, -1.0],
            "tickmode": "array",
            "tickvals": ticks[0],
            "ticktext": ticks[1],
            "tickfont": {"size": 12 if labelled else 14},
            "showgrid": False,
            "zeroline": False,
            "automargin": True,
            "fixedrange": True,
        },
    }


def _layout(
    lanes: Sequence[Lane],
    placed: Sequence[Placed],
    x_range: tuple[dt.datetime, dt.datetime],
    arrows: Sequence[Arrow],
    key_entries: int,
    lane_index: LaneIndex,
    labelled: bool,
) -> dict[str, Any]:
    """The layout: lane bands, arrowheads, both axes, both legends, and `meta` describing the lanes."""
    tick_values, tick_text, lane_labels = _y_ticks(lanes, placed, labelled, lane_index)
    height, key_px = _heights(lanes, labelled, key_entries)
    total = lanes[-1].base + lanes[-1].rows if lanes else 1
    return {
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 40, "b": 60 + key_px},
        "hovermode": "closest",
        "dragmode": "zoom",
        "clickmode": "event+select",
        "shapes": _lane_bands(lanes),
        "annotations": _arrowheads(arrows),
        **_axes(x_range, (tick_values, tick_text), total, labelled),
        **_legends(),
        "meta": {
            "lanes": [lane.key for lane in lanes],
            "lane_labels": lane_labels,
            "row_labels": labelled,
            "group": lane_index.group,
            "records": len(placed),
        },
    }


def build_timeline_figure(
    dataset: Dataset,
    view: View,
    value: FilterValue | None = None,
    group: str = "hierarchy",
    webgl: bool | None = None,
) -> go.Figure:
    """The timeline: one lane per actor group, a marker per record (customdata = [record id, incident id,
    short hover fields], laid out by the trace's hovertemplate).

    Coarse times (a day or more) are drawn as bars across their window with the marker at the middle;
    approximate times are hollow and marked "~"; undated records sit at their latest date with a dotted lead-in;
    records with a discrepancy are ringed and marked "⚠"; `responds_to` links are connectors with arrowheads.
    The date filter's days are the visible x range. x values are milliseconds since the epoch (UTC).
    Up to ROW_LABEL_MAX records, every record has its own row, named on the y axis ("speaker · kind", or the event's
    title) under a bold header per lane; above it rows are packed and the axis names lanes only
    (layout.meta.row_labels says which; layout.meta.lane_labels lists the lanes).
    Record markers are the traces whose uid starts "rec-" (one per country); symbols are plotly's numeric codes.
    """
    value = value or FilterValue()
    group = group if group in GROUPINGS else "hierarchy"
    # Chronological order does not matter to the drawing (lanes and rows are ordered by time inside), so skip the sort.
    records: list[Record] = [*view.events, *view.statements]
    lane_index = LaneIndex(dataset, group)
    labelled = len(records) <= ROW_LABEL_MAX
    lanes, placed = place_records(dataset, records, group, lane_index=lane_index, labelled=labelled)
    trace_type = "scattergl" if ((len(records) > GL_THRESHOLD) if webgl is None else webgl) else "scatter"
    colours = country_colours(dataset)
    x_start, x_end = visible_range([item.window for item in placed], value.date_from, value.date_to)
    place_markers(placed, x_start, x_end)
    by_country, names = _by_country(placed, lane_index.names, colours)
    traces: list[Trace] = country_key_traces(list(by_country), colours, names)
    traces += bar_traces(by_country, colours, names, trace_type, to_ms(x_start))
    connectors, arrows = connector_trace(placed, (x_end - x_start) / 90 / MS, trace_type)
    if connectors is not None:
        traces.append(connectors)
    hover = HoverText(dataset, lane_index)
    markers, marks = marker_traces(by_country, colours, names, trace_type, discrepancies_by_record(dataset), hover)
    shape_key = shape_key_traces(marks, placed)
    traces += markers + shape_key
    key_entries = len(shape_key) + (1 if connectors is not None else 0)
    layout = _layout(lanes, placed, (x_start, x_end), arrows, key_entries, lane_index, labelled)
    # Small figures are validated (typos in property names fail loudly in tests); large ones skip plotly's
    # per-element validation, which costs seconds at 10k records. Both build from the same dicts.
    return go.Figure(data=traces, layout=layout, _validate=len(records) <= GL_THRESHOLD)
