"""The big per-record layers: event markers (fanned out where they share a point), selection rings, and the
precision circles of places. Their rows are written as JSON text (components.map.jsontext)."""

from __future__ import annotations

import functools
import math
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from components.map.icons import ICON_ID, ICON_OF_TYPE
from components.map.jsontext import (
    RawJSON,
    json_array,
    json_str,
    marker_head,
    marker_tail,
    offsets_json,
    place_row,
    pos_json,
    ring_row,
    round_half_up,
    when_json,
)
from components.map.style import SPREAD_PX
from incidents.load.review import marked
from incidents.model.dataset import Dataset
from incidents.model.records import Event, Place
from incidents.views.binning import span_text
from incidents.views.claim_arcs import speaker_labels
from incidents.views.filtering import View
from incidents.views.locations import is_located, precision_suffix
from incidents.views.mapping import place_counts


@dataclass
class Shared:
    """What one read of the view's events gives the other layers of the same build (reading 10,000 records
    is the cost, so each is read once)."""

    positions: dict[str, str] = field(default_factory=dict)  # place id -> pos JSON
    counts: dict[str, int] | None = None  # place id -> events of the view there
    unlocated: list[Event] | None = None  # events of the view with no located place


@functools.lru_cache(maxsize=256)
def spread(count: int) -> tuple[tuple[int, int], ...]:
    """Pixel offsets for markers that share a point: a ring, or a sunflower spiral for many. Shared, read-only."""
    if count <= 1:
        return ((0, 0),)
    if count <= 6:
        step = 2 * math.pi / count
        # Start on the left, so a pair sits side by side (groups in a column then do not collide).
        return tuple(
            (round(SPREAD_PX * math.cos(angle)), round(SPREAD_PX * math.sin(angle)))
            for angle in (math.pi + i * step for i in range(count))
        )
    golden = math.pi * (3 - math.sqrt(5))
    return tuple(
        (round(11 * math.sqrt(i) * math.cos(i * golden)), round(11 * math.sqrt(i) * math.sin(i * golden)))
        for i in range(1, count + 1)
    )


@functools.lru_cache(maxsize=256)
def _spread_json(count: int) -> tuple[str, ...]:
    return offsets_json(spread(count))


class _Where:
    """Place id -> (pos JSON, place text JSON) of a drawn place, or None; each place and text worked out once."""

    def __init__(self, places: dict[str, Place], positions: dict[str, str]) -> None:
        self.places, self.positions = places, positions
        self.known: dict[str, tuple[str, str] | None] = {}
        self.suffixes: dict[tuple[str, int], str] = {}  # ' · near, within 3,000 m', shared by places alike

    def __call__(self, place_id: str) -> tuple[str, str] | None:
        if place_id in self.known:
            return self.known[place_id]
        place = self.places.get(place_id)
        spot = None
        if place is not None and is_located(place):
            pos = self.positions.get(place_id)
            if pos is None:
                pos = self.positions[place_id] = pos_json(place.lon, place.lat)
            key = (place.geo_precision, place.precision_m)
            suffix = self.suffixes.get(key)
            if suffix is None:
                suffix = self.suffixes[key] = precision_suffix(*key)
            spot = (pos, json_str(place.names.en + suffix))
        self.known[place_id] = spot
        return spot


def _reported_by(dataset: Dataset, event: Event, cache: dict[tuple[Any, ...], str]) -> str:
    """'Reported by: <speakers> (<status>)' as a JSON string, memoised on the statements and status."""
    key = (*event.reported_in, event.status)
    who = cache.get(key)
    if who is None:
        claimants = speaker_labels(dataset, event.reported_in)
        names = ", ".join(claimants) if claimants else "the source itself (no speaker)"
        who = cache[key] = json_str(f"Reported by: {names} ({event.status})")
    return who


# One event's piece of the marker layer: (place id, pos JSON, icon, row tail); "" for no place id, and all but the
# place id "" when it has no drawn place. None of it depends on the view, so it is worked out once per dataset.
Piece = tuple[str, str, str, str]


