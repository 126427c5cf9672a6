"""The timeline's look: a marker shape per record kind, a colour per country, the flags, and the size limits."""

from __future__ import annotations

from incidents.dataset import Dataset
from incidents.vocabulary import KIND_LABELS

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
KIND_CODES: dict[str, int] = {kind: SYMBOL_CODES[symbol] for kind, symbol in KIND_SYMBOLS.items()}
# The kind's name inside a sentence or label ("alternative explanation").
KIND_NAMES: dict[str, str] = {kind: KIND_LABELS[kind].lower() for kind in KIND_SYMBOLS}

# Colour-blind-safe palette (Okabe–Ito, then Tableau); countries take colours in sorted order of their codes.
PALETTE = ("#0072B2", "#009E73", "#D55E00", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B", "#BCBD22", "#17BECF")
NO_COUNTRY_COLOUR = "#5A5A5A"  # darker than mid-grey: #7F7F7F sat 7 ΔE from the bluish green for deuteranopes
NO_COUNTRY = "none"
UNATTRIBUTED = "unattributed"
DISCREPANCY_COLOUR = "#B00020"
CONNECTOR_COLOUR = "#444444"
FLAG_DISCREPANCY = "⚠"
FLAG_APPROXIMATE = "~"
FLAG_UNDATED = "≤"

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


def country_colours(dataset: Dataset) -> dict[str, str]:
    """A stable colour per country of the whole dataset, so filtering never recolours a country."""
    codes = sorted({a.country for a in dataset.actors.values() if a.country})
    return {code: PALETTE[index % len(PALETTE)] for index, code in enumerate(codes)}
