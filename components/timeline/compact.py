"""The timeline for a phone: the same traces, a layout that gives the time axis the whole width.

On a 390 px screen the row labels took half the width and the two keys overlapped. Here the rows go unlabelled
(each record's hover already names it), every lane gets a short header inside the plot, and both keys move
below the chart, one entry a line. Only the layout changes, so selections read the same customdata.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

LINE_PX = 22  # one legend entry, one line
TITLE_PX = 30  # a legend's title line


def _key_entries(figure: go.Figure) -> tuple[int, int]:
    """(entries of the colour key, entries of the shape key): traces that show in each legend."""
    colour, shape = 0, 0
    for trace in figure.data:
        if trace.showlegend is False:
            continue
        if trace.legend == "legend2":
            shape += 1
        else:
            colour += 1
    return colour, shape


def _lane_headers(layout: go.Layout) -> list[dict[str, Any]]:
    """A header per lane at the lane's first row, at the left edge inside the plot (lane labels are escaped)."""
    meta = layout.meta or {}
    labels = list(meta.get("lane_labels", []))
    ticks = list(layout.yaxis.tickvals or [])[: len(labels)]
    return [
        {
            "text": f"<b>{label}</b>",
            "xref": "paper",
            "x": 0,
            "xanchor": "left",
            "yref": "y",
            "y": y,
            "yanchor": "middle",
            "showarrow": False,
            "font": {"size": 12, "color": "#0e1116"},
            "bgcolor": "rgba(255,255,255,0.85)",
        }
        for label, y in zip(labels, ticks, strict=False)
    ]


def compact_figure(figure: go.Figure) -> go.Figure:
    """The phone layout of a built timeline figure: lane headers, no row labels, both keys below in one column."""
    layout = figure.layout
    colour, shape = _key_entries(figure)
    colour_px = TITLE_PX + LINE_PX * colour if colour else 0
    shape_px = TITLE_PX + LINE_PX * shape if shape else 0
    plot_px = int(layout.height or 400) - int(layout.margin.b or 0) - int(layout.margin.t or 0)
    bottom = 60 + colour_px + shape_px
    height = max(plot_px, 240) + bottom + 20
    compact = go.Figure(data=figure.data, layout=layout)
    compact.update_layout(
        height=height,
        margin={"l": 4, "r": 4, "t": 20, "b": bottom},
        annotations=[*layout.annotations, *_lane_headers(layout)],
        yaxis={"showticklabels": False},
        xaxis={"title": {"text": "Time (UTC)"}, "nticks": 4},
        legend={
            "orientation": "v",
            "title": {"side": "top"},
            "x": 0,
            "xanchor": "left",
            "yref": "container",
            "y": shape_px / height,
            "yanchor": "bottom",
        },
        legend2={"orientation": "v", "entrywidth": None, "entrywidthmode": None, "title": {"side": "top"}},
        meta={**(layout.meta or {}), "compact": True},
    )
    return compact
