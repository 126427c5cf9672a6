"""The deck: each toggle's pydeck layers from the prepared rows, in draw order, with the initial view.

- No basemap by default (`map_provider=None`): the shipped boundaries, water and labels make the map
  readable offline and no request leaves the machine. The Carto basemap is an opt-in.
- Streamlit dims every layer's `getFillColor`/`getColor` of unselected objects once a chart selection
  exists. Boundaries and labels therefore use GeoJsonLayer line/text colours, which it leaves alone.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import pydeck as pdk

import components.map.background as background
from components.map.icons import ICON_ATLAS, ICON_MAPPING
from components.map.jsontext import CompactDeck
from components.map.markers import Shared, event_layers, place_count_layers, place_layer, read_events
from components.map.rows import claim_layers, closure_rows, crossing_rows
from components.map.style import (
    CHART_HEIGHT,
    DECK_LAYERS,
    DRAW_ORDER,
    FIT_WIDTH,
    GAP_RGBA,
    MARKER_PX,
    PHONE_FIT_WIDTH,
    RGB,
    TEXT_STYLE,
    TOOLTIP,
    WATER,
    literal,
)
from incidents.load.memory import gc_paused
from incidents.model.dataset import Dataset
from incidents.views.filtering import View
from incidents.views.geometry import GeoData, view_for_bbox
from incidents.views.mapping import grouped_by_place, region_bbox
from incidents.views.params import LAYER_IDS

MARKER = {
    "icon_atlas": literal(ICON_ATLAS), "icon_mapping": ICON_MAPPING, "get_icon": "icon", "get_position": "pos",
    "get_pixel_offset": "off", "get_size": MARKER_PX, "size_units": literal("pixels"), "pickable": True,
}


def initial_view_state(geo: GeoData, width_px: int = FIT_WIDTH, height_px: int = CHART_HEIGHT) -> dict[str, float]:
    """Frames the record's region: the Nakhchivan exclave, the whole Azerbaijan–Iran border, Baku, Tehran and the
    southern Caspian (`incidents.views.mapping.region_bbox`)."""
    wide = view_for_bbox(region_bbox(geo), width_px, height_px, padding_px=50)
    # The server never learns the screen's width: zoom out to what a phone's map (PHONE_FIT_WIDTH) needs, so the
    # exclave and Tehran are not cut off there; a desktop sees the region with room around it.
    narrow = view_for_bbox(region_bbox(geo), PHONE_FIT_WIDTH, height_px, padding_px=56)  # room for markers, labels
    return {**wide, "zoom": min(wide["zoom"], narrow["zoom"])}


@dataclass
class _Build:
    """One build's inputs, and what its event layers share with the others."""

    dataset: Dataset
    view: View
    geo: GeoData
    basemap: bool
    selected: Collection[str]
    shared: Shared = field(default_factory=Shared)


def _layer(layer_type: str, layer_id: str, data: Any, **props: Any) -> pdk.Layer:
    return pdk.Layer(layer_type, data, id=layer_id, **props)


def _count_layers(b: _Build) -> list[pdk.Layer]:
    """Above MAP_GROUP_THRESHOLD events: one circle per place, its size and number the events there."""
    circles, rings = place_count_layers(b.dataset, b.view, b.selected)
    return [
        _layer(
            "ScatterplotLayer", "events", circles, get_position="pos", get_radius="r",
            radius_units=literal("pixels"), get_fill_color=[*RGB["red"], 190], get_line_color=[255, 255, 255, 230],
            line_width_units=literal("pixels"), get_line_width=1.5, stroked=True, filled=True, pickable=True,
        ),
        _layer(
            # Only what the numbers need: the tooltip text is the circles' own.
            "TextLayer", "event-counts", [{"pos": c["pos"], "n": c["n"]} for c in circles], get_position="pos",
            get_text="n", get_size=12,
            get_color=[255, 255, 255, 255], get_alignment_baseline=literal("center"), pickable=False, **TEXT_STYLE,
        ),
        _layer("IconLayer", "selected", rings, **{**MARKER, "get_size": 64, "pickable": False}),
    ]


