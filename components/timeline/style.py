"""The timeline's look: a marker shape per record kind, a colour per country, the flags, and the size limits."""

from __future__ import annotations

from collections import Counter

from incidents.model.dataset import Dataset
from incidents.model.vocabulary import KIND_LABELS

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


# Colours that stay apart under every colour-vision deficiency (tests/test_colours.py): four countries get one each,
# the rest share a light grey, "Other countries". Nine hues cannot all stay apart, and a reader cannot tell them anyway.
DISTINCT_COUNTRIES = 4
OTHER_COUNTRIES = "other"
OTHER_COUNTRIES_COLOUR = "#BBBBBB"


def country_colours(dataset: Dataset) -> dict[str, str]:
    """A stable colour per country of the whole dataset, so filtering never recolours a country.

    The countries whose actors speak or act in the most records get their own colours (ties by code); the others
    map to `OTHER_COUNTRIES`, whose colour is under that key.
    """
    index = dataset.actor_index
    counts: Counter[str] = Counter()
    for statement in dataset.statements.values():
        counts.update(code for code in {index.country(statement.speaker)} if code)
    for event in dataset.events.values():
        counts.update(code for code in {index.country(actor) for actor in event.actors} if code)
    for actor in dataset.actors.values():
        if actor.country:
            counts[actor.country] += 0  # a country nobody speaks for still has a place in the ranking
    ranked = sorted(counts, key=lambda code: (-counts[code], code))
    colours = {code: PALETTE[rank] for rank, code in enumerate(sorted(ranked[:DISTINCT_COUNTRIES]))}
    colours |= {code: OTHER_COUNTRIES_COLOUR for code in ranked[DISTINCT_COUNTRIES:]}
    return colours | {OTHER_COUNTRIES: OTHER_COUNTRIES_COLOUR}


def colour_group(code: str, colours: dict[str, str]) -> str:
    """The legend group a country's records are drawn in: its own, or "Other countries"."""
    return OTHER_COUNTRIES if colours.get(code) == OTHER_COUNTRIES_COLOUR and code != OTHER_COUNTRIES else code
