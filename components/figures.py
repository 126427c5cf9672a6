"""Figures as claims, for the screen: each quantity's values in time order with who gave them, never averaged."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from incidents.evidence.figures import FigureTrack
from incidents.model.vocabulary import QUANTITY_TEXT


def figures_frame(tracks: Iterable[FigureTrack]) -> pd.DataFrame:
    """One row per value: quantity, value, who gave it, as of when, the statement, and whether it is a revision
    of the giver's own earlier figure or a disagreement between givers."""
    rows = []
    for track in tracks:
        for value in track.values:
            rows.append(
                {
                    "Quantity": QUANTITY_TEXT.get(track.quantity, track.quantity),
                    "Value": value.label + (" (civilians)" if value.civilians else ""),
                    "Given by": value.by_name,
                    "As of": value.as_of_text,
                    "Revision": "revises its own earlier figure" if value.revises else "",
                    "Givers disagree": "yes" if track.disputed else "no",
                    "Statement": value.statement,
                }
            )
    return pd.DataFrame(
        rows, columns=["Quantity", "Value", "Given by", "As of", "Revision", "Givers disagree", "Statement"]
    )