def _pieces(dataset: Dataset) -> dict[str, Piece]:
    """Every event's marker piece, by id (kept with the dataset: a filter change reads them instead of
    building each row's text again; about 0.15 s a rerun at 1,000 incidents, bench/PROFILE.md)."""

    def make() -> dict[str, Piece]:
        where = _Where(dataset.places, {})
        caches: tuple[dict[tuple[Any, ...], str], dict[tuple[Any, ...], str]] = ({}, {})
        return {event.id: _piece_of(dataset, event, where, caches) for event in dataset.events.values()}

    return dataset.derive("map-event-pieces", make)


def event_layers(
    dataset: Dataset, view: View, selected: Collection[str] = (), shared: Shared | None = None
) -> tuple[RawJSON, RawJSON]:
    """(markers, rings): one marker per located event in the view, markers sharing a point fanned out in
    pixels; a ring around each selected marker, with that marker's pixel offset.

    Row fields: pos, icon, off, rec and the tooltip's (title; l2: when; l3: where; l4: reported by). Each event's
    row text is built once per dataset (`_pieces`); a view only groups them. Selected markers come last, so they
    are drawn (and picked) on top.
    `shared` receives positions, per-place counts and the unlocated events for the build's other layers.
    """
    return _marker_rows(read_events(dataset, view, selected, shared))


def read_events(
    dataset: Dataset, view: View, selected: Collection[str] = (), shared: Shared | None = None
) -> dict[str, list[tuple[str, str, bool]]]:
    """The view's located events by point (pos JSON -> (icon, row tail, selected) of each), in one read that also
    gives `shared` the positions, per-place counts and unlocated events. Alone when the map groups by place: the
    other layers still need those, the marker rows are not drawn."""
    shared = Shared() if shared is None else shared
    pieces = _pieces(dataset)
    counts: dict[str, int] = {}
    unlocated: list[Event] = []
    chosen = set(selected)
    # pos JSON -> (icon, row tail, selected) of the events there. One pass over the records, each read once.
    by_point: dict[str, list[tuple[str, str, bool]]] = {}
    positions = shared.positions
    for event in view.events:
        piece = pieces.get(event.id)
        if piece is None or event is not dataset.events.get(event.id):  # not this dataset's: build its piece
            piece = _piece_of(dataset, event)
        place_id, pos, icon, tail = piece
        if place_id:
            counts[place_id] = counts.get(place_id, 0) + 1
        if not pos:
            unlocated.append(event)
            continue
        positions[place_id] = pos
        group = by_point.get(pos)
        if group is None:
            group = by_point[pos] = []
        group.append((icon, tail, event.id in chosen))
    shared.counts, shared.unlocated = counts, unlocated
    return by_point


def _piece_of(
    dataset: Dataset, event: Event, where: _Where | None = None,
    caches: tuple[dict[tuple[Any, ...], str], dict[tuple[Any, ...], str]] | None = None,
) -> Piece:
    """One event's piece; `where` and `caches` (who, when) shared by a whole dataset's pieces."""
    where = where or _Where(dataset.places, {})
    who_cache, when_cache = caches or ({}, {})
    spot = where(event.place) if event.place else None
    if spot is None:
        return (event.place or "", "", "", "")
    tail = marker_tail(event.id, marked(event, event.title), when_json(event.when, when_cache), spot[1],
                       _reported_by(dataset, event, who_cache))
    return (event.place or "", spot[0], ICON_OF_TYPE.get(event.type, ICON_ID["other"]), tail)


