"""Map view builders: a pydeck Deck of the border, the Nakhchivan exclave and every located record.

Everything here is a pure function of data (no streamlit calls), so it is tested on the deck's JSON.

- No basemap by default (`map_provider=None`): the shipped boundaries, water and labels make the map
  readable offline and no request leaves the machine. The Carto basemap is an opt-in.
- Tooltips are one constant `{field}` template; record text only ever fills the fields (the frontend
  HTML-escapes field values, not the template).
- Streamlit dims every layer's `getFillColor`/`getColor` of unselected objects once a chart selection
  exists. Boundaries and labels therefore use GeoJsonLayer line/text colours, which it leaves alone.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import gc
import json
import math
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from incidents.dataset import Dataset
from incidents.filtering import View
from incidents.geometry import (
    DEFAULT_BORDER_IDS,
    GeoData,
    distance_to_border_km,
    feature_containing,
    haversine_km,
    nearest_point_on_line,
    point_in_polygon,
    view_for_bbox,
)
from incidents.models import Event, Place, Statement, When
from incidents.params import LAYER_IDS

# --------------------------------------------------------------------------
# Layers, styles, legend vocabulary
# --------------------------------------------------------------------------

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
    "events": ("closures", "events", "selected"),
    "crossings": ("crossings",),
    "labels": ("labels",),
    "claims": ("claims", "claim-labels"),
}
DRAW_ORDER = (
    "water", "countries", "places", "closures", "border", "gap", "labels", "gap-label",
    "claims", "claim-labels", "crossings", "events", "selected",
)

CHART_HEIGHT = 560
# Width assumed for fitting views; the real width depends on the window.
FIT_WIDTH = 900

# Colours close to Streamlit's named Markdown colours, so the legend's `:red[●]` matches the map.
RGB: dict[str, tuple[int, int, int]] = {
    "red": (230, 57, 70),
    "orange": (245, 140, 30),
    "blue": (28, 110, 200),
    "violet": (128, 61, 245),
    "green": (33, 150, 83),
    "gray": (110, 115, 130),
}


@dataclass(frozen=True)
class MarkerStyle:
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
EVENT_CATEGORY: dict[str, str] = {
    "impact": "impact",
    "crash": "impact",
    "damage": "impact",
    "injury": "impact",
    "interception": "interception",
    "border-closure": "border-closure",
    "diplomatic-withdrawal": "diplomatic",
}
# Where a drone came down: the ends of a claimed-origin arc and the sites of the distance readouts.
IMPACT_TYPES = ("impact", "crash", "damage")

CROSSING_STYLES: dict[str, MarkerStyle] = {
    "closed": MarkerStyle("Crossing, closed (fully or to some traffic)", "red", "⊟"),
    "open": MarkerStyle("Crossing, open", "green", "□"),
    "unknown": MarkerStyle("Crossing, status not recorded", "gray", "□"),
}

# Country fills: Azerbaijan's two parts in one hue, the exclave darker and outlined so it stands out.
_COUNTRY_STYLE: dict[str, tuple[list[int], list[int], float]] = {
    # id: (fill RGBA, outline RGBA, outline width px)
    "AZE-mainland": ([170, 214, 180, 255], [60, 120, 80, 255], 1.2),
    "AZE-nakhchivan": ([98, 178, 120, 255], [20, 80, 40, 255], 2.5),
    "AZE-enclave-1": ([98, 178, 120, 255], [20, 80, 40, 255], 1.5),
    "AZE-enclave-2": ([98, 178, 120, 255], [20, 80, 40, 255], 1.5),
    "IRN": ([240, 226, 200, 255], [150, 130, 100, 255], 1.0),
    "ARM": ([226, 222, 234, 255], [130, 120, 150, 255], 1.0),
}
_OTHER_COUNTRY = ([232, 232, 228, 255], [150, 150, 150, 255], 0.8)
_WATER = [214, 230, 244, 255]
# Over a basemap the fills become a light tint so the tiles show through.
_BASEMAP_ALPHA = 70

BORDER_STYLES: dict[str, tuple[str, str, list[int]]] = {
    # id: (label, legend colour name, RGBA)
    "AZE-IRN-nakhchivan": ("Nakhchivan–Iran section", "red", [200, 30, 45, 255]),
    "AZE-IRN-mainland": ("mainland–Iran section", "blue", [25, 60, 150, 255]),
}

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

_FONT = "Source Sans, Source Sans Pro, Helvetica Neue, Arial, sans-serif"
_s = pdk.types.String  # pydeck turns plain strings into `@@=` accessors; literals need this wrapper


# --------------------------------------------------------------------------
# Icon atlas: one SVG with a cell per marker, shipped inline as a data: URL (no request)
# --------------------------------------------------------------------------

_CELL = 48


def _hex(color: str) -> str:
    r, g, b = RGB[color]
    return f"#{r:02x}{g:02x}{b:02x}"


def _shape(kind: str, cx: int, fill: str) -> str:
    """A marker shape in a 48-px cell: dark outer edge, white ring, coloured body (reads on any fill)."""
    cy = _CELL // 2
    if kind == "circle":
        body = f'<circle cx="{cx}" cy="{cy}" r="12"/>'
    elif kind == "diamond":
        body = f'<polygon points="{cx},{cy - 15} {cx + 15},{cy} {cx},{cy + 15} {cx - 15},{cy}"/>'
    elif kind == "square":
        body = f'<rect x="{cx - 11}" y="{cy - 11}" width="22" height="22"/>'
    elif kind == "triangle":
        body = f'<polygon points="{cx},{cy - 15} {cx + 14},{cy + 11} {cx - 14},{cy + 11}"/>'
    else:
        raise ValueError(kind)
    return (
        f'<g stroke-linejoin="round">'
        f'<g fill="#1e1e28" stroke="#1e1e28" stroke-width="9">{body}</g>'
        f'<g fill="#ffffff" stroke="#ffffff" stroke-width="5">{body}</g>'
        f'<g fill="{fill}">{body}</g></g>'
    )


def _crossing(cx: int, color: str, closed: bool) -> str:
    cy = _CELL // 2
    box = f'<rect x="{cx - 11}" y="{cy - 11}" width="22" height="22" rx="3"/>'
    bar = f'<rect x="{cx - 8}" y="{cy - 3}" width="16" height="6" fill="{color}"/>' if closed else ""
    return (
        f'<g fill="#ffffff" stroke="#1e1e28" stroke-width="7">{box}</g>'
        f'<g fill="#ffffff" stroke="{color}" stroke-width="4">{box}</g>{bar}'
    )


_ICONS: list[tuple[str, str]] = [
    ("impact", _shape("circle", 0, _hex("red"))),
    ("interception", _shape("diamond", 0, _hex("orange"))),
    ("border-closure", _shape("square", 0, _hex("violet"))),
    ("diplomatic", _shape("triangle", 0, _hex("blue"))),
    ("other", _shape("circle", 0, _hex("gray"))),
    ("crossing-closed", _crossing(0, _hex("red"), True)),
    ("crossing-open", _crossing(0, _hex("green"), False)),
    ("crossing-unknown", _crossing(0, _hex("gray"), False)),
    (
        "ring",
        '<circle r="20" cy="24" fill="none" stroke="#ffffff" stroke-width="7"/>'
        '<circle r="20" cy="24" fill="none" stroke="#1e1e28" stroke-width="3.5"/>',
    ),
]


def _icon_atlas() -> tuple[str, dict[str, dict[str, Any]]]:
    cells = []
    mapping: dict[str, dict[str, Any]] = {}
    for index, (name, svg) in enumerate(_ICONS):
        x = index * _CELL
        cells.append(f'<g transform="translate({x + _CELL // 2},0)">{svg}</g>')
        mapping[ICON_ID[name]] = {"x": x, "y": 0, "width": _CELL, "height": _CELL, "anchorY": _CELL // 2, "mask": False}
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_CELL * len(_ICONS)}" height="{_CELL}" '
        f'viewBox="0 0 {_CELL * len(_ICONS)} {_CELL}">{"".join(cells)}</svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode(), mapping


# Icon name -> the short id rows carry (one per marker: at 10,000 markers a long name costs ~80 KB).
ICON_ID: dict[str, str] = {
    "impact": "i", "interception": "n", "border-closure": "b", "diplomatic": "d", "other": "o",
    "crossing-closed": "cc", "crossing-open": "co", "crossing-unknown": "cu", "ring": "r",
}
_ICON_OF_TYPE = {event_type: ICON_ID[category] for event_type, category in EVENT_CATEGORY.items()}
ICON_ATLAS, ICON_MAPPING = _icon_atlas()  # ICON_MAPPING is keyed by the short ids
MARKER_PX = 22  # icon size on screen
_SPREAD_PX = 13  # ring radius for markers that share a point


# --------------------------------------------------------------------------
# Small pure helpers
# --------------------------------------------------------------------------


_SCALE = {d: 10.0**d for d in range(8)}


def _r(value: float, decimals: int = POINT_DECIMALS) -> float:
    """Round half up to `decimals`. Much faster than round(x, n); k / 10**n prints as the short decimal."""
    scale = _SCALE[decimals]
    return math.floor(value * scale + 0.5) / scale


def _name(dataset: Dataset, actor_id: str) -> str:
    actor = dataset.actors.get(actor_id)
    if actor is None:
        return actor_id
    return actor.short_name or actor.name


def _top_actor(dataset: Dataset, actor_id: str) -> str:
    """The top of an actor's `parent` chain (a ministry -> its state)."""
    seen = set()
    current = actor_id
    while current in dataset.actors and dataset.actors[current].parent and current not in seen:
        seen.add(current)
        current = dataset.actors[current].parent  # type: ignore[assignment]
    return current


