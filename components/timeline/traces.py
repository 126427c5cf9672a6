"""The figure's traces, as plain dicts: the colour key, time-window bars, responds_to connectors, record markers,
and the shape key. Marker traces carry customdata [record id, incident id, hover fields] and a uid starting
"rec-"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from components.timeline.axis import POINT_MS, segments
from components.timeline.hover import HOVER_TEMPLATE, HoverText
from components.timeline.lanes import Placed
from components.timeline.style import (
    CONNECTOR_COLOUR,
    DISCREPANCY_COLOUR,
    FLAG_APPROXIMATE,
    FLAG_DISCREPANCY,
    FLAG_UNDATED,
    KIND_CODES,
    KIND_NAMES,
    KIND_SYMBOLS,
    NO_COUNTRY_COLOUR,
    OPEN,
)
from incidents.model.queries import record_incident, record_kind
from incidents.model.records import Statement

Trace = dict[str, Any]
Arrow = tuple[float, float, float, float]  # (x, y) of the answer, (x, y) of the channel it arrives from
BAR_STYLES = ("solid", "approximate", "undated")


@dataclass
class Marks:
    """What the record markers show, so the shape key explains only that."""

    kinds: set[str] = field(default_factory=set)
    approximate: bool = False
    undated: bool = False
    discrepancy: bool = False


def _legend_only(**entry: Any) -> Trace:
    """A trace with no points: an entry in a legend."""
    return {"type": "scatter", "x": [None], "y": [None], "hoverinfo": "skip", **entry}


def country_key_traces(countries: Sequence[str], colours: Mapping[str, str], names: Mapping[str, str]) -> list[Trace]:
    """The colour key: one legend-only entry per country (a plain circle), grouping that country's traces."""
    return [
        _legend_only(
            mode="markers",
            marker={"symbol": "circle", "color": colours.get(country, NO_COUNTRY_COLOUR), "size": 11},
            name=names[country],
            legendgroup=country,
            uid=f"key-country-{country}",
        )
        for country in countries
    ]


def _bar_buckets(items: Sequence[Placed], x_start_ms: float) -> dict[str, tuple[list[float], list[float], list[float]]]:
    """Bar style -> (starts, ends, ys) of the records drawn with a bar; points get none."""
    buckets: dict[str, tuple[list[float], list[float], list[float]]] = {}
    for item in items:
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
    return buckets


def bar_traces(
    by_country: Mapping[str, Sequence[Placed]],
    colours: Mapping[str, str],
    names: Mapping[str, str],
    trace_type: str,
    x_start_ms: float,
) -> list[Trace]:
    """Bars across the window for coarse times, under the markers; dotted when approximate.

    Undated records get a thin dotted lead-in from the left edge: "at any time up to here".
    """
    traces: list[Trace] = []
    for country, items in by_country.items():
        buckets = _bar_buckets(items, x_start_ms)
        for style in BAR_STYLES:
            if style not in buckets:
                continue
            xs, ys = segments(*buckets[style])
            traces.append(
                {
                    "type": trace_type,
                    "x": xs,
                    "y": ys,
                    "mode": "lines",
                    "line": {
                        "color": colours.get(country, NO_COUNTRY_COLOUR),
                        "width": 2 if style == "undated" else 9,
                        "dash": "solid" if style == "solid" else "dot",
                    },
                    "opacity": 0.6 if style == "undated" else 0.35,
                    "hoverinfo": "skip",
                    "showlegend": False,
                    "legendgroup": country,
                    "name": f"time window ({names[country]})",
                    "uid": f"span-{country}-{style}",
                }
            )
    return traces


def connector_trace(placed: Sequence[Placed], step: float, trace_type: str) -> tuple[Trace | None, list[Arrow]]:
    """responds_to connectors, answered -> answer, and where each one's arrowhead goes.

    They leave and enter each marker sideways and run down a channel just right of the markers (`step` apart),
    so a connector never passes through another record's marker. None when no answered record is in view.
    """
    position = {item.record.id: item for item in placed}
    xs: list[float] = []
    ys: list[float] = []
    arrows: list[Arrow] = []
    for item in placed:
        if not isinstance(item.record, Statement):
            continue
        for answered in item.record.responds_to:
            source = position.get(answered)
            if source is None:
                continue
            channel = max(source.marker_ms, item.marker_ms) + step * (1 + len(arrows) % 5)
            xs += [source.marker_ms, channel, channel, np.nan]
            ys += [source.y, source.y, item.y, np.nan]
            arrows.append((item.marker_ms, item.y, channel, item.y))
    if not xs:
        return None, arrows
    trace = {
        "type": trace_type,
        "x": np.array(xs, dtype=np.float64),
        "y": np.array(ys, dtype=float),
        "mode": "lines",
        "line": {"color": CONNECTOR_COLOUR, "width": 1.3},
        "hoverinfo": "skip",
        "name": "responds to (→ the answer)",
        "legend": "legend2",
        "uid": "connectors",
    }
    return trace, arrows


