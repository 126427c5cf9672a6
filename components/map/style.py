"""The map's look, defined once: layer toggles and draw order, colours, marker and label styles, the tooltip."""

from __future__ import annotations

from dataclasses import dataclass

import pydeck as pdk

from incidents.views.params import LAYER_IDS

# Toggle id -> what it shows. The ids are the page's URL values (`?layers=...`), so keep them short.
LAYERS: dict[str, str] = {
    "countries": "Country outlines (Azerbaijan mainland and the Nakhchivan exclave told apart)",
    "border": "Azerbaijan–Iran border, by section",
    "places": "Places of the records: circle = how precisely the place is known",
    "events": "Event markers",
    "crossings": "Border crossings and their status",
    "labels": "Names of countries, Nakhchivan, the Aras and cities",
    "claims": "Claimed origin of the drones (a claim, not a fact)",
}
assert tuple(LAYERS) == LAYER_IDS, "a layer toggle is missing its description"

# Deck layer ids drawn for each toggle (bottom to top order is DRAW_ORDER).
DECK_LAYERS: dict[str, tuple[str, ...]] = {
    "countries": ("water", "countries"),
    # The border group also carries the measured Nakhchivan–mainland gap across Armenia.
    "border": ("border", "gap", "gap-label"),
    "places": ("places",),
    "events": ("closures", "events", "event-counts", "selected"),
    "crossings": ("crossings",),
    "labels": ("labels",),
    "claims": ("claims", "claim-labels"),
}
DRAW_ORDER = (
    "water", "countries", "places", "closures", "border", "gap", "labels", "gap-label",
    "claims", "claim-labels", "crossings", "events", "event-counts", "selected",
)

CHART_HEIGHT = 560
# Width assumed for fitting views; the real width depends on the window.
FIT_WIDTH = 900
PHONE_FIT_WIDTH = 350  # the map's width on a 390-px phone as chromium draws it (the page's padding taken off)

# Okabe–Ito's vermillion, orange, blue and bluish green, Tol's wine for violet: every pair of event (and of
# crossing) colours stays apart under deuteranopia, protanopia and tritanopia (tests/test_colours.py). Each is
# named by the nearest of Streamlit's Markdown colours, so the legend's `:red[●]` reads as the map's colour
# (the theme's violetTextColor is this wine).
RGB: dict[str, tuple[int, int, int]] = {
    "red": (213, 94, 0),
    "orange": (230, 159, 0),
    "blue": (0, 114, 178),
    "violet": (136, 34, 85),
    "green": (0, 158, 115),
    "gray": (110, 115, 130),
}


@dataclass(frozen=True)
class MarkerStyle:
    """How a kind of marker looks and is named in the legend."""

    label: str
    color: str  # key of RGB and a Streamlit Markdown colour name
    glyph: str  # the legend's character, shaped like the icon


EVENT_STYLES: dict[str, MarkerStyle] = {
    "impact": MarkerStyle("Impact, crash, damage or injury", "red", "●"),
    "interception": MarkerStyle("Interception", "orange", "◆"),
    "border-closure": MarkerStyle("Border closure", "violet", "■"),
    "diplomatic": MarkerStyle("Diplomatic action", "blue", "▲"),
    "other": MarkerStyle("Other event", "gray", "●"),
}
# Event type -> marker category (a key of EVENT_STYLES); any other type is "other".
EVENT_CATEGORY: dict[str, str] = {
    "impact": "impact",
    "crash": "impact",
    "damage": "impact",
    "injury": "impact",
    "interception": "interception",
    "border-closure": "border-closure",
    "diplomatic-withdrawal": "diplomatic",
}

# Keyed by incidents.model.vocabulary.crossing_state's answers.
CROSSING_STYLES: dict[str, MarkerStyle] = {
    "closed": MarkerStyle("Crossing, closed (fully or to some traffic)", "red", "⊟"),
    "open": MarkerStyle("Crossing, open", "green", "□"),
    "unknown": MarkerStyle("Crossing, status not recorded", "gray", "□"),
}