def _actor_country(dataset: Dataset, actor_id: str) -> str | None:
    current: str | None = actor_id
    seen = set()
    while current and current in dataset.actors and current not in seen:
        seen.add(current)
        actor = dataset.actors[current]
        if actor.country:
            return actor.country
        current = actor.parent
    return None


def place_precision_text(place: Place) -> str:
    """'Nakhchivan International Airport · near, within 3,000 m'."""
    return place.names.en + _precision_suffix(place.geo_precision, place.precision_m)


def _precision_suffix(geo_precision: str, precision_m: int) -> str:
    """' · near, within 3,000 m': the part of place_precision_text that places alike share."""
    return f" · {geo_precision}, within {precision_m:,} m"


def is_located(place: Place | None) -> bool:
    """A place drawn on the map: country-level places have no meaningful point or circle."""
    return place is not None and place.geo_precision != "country"


def event_category(event: Event) -> str:
    return EVENT_CATEGORY.get(event.type, "other")


def crossing_status(place: Place) -> str:
    status = (place.status or "").casefold()
    if "closed" in status or "halted" in status or "suspended" in status:
        return "closed"
    if "open" in status:
        return "open"
    return "unknown"


def _claimants(dataset: Dataset, statement_ids: Iterable[str]) -> list[str]:
    names = [_name(dataset, dataset.statements[s].speaker) for s in statement_ids if s in dataset.statements]
    return list(dict.fromkeys(names))


@functools.lru_cache(maxsize=256)
def _spread(count: int) -> tuple[tuple[int, int], ...]:
    """Pixel offsets for markers that share a point: a ring, or a sunflower spiral for many. Shared, read-only."""
    return tuple(tuple(offset) for offset in _spread_lists(count))  # type: ignore[misc]


def _spread_lists(count: int) -> list[list[int]]:
    if count <= 1:
        return [[0, 0]]
    if count <= 6:
        step = 2 * math.pi / count
        # Start on the left, so a pair sits side by side (groups in a column then do not collide).
        return [
            [round(_SPREAD_PX * math.cos(angle)), round(_SPREAD_PX * math.sin(angle))]
            for angle in (math.pi + i * step for i in range(count))
        ]
    golden = math.pi * (3 - math.sqrt(5))
    return [
        [round(11 * math.sqrt(i) * math.cos(i * golden)), round(11 * math.sqrt(i) * math.sin(i * golden))]
        for i in range(1, count + 1)
    ]


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
            return None, min(users, key=lambda i: (i.when.start_dt, i.id)).id
    return None, None


# --------------------------------------------------------------------------
# Layer data. The big layers (events, places, claims) are written straight to JSON text: with 10,000 records,
# building a dict per row and encoding it afterwards cost more than half of the whole build. Small layers
# stay plain dicts.
# --------------------------------------------------------------------------

_json_str = json.encoder.encode_basestring  # a JSON string literal; non-ASCII kept as is (like ensure_ascii=False)


class RawJSON:
    """A layer's data already written as JSON, kept as pieces whose concatenation is the text.

    CompactDeck.to_json joins every layer's pieces in one go: each extra copy of megabytes of text (a join,
    a `+`) costs milliseconds in fresh memory.
    """

    __slots__ = ("parts",)

    def __init__(self, parts: list[str]) -> None:
        self.parts = parts

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def value(self) -> Any:
        """The data as Python objects (for inspection; the deck itself never decodes it)."""
        return json.loads(self.text)


def _json_array(rows: list[str]) -> RawJSON:
    """An array of rows (or of row pieces) where each row starts with a comma: cheaper than joining them."""
    if rows:
        rows[0] = rows[0][1:]
    return RawJSON(["[", *rows, "]"])


# 7 significant digits are POINT_DECIMALS decimals for 10 <= |x| < 100 (more below 10), without trailing zeros,
# in one C-level format call.
_POS_SHORT = f"[%.{POINT_DECIMALS + 2}g,%.{POINT_DECIMALS + 2}g]"


def _pos_json(lon: float, lat: float) -> str:
    """`[lon,lat]` to POINT_DECIMALS decimals, as JSON."""
    if -100 < lon < 100:  # |lat| <= 90 always
        return _POS_SHORT % (lon, lat)
    return f"[{_r(lon)!r},{_r(lat)!r}]"


# Hot loops read record fields from the model's __dict__, where pydantic keeps them: about 3x faster than
# attribute access on a BaseModel (its __getattr__ stops CPython specialising attribute loads), and the loops
# below read ~10 fields from each of 10,000 records.
def _fields(record: Any) -> dict[str, Any]:
    return record.__dict__


def _when_json(when: When, cache: dict[tuple[Any, ...], str]) -> str:
    """'When: <label>' as a JSON string, memoised on the fields label() reads: many records share a window."""
    w = when.__dict__
    key = (w["start"], w["end"], w["precision"], w["approximate"], w["as_reported"])
    text = cache.get(key)
    if text is None:
        text = cache[key] = _json_str(f"When: {when.label()}")
    return text


@functools.lru_cache(maxsize=256)
def _spread_json(count: int) -> tuple[str, ...]:
    """The pixel offsets of _spread as JSON arrays."""
    return tuple(f"[{x},{y}]" for x, y in _spread(count))


