"""Timeline builders: lanes by actor group, markers by record kind, spans for coarse times; table and CSV.

Everything here is a pure function of the data (no streamlit), so tests read the figure's JSON.
Record text is untrusted: hover text and axis labels are HTML-escaped, because plotly renders a subset of HTML
in them.
"""

from __future__ import annotations

import datetime as dt
import heapq
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from incidents.dataset import Dataset
from incidents.filtering import FilterValue, View
from incidents.models import Actor, Event, Statement
from incidents.params import GROUPINGS
from incidents.timing import POINT_WIDTH, PRECISION_WORDS, TimeWindow, time_window

Grouping = Literal["hierarchy", "country", "actor"]
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
# Plotly's numeric codes for those symbols (+100 = open): numeric arrays travel as compact typed arrays.
SYMBOL_CODES: dict[str, int] = {
    "circle": 0,
    "square": 1,
    "diamond": 2,
    "x": 4,
    "triangle-up": 5,
    "pentagon": 13,
    "hexagon": 14,
    "star": 17,
}
OPEN = 100
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
# Windows at most this wide are drawn as a marker only (in epoch ms, as the chart works).
POINT_MS = POINT_WIDTH / dt.timedelta(milliseconds=1)
# Above this many records the marker and span traces use WebGL.
GL_THRESHOLD = 1000
# Above this many connectors, arrowheads (one annotation each) are left out; the lines stay.
MAX_ARROWS = 80
MAX_ROWS = 24
ROW_PX = 26
# Up to this many records each gets its own row, labelled on the y axis (speaker · kind, or the event's title);
# above it rows are packed and only lanes are labelled (a label per row would be unreadable, and slow).
ROW_LABEL_MAX = 60
ROW_LABEL_CHARS = 40
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


@dataclass(slots=True)
class Placed:
    """A record with its time window, lane and row (y position)."""

    record: Record
    window: TimeWindow
    lane: str
    y: float
    country: str | None
    actor: str | None
    # The window as epoch milliseconds (what the chart draws); start = end for an undated record.
    start_ms: float = 0.0
    end_ms: float = 0.0
    middle_ms: float = 0.0
    # Where the marker is drawn: the middle of the part of the window inside the visible range.
    marker_ms: float = 0.0


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


def lane_key(
    dataset: Dataset, actor_id: str | None, group: str, names: dict[str, str] | None = None
) -> tuple[str, str, str | None]:
    """(lane key, lane label, lane country) of an actor under a grouping."""
    if actor_id is None:
        return UNATTRIBUTED, "Unattributed events", None
    if group == "country":
        country = actor_country(dataset, actor_id)
        if country is None:
            return NO_COUNTRY, "No country", None
        names = names if names is not None else country_names(dataset)
        return country, names.get(country, country), country
    if group == "actor":
        return actor_id, _actor_label(dataset.actors.get(actor_id), actor_id), actor_country(dataset, actor_id)
    top = top_actor(dataset, actor_id)
    return top, _actor_label(dataset.actors.get(top), top), actor_country(dataset, top)


class _ActorIndex:
    """Per-actor answers (lane, country, label), each worked out once per figure: 10k records share ~50 actors."""

    def __init__(self, dataset: Dataset, group: str) -> None:
        self.dataset = dataset
        self.group = group
        self.names = country_names(dataset)
        self._lanes: dict[str | None, tuple[str, str, str | None]] = {}
        self._countries: dict[str | None, str | None] = {}
        self._labels: dict[str | None, str] = {}

    def lane(self, actor_id: str | None) -> tuple[str, str, str | None]:
        if actor_id not in self._lanes:
            self._lanes[actor_id] = lane_key(self.dataset, actor_id, self.group, self.names)
        return self._lanes[actor_id]

    def country(self, actor_id: str | None) -> str | None:
        if actor_id not in self._countries:
            self._countries[actor_id] = actor_country(self.dataset, actor_id)
        return self._countries[actor_id]

    def label(self, actor_id: str | None) -> str:
        if actor_id not in self._labels:
            actor = self.dataset.actors.get(actor_id) if actor_id else None
            self._labels[actor_id] = _actor_label(actor, actor_id or "no actor named")
        return self._labels[actor_id]


