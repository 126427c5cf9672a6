"""Timeline builders: lanes by actor group, markers by record kind, spans for coarse times; table and CSV.

Everything here is a pure function of the data (no streamlit), so tests read the figure's JSON.
Record text is untrusted: hover text is HTML-escaped, because plotly renders a subset of HTML in labels.
"""

from __future__ import annotations

import datetime as dt
import heapq
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from incidents.filtering import FilterValue, View
from incidents.loading import Dataset
from incidents.models import Actor, Event, Statement
from incidents.timing import TimeWindow, time_window

Grouping = Literal["hierarchy", "country", "actor"]
GROUPINGS: tuple[str, ...] = ("hierarchy", "country", "actor")
GROUPING_HELP = {
    "hierarchy": "one lane per top of the actor hierarchy (a ministry sits in its state's lane)",
    "country": "one lane per country of the actor",
    "actor": "one lane per actor",
}

# Marker shape per record kind (events square, statements by kind).
KIND_SYMBOLS: dict[str, str] = {
    "event": "square",
    "claim": "circle",
    "denial": "x",
    "accusation": "triangle-up",
    "alternative-explanation": "diamond",
    "demand": "pentagon",
    "threat": "star",
    "assurance": "hexagon",
}
KIND_NAMES: dict[str, str] = {
    "event": "event",
    "claim": "claim",
    "denial": "denial",
    "accusation": "accusation",
    "alternative-explanation": "alternative explanation",
    "demand": "demand",
    "threat": "threat",
    "assurance": "assurance",
}
# Colour-blind-safe palette (Okabe–Ito, then Tableau); countries take colours in sorted order of their codes.
PALETTE = ("#0072B2", "#009E73", "#D55E00", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B", "#BCBD22", "#17BECF")
NO_COUNTRY_COLOUR = "#7F7F7F"
NO_COUNTRY = "none"
UNATTRIBUTED = "unattributed"
DISCREPANCY_COLOUR = "#B00020"
FLAG_DISCREPANCY = "⚠"
FLAG_APPROXIMATE = "~"
FLAG_UNDATED = "≤"
# Above this many records the marker and span traces use WebGL.
GL_THRESHOLD = 1000
# Above this many connectors, arrowheads (one annotation each) are left out; the lines stay.
MAX_ARROWS = 80
MAX_ROWS = 24
ROW_PX = 26
HOVER_TEXT_MAX = 180

Record = Event | Statement


@dataclass(frozen=True)
class Lane:
    """A horizontal band of the chart. Rows stack records whose windows would overlap."""

    key: str
    label: str
    country: str | None
    rows: int
    base: float

    @property
    def centre(self) -> float:
        return self.base + (self.rows - 1) / 2


@dataclass(frozen=True)
class Placed:
    """A record with its time window, lane and row (y position)."""

    record: Record
    window: TimeWindow
    lane: str
    y: float
    country: str | None
    actor: str | None


# --- actors and lanes -------------------------------------------------------------------------------------------


def top_actor(dataset: Dataset, actor_id: str) -> str:
    """Top of the `parent` chain (a ministry -> its state). Unknown parents and cycles stop the walk."""
    seen = {actor_id}
    current = actor_id
    while True:
        actor = dataset.actors.get(current)
        if actor is None or actor.parent is None or actor.parent in seen or actor.parent not in dataset.actors:
            return current
        seen.add(actor.parent)
        current = actor.parent


def actor_country(dataset: Dataset, actor_id: str | None) -> str | None:
    """The actor's country, or the first country up its hierarchy."""
    seen: set[str] = set()
    while actor_id and actor_id not in seen:
        seen.add(actor_id)
        actor = dataset.actors.get(actor_id)
        if actor is None:
            return None
        if actor.country:
            return actor.country
        actor_id = actor.parent
    return None


def record_actor(record: Record) -> str | None:
    """The actor a record is drawn for: the speaker, or an event's first actor."""
    if isinstance(record, Statement):
        return record.speaker
    return record.actors[0] if record.actors else None


def record_incident(record: Record) -> str:
    if isinstance(record, Statement):
        return record.incidents[0] if record.incidents else ""
    return record.incident or ""


def record_title(record: Record) -> str:
    return record.paraphrase if isinstance(record, Statement) else record.title


def record_kind(record: Record) -> str:
    return record.kind if isinstance(record, Statement) else "event"


def _actor_label(actor: Actor | None, fallback: str) -> str:
    if actor is None:
        return fallback
    return actor.short_name or actor.name


def country_names(dataset: Dataset) -> dict[str, str]:
    """Country code -> name, taken from the data's state actors (the code when no state actor names it)."""
    names: dict[str, str] = {}
    for actor in dataset.actors.values():
        if actor.country and actor.kind == "state" and actor.parent is None:
            names.setdefault(actor.country, actor.short_name or actor.name)
    for actor in dataset.actors.values():
        if actor.country:
            names.setdefault(actor.country, actor.country)
    return names


def country_colours(dataset: Dataset) -> dict[str, str]:
    """A stable colour per country of the whole dataset, so filtering never recolours a country."""
    codes = sorted({a.country for a in dataset.actors.values() if a.country})
    return {code: PALETTE[index % len(PALETTE)] for index, code in enumerate(codes)}


def lane_key(dataset: Dataset, actor_id: str | None, group: str) -> tuple[str, str, str | None]:
    """(lane key, lane label, lane country) of an actor under a grouping."""
    if actor_id is None:
        return UNATTRIBUTED, "Unattributed events", None
    if group == "country":
        country = actor_country(dataset, actor_id)
        if country is None:
            return NO_COUNTRY, "No country", None
        return country, country_names(dataset).get(country, country), country
    if group == "actor":
        return actor_id, _actor_label(dataset.actors.get(actor_id), actor_id), actor_country(dataset, actor_id)
    top = top_actor(dataset, actor_id)
    return top, _actor_label(dataset.actors.get(top), top), actor_country(dataset, top)


def timeline_records(view: View) -> list[Record]:
    """Events and statements of a view merged in chronological order (as the filter sorts them)."""
    records: list[Record] = [*view.events, *view.statements]
    records.sort(key=lambda r: (r.when.start_dt, r.id))
    return records


def discrepancies_by_record(dataset: Dataset) -> dict[str, list[str]]:
    """Record id -> ids of the discrepancies that concern it."""
    found: dict[str, list[str]] = {}
    for discrepancy in dataset.discrepancies.values():
        for record_id in discrepancy.concerns:
            found.setdefault(record_id, []).append(discrepancy.id)
    return found


def place_records(
    dataset: Dataset, records: Sequence[Record], group: str = "hierarchy", min_width: dt.timedelta | None = None
) -> tuple[list[Lane], list[Placed]]:
    """Assign lanes (ordered by their first record, unattributed last) and rows within each lane.

    Rows are packed greedily so records whose drawn extent overlaps do not sit on each other; `min_width` is the
    extent given to a point marker. A lane has at most MAX_ROWS rows; beyond that rows are reused.
    """
    windows = [time_window(r.when) for r in records]
    if min_width is None:
        starts = [w.start or w.end for w in windows]
        total = (max(w.end for w in windows) - min(starts)) if windows else dt.timedelta(days=1)
        min_width = max(total / 40, dt.timedelta(minutes=30))
    per_lane: dict[str, list[int]] = {}
    lane_info: dict[str, tuple[str, str | None]] = {}
    actors: list[str | None] = []
    for index, record in enumerate(records):
        actor = record_actor(record)
        actors.append(actor)
        key, label, country = lane_key(dataset, actor, group)
        per_lane.setdefault(key, []).append(index)
        lane_info.setdefault(key, (label, country))

    dated = [w.start for w in windows if w.start is not None]
    earliest = min(dated) if dated else min((w.end for w in windows), default=dt.datetime(2000, 1, 1))

    def extent(index: int) -> tuple[dt.datetime, dt.datetime]:
        window = windows[index]
        middle = window.middle
        # An undated record is drawn with a lead-in from the left edge, so it claims the row up to its end.
        start = window.start if window.start is not None else min(earliest, window.end) - min_width
        # A point takes min_width around its marker; a span takes its window and the marker.
        return min(start, middle - min_width / 2), max(window.end, middle + min_width / 2)

    def first_time(key: str) -> dt.datetime:
        return min(windows[i].start or windows[i].end for i in per_lane[key])

    order = sorted(per_lane, key=lambda k: (k == UNATTRIBUTED, first_time(k), lane_info[k][0]))
    lanes: list[Lane] = []
    rows_of: dict[int, int] = {}
    base = 0.0
    for key in order:
        # Undated records go to the bottom of their lane: they belong to no point in the order.
        indices = sorted(per_lane[key], key=lambda i: (windows[i].undated, extent(i)[0], records[i].id))
        free: list[tuple[dt.datetime, int]] = []  # (end of the last extent in the row, row)
        used = 0
        for index in indices:
            start, end = extent(index)
            if free and free[0][0] <= start:
                _, row = heapq.heappop(free)
            elif used < MAX_ROWS:
                row = used
                used += 1
            else:
                _, row = heapq.heappop(free)  # a crowded lane: overlap on the row that frees first
            rows_of[index] = row
            heapq.heappush(free, (end, row))
        label, country = lane_info[key]
        lanes.append(Lane(key, label, country, max(used, 1), base))
        base += max(used, 1) + 0.8  # the gap between lanes
    lane_base = {lane.key: lane.base for lane in lanes}
    placed = []
    for index, record in enumerate(records):
        key = lane_key(dataset, actors[index], group)[0]
        placed.append(
            Placed(
                record=record,
                window=windows[index],
                lane=key,
                y=lane_base[key] + rows_of[index],
                country=actor_country(dataset, actors[index]),
                actor=actors[index],
            )
        )
    return lanes, placed


# --- hover text -----------------------------------------------------------------------------------------------


def _plot_text(text: str | None, limit: int = HOVER_TEXT_MAX) -> str:
    """Untrusted text for a plotly label: shortened, then HTML-escaped (plotly renders <b>, <a>, <br> …)."""
    if not text:
        return ""
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text, quote=False)