_NO_SPREAD = _spread_json(1)  # a marker alone at its point (most of them)


@dataclass
class _Shared:
    """What one read of the view's events gives the other layers of the same build (reading 10,000 records
    is the cost, so each is read once)."""

    positions: dict[str, str] = field(default_factory=dict)  # place id -> pos JSON
    counts: dict[str, int] | None = None  # place id -> events of the view there
    unlocated: list[Event] | None = None  # events of the view with no located place


def event_layers(
    dataset: Dataset, view: View, selected: Collection[str] = (), shared: _Shared | None = None
) -> tuple[RawJSON, RawJSON]:
    """(markers, rings): one marker per located event in the view, markers sharing a point fanned out in
    pixels; a ring around each selected marker, with that marker's pixel offset.

    Row fields: pos, icon, off, rec and the tooltip's (title; l2: when; l3: where; l4: reported by). Per-place
    and per-window text is built and JSON-encoded once. Selected markers come last, so they are drawn (and
    picked) on top.
    `shared` receives positions, per-place counts and the unlocated events for the build's other layers.
    """
    places = dataset.places
    shared = _Shared() if shared is None else shared
    positions = shared.positions
    counts: dict[str, int] = {}
    unlocated: list[Event] = []
    chosen = set(selected)
    icon_of_type, other = _ICON_OF_TYPE, ICON_ID["other"]
    ring = ICON_ID["ring"]
    who_cache: dict[tuple[Any, ...], str] = {}
    when_cache: dict[tuple[Any, ...], str] = {}
    # place id -> (pos JSON, place text JSON), or None when the place is not drawn
    where: dict[str, tuple[str, str] | None] = {}
    precision: dict[tuple[str, int], str] = {}  # ' · near, within 3,000 m', shared by places alike
    # pos JSON -> (icon, row tail, selected) of the events there. One pass over the records, each read once.
    by_point: dict[str, list[tuple[str, str, bool]]] = {}
    for event in view.events:
        e = _fields(event)
        place_id = e["place"]
        if not place_id:
            unlocated.append(event)
            continue
        counts[place_id] = counts.get(place_id, 0) + 1
        if place_id in where:
            spot = where[place_id]
        else:
            place = places.get(place_id)
            spot = None
            if place is not None:
                p = _fields(place)
                if p["geo_precision"] != "country":  # is_located
                    pos = positions.get(place_id)
                    if pos is None:
                        pos = positions[place_id] = _pos_json(p["lon"], p["lat"])
                    key = (p["geo_precision"], p["precision_m"])
                    suffix = precision.get(key)
                    if suffix is None:
                        suffix = precision[key] = _precision_suffix(*key)
                    spot = (pos, _json_str(_fields(p["names"])["en"] + suffix))
            where[place_id] = spot
        if spot is None:
            unlocated.append(event)
            continue
        by = (*e["reported_in"], e["status"])
        who = who_cache.get(by)
        if who is None:
            claimants = _claimants(dataset, e["reported_in"])
            names = ", ".join(claimants) if claimants else "the source itself (no speaker)"
            who = who_cache[by] = _json_str(f"Reported by: {names} ({e['status']})")
        record_id = e["id"]
        tail = (
            f'"rec":{_json_str(record_id)},"title":{_json_str(e["title"])},'
            f'"l2":{_when_json(e["when"], when_cache)},"l3":{spot[1]},"l4":{who}}}'
        )
        group = by_point.get(spot[0])
        if group is None:
            group = by_point[spot[0]] = []
        group.append((icon_of_type.get(e["type"], other), tail, record_id in chosen))
    rows: list[str] = []  # pieces: each row is a head (pos, icon, offset) and its tail
    on_top: list[str] = []
    rings: list[str] = []
    for pos, group in by_point.items():
        offsets = _spread_json(len(group)) if len(group) > 1 else _NO_SPREAD
        for (icon, tail, picked), off in zip(group, offsets, strict=True):
            head = f',{{"pos":{pos},"icon":"{icon}","off":{off},'
            if picked:
                on_top += (head, tail)
                rings.append(f',{{"pos":{pos},"off":{off},"icon":"{ring}"}}')
            else:
                rows += (head, tail)
    rows += on_top
    shared.counts, shared.unlocated = counts, unlocated
    return _json_array(rows), _json_array(rings)


def place_layer(dataset: Dataset, view: View, shared: _Shared | None = None) -> RawJSON:
    """A circle of radius precision_m (metres) per place of the records in the view, crossings excepted.

    Row fields: pos, r, a (the fill's alpha: it falls with the radius), place_id and the tooltip's. Big circles
    first, so small ones stay on top and can be picked. `shared`: positions and counts from event_layers of the
    same build, when it ran first.
    """
    shared = _Shared() if shared is None else shared
    positions = shared.positions
    counts = shared.counts
    if counts is None:
        counts = {}
        for event in view.events:
            place_id = _fields(event)["place"]
            if place_id:
                counts[place_id] = counts.get(place_id, 0) + 1
    known: dict[tuple[str, int], tuple[int, str]] = {}  # (alpha, text JSON), shared by places alike
    rows: list[tuple[int, str]] = []
    for place in view.places:
        p = _fields(place)
        if p["kind"] == "border-crossing" or p["geo_precision"] == "country":  # crossings, unlocated
            continue
        radius = p["precision_m"]
        key = (p["geo_precision"], radius)
        if key not in known:
            text = f"Known {key[0]}: within {radius:,} m of the centre"
            known[key] = (_circle_alpha(radius), _json_str(text))
        alpha, text = known[key]
        place_id = p["id"]
        pos = positions.get(place_id)
        if pos is None:
            pos = positions[place_id] = _pos_json(p["lon"], p["lat"])
        rows.append(
            (
                -radius,
                f',{{"pos":{pos},"r":{radius!r},"a":{alpha},"place_id":{_json_str(place_id)},'
                f'"title":{_json_str(_fields(p["names"])["en"])},"l2":"Events here: {counts.get(place_id, 0)}",'
                f'"l3":{text},"l4":""}}',
            )
        )
    rows.sort(key=lambda row: row[0])  # stable: equal radii keep the view's order
    return _json_array([row for _, row in rows])


def _circle_alpha(radius_m: int) -> int:
    """Fill opacity falls with the radius: a vague place is an outline over the map, not a blue blot."""
    return max(3, round(40 / (1 + radius_m / 8000)))


def crossing_rows(dataset: Dataset) -> list[dict[str, Any]]:
    """Every border crossing with its recorded status (reference places: shown whatever the filter)."""
    rows = []
    for place in dataset.places.values():
        if place.kind != "border-crossing" or not is_located(place):
            continue
        per = "; ".join(dataset.sources[s].title for s in place.status_source if s in dataset.sources)
        rows.append(
            {
                "pos": [_r(place.lon), _r(place.lat)],
                "icon": ICON_ID[f"crossing-{crossing_status(place)}"],
                "off": [0, 0],
                "place_id": place.id,
                "title": place.names.en,
                "l2": f"Status: {place.status or 'not recorded'}",
                "l3": f"Where: {place.geo_precision}, within {place.precision_m:,} m",
                "l4": f"Status per: {per}" if per else "",
            }
        )
    return rows


def _border_lines(geo: GeoData, country: str) -> list[Sequence[Sequence[float]]]:
    """LineStrings of Azerbaijan's shipped shared borders with `country` (ISO alpha-3)."""
    lines = []
    for feat in geo.borders["features"]:
        fid = feat.get("id") or feat["properties"].get("id")
        if fid.startswith(f"AZE-{country}-"):
            geom = feat["geometry"]
            lines.extend([geom["coordinates"]] if geom["type"] == "LineString" else geom["coordinates"])
    return lines


