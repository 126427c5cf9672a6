"""Figures as claims, for the screen: each quantity's values in time order with who gave them, never averaged."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import streamlit as st

from components.safe import md_escape
from incidents.evidence.figures import DISAGREEMENT_TEXT, FigureTrack

COLUMNS = ["Quantity", "Value", "Given by", "As of", "Revision", "Disagreement", "Statement"]
# Up to this many values, a static table (`st.table`): its text wraps, so a statement is read whole on a phone,
# and a page with no other grid does not load the grid's code (0.2 s of the claims page's cold visit at 1,000
# incidents). More go to the scrolling grid, which draws only the rows in sight.
STATIC_ROWS_MAX = 50


def figures_frame(tracks: Iterable[FigureTrack]) -> pd.DataFrame:
    """One row per value: its quantity by its own name, value, who gave it (origin and carrier), as of when, the
    statement, and whether it revises the same voice's earlier figure or who disagrees (parties, or one party's
    voices)."""
    rows = []
    for track in tracks:
        for value in track.values:
            rows.append(
                {
                    "Quantity": track.label,
                    "Value": value.label + (" (civilians)" if value.civilians else ""),
                    "Given by": value.by_name,
                    "As of": value.as_of_text,
                    "Revision": f"revises this voice's {value.revises}" if value.revises else "",
                    "Disagreement": DISAGREEMENT_TEXT[track.disagreement] if track.disagreement else "none",
                    "Statement": value.statement,
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def figures_table(frame: pd.DataFrame) -> pd.DataFrame:
    """`figures_frame`'s cells as `st.table` shows them: it renders every cell, and the headers, as Markdown, so
    each cell is escaped (`md_escape`, the Markdown sinks' one rule). An empty cell (no revision) is a dash: the
    phone's layout labels every cell."""
    return frame.map(lambda cell: md_escape(str(cell)) if str(cell) else "—")


def show_figures(frame: pd.DataFrame) -> None:
    """The figures as a static table up to `STATIC_ROWS_MAX` values, else as the grid."""
    if len(frame) <= STATIC_ROWS_MAX:
        st.table(figures_table(frame), hide_index=True)
    else:
        st.dataframe(frame, hide_index=True)