def _precision_text(window: TimeWindow) -> str:
    if window.undated:
        return "undated: only a latest date is known; drawn at that date"
    prefix = "approximately, " if window.approximate else ""
    if window.is_point:
        return f"{prefix}known to the {window.precision.replace('-', ' ')}"
    return f"{prefix}known only to the {window.precision.replace('-', ' ')}: drawn across the window"


def _first_source(dataset: Dataset, record: Record) -> str:
    source_ids = record.via if isinstance(record, Statement) else record.sources
    if not source_ids:
        return "none"
    source = dataset.sources.get(source_ids[0])
    if source is None:
        return source_ids[0]
    publisher = source.publisher or "publisher not named"
    return f"{source.title} ({publisher}) · reliability {source.reliability or 'ungraded'}"


def hover_text(dataset: Dataset, placed: Placed, discrepancies: Sequence[str] = ()) -> str:
    record = placed.record
    actor = dataset.actors.get(placed.actor) if placed.actor else None
    kind = KIND_NAMES[record_kind(record)]
    if isinstance(record, Event):
        kind = f"event · {record.type} · {record.status}"
    lines = [
        f"<b>{_plot_text(record_title(record), 120)}</b>",
        f"{_plot_text(kind)} — {_plot_text(_actor_label(actor, placed.actor or 'no actor named'), 60)}",
        f"Time: {_plot_text(record.when.label(), 90)}",
        _plot_text(_precision_text(placed.window)),
        f"First source: {_plot_text(_first_source(dataset, record), 110)}",
    ]
    for discrepancy_id in discrepancies[:2]:
        discrepancy = dataset.discrepancies.get(discrepancy_id)
        title = discrepancy.title if discrepancy else discrepancy_id
        lines.append(f"{FLAG_DISCREPANCY} Discrepancy: {_plot_text(title, 90)} (click for the note)")
    return "<br>".join(lines)