def _country_name(geo: GeoData, iso: str) -> str:
    for feat in geo.countries["features"]:
        if feat["properties"].get("iso_a3") == iso and not feat["properties"].get("part"):
            return feat["properties"]["name"]
    return iso


def _in_country(geo: GeoData, country: str, lat: float, lon: float) -> bool:
    """Point in the country's polygon; tests only that one feature when it exists (the hot path)."""
    try:
        return point_in_polygon(lat, lon, geo.country(country)["geometry"])
    except KeyError:
        return feature_containing(geo, lat, lon) == country


def claimed_origin_point(geo: GeoData, country: str, lat: float, lon: float) -> tuple[float, float] | None:
    """Where to start an arc for 'launched from <country>': just inside that country, at the border point
    nearest to the target. The claim names a country, not a site, so this is the least committal point."""
    lines = _border_lines(geo, country)
    if not lines:
        return None
    b_lat, b_lon, d = nearest_point_on_line(lat, lon, lines)
    # Step ~8 km further along the target -> border direction, so the arc visibly starts on the far side.
    if d > 0:
        k = 8.0 / d
        o_lat, o_lon = b_lat + (b_lat - lat) * k, b_lon + (b_lon - lon) * k
        if _in_country(geo, country, o_lat, o_lon):
            return o_lat, o_lon
    return b_lat, b_lon


_ARC_STEPS = 8
# Quadratic Bézier weights of (a, control point, b) at each step, computed once.
_ARC_WEIGHTS = tuple(((1 - t) ** 2, 2 * (1 - t) * t, t * t) for t in (i / _ARC_STEPS for i in range(_ARC_STEPS + 1)))
# One C-level format call per arc. Below 100 in absolute value, ARC_DECIMALS + 2 significant digits keep at least
# ARC_DECIMALS decimals and drop trailing zeros (shorter JSON); larger values get fixed decimals.
_ARC_SHORT = "[" + ",".join([f"[%.{ARC_DECIMALS + 2}g,%.{ARC_DECIMALS + 2}g]"] * (_ARC_STEPS + 1)) + "]"
_ARC_FIXED = "[" + ",".join([f"[%.{ARC_DECIMALS}f,%.{ARC_DECIMALS}f]"] * (_ARC_STEPS + 1)) + "]"
_ARC_W = np.array(_ARC_WEIGHTS)  # (steps + 1, 3)


@functools.lru_cache(maxsize=128)
def _arcs_format(count: int, short: bool) -> str:
    return "[" + ",".join([_ARC_SHORT if short else _ARC_FIXED] * count) + "]"


def _arcs_json(origin: tuple[float, float], targets: Sequence[tuple[float, float]]) -> str:
    """Gently bowed paths from origin to each target (lat, lon), as MultiLineString coordinates JSON
    [[[lon, lat], ...], ...]: they read as trajectories, not roads. Computed for all targets at once."""
    if not targets:
        return "[]"
    b = np.array(targets, dtype=float).reshape(-1, 2)
    b_lat, b_lon = b[:, 0], b[:, 1]
    a_lat, a_lon = origin
    # Control point offset perpendicular to the chord by 20 % of its length.
    c_lat = (a_lat + b_lat) / 2 + (b_lon - a_lon) * 0.2
    c_lon = (a_lon + b_lon) / 2 - (b_lat - a_lat) * 0.2
    wa, wc, wb = _ARC_W[:, 0], _ARC_W[:, 1], _ARC_W[:, 2]
    values = np.empty((len(b), 2 * len(wa)))
    values[:, 0::2] = wa * a_lon + np.outer(c_lon, wc) + np.outer(b_lon, wb)
    values[:, 1::2] = wa * a_lat + np.outer(c_lat, wc) + np.outer(b_lat, wb)
    # A Bézier curve stays inside the hull of its control points, so they bound every value.
    bound = max(abs(a_lat), abs(a_lon), float(np.abs(b).max()), float(np.abs(c_lat).max()), float(np.abs(c_lon).max()))
    return _arcs_format(len(b), bound < 100) % tuple(values.ravel().tolist())


@dataclass(frozen=True)
class ClaimArc:
    """An arc from a claimed origin to an impact site, with who claims and who disputes it."""

    launch: Event
    origin: tuple[float, float]
    origin_text: str
    target: Place
    claimants: list[str]
    disputants: list[str]
    claim_statements: list[Statement]


@dataclass(frozen=True)
class _Claim:
    """A launch event some statement in the view asserts, with its located impact sites."""

    launch: Event
    claiming: list[Statement]
    disputing: list[Statement]
    targets: list[Place]
    points: list[tuple[float, float]]  # (lat, lon) of the targets, read once


def _claims(dataset: Dataset, view: View) -> list[_Claim]:
    """Launch events asserted by at least one statement in the view (geometry-free, so cheap to count).

    A launch event names who launched (its actors); its `reported_in` statements assert it, and so does any
    statement in the view asserting the same attribution proposition. Targets are the incident's impact sites.
    """
    # One pass over every event (reading 10,000 records is the cost): the launches, and the impact sites.
    launches: list[Event] = []
    sites: dict[str, dict[str, tuple[Place, tuple[float, float]]]] = {}
    places = dataset.places
    for event in dataset.events.values():
        e = _fields(event)
        kind = e["type"]
        if kind == "launch":
            launches.append(event)
        elif kind in IMPACT_TYPES and e["place"]:
            place = places.get(e["place"])
            if place is not None and is_located(place):
                sites.setdefault(e["incident"] or "", {})[place.id] = (place, (place.lat, place.lon))
    if not launches:
        return []
    asserting: dict[str, list[Statement]] = {}
    disputing: dict[str, list[Statement]] = {}
    for statement in view.statements:
        for stance in statement.stances:
            target = asserting if stance.stance == "asserts" else disputing
            target.setdefault(stance.proposition, []).append(statement)
    in_view = {s.id for s in view.statements}
    found = []
    for launch in launches:
        propositions = [
            stance.proposition
            for sid in launch.reported_in
            if sid in dataset.statements
            for stance in dataset.statements[sid].stances
            if stance.stance == "asserts"
            and stance.proposition in dataset.propositions
            and dataset.propositions[stance.proposition].topic == "attribution"
        ]
        claiming = {sid: dataset.statements[sid] for sid in launch.reported_in if sid in in_view}
        for prop in propositions:
            claiming.update({s.id: s for s in asserting.get(prop, [])})
        if not claiming:
            continue
        against = {s.id: s for prop in propositions for s in disputing.get(prop, [])}
        here = list(sites.get(launch.incident or "", {}).values())
        found.append(
            _Claim(
                launch=launch,
                claiming=sorted(claiming.values(), key=lambda s: (s.when.start_dt, s.id)),
                disputing=sorted(against.values(), key=lambda s: (s.when.start_dt, s.id)),
                targets=[place for place, _ in here],
                points=[point for _, point in here],
            )
        )
    return found