def timeline_records(view: View) -> list[Record]:
    """Events and statements of a view merged in chronological order (as the filter sorts them)."""
    def key(record: Record) -> tuple[dt.datetime, str]:
        return (record.when.start_dt, record.id)

    # Each list is already in this order; merging computes every key once.
    return list(heapq.merge(view.events, view.statements, key=key))


def discrepancies_by_record(dataset: Dataset) -> dict[str, list[str]]:
    """Record id -> ids of the discrepancies that concern it."""
    found: dict[str, list[str]] = {}
    for discrepancy in dataset.discrepancies.values():
        for record_id in discrepancy.concerns:
            found.setdefault(record_id, []).append(discrepancy.id)
    return found


def place_records(
    dataset: Dataset,
    records: Sequence[Record],
    group: str = "hierarchy",
    min_width: dt.timedelta | None = None,
    actors_index: _ActorIndex | None = None,
    labelled: bool = False,
) -> tuple[list[Lane], list[Placed]]:
    """Assign lanes (ordered by their first record, unattributed last) and rows within each lane.

    Rows are packed greedily so records whose drawn extent overlaps do not sit on each other; `min_width` is the
    extent given to a point marker. A lane has at most MAX_ROWS rows; beyond that rows are reused.
    With `labelled`, each lane starts with a header row and then gives every record its own row, in time order
    (so each row can carry that record's label).
    Times are handled as epoch milliseconds here: plain floats keep 10k records fast.
    """
    index_of = actors_index or _ActorIndex(dataset, group)
    count = len(records)
    windows = [time_window(r.when) for r in records]
    undated = [w.start is None for w in windows]
    ends = epoch_ms([w.end for w in windows])
    starts = epoch_ms([w.start if w.start is not None else w.end for w in windows])
    middles = np.where(undated, ends, (starts + ends) / 2) if count else ends
    if min_width is None:
        total = float(ends.max() - starts.min()) if count else 86_400_000.0
        width = max(total / 40, 1_800_000.0)
    else:
        width = min_width / _MS
    if count:
        dated = starts[~np.asarray(undated)]
        earliest = float(dated.min()) if len(dated) else float(ends.min())
        # An undated record has a lead-in from the left edge, so it claims its row up to its end.
        lead_in = np.minimum(earliest, ends) - width
        left = np.minimum(np.where(undated, lead_in, starts), middles - width / 2).tolist()
        right = np.maximum(ends, middles + width / 2).tolist()
    else:
        left, right = [], []
    actors = [record_actor(record) for record in records]
    per_lane: dict[str, list[int]] = {}
    lane_info: dict[str, tuple[str, str | None]] = {}
    first_time: dict[str, float] = {}
    start_list = starts.tolist()
    for index, actor in enumerate(actors):
        key, label, country = index_of.lane(actor)
        per_lane.setdefault(key, []).append(index)
        if key not in lane_info:
            lane_info[key] = (label, country)
            first_time[key] = start_list[index]
        elif start_list[index] < first_time[key]:
            first_time[key] = start_list[index]

    order = sorted(per_lane, key=lambda k: (k == UNATTRIBUTED, first_time[k], lane_info[k][0]))
    lanes: list[Lane] = []
    rows_of = [0] * count
    base = 0.0
    for key in order:
        if labelled:
            # Time order, undated last (they belong to no point in it); row 0 is the header.
            indices = sorted(per_lane[key], key=lambda i: (undated[i], start_list[i], right[i], records[i].id))
            for row, index in enumerate(indices, start=1):
                rows_of[index] = row
            label, country = lane_info[key]
            lanes.append(Lane(key, label, country, len(indices) + 1, base))
            base += len(indices) + 1 + 0.4
            continue
        # Undated records go to the bottom of their lane: they belong to no point in the order.
        indices = sorted(per_lane[key], key=lambda i: (undated[i], left[i], records[i].id))
        free: list[tuple[float, int]] = []  # (end of the last extent in the row, row)
        used = 0
        for index in indices:
            if free and free[0][0] <= left[index]:
                row = heapq.heappop(free)[1]
            elif used < MAX_ROWS:
                row = used
                used += 1
            else:
                row = heapq.heappop(free)[1]  # a crowded lane: overlap on the row that frees first
            rows_of[index] = row
            heapq.heappush(free, (right[index], row))
        label, country = lane_info[key]
        lanes.append(Lane(key, label, country, max(used, 1), base))
        base += max(used, 1) + 0.8  # the gap between lanes
    lane_base = {lane.key: lane.base for lane in lanes}
    # Per actor once: its lane, that lane's base row, and its own country.
    where = {actor: (index_of.lane(actor)[0], index_of.country(actor)) for actor in set(actors)}
    placed = []
    append = placed.append
    for record, window, actor, row, start, end, middle in zip(
        records, windows, actors, rows_of, start_list, ends.tolist(), middles.tolist(), strict=True
    ):
        key, country = where[actor]
        append(Placed(record, window, key, lane_base[key] + row, country, actor, start, end, middle))
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
    words = PRECISION_WORDS.get(window.precision, window.precision)
    prefix = "approximately; " if window.approximate else ""
    if window.is_point:
        return f"{prefix}known {words}"
    return f"{prefix}known {words}: drawn across the window"