# --- the figure -----------------------------------------------------------------------------------------------


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min)


def visible_window(placed: Sequence[Placed], value: FilterValue) -> tuple[dt.datetime, dt.datetime]:
    """The x range: the date filter's days when set, else the records' extent with a margin."""
    starts = [p.window.start or p.window.end for p in placed]
    ends = [p.window.end for p in placed]
    data_start = min(starts) if starts else None
    data_end = max(ends) if ends else None
    if data_start is not None and data_end is not None:
        margin = max((data_end - data_start) / 14, dt.timedelta(hours=3))  # room for the connector channel
        data_start, data_end = data_start - margin, data_end + margin
    start = _day_start(value.date_from) if value.date_from else data_start
    end = _day_start(value.date_to) + dt.timedelta(days=1) if value.date_to else data_end
    if start is None and end is None:
        today = _day_start(dt.date.today())
        start, end = today - dt.timedelta(days=7), today + dt.timedelta(days=1)
    elif start is None:
        start = end - dt.timedelta(days=7)  # type: ignore[operator]
    elif end is None:
        end = start + dt.timedelta(days=7)
    if end <= start:  # type: ignore[operator]
        end = start + dt.timedelta(days=1)  # type: ignore[operator]
    return start, end  # type: ignore[return-value]


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(sep=" ", timespec="seconds")