def _claim_origins(dataset: Dataset, view: View, geo: GeoData) -> list[tuple[_Claim, tuple[float, float], str]]:
    """(claim, origin (lat, lon), origin text) for each drawn claim: one with impact sites and an origin."""
    found = []
    for claim in _claims(dataset, view):
        launch = claim.launch
        if not claim.targets:
            continue
        origin_place = dataset.places.get(launch.place) if launch.place else None
        countries = list(dict.fromkeys(c for a in launch.actors if (c := _actor_country(dataset, a))))
        if is_located(origin_place):
            origin: tuple[float, float] | None = (origin_place.lat, origin_place.lon)  # type: ignore[union-attr]
            origin_text = place_precision_text(origin_place)  # type: ignore[arg-type]
        elif countries:
            c_lat = sum(lat for lat, _ in claim.points) / len(claim.points)
            c_lon = sum(lon for _, lon in claim.points) / len(claim.points)
            origin = claimed_origin_point(geo, countries[0], c_lat, c_lon)
            origin_text = (
                f"{_country_name(geo, countries[0])} (the claim names only the country: the line starts at its "
                "border, not at a known launch site)"
            )
        else:
            origin = None
        if origin is not None:
            found.append((claim, origin, origin_text))
    return found


def claim_arcs(dataset: Dataset, view: View, geo: GeoData) -> list[ClaimArc]:
    """Arcs from each claimed origin to each impact site; drawn only while a claiming statement is in the view.

    When the claim names only a country, one origin serves all the launch's sites: just inside that country,
    at the border point nearest to the sites' centre (see claimed_origin_point).
    """
    arcs: list[ClaimArc] = []
    for claim, origin, origin_text in _claim_origins(dataset, view, geo):
        claimants = _claimants(dataset, [s.id for s in claim.claiming])
        disputants = _claimants(dataset, [s.id for s in claim.disputing])
        for target in claim.targets:
            arcs.append(
                ClaimArc(
                    launch=claim.launch,
                    origin=origin,
                    origin_text=origin_text,
                    target=target,
                    claimants=claimants,
                    disputants=disputants,
                    claim_statements=claim.claiming,
                )
            )
    return arcs


def claim_layers(dataset: Dataset, view: View, geo: GeoData) -> tuple[RawJSON, list[dict[str, Any]]]:
    """Dashed arcs as one MultiLineString feature per claimed launch (its text sent once), and one label each
    (see claim_arcs for what is drawn). The FeatureCollection comes as JSON (thousands of arcs at 10,000
    records); the labels as dicts."""
    parts = ['{"type":"FeatureCollection","features":[']
    labels = []
    for claim, origin, origin_text in _claim_origins(dataset, view, geo):
        launch, targets = claim.launch, claim.targets
        names = [place_precision_text(target) for target in targets[:3]]
        shown = "; ".join(names) + (f"; and {len(targets) - 3} more" if len(targets) > 3 else "")
        disputants = _claimants(dataset, [s.id for s in claim.disputing])
        disputed = f" · disputed by: {', '.join(disputants)}" if disputants else ""
        props = {
            "rec": launch.id,
            "title": f"CLAIM, not fact: {launch.title}",
            "l2": f"When (claimed): {launch.when.label()}",
            "l3": f"From: {origin_text}. To: {shown}",
            "l4": f"Claimed by: {', '.join(_claimants(dataset, [s.id for s in claim.claiming]))}{disputed}",
        }
        paths = _arcs_json(origin, claim.points)
        parts += (
            "," if labels else "",
            '{"type":"Feature","properties":',
            _compact(props),
            ',"geometry":{"type":"MultiLineString","coordinates":',
            paths,
            "}}",
        )
        tops = list(dict.fromkeys(_name(dataset, _top_actor(dataset, s.speaker)) for s in claim.claiming))
        # At the claimed-origin end, away from the impact markers.
        o_lat, o_lon = origin
        labels.append(
            {"pos": [_r(o_lon, ARC_DECIMALS), _r(o_lat, ARC_DECIMALS)], "text": f"claimed by {', '.join(tops)}"}
        )
    parts.append("]}")
    return RawJSON(parts), labels


def closure_rows(
    dataset: Dataset, view: View, geo: GeoData, unlocated: Iterable[Event] | None = None
) -> list[dict[str, Any]]:
    """Unlocated border closures, drawn along the shipped borders their incident's crossings lie on.

    A closure of a whole border names no point; its incident's places with role 'border' say which border.
    `unlocated`: the view's events with no located place, when already known (saves reading every event).
    """
    rows = []
    for event in view.events if unlocated is None else unlocated:
        if _fields(event)["type"] != "border-closure" or (
            event.place and is_located(dataset.places.get(event.place))
        ):
            continue
        incident = dataset.incidents.get(event.incident or "")
        if incident is None:
            continue
        crossings = [
            dataset.places[r.place] for r in incident.places if r.role == "border" and r.place in dataset.places
        ]
        border_ids = []
        for feat in geo.borders["features"]:
            fid = feat.get("id") or feat["properties"].get("id")
            if any(distance_to_border_km(geo, p.lat, p.lon, (fid,)) <= p.precision_m / 1000 + 5 for p in crossings):
                border_ids.append(fid)
        claimants = _claimants(dataset, event.reported_in)
        who = f"Reported by: {', '.join(claimants)}" if claimants else "Reported by: the source itself (no speaker)"
        for fid in border_ids:
            geom = geo.border(fid)["geometry"]
            lines = [geom["coordinates"]] if geom["type"] == "LineString" else geom["coordinates"]
            for line in lines:
                rows.append(
                    {
                        "path": [[_r(x, LINE_DECIMALS), _r(y, LINE_DECIMALS)] for x, y in line],
                        "rec": event.id,
                        "title": event.title,
                        "l2": f"When: {event.when.label()}",
                        "l3": f"Where: along the {geo.border(fid)['properties']['name']} border; no point is named",
                        "l4": f"{who} ({event.status})",
                    }
                )
    return rows


def _country_features(geo: GeoData, basemap: bool) -> dict[str, Any]:
    features = []
    for feat in geo.countries["features"]:
        fid = feat.get("id") or feat["properties"]["id"]
        fill, line, width = _COUNTRY_STYLE.get(fid, _OTHER_COUNTRY)
        if basemap:
            fill = [*fill[:3], _BASEMAP_ALPHA]
        props = {**feat["properties"], "fill": fill, "line": line, "width": width}
        features.append({"type": "Feature", "id": fid, "properties": props, "geometry": feat["geometry"]})
    return {"type": "FeatureCollection", "features": features}


def _border_features(geo: GeoData) -> dict[str, Any]:
    features = []
    for fid, (_, _, color) in BORDER_STYLES.items():
        feat = geo.border(fid)
        props = {"id": fid, "name": feat["properties"]["name"], "color": color}
        features.append({"type": "Feature", "id": fid, "properties": props, "geometry": feat["geometry"]})
    return {"type": "FeatureCollection", "features": features}


# The gap measurement: a thin dark line with end ticks, its label above the line's middle.
GAP_FIGURE = "nakhchivan_gap"
_GAP_RGBA = [35, 35, 45, 255]
_GAP_TICK = 0.12  # half-length of each end tick, as a fraction of the segment (scales with it at any zoom)


def _source_phrase(fig: Mapping[str, Any]) -> str:
    """The source's own wording of its figure ("about 40 km"), from source_text; else the bare figure."""
    number, unit = f"{fig['source_figure']:g}", fig["unit"]
    found = re.search(rf"(?:\b[A-Za-z]+ )?{re.escape(number)}[ -]?{re.escape(unit)}\b", fig.get("source_text") or "")
    return found.group(0) if found else f"{number} {unit}"