def _source_text(dataset: Dataset, source_id: str) -> str:
    source = dataset.sources.get(source_id)
    if source is None:
        return source_id
    publisher = source.publisher or "publisher not named"
    return f"{source.title} ({publisher}) · reliability {source.reliability or 'ungraded'}"


def _first_source(dataset: Dataset, record: Record) -> str:
    source_ids = record.via if isinstance(record, Statement) else record.sources
    return _source_text(dataset, source_ids[0]) if source_ids else "none"


class _HoverText:
    """Hover text per record; the parts shared by many records (actors, sources, notes) are escaped once."""

    def __init__(self, dataset: Dataset, actors_index: _ActorIndex) -> None:
        self.dataset = dataset
        self.actors = actors_index
        self._actors: dict[str | None, str] = {}
        self._sources: dict[str, str] = {}
        self._precisions: dict[tuple[str, bool, bool, bool], str] = {}
        self._notes: dict[str, str] = {}

    def __call__(self, placed: Placed, discrepancies: Sequence[str] = ()) -> str:
        record = placed.record
        window = placed.window
        if isinstance(record, Statement):
            kind = KIND_NAMES[record.kind]
            title = record.paraphrase
            source_ids = record.via
        else:
            kind = f"event · {record.type} · {record.status}"
            title = record.title
            source_ids = record.sources
        actor = self._actors.get(placed.actor)
        if actor is None:
            actor = self._actors[placed.actor] = _plot_text(self.actors.label(placed.actor), 60)
        if source_ids:
            source = self._sources.get(source_ids[0])
            if source is None:
                source = self._sources[source_ids[0]] = _plot_text(_source_text(self.dataset, source_ids[0]), 110)
        else:
            source = "none"
        precision_key = (window.precision, window.approximate, window.start is None, window.is_point)
        precision = self._precisions.get(precision_key)
        if precision is None:
            precision = self._precisions[precision_key] = _plot_text(_precision_text(window))
        # Titles and times are inlined rather than passed through _plot_text: this runs 10k times.
        title = " ".join(title.split())
        if len(title) > 120:
            title = title[:119] + "…"
        when = record.when.label()
        if len(when) > 90:
            when = when[:89] + "…"
        text = f"<b>{escape(title, False)}</b><br>{kind} — {actor}<br>Time: {escape(when, False)}<br>{precision}"
        text += f"<br>First source: {source}"
        for discrepancy_id in discrepancies[:2]:
            note = self._notes.get(discrepancy_id)
            if note is None:
                note = self._notes[discrepancy_id] = self._discrepancy(discrepancy_id)
            text += "<br>" + note
        return text

    def _discrepancy(self, discrepancy_id: str) -> str:
        discrepancy = self.dataset.discrepancies.get(discrepancy_id)
        title = discrepancy.title if discrepancy else discrepancy_id
        return f"{FLAG_DISCREPANCY} Discrepancy: {_plot_text(title, 90)} (click for the note)"


