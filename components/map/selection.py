"""Reading the chart's selection, and framing the selected records."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from components.map.style import CHART_HEIGHT, FIT_WIDTH, PHONE_FIT_WIDTH
from incidents.model.dataset import Dataset
from incidents.views.geometry import GeoData, view_for_bbox
from incidents.views.locations import padded_corners
from incidents.views.mapping import selection_places


def selected_object(chart_state: Any) -> dict[str, Any] | None:
    """The clicked row from `st.pydeck_chart`'s state, read from `selection.objects` (indices go stale)."""
    if not chart_state:
        return None
    if isinstance(chart_state, Mapping):
        selection = chart_state.get("selection")
    else:
        selection = getattr(chart_state, "selection", None)
    if not selection:
        return None
    objects = selection.get("objects") if isinstance(selection, Mapping) else getattr(selection, "objects", None)
    for rows in (objects or {}).values():
        for row in rows or []:
            if isinstance(row, Mapping):
                # GeoJSON features carry their fields in `properties`.
                props = row.get("properties")
                return dict(props) if isinstance(props, Mapping) and "rec" in props else dict(row)
    return None


def view_for_selection(
    dataset: Dataset, geo: GeoData, ids: Collection[str], width_px: int = FIT_WIDTH, height_px: int = CHART_HEIGHT
) -> dict[str, float] | None:
    """A view state framing the selected records' places with their precision circles; None if none is located."""
    places = selection_places(dataset, geo, ids)
    if not places:
        return None
    points = [corner for place in places for corner in padded_corners(place)]
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    bbox = (min(lons), min(lats), max(lons), max(lats))
    wide = view_for_bbox(bbox, width_px, height_px)
    # As for the region (`initial_view_state`): the server never learns the screen's width, so the zoom is what a
    # phone's map needs; a desktop sees the same places with room around them instead of a phone cutting them off.
    narrow = view_for_bbox(bbox, min(width_px, PHONE_FIT_WIDTH), height_px)
    return {**wide, "zoom": min(wide["zoom"], narrow["zoom"])}