def _data_scale(geo: GeoData) -> str | None:
    """The boundary data's scale ("1:10m"), read from figures.json's provenance."""
    found = re.search(r"1:\d+m", str(geo.meta.get("generated_from", {}).get("data", "")))
    return found.group(0) if found else None


def gap_label(geo: GeoData) -> str:
    """Map label of the narrowest gap: the computed width (with the data's scale) beside the source's figure."""
    fig = geo.figure(GAP_FIGURE)
    scale = _data_scale(geo)
    text = f"{fig['computed']:g} {fig['unit']} at its narrowest" + (f" ({scale})" if scale else "")
    if fig.get("source_figure") is not None:
        text += f"\nsource: “{_source_phrase(fig)}”"
    return text


def gap_rows(geo: GeoData) -> list[dict[str, Any]]:
    """The shortest segment between Nakhchivan and mainland Azerbaijan, plus a tick across each end."""
    fig = geo.figure(GAP_FIGURE)
    (lon1, lat1), (lon2, lat2) = fig["points"]
    # Perpendicular in a local equirectangular frame, so the ticks look square to the line on the map.
    kx = math.cos(math.radians((lat1 + lat2) / 2))
    dx, dy = (lon2 - lon1) * kx, lat2 - lat1
    px, py = -dy * _GAP_TICK / kx, dx * _GAP_TICK
    source = fig.get("source_figure")
    tip = {
        "title": fig["label"],
        "l2": f"Computed: {fig['computed']:g} {fig['unit']} (shortest line between the two boundaries)",
        "l3": f"Source: “{fig['source_text']}” ({source:g} {fig['unit']})" if source is not None else "",
        "l4": f"Natural Earth {_data_scale(geo) or ''} boundaries; see the figures table".replace("  ", " "),
    }
    paths = [
        [[lon1, lat1], [lon2, lat2]],
        [[lon1 - px, lat1 - py], [lon1 + px, lat1 + py]],
        [[lon2 - px, lat2 - py], [lon2 + px, lat2 + py]],
    ]
    return [{"path": [[_r(x, LINE_DECIMALS), _r(y, LINE_DECIMALS)] for x, y in path], **tip} for path in paths]


# Label styling by kind: size px, colour, text anchor, pixel offset, dot radius px.
_LABEL_STYLE: dict[str, tuple[int, list[int]]] = {
    "country": (15, [95, 95, 105, 255]),
    "region": (14, [15, 70, 35, 255]),
    "river": (13, [30, 100, 190, 255]),
    "sea": (14, [60, 110, 170, 255]),
    "city": (13, [30, 30, 40, 255]),
    "side": (12, [110, 110, 120, 255]),
    "note": (11, [15, 70, 35, 255]),
}
# Cities whose name would sit on top of a record marker are written on the other side of their dot.
_LABEL_LEFT = {"city-nakhchivan"}
# Nakhchivan city sits ~5 km from the airport's markers: its name goes up and to the left of the dot.
_LABEL_OFFSETS = {"river-aras": [16, 12], "city-nakhchivan": [-10, -17]}
# Extra placements so the default frame (which holds none of the shipped country-label points) still says
# which side of the border is which. Text, (lon, lat), kind, pixel offset; each point checked to lie in its country.
_FRAME_LABELS: list[tuple[str, tuple[float, float], str, list[int]]] = [
    ("IRAN", (46.9, 38.6), "side", [0, 0]),
    ("ARMENIA", (46.2, 39.3), "side", [0, 0]),  # south of the gap measurement, clear of its line
    ("AZERBAIJAN", (47.5, 39.95), "side", [0, 0]),
    ("exclave of Azerbaijan", (45.15, 39.45), "note", [0, -15]),
]


def _label_features(geo: GeoData) -> dict[str, Any]:
    features = []
    for feat in geo.labels["features"]:
        props = feat["properties"]
        kind = props.get("kind", "city")
        size, color = _LABEL_STYLE.get(kind, _LABEL_STYLE["city"])
        is_city = kind == "city"
        if is_city and props.get("rank", 1) > 1:
            size -= 2
        left = props["id"] in _LABEL_LEFT
        anchor = "end" if left else "start" if is_city else "middle"
        offset = _LABEL_OFFSETS.get(props["id"], [-7, 0] if left else [7, 0] if is_city else [0, 0])
        style = {"size": size, "color": color, "anchor": anchor, "offset": offset, "dot": 3 if is_city else 0}
        features.append(
            {"type": "Feature", "properties": {"text": props["text"], **style}, "geometry": feat["geometry"]}
        )
    for text, (lon, lat), kind, offset in _FRAME_LABELS:
        size, color = _LABEL_STYLE[kind]
        style = {"size": size, "color": color, "anchor": "middle", "offset": offset, "dot": 0}
        point = {"type": "Point", "coordinates": [lon, lat]}
        features.append({"type": "Feature", "properties": {"text": text, **style}, "geometry": point})
    return {"type": "FeatureCollection", "features": features}


def _water(geo: GeoData) -> list[dict[str, Any]]:
    box = geo.meta.get("bbox") or {"min_lon": 38.0, "min_lat": 35.0, "max_lon": 52.0, "max_lat": 44.5}
    x0, y0, x1, y1 = box["min_lon"], box["min_lat"], box["max_lon"], box["max_lat"]
    return [{"polygon": [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]}]


# --------------------------------------------------------------------------
# The deck
# --------------------------------------------------------------------------


def _compact(value: Any) -> str:
    """JSON without spaces, non-ASCII kept: pydeck indents by 2, which triples the size sent to the browser."""
    return json.dumps(value, default=default_serialize, separators=(",", ":"), ensure_ascii=False)


class CompactDeck(pdk.Deck):
    """A Deck whose JSON is compact, and whose layers may carry data already written as JSON (RawJSON)."""

    def to_json(self) -> str:
        with _gc_paused():
            spec = default_serialize(self)
            out = ['{"layers":[']
            for index, layer in enumerate(spec.pop("layers", None) or []):
                if index:
                    out.append(",")
                _layer_json(layer, out)
            out.append("]")
            rest = _compact(spec)
            out.append("," + rest[1:] if rest != "{}" else "}")
            return "".join(out)  # the only copy of the big text


def _layer_json(layer: pdk.Layer, out: list[str]) -> None:
    """Append a layer's JSON pieces to `out`."""
    spec = default_serialize(layer)
    data = spec.get("data")
    if isinstance(data, RawJSON):
        del spec["data"]
        out.append('{"data":')
        out += data.parts
        out.append("," + _compact(spec)[1:])
    else:
        out.append(_compact(spec))


def initial_view_state(geo: GeoData, width_px: int = FIT_WIDTH, height_px: int = CHART_HEIGHT) -> dict[str, float]:
    """Frames the Nakhchivan exclave and the whole Azerbaijan–Iran border."""
    points: list[tuple[float, float]] = []
    for fid in DEFAULT_BORDER_IDS:
        points += [(p[1], p[0]) for p in geo.border(fid)["geometry"]["coordinates"]]
    points += [(p[1], p[0]) for p in geo.country("AZE-nakhchivan")["geometry"]["coordinates"][0]]
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    return view_for_bbox((min(lons), min(lats), max(lons), max(lats)), width_px, height_px, padding_px=50)


def _layer(layer_type: str, layer_id: str, data: Any, **props: Any) -> pdk.Layer:
    return pdk.Layer(layer_type, data, id=layer_id, **props)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while building: tens of thousands of short-lived rows would otherwise trigger
    collections that rescan every loaded record (~15 % of the build at 10,000 records). Nothing here makes cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
    with _gc_paused():
        return _build_deck(dataset, view, geo, layers, basemap, selected, view_state)


