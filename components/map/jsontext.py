"""The only place where the map writes JSON by hand, and the compact Deck that sends it.

The big layers (events, places, claims) are written straight to JSON text: with 10,000 records, building a
dict per row and encoding it afterwards cost more than half of the whole build. Every writer here has a unit
test comparing its text with pydeck's own serialisation of the same data (tests/test_map.py).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from components.map.style import ARC_DECIMALS, POINT_DECIMALS
from incidents.load.memory import gc_paused
from incidents.model.records import When

json_str = json.encoder.encode_basestring  # a JSON string literal; non-ASCII kept as is (like ensure_ascii=False)

_SCALE = {d: 10.0**d for d in range(8)}


def round_half_up(value: float, decimals: int = POINT_DECIMALS) -> float:
    """Round half up to `decimals`. Much faster than round(x, n); k / 10**n prints as the short decimal."""
    scale = _SCALE[decimals]
    return math.floor(value * scale + 0.5) / scale


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


def json_array(rows: list[str]) -> RawJSON:
    """An array of rows (or of row pieces) where each row starts with a comma: cheaper than joining them."""
    if rows:
        rows[0] = rows[0][1:]
    return RawJSON(["[", *rows, "]"])


# 7 significant digits are POINT_DECIMALS decimals for 10 <= |x| < 100 (more below 10), without trailing zeros,
# in one C-level format call.
_POS_SHORT = f"[%.{POINT_DECIMALS + 2}g,%.{POINT_DECIMALS + 2}g]"


def pos_json(lon: float, lat: float) -> str:
    """`[lon,lat]` to POINT_DECIMALS decimals, as JSON."""
    if -100 < lon < 100:  # |lat| <= 90 always
        return _POS_SHORT % (lon, lat)
    return f"[{round_half_up(lon)!r},{round_half_up(lat)!r}]"


def when_json(when: When, cache: dict[tuple[Any, ...], str]) -> str:
    """'When: <label>' as a JSON string, memoised on the fields label() reads: many records share a window."""
    key = (when.start, when.end, when.precision, when.approximate, when.as_reported)
    text = cache.get(key)
    if text is None:
        text = cache[key] = json_str(f"When: {when.label()}")
    return text


def offsets_json(offsets: Sequence[tuple[int, int]]) -> tuple[str, ...]:
    """Pixel offsets as JSON arrays."""
    return tuple(f"[{x},{y}]" for x, y in offsets)


def marker_head(pos: str, icon: str, off: str) -> str:
    """The start of a marker row (pos, icon, off), with its leading comma; marker_tail closes it."""
    return f',{{"pos":{pos},"icon":"{icon}","off":{off},'


def marker_tail(record_id: str, title: str, l2: str, l3: str, l4: str) -> str:
    """The rest of a marker row: its record and tooltip fields (l2-l4 already JSON strings)."""
    return f'"rec":{json_str(record_id)},"title":{json_str(title)},"l2":{l2},"l3":{l3},"l4":{l4}}}'


def ring_row(pos: str, off: str, icon: str) -> str:
    """A selection ring row, with its leading comma."""
    return f',{{"pos":{pos},"off":{off},"icon":"{icon}"}}'


def place_row(pos: str, radius: int, alpha: int, place_id: str, title: str, events_here: int, l3: str) -> str:
    """A precision-circle row, with its leading comma (l3 already a JSON string)."""
    return (
        f',{{"pos":{pos},"r":{radius!r},"a":{alpha},"place_id":{json_str(place_id)},'
        f'"title":{json_str(title)},"l2":"Events here: {events_here}","l3":{l3},"l4":""}}'
    )


ARC_STEPS = 8
# Quadratic Bézier weights of (a, control point, b) at each step, computed once.
_ARC_W = np.array([((1 - t) ** 2, 2 * (1 - t) * t, t * t) for t in (i / ARC_STEPS for i in range(ARC_STEPS + 1))])
# One C-level format call per arc. Below 100 in absolute value, ARC_DECIMALS + 2 significant digits keep at least
# ARC_DECIMALS decimals and drop trailing zeros (shorter JSON); larger values get fixed decimals.
_ARC_SHORT = "[" + ",".join([f"[%.{ARC_DECIMALS + 2}g,%.{ARC_DECIMALS + 2}g]"] * (ARC_STEPS + 1)) + "]"
_ARC_FIXED = "[" + ",".join([f"[%.{ARC_DECIMALS}f,%.{ARC_DECIMALS}f]"] * (ARC_STEPS + 1)) + "]"


@functools.lru_cache(maxsize=128)
def _arcs_format(count: int, short: bool) -> str:
    return "[" + ",".join([_ARC_SHORT if short else _ARC_FIXED] * count) + "]"


def arcs_json(origin: tuple[float, float], targets: Sequence[tuple[float, float]]) -> str:
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


def compact(value: Any) -> str:
    """JSON without spaces, non-ASCII kept: pydeck indents by 2, which triples the size sent to the browser."""
    return json.dumps(value, default=default_serialize, separators=(",", ":"), ensure_ascii=False)


def multiline_feature_collection(features: Sequence[tuple[dict[str, Any], str]]) -> RawJSON:
    """A FeatureCollection of MultiLineString features from (properties, coordinates JSON) pairs."""
    parts = ['{"type":"FeatureCollection","features":[']
    for index, (props, coordinates) in enumerate(features):
        parts += (
            "," if index else "",
            '{"type":"Feature","properties":',
            compact(props),
            ',"geometry":{"type":"MultiLineString","coordinates":',
            coordinates,
            "}}",
        )
    parts.append("]}")
    return RawJSON(parts)


class CompactDeck(pdk.Deck):
    """A Deck whose JSON is compact, and whose layers may carry data already written as JSON (RawJSON)."""

    def to_json(self) -> str:
        with gc_paused():
            spec = default_serialize(self)
            out = ['{"layers":[']
            for index, layer in enumerate(spec.pop("layers", None) or []):
                if index:
                    out.append(",")
                _layer_json(layer, out)
            out.append("]")
            rest = compact(spec)
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
        out.append("," + compact(spec)[1:])
    else:
        out.append(compact(spec))
