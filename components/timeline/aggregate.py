"""The timeline's level of detail for many records: one bar per lane per time bin, its colour the count.

Above incidents.views.binning.AGGREGATE_THRESHOLD records this replaces the per-record figure. Each bar's customdata is
[BIN_MARK, first day, last day, when, uncertain] and its hover is a `hovertemplate`, so the figure's size follows
the number of bins, not of records. Lane names are headers inside the plot and the keys sit below it, so the same
figure reads on a phone and on a desktop (one element, not two variants).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape
from typing import Any

import plotly.graph_objects as go

from components.timeline.axis import iso, to_ms
from components.timeline.lanes import LaneIndex, Record
from components.timeline.selection import _get
from components.timeline.style import UNATTRIBUTED
from incidents.model.dataset import Dataset
from incidents.model.queries import record_actor
from incidents.model.when import TimeWindow, time_window
from incidents.views.binning import Bin, bin_when, bin_width, count_bins, uncertain_text
from incidents.views.filtering import FilterValue, View
from incidents.views.params import GROUPINGS
from incidents.views.timing import visible_range

BIN_MARK = "bin"  # customdata[0] of a bin's bar (a record marker's is its id)
LANE_STEP = 1.6  # y distance between lanes; a bar is BAR_HEIGHT of it, the rest holds the lane's header
BAR_HEIGHT = 0.9
COLOUR_SCALE = "Blues"
HATCH = "/"  # bars holding records whose time is known only to a window wider than the bar
# Overlaid, so the hatching shows over the count's colour instead of replacing it.
TOP_PX, BOTTOM_PX = 30, 160  # margins; the bottom one holds the time axis, the colour key and the hatching key
KEY_TITLE_PX = 76  # the colour key's title sits this far above the figure's bottom edge
PATTERN = {"fillmode": "overlay", "fgcolor": "#5A5A5A", "fgopacity": 0.55, "solidity": 0.2}
HOVER = (
    "<b>%{customdata[5]} records</b>, %{customdata[3]}<br>%{customdata[4]}<br>Lane: %{fullData.name}"
    "<br>Click to list these records one by one<extra></extra>"
)


def _lanes(dataset: Dataset, view: View, group: str) -> tuple[list[tuple[str, TimeWindow]], dict[str, str]]:
    """(lane key, time window) per record of the view, and each lane's (escaped) label."""
    index = LaneIndex(dataset, group)
    items: list[tuple[str, TimeWindow]] = []
    labels: dict[str, str] = {}
    records: list[Record] = [*view.events, *view.statements]
    for record in records:
        key, label, _ = index.lane(record_actor(record))
        items.append((key, time_window(record.when)))
        if key not in labels:
            labels[key] = escape(label, False)
    return items, labels


def _lane_order(bins: Sequence[Bin], labels: dict[str, str]) -> list[str]:
    """Lanes by their first bin (as the per-record timeline orders them by first record), unattributed last."""
    first: dict[str, float] = {}
    for item in bins:
        first[item.lane] = min(first.get(item.lane, float("inf")), to_ms(item.start))
    return sorted(first, key=lambda key: (key == UNATTRIBUTED, first[key], labels[key]))


def _bar_trace(lane: str, label: str, y: float, bins: Sequence[Bin], width_ms: float) -> dict[str, Any]:
    """One lane's bars: x at the bin's middle, colour and text the count, hatched when some times are uncertain."""
    return {
        "type": "bar",
        "x": [to_ms(b.start) + width_ms / 2 for b in bins],
        "y": [BAR_HEIGHT] * len(bins),
        "base": [y - BAR_HEIGHT / 2] * len(bins),
        "width": width_ms,
        "text": [str(b.count) for b in bins],
        "textposition": "inside",
        "insidetextanchor": "middle",
        "textangle": 0,  # never rotated: a number that does not fit is hidden (layout.uniformtext), hover says it
        "marker": {
            "color": [b.count for b in bins],
            "coloraxis": "coloraxis",
            "pattern": {"shape": [HATCH if b.uncertain else "" for b in bins], **PATTERN},
            "line": {"width": 0.5, "color": "#FFFFFF"},
        },
        "customdata": [
            [BIN_MARK, b.dates[0].isoformat(), b.dates[1].isoformat(), bin_when(b), uncertain_text(b), b.count]
            for b in bins
        ],
        "hovertemplate": HOVER,
        "name": label,
        "showlegend": False,
        "uid": f"bins-{lane}",
    }