def _build_deck(
    dataset: Dataset,
    view: View,
    geo: GeoData,
    layers: Collection[str],
    basemap: bool,
    selected: Collection[str],
    view_state: Mapping[str, float] | None,
) -> pdk.Deck:
    wanted = {layer_id for toggle in layers if toggle in DECK_LAYERS for layer_id in DECK_LAYERS[toggle]}
    built: dict[str, pdk.Layer] = {}
    shared = _Shared()
    marker = {
        "icon_atlas": _s(ICON_ATLAS), "icon_mapping": ICON_MAPPING, "get_icon": "icon", "get_position": "pos",
        "get_pixel_offset": "off", "get_size": MARKER_PX, "size_units": _s("pixels"), "pickable": True,
    }
    if "events" in wanted:
        # First: its one read of the view's events also serves the places and closures layers.
        markers, rings = event_layers(dataset, view, selected, shared)
        built["events"] = _layer("IconLayer", "events", markers, **marker)
        # A ring around the URL's selected marker, with the marker's own pixel offset.
        built["selected"] = _layer("IconLayer", "selected", rings, **{**marker, "get_size": 38, "pickable": False})
    if "water" in wanted and not basemap:
        built["water"] = _layer(
            "PolygonLayer", "water", _water(geo), get_polygon="polygon", get_fill_color=_WATER,
            stroked=False, pickable=False,
        )
    if "countries" in wanted:
        built["countries"] = _layer(
            "GeoJsonLayer", "countries", _country_features(geo, basemap),
            get_fill_color="properties.fill", get_line_color="properties.line", get_line_width="properties.width",
            line_width_units=_s("pixels"), stroked=True, filled=True, pickable=False,
        )
    if "places" in wanted:
        built["places"] = _layer(
            "ScatterplotLayer", "places", place_layer(dataset, view, shared),
            get_position="pos", get_radius="r", radius_units=_s("meters"), radius_min_pixels=4,
            # Rows carry only the fill's alpha; the colour is the same for all.
            get_fill_color=f"[{RGB['blue'][0]},{RGB['blue'][1]},{RGB['blue'][2]},a]",
            get_line_color=[*RGB["blue"], 200], stroked=True, filled=True,
            line_width_units=_s("pixels"), get_line_width=1.5, pickable=True,
        )
    if "closures" in wanted:
        built["closures"] = _layer(
            "PathLayer", "closures", closure_rows(dataset, view, geo, shared.unlocated),
            get_path="path", get_color=[*RGB["violet"], 110], get_width=11, width_units=_s("pixels"),
            cap_rounded=True, joint_rounded=True, pickable=True,
        )
    if "border" in wanted:
        built["border"] = _layer(
            "GeoJsonLayer", "border", _border_features(geo),
            get_line_color="properties.color", get_line_width=3.5, line_width_units=_s("pixels"),
            stroked=True, filled=False, pickable=False,
        )
    if "gap" in wanted:
        built["gap"] = _layer(
            "PathLayer", "gap", gap_rows(geo), get_path="path", get_color=_GAP_RGBA, get_width=2,
            width_units=_s("pixels"), cap_rounded=False, pickable=True,
        )
    if "gap-label" in wanted:
        (lon1, lat1), (lon2, lat2) = geo.figure(GAP_FIGURE)["points"]
        mid = [_r((lon1 + lon2) / 2, LINE_DECIMALS), _r((lat1 + lat2) / 2, LINE_DECIMALS)]
        built["gap-label"] = _layer(
            "TextLayer", "gap-label", [{"pos": mid, "text": gap_label(geo)}],
            get_position="pos", get_text="text", get_size=12, get_color=_GAP_RGBA,
            # Up and to the left of the middle: the line runs up to the right, so the text stays off it.
            get_text_anchor=_s("end"), get_alignment_baseline=_s("bottom"), get_pixel_offset=[-6, -4],
            font_family=_s(_FONT), font_weight=600, character_set=_s("auto"),
            font_settings={"sdf": True, "fontSize": 48, "buffer": 8}, outline_width=4,
            outline_color=[255, 255, 255, 235], pickable=False,
        )
    if "labels" in wanted:
        built["labels"] = _layer(
            "GeoJsonLayer", "labels", _label_features(geo),
            point_type=_s("circle+text"), get_text="properties.text", get_text_size="properties.size",
            get_text_color="properties.color", get_text_anchor="properties.anchor",
            get_text_pixel_offset="properties.offset", get_text_alignment_baseline=_s("center"),
            text_font_family=_s(_FONT), text_font_weight=600, text_character_set=_s("auto"),
            text_font_settings={"sdf": True, "fontSize": 48, "buffer": 8}, text_outline_width=4,
            text_outline_color=[255, 255, 255, 235],
            get_point_radius="properties.dot", point_radius_units=_s("pixels"),
            get_fill_color=[40, 40, 50, 255], stroked=False, pickable=False,
        )
    if "claims" in wanted:
        paths, labels = claim_layers(dataset, view, geo)
        # GeoJsonLayer lines: Streamlit's selection dimming leaves getLineColor alone, so claims stay legible.
        built["claims"] = _layer(
            "GeoJsonLayer", "claims", paths,
            get_line_color=[*RGB["red"], 200], get_line_width=3, line_width_units=_s("pixels"),
            extensions=[{"@@type": "PathStyleExtension", "dash": True}], get_dash_array=[4, 2.5],
            dash_justified=True, stroked=True, filled=False, pickable=True,
        )
        built["claim-labels"] = _layer(
            "TextLayer", "claim-labels", labels,
            get_position="pos", get_text="text", get_size=12, get_color=[*RGB["red"], 255],
            get_text_anchor=_s("end"), get_pixel_offset=[-4, 12], get_alignment_baseline=_s("center"),
            font_family=_s(_FONT), font_weight=600, character_set=_s("auto"),
            font_settings={"sdf": True, "fontSize": 48, "buffer": 8}, outline_width=4,
            outline_color=[255, 255, 255, 235], pickable=False,
        )
    if "crossings" in wanted:
        built["crossings"] = _layer("IconLayer", "crossings", crossing_rows(dataset), **marker)
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


# --------------------------------------------------------------------------
# Legend, selection, fit, distances, figures
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class LegendEntry:
    layer: str
    glyph: str
    color: str  # Streamlit Markdown colour name
    label: str
    count: int | None  # None: not a count of records