def _events(b: _Build) -> list[pdk.Layer]:
    # First in the build: its one read of the view's events also serves the places and closures layers.
    grouped = grouped_by_place(b.view)
    if grouped:  # the count circles stand for the markers: read the events for the other layers, draw no rows
        read_events(b.dataset, b.view, (), b.shared)
    else:
        markers, rings = event_layers(b.dataset, b.view, b.selected, b.shared)
    closures = closure_rows(b.dataset, b.view, b.geo, b.shared.unlocated)
    closure_layer = _layer(
        "PathLayer", "closures", closures, get_path="path", get_color=[*RGB["violet"], 110], get_width=11,
        width_units=literal("pixels"), cap_rounded=True, joint_rounded=True, pickable=True,
    )
    if grouped:
        return [closure_layer, *_count_layers(b)]
    return [
        closure_layer,
        _layer("IconLayer", "events", markers, **MARKER),
        # A ring around the URL's selected marker, with the marker's own pixel offset.
        _layer("IconLayer", "selected", rings, **{**MARKER, "get_size": 38, "pickable": False}),
    ]


def _countries(b: _Build) -> list[pdk.Layer]:
    water = [] if b.basemap else [
        _layer(
            "PolygonLayer", "water", background.water(b.geo), get_polygon="polygon", get_fill_color=WATER,
            stroked=False, pickable=False,
        )
    ]
    return [
        *water,
        _layer(
            "GeoJsonLayer", "countries", background.country_features(b.geo, b.basemap),
            get_fill_color="properties.fill", get_line_color="properties.line", get_line_width="properties.width",
            line_width_units=literal("pixels"), stroked=True, filled=True, pickable=False,
        ),
    ]


def _places(b: _Build) -> list[pdk.Layer]:
    red, green, blue = RGB["blue"]
    return [
        _layer(
            "ScatterplotLayer", "places", place_layer(b.dataset, b.view, b.shared),
            get_position="pos", get_radius="r", radius_units=literal("meters"), radius_min_pixels=4,
            # Rows carry only the fill's alpha; the colour is the same for all.
            get_fill_color=f"[{red},{green},{blue},a]",
            get_line_color=[*RGB["blue"], 200], stroked=True, filled=True,
            line_width_units=literal("pixels"), get_line_width=1.5, pickable=True,
        )
    ]


def _border(b: _Build) -> list[pdk.Layer]:
    return [
        _layer(
            "GeoJsonLayer", "border", background.border_features(b.geo),
            get_line_color="properties.color", get_line_width=3.5, line_width_units=literal("pixels"),
            stroked=True, filled=False, pickable=False,
        ),
        _layer(
            "PathLayer", "gap", background.gap_rows(b.geo), get_path="path", get_color=GAP_RGBA, get_width=2,
            width_units=literal("pixels"), cap_rounded=False, pickable=True,
        ),
        _layer(
            "TextLayer", "gap-label", background.gap_label_rows(b.geo),
            get_position="pos", get_text="text", get_size=12, get_color=GAP_RGBA,
            # Up and to the left of the middle: the line runs up to the right, so the text stays off it.
            get_text_anchor=literal("end"), get_alignment_baseline=literal("bottom"), get_pixel_offset=[-6, -4],
            pickable=False, **TEXT_STYLE,
        ),
    ]


def _labels(b: _Build) -> list[pdk.Layer]:
    text_style = {f"text_{key}": value for key, value in TEXT_STYLE.items()}
    return [
        _layer(
            "GeoJsonLayer", "labels", background.label_features(b.geo),
            point_type=literal("circle+text"), get_text="properties.text", get_text_size="properties.size",
            get_text_color="properties.color", get_text_anchor="properties.anchor",
            get_text_pixel_offset="properties.offset", get_text_alignment_baseline=literal("center"),
            get_point_radius="properties.dot", point_radius_units=literal("pixels"),
            get_fill_color=[40, 40, 50, 255], stroked=False, pickable=False, **text_style,
        )
    ]


