"""What a map selection concerns: the ids a clicked row selects, the places to frame, the impact events."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from incidents.model.dataset import Dataset
from incidents.model.queries import chronological
from incidents.model.records import Event, Place
from incidents.model.when import time_window
from incidents.views.claim_arcs import claim_arcs
from incidents.views.columnar import Mask, RecordColumns, Rows, moment
from incidents.views.filtering import View, own_kept_rows
from incidents.views.geometry import GeoData
from incidents.views.locations import IMPACT_TYPES, is_located


def selection_ids(dataset: Dataset, row: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(record, incident) that a clicked map row selects. Rows carry only `rec` or `place_id` (kept small);
    the incident is looked up here. A place selects the first incident that uses it, and no record."""
    rec = row.get("rec")
    if rec in dataset.events:
        return rec, dataset.events[rec].incident
    if rec in dataset.statements:
        incidents = dataset.statements[rec].incidents
        return rec, incidents[0] if incidents else None
    place_id = row.get("place_id")
    if place_id:
        users = [i for i in dataset.incidents.values() if any(role.place == place_id for role in i.places)]
        users += [
            dataset.incidents[e.incident]
            for e in dataset.events.values()
            if e.place == place_id and e.incident in dataset.incidents
        ]
        if users:
            return None, min(users, key=chronological).id
    return None, None


# The map across the record frames these, beside the exclave and the border (data/geo/derived.json's frame_bbox):
# the capitals and the southern Caspian, where the incidents since 2001 happened (labels.geojson's ids).
REGION_LABELS: tuple[str, ...] = ("city-baku", "city-tehran", "sea-caspian")