def _marker_trace(
    items: Sequence[Placed], flagged: Mapping[str, Sequence[str]], hover: HoverText, marks: Marks
) -> Trace:
    """One country's markers: shape by kind (hollow when approximate), a red ring and ⚠ for a discrepancy."""
    symbols: list[int] = []
    rings: list[float] = []
    flags: list[str] = []
    custom: list[tuple[str, ...]] = []
    for item in items:
        record, window = item.record, item.window
        kind = record_kind(record)
        concerns = flagged.get(record.id, ())
        approximate, undated = window.approximate, window.start is None
        symbols.append(KIND_CODES[kind] + OPEN if approximate else KIND_CODES[kind])
        rings.append(1.0 if concerns else 0.0)
        flags.append(
            (FLAG_DISCREPANCY if concerns else "")
            + (FLAG_APPROXIMATE if approximate else "")
            + (FLAG_UNDATED if undated else "")
        )
        marks.approximate |= approximate
        marks.undated |= undated
        marks.discrepancy |= bool(concerns)
        marks.kinds.add(kind)
        custom.append((record.id, record_incident(record), *hover(item, concerns)))
    count = len(items)
    ring_array = np.array(rings)
    return {
        "x": np.fromiter((item.marker_ms for item in items), dtype=np.float64, count=count),
        "y": np.fromiter((item.y for item in items), dtype=np.float64, count=count),
        "mode": "markers+text",
        "marker": {
            "symbol": np.array(symbols, dtype=np.int16),
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
        "hovertemplate": HOVER_TEMPLATE,
        "hoverlabel": {"align": "left"},
        # [id, incident, hover fields]: a list, since numpy would pad every field to the longest.
        "customdata": custom,
    }


def marker_traces(
    by_country: Mapping[str, Sequence[Placed]],
    colours: Mapping[str, str],
    names: Mapping[str, str],
    trace_type: str,
    flagged: Mapping[str, Sequence[str]],
    hover: HoverText,
) -> tuple[list[Trace], Marks]:
    """Record markers: one trace per country (its colour); shape, ring and flag text vary per point."""
    marks = Marks()
    traces: list[Trace] = []
    for country, items in by_country.items():
        trace = _marker_trace(items, flagged, hover, marks)
        trace["marker"]["color"] = colours.get(country, NO_COUNTRY_COLOUR)
        traces.append(
            {
                "type": trace_type,
                **trace,
                "name": names[country],
                "legendgroup": country,
                "showlegend": False,
                "uid": f"rec-{country}",
            }
        )
    return traces, marks


def _shape_entry(label: str, symbol: str = "circle", colour: str = NO_COUNTRY_COLOUR, ring: bool = False) -> Trace:
    line = {"color": DISCREPANCY_COLOUR, "width": 2.5} if ring else {"color": NO_COUNTRY_COLOUR, "width": 1}
    return _legend_only(
        mode="markers",
        marker={"symbol": symbol, "color": colour, "size": 11, "line": line},
        name=label,
        legend="legend2",
        uid=f"key-{label[:24]}",
    )


def shape_key_traces(marks: Marks, placed: Sequence[Placed]) -> list[Trace]:
    """The shape key: legend-only entries (no points) in the second legend, for what the markers show."""
    entries = [_shape_entry(KIND_NAMES[kind], symbol) for kind, symbol in KIND_SYMBOLS.items() if kind in marks.kinds]
    if any(not p.window.is_point and not p.window.undated for p in placed):
        entries.append(
            _legend_only(
                mode="lines",
                line={"color": NO_COUNTRY_COLOUR, "width": 9},
                opacity=0.45,
                name="bar: known only to a day or more",
                legend="legend2",
                uid="key-bar",
            )
        )
    if marks.approximate:
        entries.append(_shape_entry(f"hollow {FLAG_APPROXIMATE}: approximate time", "circle-open"))
    if marks.undated:
        entries.append(_shape_entry(f"{FLAG_UNDATED} undated, at latest date", "circle"))
    if marks.discrepancy:
        entries.append(_shape_entry(f"{FLAG_DISCREPANCY} ringed: discrepancy", "circle", "#FFFFFF", ring=True))
    return entries