def legend(dataset: Dataset, view: View, geo: GeoData, layers: Collection[str] = LAYER_IDS) -> list[LegendEntry]:
    """Legend lines for the drawn layers; counts are of what the current filter draws."""
    entries: list[LegendEntry] = []
    if "countries" in layers:
        entries.append(LegendEntry("countries", "■", "green", "Azerbaijan, mainland (light)", None))
        entries.append(LegendEntry("countries", "■", "green", "Nakhchivan exclave (darker, dark outline)", None))
    if "border" in layers:
        for fid, (label, color, _) in BORDER_STYLES.items():
            length = geo.border(fid)["properties"]["length_km"]
            entries.append(LegendEntry("border", "━", color, f"Border, {label}: {length} km (computed)", None))
        gap = geo.figure(GAP_FIGURE)
        entries.append(
            LegendEntry(
                "border", "├┤", "gray",
                f"Narrowest gap across Armenia, Nakhchivan ↔ mainland: {gap['computed']:g} {gap['unit']} (computed; "
                f"source: “{_source_phrase(gap)}”)",
                None,
            )
        )
    if "places" in layers:
        count = sum(1 for p in view.places if p.kind != "border-crossing" and is_located(p))
        entries.append(LegendEntry("places", "◯", "blue", "Place, circle = known within this radius", count))
    if "events" in layers:
        counts, unlocated = _count_located(dataset, view)
        for category, style in EVENT_STYLES.items():
            count = counts.get(category, 0)
            if category == "border-closure":
                count += len({r["rec"] for r in closure_rows(dataset, view, geo, unlocated)})
            if count:
                entries.append(LegendEntry("events", style.glyph, style.color, style.label, count))
    if "crossings" in layers:
        rows = crossing_rows(dataset)
        for status, style in CROSSING_STYLES.items():
            count = sum(1 for r in rows if r["icon"] == ICON_ID[f"crossing-{status}"])
            if count:
                entries.append(LegendEntry("crossings", style.glyph, style.color, style.label, count))
    if "claims" in layers:
        count = sum(len(claim.targets) for claim in _claims(dataset, view))
        entries.append(LegendEntry("claims", "┅", "red", "Claimed origin → impact site (dashed: a claim)", count))
    return entries


def _count_located(dataset: Dataset, view: View) -> tuple[dict[str, int], list[Event]]:
    """(located events of the view per marker category, the view's events with no located place), in one read."""
    counts: dict[str, int] = {}
    unlocated: list[Event] = []
    places = dataset.places
    for event in view.events:
        e = _fields(event)
        place = places.get(e["place"]) if e["place"] else None
        if place is not None and is_located(place):
            category = EVENT_CATEGORY.get(e["type"], "other")
            counts[category] = counts.get(category, 0) + 1
        else:
            unlocated.append(event)
    return counts, unlocated


def unlocated_events(dataset: Dataset, view: View, geo: GeoData) -> list[Event]:
    """Events in the view that no marker or line shows (no place, or only a country)."""
    _, unlocated = _count_located(dataset, view)
    drawn = {r["rec"] for r in closure_rows(dataset, view, geo, unlocated)}
    return [e for e in unlocated if e.id not in drawn]


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


def _padded(place: Place) -> list[tuple[float, float]]:
    """The corners of a place's precision circle's bounding box, as (lat, lon)."""
    dlat = place.precision_m / 111_320
    dlon = dlat / max(0.1, math.cos(math.radians(place.lat)))
    return [(place.lat - dlat, place.lon - dlon), (place.lat + dlat, place.lon + dlon)]


def selection_places(dataset: Dataset, geo: GeoData, ids: Collection[str]) -> list[Place]:
    """Located places of the selected records (an event, a statement's events, an incident, a place)."""
    places: list[Place] = []
    for rid in ids:
        if rid in dataset.places:
            places.append(dataset.places[rid])
        elif rid in dataset.events:
            event = dataset.events[rid]
            if event.place in dataset.places:
                places.append(dataset.places[event.place])
            elif event.type == "launch":
                everything = View(statements=list(dataset.statements.values()))
                places += [arc.target for arc in claim_arcs(dataset, everything, geo) if arc.launch.id == rid]
        elif rid in dataset.statements:
            for event in dataset.events.values():
                if rid in event.reported_in and event.place in dataset.places:
                    places.append(dataset.places[event.place])
        elif rid in dataset.incidents:
            for role in dataset.incidents[rid].places:
                if role.place in dataset.places:
                    places.append(dataset.places[role.place])
    return [p for p in {p.id: p for p in places}.values() if is_located(p)]


def view_for_selection(
    dataset: Dataset, geo: GeoData, ids: Collection[str], width_px: int = FIT_WIDTH, height_px: int = CHART_HEIGHT
) -> dict[str, float] | None:
    """A view state framing the selected records' places with their precision circles; None if none is located."""
    places = selection_places(dataset, geo, ids)
    if not places:
        return None
    points = [corner for place in places for corner in _padded(place)]
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    return view_for_bbox((min(lons), min(lats), max(lons), max(lats)), width_px, height_px)


def nakhchivan_city(geo: GeoData) -> tuple[float, float]:
    """(lat, lon) of Nakhchivan city from the shipped labels."""
    for feat in geo.labels["features"]:
        if feat["properties"].get("id") == "city-nakhchivan":
            lon, lat = feat["geometry"]["coordinates"]
            return lat, lon
    raise KeyError("city-nakhchivan")


def distance_readouts(dataset: Dataset, geo: GeoData, events: Iterable[Event]) -> pd.DataFrame:
    """Distances from each impact site to the Iranian border and to Nakhchivan city, with their ranges.

    The site is known only within precision_m, so each distance d comes with d ± precision (not below 0).
    """
    city_lat, city_lon = nakhchivan_city(geo)
    rows = []
    for event in events:
        place = dataset.places.get(event.place) if event.place else None
        if not is_located(place):
            continue
        r_km = place.precision_m / 1000  # type: ignore[union-attr]
        to_border = distance_to_border_km(geo, place.lat, place.lon)  # type: ignore[union-attr]
        to_city = haversine_km(place.lat, place.lon, city_lat, city_lon)  # type: ignore[union-attr]
        rows.append(
            {
                "Record": event.id,
                "Site": place.names.en,  # type: ignore[union-attr]
                "Site known within (km)": round(r_km, 1),
                "To Iranian border (km)": round(to_border, 1),
                "Border range (km)": f"{max(0.0, to_border - r_km):.1f}–{to_border + r_km:.1f}",
                "To Nakhchivan city (km)": round(to_city, 1),
                "City range (km)": f"{max(0.0, to_city - r_km):.1f}–{to_city + r_km:.1f}",
            }
        )
    columns = [
        "Record", "Site", "Site known within (km)", "To Iranian border (km)", "Border range (km)",
        "To Nakhchivan city (km)", "City range (km)",
    ]
    return pd.DataFrame(rows, columns=columns)


def impact_events(dataset: Dataset, ids: Collection[str]) -> list[Event]:
    """The impact-type events a selection concerns (an event itself, a statement's, an incident's)."""
    found: list[Event] = []
    for event in sorted(dataset.events.values(), key=lambda e: (e.when.start_dt, e.id)):
        if event.type not in IMPACT_TYPES:
            continue
        if event.id in ids or (event.incident in ids) or any(s in ids for s in event.reported_in):
            found.append(event)
    return found


def figures_table(geo: GeoData) -> pd.DataFrame:
    """Figures computed from the shipped geometry beside what the source says; source-checked ones first."""
    rows = []
    figures = sorted(geo.figures, key=lambda f: f.get("source_figure") is None)
    for fig in figures:
        unit = fig["unit"]
        source_text = fig.get("source_text")
        source_fig = fig.get("source_figure")
        computed = fig["computed"]
        rows.append(
            {
                "Figure": fig["label"],
                "Computed": f"{computed:,} {unit}",
                "Source says": f"“{source_text}”" if source_text else "—",
                "Source figure": f"{source_fig:,} {unit}" if source_fig is not None else "—",
                "Computed − source": (
                    f"{computed - source_fig:+,.1f} {unit}" if source_fig is not None else "—"
                ),
                "How computed": fig["method"],
            }
        )
    return pd.DataFrame(rows)


def scale_note(geo: GeoData) -> str:
    """The figures' shared note on the scale of the boundary data."""
    notes = list(dict.fromkeys(f["scale_note"] for f in geo.figures if f.get("scale_note")))
    return " ".join(notes)