def _claims(b: _Build) -> list[pdk.Layer]:
    grouped = grouped_by_place(b.view)
    paths, labels = claim_layers(b.dataset, b.view, b.geo, grouped=grouped)
    # Grouped, the claims are points at their origins: hollow red rings, apart from the filled event circles.
    points = {"point_type": literal("circle"), "get_point_radius": 7, "point_radius_units": literal("pixels"),
              "get_fill_color": [255, 255, 255, 160], "filled": True} if grouped else {"filled": False}
    return [
        # GeoJsonLayer lines: Streamlit's selection dimming leaves getLineColor alone, so claims stay legible.
        _layer(
            "GeoJsonLayer", "claims", paths,
            get_line_color=[*RGB["red"], 200], get_line_width=3, line_width_units=literal("pixels"),
            extensions=[{"@@type": "PathStyleExtension", "dash": True}], get_dash_array=[4, 2.5],
            dash_justified=True, stroked=True, pickable=True, **points,
        ),
        _layer(
            "TextLayer", "claim-labels", labels,
            get_position="pos", get_text="text", get_size=12, get_color=[*RGB["red"], 255],
            get_text_anchor=literal("start"), get_pixel_offset=[-24, 14], get_alignment_baseline=literal("top"),
            pickable=False, **TEXT_STYLE,
        ),
    ]


def _crossings(b: _Build) -> list[pdk.Layer]:
    return [_layer("IconLayer", "crossings", crossing_rows(b.dataset, b.view), **MARKER)]


# Toggle -> its layers' builder; "events" first, as the others reuse what its read of the view found.
_BUILDERS: dict[str, Callable[[_Build], list[pdk.Layer]]] = {
    "events": _events,
    "countries": _countries,
    "places": _places,
    "border": _border,
    "labels": _labels,
    "claims": _claims,
    "crossings": _crossings,
}
assert set(_BUILDERS) == set(DECK_LAYERS), "a toggle has no layer builder"


def build_deck(
    dataset: Dataset,
    view: View,
    geo: GeoData,
    *,
    layers: Collection[str] = LAYER_IDS,
    basemap: bool = False,
    selected: Collection[str] = (),
    view_state: Mapping[str, float] | None = None,
) -> pdk.Deck:
    """The map of the filtered records.

    `layers`: toggle ids from LAYER_IDS to draw. `basemap`: Carto light tiles (an outside service) under the
    data; off by default so nothing leaves the machine. `selected`: record/incident ids to ring.
    `view_state`: latitude/longitude/zoom; defaults to the frame of Nakhchivan and the border.
    """
    with gc_paused():
        build = _Build(dataset, view, geo, basemap, selected)
        built = {
            layer.id: layer for toggle, builder in _BUILDERS.items() if toggle in layers for layer in builder(build)
        }
        state = dict(view_state) if view_state else initial_view_state(geo)
        # map_provider=None serialises mapStyle "__MAP_STYLE__": no basemap, no request. Passing map_style=None
        # instead would drop mapStyle, and the frontend would then fetch Carto tiles.
        provider: dict[str, Any] = (
            {"map_provider": "carto", "map_style": pdk.map_styles.CARTO_LIGHT} if basemap else {"map_provider": None}
        )
        return CompactDeck(
            layers=[built[layer_id] for layer_id in DRAW_ORDER if layer_id in built],
            initial_view_state=pdk.ViewState(
                latitude=round(state["latitude"], 5), longitude=round(state["longitude"], 5),
                zoom=round(state["zoom"], 3), pitch=0, bearing=0,
            ),
            tooltip=TOOLTIP,
            **provider,
        )