def _header(label: str, y: float) -> dict[str, Any]:
    """The lane's name above its bars, inside the plot at the left edge."""
    return {
        "text": f"<b>{label}</b>",
        "xref": "paper",
        "x": 0,
        "xanchor": "left",
        "yref": "y",
        "y": y - BAR_HEIGHT / 2,
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 12, "color": "#0e1116"},
    }


def _key_title(text: str, height: int) -> dict[str, Any]:
    """The colour key's title, above it (a horizontal colorbar's own title overlaps the bar when it sits low)."""
    plot_px = height - TOP_PX - BOTTOM_PX
    return {
        "text": text,
        "xref": "paper",
        "x": 0,
        "xanchor": "left",
        "yref": "paper",
        "y": (KEY_TITLE_PX - BOTTOM_PX) / plot_px,
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 12, "color": "#31333F"},
    }


def _hatch_key() -> dict[str, Any]:
    return {
        "type": "bar",
        "x": [None],
        "y": [None],
        "marker": {
            "color": "#9ecae1",
            "pattern": {"shape": HATCH, **PATTERN},
        },
        "name": "hatched: some times less precise than the bar",
        "hoverinfo": "skip",
        "uid": "key-hatch",
    }


def build_aggregate_figure(
    dataset: Dataset, view: View, value: FilterValue | None = None, group: str = "hierarchy"
) -> go.Figure:
    """Counts per lane per time bin for a view too big to draw record by record (layout.meta.aggregated)."""
    value = value or FilterValue()
    group = group if group in GROUPINGS else "hierarchy"
    items, labels = _lanes(dataset, view, group)
    x_start, x_end = visible_range([window for _, window in items], value.date_from, value.date_to)
    width = bin_width(x_start, x_end)
    bins = count_bins(items, x_start, x_end, width)
    order = _lane_order(bins, labels)
    by_lane: dict[str, list[Bin]] = {lane: [] for lane in order}
    for item in bins:
        by_lane[item.lane].append(item)
    top = max((b.count for b in bins), default=1)
    traces = [
        _bar_trace(lane, labels[lane], i * LANE_STEP, by_lane[lane], width.total_seconds() * 1000)
        for i, lane in enumerate(order)
    ]
    if any(b.uncertain for b in bins):
        traces.append(_hatch_key())
    height = 200 + 56 * len(order)
    layout = {
        "height": height,
        "margin": {"l": 6, "r": 6, "t": TOP_PX, "b": BOTTOM_PX},
        "barmode": "overlay",
        "uniformtext": {"mode": "hide", "minsize": 10},
        "hovermode": "closest",
        "dragmode": "zoom",
        "clickmode": "event+select",
        "annotations": [
            *(_header(labels[lane], i * LANE_STEP) for i, lane in enumerate(order)),
            _key_title(f"Colour and number: records per bar (one bar = {_width_text(width)})", height),
        ],
        "xaxis": {
            "type": "date",
            "range": [iso(x_start), iso(x_end)],
            "title": {"text": "Time (UTC)"},
            "showgrid": True,
            "gridcolor": "rgba(120,120,120,0.25)",
            "nticks": 6,
        },
        "yaxis": {
            "range": [(len(order) - 1) * LANE_STEP + 0.7, -1.2],
            "showticklabels": False,
            "showgrid": False,
            "zeroline": False,
            "fixedrange": True,
        },
        "coloraxis": {
            "colorscale": COLOUR_SCALE,
            "cmin": 0,
            "cmax": top,
            "colorbar": {
                "orientation": "h",
                "x": 0,
                "xanchor": "left",
                "y": 36 / height,  # just above the hatching key, below the time axis
                "yanchor": "bottom",
                "yref": "container",
                "len": 0.9,
                "thickness": 12,
            },
        },
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "yref": "container", "y": 0, "yanchor": "bottom"},
        "meta": {"aggregated": True, "bins": len(bins), "records": len(items), "lanes": order},
    }
    return go.Figure(data=traces, layout=layout)


def _width_text(width: dt.timedelta) -> str:
    hours = int(width.total_seconds() // 3600)
    if hours < 24:
        return f"{hours} hour" + ("s" if hours > 1 else "")
    return f"{hours // 24} day" + ("s" if hours > 24 else "")


def selected_bin_dates(event: object) -> tuple[str, str] | None:
    """(first day, last day) as ISO dates covering every selected bar, or None when no bar is selected."""
    points = _get(_get(event, "selection"), "points") or []
    days: list[str] = []
    for point in points if isinstance(points, (list, tuple)) else []:
        custom = _get(point, "customdata")
        if isinstance(custom, (list, tuple)) and len(custom) >= 3 and custom[0] == BIN_MARK:
            days += [str(custom[1]), str(custom[2])]
    return (min(days), max(days)) if days else None