def region_bbox(geo: GeoData, labels: Collection[str] = REGION_LABELS) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) holding the exclave and the whole Azerbaijan–Iran border and the
    `labels` points (Baku, Tehran, the Caspian): what the map shows when no incident is selected."""
    min_lon, min_lat, max_lon, max_lat = geo.derived["frame_bbox"]
    for feature in geo.labels.get("features", []):
        if feature.get("properties", {}).get("id") in labels:
            lon, lat = feature["geometry"]["coordinates"][:2]
            min_lon, max_lon = min(min_lon, lon), max(max_lon, lon)
            min_lat, max_lat = min(min_lat, lat), max(max_lat, lat)
    return min_lon, min_lat, max_lon, max_lat


def _launch_targets(dataset: Dataset, geo: GeoData, launch_id: str) -> list[Place]:
    everything = View(statements=list(dataset.statements.values()))
    return [arc.target for arc in claim_arcs(dataset, everything, geo) if arc.launch.id == launch_id]


def selection_places(dataset: Dataset, geo: GeoData, ids: Collection[str]) -> list[Place]:
    """Located places of the selected records (an event, a statement's events, an incident, a place).

    A launch with no place of its own gives its claimed impact sites.
    """
    places: list[Place] = []
    for rid in ids:
        if rid in dataset.places:
            places.append(dataset.places[rid])
        elif rid in dataset.events:
            event = dataset.events[rid]
            if event.place in dataset.places:
                places.append(dataset.places[event.place])
            elif event.type == "launch":
                places += _launch_targets(dataset, geo, rid)
        elif rid in dataset.statements:
            for event in dataset.events.values():
                if rid in event.reported_in and event.place in dataset.places:
                    places.append(dataset.places[event.place])
        elif rid in dataset.incidents:
            for role in dataset.incidents[rid].places:
                if role.place in dataset.places:
                    places.append(dataset.places[role.place])
    return [p for p in {p.id: p for p in places}.values() if is_located(p)]


def impact_events(dataset: Dataset, ids: Collection[str]) -> list[Event]:
    """The impact-type events a selection concerns (an event itself, a statement's, an incident's)."""
    # The impact events in time order are kept with the dataset: sorting every event on each rerun cost tens of ms.
    impacts = dataset.derive(
        "impact-events",
        lambda: [e for e in sorted(dataset.events.values(), key=chronological) if e.type in IMPACT_TYPES],
    )
    return [
        event
        for event in impacts
        if event.id in ids or (event.incident in ids) or any(s in ids for s in event.reported_in)
    ]


def readout_impacts(dataset: Dataset, ids: Collection[str], place_id: str | None = None) -> list[Event]:
    """The impact events whose distances the map reads out for a selection.

    A selected place narrows them to the events there; when the selection has none there, every impact event
    at that place.
    """
    impacts = impact_events(dataset, ids)
    if place_id:
        impacts = [e for e in impacts if e.place == place_id] or [
            e for e in dataset.events.values() if e.place == place_id and e.type in IMPACT_TYPES
        ]
    return impacts


def events_sharing_place(view: View, event: Event) -> list[Event]:
    """The other events of the view at the event's place (their markers are drawn side by side)."""
    return [e for e in view.events if e.place and e.place == event.place and e.id != event.id]


# Events in view above which the map draws one circle per place with its count, not one marker per event
# (each marker row carries its own tooltip text: at 1,000 incidents that was megabytes).
MAP_GROUP_THRESHOLD = 150


def grouped_by_place(view: View, threshold: int = MAP_GROUP_THRESHOLD) -> bool:
    """Whether the map shows the view's events as counts per place."""
    return len(view.events) > threshold


@dataclass(frozen=True)
class PlaceCount:
    """The located events of a view at one place: how many, over which days, of which types (commonest first)."""

    place: Place
    count: int
    first: dt.date
    last: dt.date
    types: tuple[tuple[str, int], ...]


def place_counts(dataset: Dataset, view: View) -> list[PlaceCount]:
    """One entry per located place with events in the view, the most events first (crossings included); kept with
    the view (the legend and the count layer both ask)."""
    return view.derive("place-counts", lambda: _place_counts(dataset, view))


@dataclass(frozen=True)
class ViewEventRows:
    """A filtered view's events as rows of the columns it was made from (`kept_rows`), aligned with `view.events`:
    the map's counts per place and per type are a few array operations instead of a loop over the models."""

    columns: RecordColumns
    rows: Rows  # the events table's row of each of the view's events
    located: Mask  # whether each of the view's events has a located place of this dataset


def view_event_rows(dataset: Dataset, view: View) -> ViewEventRows | None:
    """The view's events as column rows (kept with the view); None for a view not made from this dataset's
    columns."""

    def make() -> ViewEventRows | None:
        kept = own_kept_rows(dataset, view)
        if kept is None:
            return None
        columns, event_rows, _ = kept
        rows = np.flatnonzero(event_rows)
        located_code = dataset.derive("located-place-codes", lambda: _located_codes(dataset, columns))
        return ViewEventRows(columns, rows, located_code[columns.events.place_codes[rows]])

    found: ViewEventRows | None = view.derive("event-rows", make)
    return found


def _located_codes(dataset: Dataset, columns: RecordColumns) -> Mask:
    """Whether each place code of the dataset's columns names a located place; the last entry is code -1 (none)."""
    return np.array(
        [is_located(place) if (place := dataset.places.get(pid)) is not None else False
         for pid in columns.places.values] + [False],
        dtype=np.bool_,
    )


def _place_counts(dataset: Dataset, view: View) -> list[PlaceCount]:
    by_rows = view_event_rows(dataset, view)
    if by_rows is not None:
        return _place_counts_of_rows(dataset, by_rows)
    found: dict[str, list[Event]] = {}
    for event in view.events:
        if event.place:
            found.setdefault(event.place, []).append(event)
    counts: list[PlaceCount] = []
    for place_id, events in found.items():
        place = dataset.places.get(place_id)
        if place is None or not is_located(place):
            continue
        windows = [time_window(e.when) for e in events]
        first = min((w.start or w.end).date() for w in windows)
        last = max((w.end - dt.timedelta(microseconds=1)).date() for w in windows)
        types = Counter(e.type for e in events).most_common()
        counts.append(PlaceCount(place, len(events), first, last, tuple(types)))
    return sorted(counts, key=lambda c: (-c.count, c.place.id))


def _place_counts_of_rows(dataset: Dataset, by_rows: ViewEventRows) -> list[PlaceCount]:
    """`_place_counts` from the columns: the same entries in the same order (types by count, then first seen)."""
    columns, table = by_rows.columns, by_rows.columns.events
    rows = by_rows.rows[by_rows.located]
    codes, types = table.place_codes[rows], table.type_codes[rows]
    if not len(rows):
        return []
    size, type_count = len(columns.places.values), max(len(columns.types.values), 1)
    count = np.bincount(codes, minlength=size)
    low = np.full(size, np.iinfo(np.int64).max, dtype=np.int64)
    high = np.full(size, np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(low, codes, table.low[rows])
    np.maximum.at(high, codes, table.high[rows])
    # Each (place, type) pair's count and first row: a Counter's most_common keeps ties in first-seen order.
    pairs, first_seen, pair_count = np.unique(codes * type_count + types, return_index=True, return_counts=True)
    by_place: dict[int, list[tuple[int, int, str]]] = {}
    for pair, seen, n in zip(pairs.tolist(), first_seen.tolist(), pair_count.tolist(), strict=True):
        by_place.setdefault(pair // type_count, []).append((-n, seen, columns.types.values[pair % type_count]))
    found = []
    for code, entries in by_place.items():
        entries.sort()
        found.append(PlaceCount(
            dataset.places[columns.places.values[code]], int(count[code]), moment(int(low[code])).date(),
            moment(int(high[code]) - 1).date(), tuple((name, -negative) for negative, _, name in entries),
        ))
    return sorted(found, key=lambda c: (-c.count, c.place.id))
