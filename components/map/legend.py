"""The legend under the map, and the events of the view that the map cannot show."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from components.map.icons import ICON_ID
from components.map.rows import closure_rows, crossing_rows
from components.map.style import BORDER_STYLES, CROSSING_STYLES, EVENT_CATEGORY, EVENT_STYLES, GAP_FIGURE
from incidents.model.dataset import Dataset
from incidents.model.records import Event
from incidents.views.claim_arcs import claim_origins, claims
from incidents.views.filtering import View
from incidents.views.geometry import GeoData
from incidents.views.locations import is_located
from incidents.views.mapping import grouped_by_place, place_counts, view_event_rows
from incidents.views.params import LAYER_IDS
from incidents.views.readouts import source_phrase


@dataclass(frozen=True)
class LegendEntry:
    """One legend line: its layer toggle, glyph, colour, words and, for records, how many the filter draws."""

    layer: str
    glyph: str
    color: str  # Streamlit Markdown colour name
    label: str
    count: int | None  # None: not a count of records


def _border_entries(geo: GeoData) -> list[LegendEntry]:
    entries = []
    for fid, (label, color, _) in BORDER_STYLES.items():
        length = geo.border(fid)["properties"]["length_km"]
        entries.append(LegendEntry("border", "━", color, f"Border, {label}: {length} km (computed)", None))
    gap = geo.figure(GAP_FIGURE)
    text = (
        f"Narrowest gap across Armenia, Nakhchivan ↔ mainland: {gap['computed']:g} {gap['unit']} (computed; "
        f"source: “{source_phrase(gap)}”)"
    )
    entries.append(LegendEntry("border", "├┤", "gray", text, None))
    return entries


def _event_entries(dataset: Dataset, view: View, geo: GeoData) -> list[LegendEntry]:
    counts, unlocated = _count_located(dataset, view)
    entries = []
    grouped = grouped_by_place(view)
    if grouped:
        located = place_counts(dataset, view)
        most = max((c.count for c in located), default=0)
        label = (
            f"Events at one place, as one circle: circle size and number = number of events at the place "
            f"(largest: {most}); click one to list them"
        )
        entries.append(LegendEntry("event-groups", "●", "red", label, sum(c.count for c in located)))
    for category, style in EVENT_STYLES.items():
        if grouped and category != "border-closure":
            continue
        count = 0 if grouped else counts.get(category, 0)  # grouped: located closures are in the circles
        if category == "border-closure":
            count += len({r["rec"] for r in closure_rows(dataset, view, geo, unlocated)})
        if count:
            entries.append(LegendEntry("events", style.glyph, style.color, style.label, count))
    return entries


def _crossing_entries(dataset: Dataset, view: View) -> list[LegendEntry]:
    rows = crossing_rows(dataset, view)
    entries = []
    for status, style in CROSSING_STYLES.items():
        count = sum(1 for r in rows if r["icon"] == ICON_ID[f"crossing-{status}"])
        if count:
            entries.append(LegendEntry("crossings", style.glyph, style.color, style.label, count))
    return entries


def legend(dataset: Dataset, view: View, geo: GeoData, layers: Collection[str] = LAYER_IDS) -> list[LegendEntry]:
    """Legend lines for the drawn layers; counts are of what the current filter draws."""
    entries: list[LegendEntry] = []
    if "countries" in layers:
        entries.append(LegendEntry("countries", "■", "green", "Azerbaijan, mainland (light)", None))
        entries.append(LegendEntry("countries", "■", "green", "Nakhchivan exclave (darker, dark outline)", None))
    if "border" in layers:
        entries += _border_entries(geo)
    if "places" in layers:
        count = sum(1 for p in view.places if p.kind != "border-crossing" and is_located(p))
        entries.append(LegendEntry("places", "◯", "blue", "Place, circle = known within this radius", count))
    if "events" in layers:
        entries += _event_entries(dataset, view, geo)
    if "crossings" in layers:
        entries += _crossing_entries(dataset, view)
    if "claims" in layers and grouped_by_place(view):
        count = len({found.origin for found in claim_origins(dataset, view, geo)})
        text = "Claimed origin, one red ring per origin (a claim, not a fact); narrow the view to see the arcs"
        entries.append(LegendEntry("claim-origins", "◯", "red", text, count))
    elif "claims" in layers:
        count = sum(len(claim.targets) for claim in claims(dataset, view))
        entries.append(LegendEntry("claims", "┅", "red", "Claimed origin → impact site (dashed: a claim)", count))
    return entries


def _count_located(dataset: Dataset, view: View) -> tuple[dict[str, int], list[Event]]:
    """(located events of the view per marker category, the view's events with no located place), in one read,
    kept with the view (the legend and the unlocated list both ask). Callers must not change what it returns."""
    return view.derive("count-located", lambda: _read_located(dataset, view))


def _read_located(dataset: Dataset, view: View) -> tuple[dict[str, int], list[Event]]:
    by_rows = view_event_rows(dataset, view)
    if by_rows is not None:  # a filtered view: counted from its columns
        table, located = by_rows.columns.events, by_rows.located
        per_type = np.bincount(table.type_codes[by_rows.rows[located]], minlength=len(by_rows.columns.types.values))
        counts: dict[str, int] = {}
        for code in np.flatnonzero(per_type).tolist():
            category = EVENT_CATEGORY.get(by_rows.columns.types.values[code], "other")
            counts[category] = counts.get(category, 0) + int(per_type[code])
        return counts, [view.events[i] for i in np.flatnonzero(~located).tolist()]
    counts = {}
    unlocated: list[Event] = []
    places = dataset.places
    for event in view.events:
        place = places.get(event.place) if event.place else None
        if place is not None and is_located(place):
            category = EVENT_CATEGORY.get(event.type, "other")
            counts[category] = counts.get(category, 0) + 1
        else:
            unlocated.append(event)
    return counts, unlocated


def unlocated_events(dataset: Dataset, view: View, geo: GeoData) -> list[Event]:
    """Events in the view that no marker or line shows (no place, or only a country)."""
    _, unlocated = _count_located(dataset, view)
    drawn = {r["rec"] for r in closure_rows(dataset, view, geo, unlocated)}
    return [e for e in unlocated if e.id not in drawn]