def row_label(record: Record, speaker: str, limit: int = ROW_LABEL_CHARS) -> str:
    """A row's y-axis label: "speaker · kind" for a statement, the shortened title for an event; escaped, since
    plotly renders its HTML subset in tick text. `speaker` is the plain (unescaped) name of the speaker."""
    text = f"{speaker} · {KIND_NAMES[record.kind]}" if isinstance(record, Statement) else record.title
    text = " ".join(text.split())
    if len(text) > limit:
        # Cut at a word boundary when one is near, so a label never ends mid-word.
        cut = text[: limit - 1]
        space = cut.rfind(" ")
        text = (cut[:space] if space > limit * 0.6 else cut).rstrip(" ·,;:-") + "…"
    return _plot_text(text, limit)


def hover_text(dataset: Dataset, placed: Placed, discrepancies: Sequence[str] = ()) -> str:
    """Title or paraphrase, kind and actor, the time as reported with its precision, the first source, and any
    discrepancy, HTML-escaped and joined with <br>."""
    return _HoverText(dataset, _ActorIndex(dataset, "hierarchy"))(placed, discrepancies)


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


_EPOCH = dt.datetime(1970, 1, 1)
_MS = dt.timedelta(milliseconds=1)


def epoch_ms(moments: Sequence[dt.datetime]) -> np.ndarray:
    """Naive-UTC datetimes as float milliseconds since the epoch: what a plotly date axis reads, and what plotly
    sends as a compact typed array (strings would be ten times the size)."""
    return np.fromiter(((m - _EPOCH) / _MS for m in moments), dtype=np.float64, count=len(moments))


def ms_to_datetime(value: float) -> dt.datetime:
    """Inverse of epoch_ms (for reading figures back)."""
    return _EPOCH + dt.timedelta(milliseconds=value)


