"""Map view builders: a pydeck Deck of the border, the Nakhchivan exclave and every located record.

Everything here is a pure function of data (no streamlit calls), so it is tested on the deck's JSON. The
domain answers (what is located, crossing states, claim arcs, selections, distances) live in `incidents/`;
this package turns them into layers. Modules: `style` (colours, markers, labels, tooltip), `icons` (the atlas),
`markers` (event and place rows), `rows` (crossings, closures, claims), `background` (geodata layers),
`jsontext` (the only hand-written JSON), `deck` (build_deck), `legend`, `selection`.

- Tooltips are one constant `{field}` template; record text only ever fills the fields (the frontend
  HTML-escapes field values, not the template).
"""

from __future__ import annotations

from components.map.background import gap_label, gap_rows
from components.map.deck import build_deck, initial_view_state
from components.map.icons import ICON_ATLAS, ICON_ID, ICON_MAPPING
from components.map.jsontext import CompactDeck, RawJSON
from components.map.legend import LegendEntry, legend, unlocated_events
from components.map.markers import event_layers, place_layer
from components.map.rows import claim_layers, closure_rows, crossing_rows
from components.map.selection import selected_object, view_for_selection
from components.map.style import (
    CHART_HEIGHT,
    CROSSING_STYLES,
    DECK_LAYERS,
    DRAW_ORDER,
    EVENT_STYLES,
    FIT_WIDTH,
    LAYERS,
    RGB,
    TOOLTIP_FIELDS,
    TOOLTIP_HTML,
)
from incidents.views.claim_arcs import ClaimArc, claim_arcs
from incidents.views.locations import IMPACT_TYPES, is_located, place_precision_text
from incidents.views.mapping import impact_events, selection_ids, selection_places
from incidents.views.params import LAYER_IDS
from incidents.views.readouts import distance_readouts, figures_table, scale_note

__all__ = [
    "CHART_HEIGHT", "CROSSING_STYLES", "DECK_LAYERS", "DRAW_ORDER", "EVENT_STYLES", "FIT_WIDTH", "ICON_ATLAS",
    "ICON_ID", "ICON_MAPPING", "IMPACT_TYPES", "LAYERS", "LAYER_IDS", "RGB", "TOOLTIP_FIELDS", "TOOLTIP_HTML",
    "ClaimArc", "CompactDeck", "LegendEntry", "RawJSON", "build_deck", "claim_arcs", "claim_layers", "closure_rows",
    "crossing_rows", "distance_readouts", "event_layers", "figures_table", "gap_label", "gap_rows", "impact_events",
    "initial_view_state", "is_located", "legend", "place_layer", "place_precision_text", "scale_note",
    "selected_object", "selection_ids", "selection_places", "unlocated_events", "view_for_selection",
]