RGBA = list[int]
# Country fills: Azerbaijan's two parts in one hue, the exclave darker and outlined so it stands out.
COUNTRY_STYLE: dict[str, tuple[RGBA, RGBA, float]] = {
    # id: (fill RGBA, outline RGBA, outline width px)
    "AZE-mainland": ([170, 214, 180, 255], [60, 120, 80, 255], 1.2),
    "AZE-nakhchivan": ([98, 178, 120, 255], [20, 80, 40, 255], 2.5),
    "AZE-enclave-1": ([98, 178, 120, 255], [20, 80, 40, 255], 1.5),
    "AZE-enclave-2": ([98, 178, 120, 255], [20, 80, 40, 255], 1.5),
    "IRN": ([240, 226, 200, 255], [150, 130, 100, 255], 1.0),
    "ARM": ([226, 222, 234, 255], [130, 120, 150, 255], 1.0),
}
OTHER_COUNTRY: tuple[RGBA, RGBA, float] = ([232, 232, 228, 255], [150, 150, 150, 255], 0.8)
WATER: RGBA = [214, 230, 244, 255]
# Over a basemap the fills become a light tint so the tiles show through.
BASEMAP_ALPHA = 70

BORDER_STYLES: dict[str, tuple[str, str, RGBA]] = {
    # id: (label, legend colour name, RGBA)
    "AZE-IRN-nakhchivan": ("Nakhchivan–Iran section", "red", [200, 30, 45, 255]),
    "AZE-IRN-mainland": ("mainland–Iran section", "blue", [25, 60, 150, 255]),
}

# The gap measurement: a thin dark line with end ticks (drawn by the geodata build), its label above the middle.
GAP_FIGURE = "nakhchivan_gap"
GAP_RGBA: RGBA = [35, 35, 45, 255]

# Label styling by kind: size px, colour.
LABEL_STYLE: dict[str, tuple[int, RGBA]] = {
    "country": (15, [95, 95, 105, 255]),
    "region": (14, [15, 70, 35, 255]),
    "river": (13, [30, 100, 190, 255]),
    "sea": (14, [60, 110, 170, 255]),
    "city": (13, [30, 30, 40, 255]),
    "side": (12, [110, 110, 120, 255]),
    "note": (11, [15, 70, 35, 255]),
}
# Cities whose name would sit on top of a record marker are written on the other side of their dot.
LABEL_LEFT = {"city-nakhchivan"}
# Nakhchivan city sits ~5 km from the airport's markers: its name goes up and to the left of the dot.
LABEL_OFFSETS = {"river-aras": [16, 12], "city-nakhchivan": [-10, -17]}
# Extra placements so the default frame (which holds none of the shipped country-label points) still says
# which side of the border is which. Text, (lon, lat), kind, pixel offset; each point checked to lie in its country.
FRAME_LABELS: list[tuple[str, tuple[float, float], str, list[int]]] = [
    ("IRAN", (46.9, 38.6), "side", [0, 0]),
    ("ARMENIA", (46.2, 39.3), "side", [0, 0]),  # south of the gap measurement, clear of its line
    ("AZERBAIJAN", (47.5, 39.95), "side", [0, 0]),
    ("exclave of Azerbaijan", (45.15, 39.45), "note", [0, -15]),
]

# One template for every pickable layer; rows fill the fields. Empty fields give empty, zero-height divs.
# The title, then lines 2-4: when (or a status, or a count), where, and who reports it. The short names save
# ~10 bytes on each of 10,000+ rows; unusual ones, because the frontend fills the fields one after another by
# text replacement, so a record text holding "{<field>}" would catch a later field's value.
TOOLTIP_HTML = "<b>{title}</b><div>{l2}</div><div>{l3}</div><div>{l4}</div>"
TOOLTIP_FIELDS = ("title", "l2", "l3", "l4")
TOOLTIP = {
    "html": TOOLTIP_HTML,
    "style": {
        "backgroundColor": "white",
        "color": "#262730",
        "fontSize": "12px",
        "maxWidth": "340px",
        "border": "1px solid #c8c8d0",
        "borderRadius": "4px",
        "padding": "6px 8px",
    },
}

# Decimals kept in the JSON: 5 for points (~1 m), 4 for lines (~11 m, the boundary files' own precision).
POINT_DECIMALS = 5
LINE_DECIMALS = 4
ARC_DECIMALS = 3  # a claim's line is schematic (its origin is notional): ~100 m is plenty

MARKER_PX = 22  # icon size on screen
SPREAD_PX = 13  # ring radius for markers that share a point
FONT = "Source Sans, Source Sans Pro, Helvetica Neue, Arial, sans-serif"
TEXT_STYLE = {
    "font_family": pdk.types.String(FONT), "font_weight": 600, "character_set": pdk.types.String("auto"),
    "font_settings": {"sdf": True, "fontSize": 48, "buffer": 8}, "outline_width": 4,
    "outline_color": [255, 255, 255, 235],
}


def literal(text: str) -> pdk.types.String:
    """A string literal in a layer's props: pydeck turns plain strings into `@@=` accessors."""
    return pdk.types.String(text)