def _segments(starts: list[float], ends: list[float], ys: list[float]) -> tuple[np.ndarray, np.ndarray]:
    """x/y arrays of separate line segments (x in epoch ms), NaN between them (a gap in plotly)."""
    count = len(starts)
    x = np.full(count * 3, np.nan)
    y = np.full(count * 3, np.nan)
    x[0::3], x[1::3] = starts, ends
    y[0::3] = y[1::3] = ys
    return x, y




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
    actors_index = _ActorIndex(dataset, group)
    labelled = len(records) <= ROW_LABEL_MAX
    lanes, placed = place_records(dataset, records, group, actors_index=actors_index, labelled=labelled)
    use_gl = (len(records) > GL_THRESHOLD) if webgl is None else webgl
    kind_of_trace = "scattergl" if use_gl else "scatter"
    colours = country_colours(dataset)
    names = actors_index.names
    flagged = discrepancies_by_record(dataset)
    hover = _HoverText(dataset, actors_index)
    x_start, x_end = visible_window(placed, value)
    x_start_ms, x_end_ms = (x_start - _EPOCH) / _MS, (x_end - _EPOCH) / _MS
    # A window that runs past the visible range keeps its marker inside it (inset from the edges, where a marker
    # would be cut in half), so it stays visible and clickable; its bar still shows the whole window.
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

    def country_name(code: str) -> str:
        # Legend entries render plotly's HTML subset, and names come from the data: escape them.
        return "No country" if code == NO_COUNTRY else escape(names.get(code, code), False)

    by_country: dict[str, list[Placed]] = {}
    for item in placed:
        by_country.setdefault(item.country or NO_COUNTRY, []).append(item)
    country_order = sorted(by_country, key=lambda c: (c == NO_COUNTRY, country_name(c)))
    traces: list[dict] = []

    # The colour key: one legend-only entry per country (a plain circle), grouping that country's traces.
    for country in country_order:
        traces.append(
            {
                "type": "scatter",
                "x": [None],
                "y": [None],
                "mode": "markers",
                "marker": {"symbol": "circle", "color": colours.get(country, NO_COUNTRY_COLOUR), "size": 11},
                "name": country_name(country),
                "legendgroup": country,
                "hoverinfo": "skip",
                "uid": f"key-country-{country}",
            }
        )

    # Bars across the window for coarse times, under the markers; dotted when approximate.
    # Undated records get a thin dotted lead-in from the left edge: "at any time up to here".
    for country in country_order:
        colour = colours.get(country, NO_COUNTRY_COLOUR)
        buckets: dict[str, tuple[list[float], list[float], list[float]]] = {}
        for item in by_country[country]:
            window = item.window
            if window.start is None:
                if item.end_ms <= x_start_ms:
                    continue
                style, start = "undated", x_start_ms
            elif item.end_ms - item.start_ms <= POINT_MS:
                continue
            else:
                style, start = ("approximate" if window.approximate else "solid"), item.start_ms
            bucket = buckets.setdefault(style, ([], [], []))
            bucket[0].append(start)
            bucket[1].append(item.end_ms)
            bucket[2].append(item.y)
        for style in ("solid", "approximate", "undated"):
            if style not in buckets:
                continue
            xs, y_values = _segments(*buckets[style])
            traces.append(
                {
                    "type": kind_of_trace,
                    "x": xs,
                    "y": y_values,
                    "mode": "lines",
                    "line": {
                        "color": colour,
                        "width": 2 if style == "undated" else 9,
                        "dash": "solid" if style == "solid" else "dot",
                    },
                    "opacity": 0.6 if style == "undated" else 0.35,
                    "hoverinfo": "skip",
                    "showlegend": False,
                    "legendgroup": country,
                    "name": f"time window ({country_name(country)})",
                    "uid": f"span-{country}-{style}",
                }
            )

    # responds_to connectors, answered -> answer. They leave and enter each marker sideways and run down a
    # channel just right of the markers, so a connector never passes through another record's marker.
    position = {item.record.id: item for item in placed}
    step = (x_end - x_start) / 90 / _MS
    connector_x: list[float] = []
    connector_y: list[float] = []
    arrows: list[tuple[float, float, float, float]] = []
    for item in placed:
        if not isinstance(item.record, Statement):
            continue
        for answered in item.record.responds_to:
            source = position.get(answered)
            if source is None:
                continue
            channel = max(source.marker_ms, item.marker_ms) + step * (1 + len(arrows) % 5)
            connector_x += [source.marker_ms, channel, channel, np.nan]
            connector_y += [source.y, source.y, item.y, np.nan]
            arrows.append((item.marker_ms, item.y, channel, item.y))
    if connector_x:
        xs = np.array(connector_x, dtype=np.float64)
        traces.append(
            {
                "type": kind_of_trace,
                "x": xs,
                "y": np.array(connector_y, dtype=float),
                "mode": "lines",
                "line": {"color": "#444444", "width": 1.3},
                "hoverinfo": "skip",
                "name": "responds to (→ the answer)",
                "legend": "legend2",
                "uid": "connectors",
            }
        )

    # Record markers: one trace per country (its colour); shape, ring and flag text vary per point.
    code_of = {kind: SYMBOL_CODES[symbol] for kind, symbol in KIND_SYMBOLS.items()}
    kinds_present: set[str] = set()
    any_approximate = any_undated = any_discrepancy = False
    no_concerns: tuple[str, ...] = ()
    for country in country_order:
        items = by_country[country]
        count = len(items)
        symbols: list[int] = []
        rings: list[float] = []
        flags: list[str] = []
        hovers: list[str] = []
        custom: list[tuple[str, str]] = []
        for item in items:
            record, window = item.record, item.window
            if isinstance(record, Statement):
                kind = record.kind
                incident = record.incidents[0] if record.incidents else ""
            else:
                kind = "event"
                incident = record.incident or ""
            concerns = flagged.get(record.id, no_concerns)
            approximate, undated = window.approximate, window.start is None
            symbols.append(code_of[kind] + OPEN if approximate else code_of[kind])
            rings.append(1.0 if concerns else 0.0)
            if concerns or approximate or undated:
                flags.append(
                    (FLAG_DISCREPANCY if concerns else "")
                    + (FLAG_APPROXIMATE if approximate else "")
                    + (FLAG_UNDATED if undated else "")
                )
                any_approximate |= approximate
                any_undated |= undated
                any_discrepancy |= bool(concerns)
            else:
                flags.append("")
            kinds_present.add(kind)
            hovers.append(hover(item, concerns))
            custom.append((record.id, incident))
        ring_array = np.array(rings)
        traces.append(
            {
                "type": kind_of_trace,
                "x": np.fromiter((item.marker_ms for item in items), dtype=np.float64, count=count),
                "y": np.fromiter((item.y for item in items), dtype=np.float64, count=count),
                "mode": "markers+text",
                "marker": {
                    "symbol": np.array(symbols, dtype=np.int16),
                    "color": colours.get(country, NO_COUNTRY_COLOUR),
                    "size": 13,
                    # A red ring for records with a discrepancy (1), a thin white edge otherwise (0).
                    "line": {
                        "color": ring_array,
                        "cmin": 0,
                        "cmax": 1,
                        "colorscale": [[0, "#FFFFFF"], [1, DISCREPANCY_COLOUR]],
                        "width": ring_array * 1.7 + 0.8,
                    },
                },
                "text": np.array(flags, dtype="<U3"),
                "textposition": "top center",
                "textfont": {"size": 12, "color": DISCREPANCY_COLOUR},
                "hovertext": hovers,  # a list: numpy would pad every string to the longest
                "hoverinfo": "text",
                "hoverlabel": {"align": "left"},
                # A fixed-width string array copies in one block (plotly deep-copies the figure twice).
                "customdata": np.array(custom, dtype=str),
                "name": country_name(country),
                "legendgroup": country,
                "showlegend": False,
                "uid": f"rec-{country}",
            }
        )

    # The shape key: legend-only entries (no points) in the second legend.
    key_traces: list[dict] = []

    def key(label: str, symbol: str = "circle", colour: str = NO_COUNTRY_COLOUR, ring: bool = False) -> None:
        line = {"color": DISCREPANCY_COLOUR, "width": 2.5} if ring else {"color": NO_COUNTRY_COLOUR, "width": 1}
        key_traces.append(
            {
                "type": "scatter",
                "x": [None],
                "y": [None],
                "mode": "markers",
                "marker": {"symbol": symbol, "color": colour, "size": 11, "line": line},
                "name": label,
                "legend": "legend2",
                "hoverinfo": "skip",
                "uid": f"key-{label[:24]}",
            }
        )

    for kind, symbol in KIND_SYMBOLS.items():
        if kind in kinds_present:
            key(KIND_NAMES[kind], symbol)
    if any(not p.window.is_point and not p.window.undated for p in placed):
        key_traces.append(
            {
                "type": "scatter",
                "x": [None],
                "y": [None],
                "mode": "lines",
                "line": {"color": NO_COUNTRY_COLOUR, "width": 9},
                "opacity": 0.45,
                "name": "bar: known only to a day or more",
                "legend": "legend2",
                "hoverinfo": "skip",
                "uid": "key-bar",
            }
        )
    if any_approximate:
        key(f"hollow {FLAG_APPROXIMATE}: approximate time", "circle-open")
    if any_undated:
        key(f"{FLAG_UNDATED} undated, at latest date", "circle")
    if any_discrepancy:
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
                    "x": _iso(ms_to_datetime(x)),
                    "y": y,
                    "ax": _iso(ms_to_datetime(ax)),
                    "ay": ay,
                    "xref": "x",
                    "yref": "y",
                    "axref": "x",
                    "ayref": "y",
                    "showarrow": True,
                    "arrowhead": 2,
                    "arrowsize": 1.2,
                    "arrowwidth": 1.3,
                    "arrowcolor": "#444444",
                    "standoff": 9,
                    "text": "",
                }
            )
    rows = sum(lane.rows for lane in lanes)
    # Labelled rows keep room for a line of text each (at most ROW_LABEL_MAX of them, so the height stays sane).
    row_px = ROW_PX if rows <= 30 else max(20 if labelled else 14, ROW_PX * 30 // rows)
    # The shape key holds three entries a line.
    key_px = 30 + 22 * -(-(len(key_traces) + (1 if connector_x else 0)) // 3)
    height = int(min(max(40 + key_px + 60 + row_px * (rows + 0.8 * len(lanes)), 360), 1700))
    # Tick labels render plotly's HTML subset: record and actor text is escaped; only the header markup is ours.
    lane_labels = [escape(lane.label, False) for lane in lanes]
    if labelled:
        tick_values = [lane.base for lane in lanes] + [item.y for item in placed]
        tick_text = [f'<span style="font-size:14px"><b>{label}</b></span>' for label in lane_labels]
        tick_text += [row_label(item.record, actors_index.label(item.actor)) for item in placed]
    else:
        tick_values, tick_text = [lane.centre for lane in lanes], lane_labels
    layout = {
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 40, "b": 60 + key_px},
        "hovermode": "closest",
        "dragmode": "zoom",
        "clickmode": "event+select",
        "shapes": shapes,
        "annotations": annotations,
        "xaxis": {
            "type": "date",
            "range": [_iso(x_start), _iso(x_end)],
            "title": {"text": "Time (UTC)"},
            "showgrid": True,
            "gridcolor": "rgba(120,120,120,0.25)",
            "zeroline": False,
        },
        "yaxis": {
            "range": [total - 0.2, -1.0],
            "tickmode": "array",
            "tickvals": tick_values,
            "ticktext": tick_text,
            "tickfont": {"size": 12 if labelled else 14},
            "showgrid": False,
            "zeroline": False,
            "automargin": True,
            "fixedrange": True,
        },
        # Both keys sit outside the plot, above and below it, so the time axis gets the full width.
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
        "meta": {
            "lanes": [lane.key for lane in lanes],
            "lane_labels": lane_labels,
            "row_labels": labelled,
            "group": group,
            "records": len(records),
        },
    }
    # Small figures are validated (typos in property names fail loudly in tests); large ones skip plotly's
    # per-element validation, which costs seconds at 10k records. Both build from the same dicts.
    return go.Figure(data=traces, layout=layout, _validate=len(records) <= GL_THRESHOLD)


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
    actors_index = _ActorIndex(dataset, group)
    sources: dict[str, str] = {}
    columns: dict[str, list] = {name: [] for name in TABLE_COLUMNS}
    for record in records:
        window = time_window(record.when)
        actor = record_actor(record)
        if isinstance(record, Statement):
            first = dataset.sources.get(record.via[0])
            grade = f"{(first.reliability if first else None) or '?'}{record.credibility or '?'}"
            status, quote, kind = "", record.quote or "", KIND_NAMES[record.kind]
            title, source_ids = record.paraphrase, record.via
        else:
            grade, status, quote, kind, title, source_ids = "", record.status, "", "event", record.title, record.sources
        source_id = source_ids[0] if source_ids else ""
        if source_id not in sources:
            sources[source_id] = _source_text(dataset, source_id) if source_id else "none"
        columns["From (UTC)"].append(window.start)
        # The window's end is exclusive (midnight after the last day); show the last second inside it.
        columns["Until (UTC)"].append(window.end - _SECOND)
        columns["Time as reported"].append(record.when.as_reported or "")
        columns["Precision"].append(precision_label(window))
        columns["Lane"].append(actors_index.lane(actor)[1])
        columns["Actor"].append(actors_index.label(actor) if actor else "")
        columns["Kind"].append(kind)
        columns["Record"].append(title)
        columns["Quote"].append(quote)
        columns["Status"].append(status)
        columns["Grade"].append(grade)
        columns["First source"].append(sources[source_id])
        columns["Discrepancies"].append(
            "; ".join(dataset.discrepancies[d].title for d in flagged.get(record.id, ()) if d in dataset.discrepancies)
        )
        columns["Incident"].append(record_incident(record))
        columns["Id"].append(record.id)
    frame = pd.DataFrame(columns, columns=list(TABLE_COLUMNS))
    for column in ("From (UTC)", "Until (UTC)"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


_SECOND = dt.timedelta(seconds=1)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def timeline_csv(frame: pd.DataFrame) -> bytes:
    """The table as CSV (UTF-8 with a byte-order mark, so spreadsheets read Azerbaijani and Persian names).

    A text cell starting with = + - @ (or a tab or carriage return) gets a leading quote, so a spreadsheet never runs
    it as a formula (CSV injection).
    """
    safe = frame.copy()
    for column in safe.columns:
        values = safe[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            text = values.astype("string")
            risky = text.str.startswith(_FORMULA_START).fillna(False).astype(bool)
            if risky.any():
                safe[column] = values.where(~risky, "'" + text)
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
