"""Pure builders for the monitor across incidents (issue 27): the index table, the patterns grid and their text.

No Streamlit calls here; the pages (app_pages/incidents.py, app_pages/patterns.py) render what these return.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from components.safe import md_escape
from components.summaries import plural
from components.timeline.labels import plot_text
from incidents.evidence.patterns import ANSWER_KINDS, Patterns, lag_text
from incidents.model.vocabulary import ANSWER_LABELS
from incidents.views.incidents_index import IndexRow

# One colour per answer, distinguishable for the common colour-vision deficiencies (Okabe–Ito), and each cell
# also carries its count as text, so colour is never the only carrier.
ANSWER_COLOURS: dict[str, str] = {
    "acknowledged": "#009E73",
    "blamed-third-party": "#D55E00",
    "other-account": "#E69F00",
    "denied": "#CC79A7",
    "investigation": "#56B4E9",
    "declined": "#0072B2",
    "no-answer": "#767676",
}


def index_frame(rows: list[IndexRow]) -> pd.DataFrame:
    """The index as the wide table shows it (record text is plain cell text; the dataframe does not render it)."""
    return pd.DataFrame(
        [
            {
                "Dates": row.date,
                "Incident": row.title,
                "Kind": row.kind,
                "Places": "; ".join(row.places),
                "Parties that spoke": ", ".join(row.party_names),
                "Contested": row.contested,
                "One-sided": row.one_sided,
                "Agreed": row.agreed,
                "Established": row.established,
                "Open discrepancies": row.open_discrepancies,
                "Sources": row.sources,
                "id": row.id,
            }
            for row in rows
        ],
        # The claims status before the long lists, so a wide screen shows it without scrolling the table.
        columns=[
            "Dates", "Incident", "Kind", "Contested", "One-sided", "Agreed", "Established", "Open discrepancies",
            "Sources", "Parties that spoke", "Places", "id",
        ],
    )


def grid_figure(found: Patterns, phone: bool = False) -> go.Figure:
    """Party × answer over time: one marker per accusation at its incident's date, in its party's row, coloured and
    labelled by the first answer. A reader sees at a glance who denies, who blames others, who stays silent.
    `phone`: the legend one entry a line below the chart, with the room it needs (it would scroll otherwise)."""
    figure = go.Figure()
    parties = list(found.parties)
    names = found.party_names
    for answer in ANSWER_KINDS:
        items = [a for a in found.accusations if a.answer == answer]
        if not items:
            continue
        figure.add_trace(
            go.Scatter(
                x=[a.incident_date.isoformat() for a in items],
                y=[plot_text(names.get(a.accused, a.accused)) for a in items],
                mode="markers",
                name=ANSWER_LABELS[answer],
                marker={"size": 16, "color": ANSWER_COLOURS[answer], "line": {"width": 1, "color": "#222"},
                        "symbol": "circle" if answer != "no-answer" else "circle-open"},
                customdata=[[a.incident, a.proposition] for a in items],
                hovertext=[
                    f"{plot_text(a.incident_dates)}: {plot_text(a.text)}<br>{ANSWER_LABELS[answer]} · lag: "
                    f"{plot_text(lag_text(a.lag))}"
                    for a in items
                ],
                hoverinfo="text",
            )
        )
    legend_room = 24 * (len(figure.data) + 1) if phone else 70
    # Dates only, never times: with every accusation on one day plotly would otherwise zoom in to milliseconds.
    days = [a.incident_date for a in found.accusations] or [dt.date.today()]
    pad = max(dt.timedelta(days=45), (max(days) - min(days)) / 12)
    x_range = [(min(days) - pad).isoformat(), (max(days) + pad).isoformat()]
    # One tick a month over two years or less, else one a year: never two ticks with the same label.
    monthly = max(days) - min(days) + 2 * pad <= dt.timedelta(days=731)
    ticks = {"dtick": "M1", "tickformat": "%b %Y"} if monthly else {"dtick": "M12", "tickformat": "%Y"}
    figure.update_layout(
        height=max(160, 60 + 60 * len(parties)) + legend_room,
        margin={"l": 10, "r": 10, "t": 20, "b": legend_room},
        legend={
            "orientation": "v" if phone else "h", "yanchor": "top", "y": -0.1 if phone else -0.15,
            "x": 0, "title": {"text": "First answer"},
        },
        yaxis={"categoryorder": "array", "categoryarray": [plot_text(names.get(p, p)) for p in reversed(parties)],
               "title": None},
        xaxis={"title": None, "type": "date", "range": x_range, **ticks},
    )
    return figure


def grid_summary(found: Patterns) -> str:
    """The chart's text alternative: per party, how it first answered the accusations against it."""
    if not found.accusations:
        return "No accusation against a party is on record, so there is nothing to chart."
    grid = found.grid()
    years = sorted({a.year for a in found.accusations})
    span = f"{years[0]}" if len(years) == 1 else f"{years[0]}–{years[-1]}"
    parts = []
    for party in found.parties:
        counts = grid[party]
        total = sum(counts.values())
        answers = ", ".join(
            f"{ANSWER_LABELS[k].lower()} {counts[k]}" for k in ANSWER_KINDS if counts[k]
        )
        name = md_escape(found.party_names.get(party, party))  # shown as Markdown (st.info, the caption)
        parts.append(f"{name}: {plural(total, 'accusation')} ({answers})")
    head = f"{plural(len(found.accusations), 'accusation')} against {plural(len(found.parties), 'party', 'parties')}"
    return f"{head}, {span}. " + "; ".join(parts) + "."


def accusations_frame(found: Patterns) -> pd.DataFrame:
    """The table under the chart: one row per accusation, the statements' ids to look them up."""
    names = found.party_names
    return pd.DataFrame(
        [
            {
                "Incident dates": a.incident_dates,
                "Accused": names.get(a.accused, a.accused),
                "By": ", ".join(names.get(p, p) for p in a.accusers),
                "Accusation": a.text,
                "First answer": ANSWER_LABELS[a.answer],
                "Lag to first answer": lag_text(a.lag),
                "Latest answer": ANSWER_LABELS[a.latest],
                "Accusing statements": ", ".join(a.accusing_statements),
                "Answers": ", ".join(x.statement for x in a.answers),
                "incident": a.incident,
            }
            for a in found.accusations
        ],
        columns=[
            "Incident dates", "Accused", "By", "Accusation", "First answer", "Lag to first answer", "Latest answer",
            "Accusing statements", "Answers", "incident",
        ],
    )
