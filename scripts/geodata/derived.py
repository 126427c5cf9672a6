"""derived.json: values that depend only on the shipped boundaries, so the app does not recompute them per rerun.

Computed from the shipped documents (countries, borders, figures), not from the topology: this step works offline
on the files already in data/geo/ (`scripts/build_geodata.py --derived-only`).

- `frame_bbox`: [min_lon, min_lat, max_lon, max_lat] of the Azerbaijan–Iran border and the Nakhchivan outline,
  the map's initial frame.
- `gap`: the narrowest-gap measurement as drawn: `paths` (the segment, then a tick across each end) and
  `label_position` (the segment's middle).
- `border_paths`: each shipped border's lines, as drawn along a border (an unlocated closure).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

# Decimals of drawn lines: the boundary files' own precision (~11 m).
LINE_DECIMALS = 4
# The borders the initial frame holds, with the Nakhchivan exclave.
FRAME_BORDERS = ("AZE-IRN-nakhchivan", "AZE-IRN-mainland")
GAP_FIGURE = "nakhchivan_gap"
# Half-length of each end tick of the gap line, as a fraction of the segment (so it scales with it at any zoom).
GAP_TICK = 0.12

Point = list[float]


def round_half_up(value: float, decimals: int = LINE_DECIMALS) -> float:
    """Round half up, the rounding the map applies to the coordinates it draws."""
    scale = 10.0**decimals
    return math.floor(value * scale + 0.5) / scale


def _rounded(path: list[Point] | list[tuple[float, float]]) -> list[Point]:
    return [[round_half_up(x), round_half_up(y)] for x, y in path]


def _feature(collection: dict[str, Any], fid: str) -> dict[str, Any]:
    return next(f for f in collection["features"] if (f.get("id") or f["properties"].get("id")) == fid)


def _lines(geometry: dict[str, Any]) -> list[list[Point]]:
    coords = geometry["coordinates"]
    return [coords] if geometry["type"] == "LineString" else list(coords)


def frame_bbox(countries: dict[str, Any], borders: dict[str, Any]) -> list[float]:
    """Bounding box of the Azerbaijan–Iran border and the Nakhchivan outline."""
    points = [p for fid in FRAME_BORDERS for line in _lines(_feature(borders, fid)["geometry"]) for p in line]
    points += _feature(countries, "AZE-nakhchivan")["geometry"]["coordinates"][0]
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    return [min(lons), min(lats), max(lons), max(lats)]


def gap_drawing(figures: list[dict[str, Any]]) -> dict[str, Any]:
    """The gap segment and its end ticks (perpendicular in a local equirectangular frame, so they look square to
    the line on the map), and the label's position at the segment's middle."""
    fig = next(f for f in figures if f["id"] == GAP_FIGURE)
    (lon1, lat1), (lon2, lat2) = fig["points"]
    kx = math.cos(math.radians((lat1 + lat2) / 2))
    dx, dy = (lon2 - lon1) * kx, lat2 - lat1
    px, py = -dy * GAP_TICK / kx, dx * GAP_TICK
    paths = [
        [(lon1, lat1), (lon2, lat2)],
        [(lon1 - px, lat1 - py), (lon1 + px, lat1 + py)],
        [(lon2 - px, lat2 - py), (lon2 + px, lat2 + py)],
    ]
    middle = [round_half_up((lon1 + lon2) / 2), round_half_up((lat1 + lat2) / 2)]
    return {"paths": [_rounded(path) for path in paths], "label_position": middle}


def border_paths(borders: dict[str, Any]) -> dict[str, list[list[Point]]]:
    """Each border's lines, rounded as drawn, by border id."""
    return {
        feat.get("id") or feat["properties"]["id"]: [_rounded(line) for line in _lines(feat["geometry"])]
        for feat in borders["features"]
    }


def derive(docs: dict[str, Any]) -> dict[str, Any]:
    """derived.json from the documents `countries`, `borders` and `figures` (as written to data/geo/)."""
    return {
        "frame_bbox": frame_bbox(docs["countries"], docs["borders"]),
        "gap": gap_drawing(docs["figures"]["figures"]),
        "border_paths": border_paths(docs["borders"]),
    }


def read_shipped(geo_dir: Path) -> dict[str, Any]:
    """The shipped documents derive() reads, from data/geo/."""
    def read(name: str) -> Any:
        return json.loads((geo_dir / name).read_text(encoding="utf-8"))

    return {
        "countries": read("countries.geojson"),
        "borders": read("borders.geojson"),
        "figures": read("figures.json"),
    }
