"""Pure builders for the overview (the front page): the incidents-per-year chart; the incident a page shows by
default (re-exported for the pages)."""

from __future__ import annotations

from functools import lru_cache

import plotly.graph_objects as go

from incidents.model.queries import current_incident

# The claims page reads current_incident here.
__all__ = ["KIND_COLOURS", "current_incident", "kept_per_year_figure", "per_year_figure"]

# One colour per incident kind (Okabe–Ito, then grey for 'other'): distinguishable for the common colour-vision
# deficiencies; the hover text and the chart's text alternative name the kind, so colour is never the only carrier.
KIND_COLOURS: dict[str, str] = {
    "strike": "#D55E00",
    "attack-on-mission": "#CC79A7",
    "detention": "#0072B2",
    "drills": "#009E73",
    "expulsion": "#E69F00",
    "airspace": "#56B4E9",
    "border": "#8C6D1F",
    "accusation": "#000000",
    "other": "#999999",
}


def per_year_figure(counts: dict[int, dict[str, int]], phone: bool = False) -> go.Figure:
    """Incidents per year, stacked by kind (only the kinds that occur), every year from the first to the last.
    `phone`: the legend one entry a line below the chart, with the room it needs."""
    figure = go.Figure()
    years = list(counts)
    kinds = [k for k in KIND_COLOURS if any(c.get(k) for c in counts.values())]
    for kind in kinds:
        values = [counts[year].get(kind, 0) for year in years]
        figure.add_trace(
            go.Bar(
                x=years, y=values, name=kind, marker={"color": KIND_COLOURS[kind]},
                hovertemplate=f"%{{x}}: %{{y}} {kind}<extra></extra>",
            )
        )
    legend_room = 22 * (len(kinds) + 1) if phone else 50
    tallest = max((sum(c.values()) for c in counts.values()), default=0)
    figure.update_layout(
        barmode="stack",
        height=220 + legend_room,
        margin={"l": 10, "r": 10, "t": 10, "b": legend_room + 20},
        legend={"orientation": "v" if phone else "h", "yanchor": "top", "y": -0.15 if phone else -0.2, "x": 0,
                "title": {"text": "Kind"}, "traceorder": "normal"},
        xaxis={"title": None, "type": "linear", "dtick": 1 if len(years) <= 8 else 5, "tickformat": "d",
               "range": [years[0] - 0.6, years[-1] + 0.6] if years else None},
        yaxis={"title": {"text": "incidents"}, "dtick": 1 if tallest <= 8 else None, "rangemode": "tozero"},
    )
    return figure


def kept_per_year_figure(counts: dict[int, dict[str, int]], phone: bool = False) -> go.Figure:
    """`per_year_figure`, the last few kept by their counts: an edit's new dataset rarely changes them, and the two
    figures took 20-30 ms of an edit's run at 1,000 incidents. The figure is shared: never change it in place."""
    return _kept_figure(tuple((year, tuple(kinds.items())) for year, kinds in counts.items()), phone)


@lru_cache(maxsize=4)
def _kept_figure(counts: tuple[tuple[int, tuple[tuple[str, int], ...]], ...], phone: bool) -> go.Figure:
    return per_year_figure({year: dict(kinds) for year, kinds in counts}, phone=phone)