def build_timeline_figure(
    dataset: Dataset,
    view: View,
    value: FilterValue | None = None,
    group: str = "hierarchy",
    webgl: bool | None = None,
) -> go.Figure:
    """The timeline: one lane per actor group, a marker per record (customdata = [record id, incident id]).

    Coarse times (a day or more) are drawn as bars across their window with the marker at the middle;
    approximate times are hollow and marked "~"; undated records sit at their latest date with a dotted lead-in;
    records with a discrepancy are ringed and marked "⚠"; `responds_to` links are connectors with arrowheads.
    The date filter's days are the visible x range. Marker traces have uid "rec-<country>".
    """
    value = value or FilterValue()
    group = group if group in GROUPINGS else "hierarchy"
    records = timeline_records(view)
    lanes, placed = place_records(dataset, records, group)
    use_gl = (len(records) > GL_THRESHOLD) if webgl is None else webgl
    scatter = go.Scattergl if use_gl else go.Scatter
    colours = country_colours(dataset)
    names = country_names(dataset)
    flagged = discrepancies_by_record(dataset)
    x_start, x_end = visible_window(placed, value)

    def country_name(code: str) -> str:
        return "No country" if code == NO_COUNTRY else names.get(code, code)

    traces: list[go.Scatter | go.Scattergl] = []
    by_country: dict[str, list[Placed]] = {}
    for item in placed:
        by_country.setdefault(item.country or NO_COUNTRY, []).append(item)
    country_order = sorted(by_country, key=lambda c: (c == NO_COUNTRY, country_name(c)))

    # The colour key: one legend-only entry per country (a plain circle), grouping that country's traces.
    for country in country_order:
        traces.append(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker={"symbol": "circle", "color": colours.get(country, NO_COUNTRY_COLOUR), "size": 11},
                name=country_name(country),
                legendgroup=country,
                hoverinfo="skip",
                uid=f"key-country-{country}",
            )
        )

    # Bars across the window for coarse times, under the markers; dotted when approximate.
    # Undated records get a thin dotted lead-in from the left edge: "at any time up to here".
    for country in country_order:
        colour = colours.get(country, NO_COUNTRY_COLOUR)
        for style in ("solid", "approximate", "undated"):
            xs: list[str | None] = []
            ys: list[float | None] = []
            for item in by_country[country]:
                window = item.window
                if window.undated:
                    if style == "undated" and window.end > x_start:
                        xs += [_iso(x_start), _iso(window.end), None]
                        ys += [item.y, item.y, None]
                    continue
                if window.is_point or style != ("approximate" if window.approximate else "solid"):
                    continue
                xs += [_iso(window.start), _iso(window.end), None]  # type: ignore[arg-type]
                ys += [item.y, item.y, None]
            if not xs:
                continue
            width = {"solid": 9, "approximate": 9, "undated": 2}[style]
            traces.append(
                scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    line={"color": colour, "width": width, "dash": "solid" if style == "solid" else "dot"},
                    opacity=0.35 if style != "undated" else 0.6,
                    hoverinfo="skip",
                    showlegend=False,
                    legendgroup=country,
                    name=f"time window ({country_name(country)})",
                    uid=f"span-{country}-{style}",
                )
            )

    # responds_to connectors, answered -> answer. They leave and enter each marker sideways and run down a
    # channel just right of the markers, so a connector never passes through another record's marker.
    position = {item.record.id: item for item in placed}
    step = (x_end - x_start) / 90
    connector_x: list[str | None] = []
    connector_y: list[float | None] = []
    arrows: list[tuple[str, float, str, float]] = []
    for item in placed:
        if not isinstance(item.record, Statement):
            continue
        for answered in item.record.responds_to:
            source = position.get(answered)
            if source is None:
                continue
            channel = max(source.window.middle, item.window.middle) + step * (1 + len(arrows) % 5)
            connector_x += [_iso(source.window.middle), _iso(channel), _iso(channel), None]
            connector_y += [source.y, source.y, item.y, None]
            arrows.append((_iso(item.window.middle), item.y, _iso(channel), item.y))
    if connector_x:
        traces.append(
            scatter(
                x=connector_x,
                y=connector_y,
                mode="lines",
                line={"color": "#444444", "width": 1.3},
                hoverinfo="skip",
                name="responds to (→ the answer)",
                legend="legend2",
                uid="connectors",
            )
        )

    # Record markers: one trace per country (legend entries come from the key above).
    for country in country_order:
        items = by_country[country]
        colour = colours.get(country, NO_COUNTRY_COLOUR)
        symbols, texts, line_colours, line_widths, hovers, custom = [], [], [], [], [], []
        for item in items:
            record = item.record
            symbol = KIND_SYMBOLS[record_kind(record)]
            if item.window.approximate:
                symbol += "-open"
            symbols.append(symbol)
            concerns = flagged.get(record.id, [])
            flags = (FLAG_DISCREPANCY if concerns else "") + (FLAG_APPROXIMATE if item.window.approximate else "")
            flags += FLAG_UNDATED if item.window.undated else ""
            texts.append(flags)
            line_colours.append(DISCREPANCY_COLOUR if concerns else "#FFFFFF")
            line_widths.append(2.5 if concerns else 0.8)
            hovers.append(hover_text(dataset, item, concerns))
            custom.append([record.id, record_incident(record)])
        traces.append(
            scatter(
                x=np.array([item.window.middle for item in items], dtype="datetime64[s]").astype(str).tolist(),
                y=np.array([item.y for item in items], dtype=float),
                mode="markers+text",
                marker={
                    "symbol": symbols,
                    "color": colour,
                    "size": 13,
                    "line": {"color": line_colours, "width": line_widths},
                },
                text=texts,
                textposition="top center",
                textfont={"size": 12, "color": DISCREPANCY_COLOUR},
                hovertext=hovers,
                hoverinfo="text",
                hoverlabel={"align": "left"},
                customdata=custom,
                name=country_name(country),
                legendgroup=country,
                showlegend=False,
                uid=f"rec-{country}",
            )
        )

    # The shape key: legend-only entries (no points) in the second legend.
    kinds_present = {record_kind(r) for r in records}
    key_traces: list[go.Scatter] = []

    def key(label: str, symbol: str = "circle", colour: str = NO_COUNTRY_COLOUR, ring: bool = False) -> None:
        line = {"color": DISCREPANCY_COLOUR, "width": 2.5} if ring else {"color": NO_COUNTRY_COLOUR, "width": 1}
        key_traces.append(
            go.Scatter(
                x=[None], y=[None], mode="markers",
                marker={"symbol": symbol, "color": colour, "size": 11, "line": line},
                name=label, legend="legend2", hoverinfo="skip", uid=f"key-{label[:24]}",
            )
        )

    for kind, symbol in KIND_SYMBOLS.items():
        if kind in kinds_present:
            key(KIND_NAMES[kind], symbol)
    if any(not p.window.is_point and not p.window.undated for p in placed):
        key_traces.append(
            go.Scatter(
                x=[None], y=[None], mode="lines", line={"color": NO_COUNTRY_COLOUR, "width": 9}, opacity=0.45,
                name="bar: known only to a day or more", legend="legend2", hoverinfo="skip",
                uid="key-bar",
            )
        )
    if any(p.window.approximate for p in placed):
        key(f"hollow {FLAG_APPROXIMATE}: approximate time", "circle-open")
    if any(p.window.undated for p in placed):
        key(f"{FLAG_UNDATED} undated, at latest date", "circle")
    if any(p.record.id in flagged for p in placed):
        key(f"{FLAG_DISCREPANCY} ringed: discrepancy", "circle", "#FFFFFF", ring=True)
    traces.extend(key_traces)

    total = lanes[-1].base + lanes[-1].rows if lanes else 1
    shapes = [
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
    annotations = []
    if len(arrows) <= MAX_ARROWS:
        for x, y, ax, ay in arrows:
            annotations.append(
                {
                    "x": x, "y": y, "ax": ax, "ay": ay,
                    "xref": "x", "yref": "y", "axref": "x", "ayref": "y",
                    "showarrow": True, "arrowhead": 2, "arrowsize": 1.2, "arrowwidth": 1.3,
                    "arrowcolor": "#444444", "standoff": 9, "text": "",
                }
            )
    rows = sum(lane.rows for lane in lanes)
    row_px = ROW_PX if rows <= 30 else max(14, ROW_PX * 30 // rows)
    # The shape key holds three entries a line.
    key_px = 30 + 22 * -(-(len(key_traces) + (1 if connector_x else 0)) // 3)
    height = int(min(max(40 + key_px + 60 + row_px * (rows + 0.8 * len(lanes)), 360), 1700))
    figure = go.Figure(data=traces)
    figure.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 40, "b": 60 + key_px},
        hovermode="closest",
        dragmode="zoom",
        clickmode="event+select",
        shapes=shapes,
        annotations=annotations,
        xaxis={
            "type": "date",
            "range": [_iso(x_start), _iso(x_end)],
            "title": {"text": "Time (UTC)"},
            "showgrid": True,
            "gridcolor": "rgba(120,120,120,0.25)",
            "zeroline": False,
        },
        yaxis={
            "range": [total - 0.2, -1.0],
            "tickmode": "array",
            "tickvals": [lane.centre for lane in lanes],
            "ticktext": [lane.label for lane in lanes],
            "tickfont": {"size": 14},
            "showgrid": False,
            "zeroline": False,
            "automargin": True,
            "fixedrange": True,
        },
        # Both keys sit outside the plot, above and below it, so the time axis gets the full width.
        legend={
            "title": {"text": "Actor's country (colour):", "side": "left"},
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1.0,
            "yanchor": "bottom",
            "groupclick": "togglegroup",
        },
        legend2={
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
        meta={"lanes": [lane.key for lane in lanes], "group": group, "records": len(records)},
    )
    return figure


# --- selection --------------------------------------------------------------------------------------------------


def selected_ids(event: object) -> list[str]:
    """Record ids from a plotly selection event (`{"selection": {"points": [{"customdata": [id, incident]}]}}`).

    Points without a record id (connectors, the legend key) are ignored; order is kept, duplicates dropped.
    """
    selection = _get(event, "selection")
    points = _get(selection, "points") or []
    ids: list[str] = []
    for point in points:
        custom = _get(point, "customdata")
        if isinstance(custom, (list, tuple)) and custom and isinstance(custom[0], str) and custom[0]:
            ids.append(custom[0])
        elif isinstance(custom, str) and custom:
            ids.append(custom)
    return list(dict.fromkeys(ids))


def _get(obj: object, name: str) -> object:
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj.get(name)
    try:
        return obj[name]  # type: ignore[index]
    except (KeyError, TypeError, IndexError):
        return getattr(obj, name, None)


# --- the chronological table and its CSV -------------------------------------------------------------------------

TABLE_COLUMNS = (
    "From (UTC)",
    "Until (UTC)",
    "Time as reported",
    "Precision",
    "Lane",
    "Actor",
    "Kind",
    "Record",
    "Quote",
    "Status",
    "Grade",
    "First source",
    "Discrepancies",
    "Incident",
    "Id",
)


def precision_label(window: TimeWindow) -> str:
    """'day', '~hour' (approximate), 'undated'."""
    if window.undated:
        return "undated"
    return ("~" if window.approximate else "") + window.precision


def timeline_frame(dataset: Dataset, view: View, group: str = "hierarchy") -> pd.DataFrame:
    """One row per record of the view, chronological, with its time window and precision."""
    records = timeline_records(view)
    flagged = discrepancies_by_record(dataset)
    rows = []
    for record in records:
        window = time_window(record.when)
        actor = record_actor(record)
        actor_record = dataset.actors.get(actor) if actor else None
        if isinstance(record, Statement):
            first = dataset.sources.get(record.via[0])
            grade = f"{(first.reliability if first else None) or '?'}{record.credibility or '?'}"
            status = ""
            quote = record.quote or ""
        else:
            grade = ""
            status = record.status
            quote = ""
        rows.append(
            {
                "From (UTC)": window.start,
                # The window's end is exclusive (midnight after the last day); show the last second inside it.
                "Until (UTC)": window.end - dt.timedelta(seconds=1),
                "Time as reported": record.when.as_reported or "",
                "Precision": precision_label(window),
                "Lane": lane_key(dataset, actor, group)[1],
                "Actor": _actor_label(actor_record, actor or ""),
                "Kind": KIND_NAMES[record_kind(record)],
                "Record": record_title(record),
                "Quote": quote,
                "Status": status,
                "Grade": grade,
                "First source": _first_source(dataset, record),
                "Discrepancies": "; ".join(
                    dataset.discrepancies[d].title for d in flagged.get(record.id, []) if d in dataset.discrepancies
                ),
                "Incident": record_incident(record),
                "Id": record.id,
            }
        )
    frame = pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
    for column in ("From (UTC)", "Until (UTC)"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _neutralise(cell: object) -> object:
    """Keep a spreadsheet from running a cell as a formula (CSV injection): prefix a quote."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


def timeline_csv(frame: pd.DataFrame) -> bytes:
    """The table as CSV (UTF-8 with a byte-order mark, so spreadsheets read Azerbaijani and Persian names)."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(_neutralise)
    return safe.to_csv(index=False, date_format="%Y-%m-%dT%H:%M:%SZ").encode("utf-8-sig")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", text.casefold()).strip("-")


def timeline_csv_name(value: FilterValue, prefix: str = "timeline") -> str:
    """File name carrying the filter: timeline_2026-03-01_2026-03-10[_actor-…][_kind-…][_q-…].csv."""
    parts = [prefix]
    if value.date_from or value.date_to:
        parts.append(value.date_from.isoformat() if value.date_from else "start")
        parts.append(value.date_to.isoformat() if value.date_to else "end")
    else:
        parts.append("all-dates")
    if value.actors:
        parts.append("actor-" + "-".join(_slug(a) for a in value.actors))
    if value.kinds:
        parts.append("kind-" + "-".join(_slug(k) for k in value.kinds))
    if value.text and _slug(value.text):
        parts.append("q-" + _slug(value.text)[:30].strip("-"))
    name = "_".join(parts)
    if len(name) > 150:
        name = name[:150].rstrip("-_")
    return name + ".csv"