def _marker_rows(by_point: dict[str, list[tuple[str, str, bool]]]) -> tuple[RawJSON, RawJSON]:
    """The marker rows (selected ones last) and the rings, from the events grouped by point."""
    rows: list[str] = []  # pieces: each row is a head (pos, icon, offset) and its tail
    on_top: list[str] = []
    rings: list[str] = []
    ring = ICON_ID["ring"]
    alone = _spread_json(1)  # a marker alone at its point (most of them)
    for pos, group in by_point.items():
        offsets = _spread_json(len(group)) if len(group) > 1 else alone
        for (icon, tail, picked), off in zip(group, offsets, strict=True):
            head = marker_head(pos, icon, off)
            if picked:
                on_top += (head, tail)
                rings.append(ring_row(pos, off, ring))
            else:
                rows += (head, tail)
    rows += on_top
    return json_array(rows), json_array(rings)


def circle_alpha(radius_m: int) -> int:
    """Fill opacity falls with the radius: a vague place is an outline over the map, not a blue blot."""
    return max(3, round(40 / (1 + radius_m / 8000)))


def place_layer(dataset: Dataset, view: View, shared: Shared | None = None) -> RawJSON:
    """A circle of radius precision_m (metres) per place of the records in the view, crossings excepted.

    Row fields: pos, r, a (the fill's alpha: it falls with the radius), place_id and the tooltip's. Big circles
    first, so small ones stay on top and can be picked. `shared`: positions and counts from event_layers of the
    same build, when it ran first.
    """
    shared = Shared() if shared is None else shared
    positions = shared.positions
    counts = shared.counts
    if counts is None:
        counts = {}
        for event in view.events:
            if event.place:
                counts[event.place] = counts.get(event.place, 0) + 1
    known: dict[tuple[str, int], tuple[int, str]] = {}  # (alpha, text JSON), shared by places alike
    rows: list[tuple[int, str]] = []
    for place in view.places:
        if place.kind == "border-crossing" or not is_located(place):
            continue
        radius = place.precision_m
        key = (place.geo_precision, radius)
        if key not in known:
            known[key] = (circle_alpha(radius), json_str(f"Known {key[0]}: within {radius:,} m of the centre"))
        alpha, text = known[key]
        pos = positions.get(place.id)
        if pos is None:
            pos = positions[place.id] = pos_json(place.lon, place.lat)
        rows.append((-radius, place_row(pos, radius, alpha, place.id, place.names.en, counts.get(place.id, 0), text)))
    rows.sort(key=lambda row: row[0])  # stable: equal radii keep the view's order
    return json_array([row for _, row in rows])


def count_radius(count: int, most: int) -> int:
    """A count circle's radius in pixels: its area grows with the count, from 9 px (one event) to 30 (the most)."""
    return round(9 + 21 * math.sqrt((count - 1) / (most - 1))) if most > 1 else 9


def place_count_layers(
    dataset: Dataset, view: View, selected: Collection[str] = ()
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(count circles, rings): one circle per located place with the number of the view's events there, and a
    ring on the places of the selected events. Rows: pos, n (the count as text), r (pixels), place_id and the
    tooltip's fields; a click on one selects the place, whose events the page then lists."""
    counts = place_counts(dataset, view)
    most = max((c.count for c in counts), default=1)
    rows: list[dict[str, Any]] = []
    for item in counts:
        place = item.place
        kinds = ", ".join(f"{kind} {n}" for kind, n in item.types[:3]) + (" …" if len(item.types) > 3 else "")
        rows.append(
            {
                "pos": [round_half_up(place.lon), round_half_up(place.lat)],
                "n": str(item.count),
                "r": count_radius(item.count, most),
                "place_id": place.id,
                "title": f"{item.count} event(s) at {place.names.en}",
                "l2": f"When: {span_text(item.first, item.last)}",
                "l3": f"Types: {kinds}",
                "l4": "Click to list them below the map",
            }
        )
    # place_counts puts the biggest first, so smaller circles are drawn (and picked) on top of them.
    chosen = {dataset.events[i].place for i in selected if i in dataset.events}
    ring = ICON_ID["ring"]
    rings = [{"pos": row["pos"], "off": [0, 0], "icon": ring} for row in rows if row["place_id"] in chosen]
    return rows, rings
