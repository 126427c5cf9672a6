"""Figures as claims, for the screen: each quantity's values in time order with who gave them, never averaged."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from incidents.evidence.figures import DISAGREEMENT_TEXT, FigureTrack

COLUMNS = ["Quantity", "Value", "Given by", "As of", "Revision", "Disagreement", "Statement"]


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
