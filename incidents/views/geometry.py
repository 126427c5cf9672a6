"""Runtime geometry on the shipped boundary files in ``data/geo/``.

Pure standard library on purpose: the app's runtime requirements do not include
shapely/pyproj/numpy (those are build-time only, see scripts/build_geodata.py).
Coordinates follow GeoJSON order ``[lon, lat]`` inside geometries; the function
arguments here take ``lat, lon`` in that order, as people say them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Mean Earth radius (IUGG), km. Spherical formulas are good to ~0.5 %, far
# below the error of the 1:10m boundaries they are used with.
EARTH_RADIUS_KM = 6371.0088

DEFAULT_BORDER_IDS = ("AZE-IRN-nakhchivan", "AZE-IRN-mainland")

# deck.gl / Mapbox GL (and so pydeck and st.map) use 512-px tiles: at zoom z
# the world is 512 * 2**z pixels wide.
_TILE_PX = 512
_MIN_ZOOM, _MAX_ZOOM, _POINT_ZOOM = 3.0, 14.0, 11.0
_MAX_MERC_LAT = 85.05112878


# Compared and hashed by identity (eq=False): loaded once and shared read-only, so it can key caches.
@dataclass(frozen=True, eq=False)
class GeoData:
    """The shipped FeatureCollections plus the derived figures, and the values derived from the boundaries."""

    countries: dict[str, Any]
    borders: dict[str, Any]
    labels: dict[str, Any]
    figures: list[dict[str, Any]]
    meta: dict[str, Any] = field(default_factory=dict)
    # derived.json: values that depend only on the boundaries, computed by the build (see data/geo/README.md).
    derived: dict[str, Any] = field(default_factory=dict)

    def figure(self, figure_id: str) -> dict[str, Any]:
        """The figures.json entry with this id (KeyError if absent)."""
        for fig in self.figures:
            if fig["id"] == figure_id:
                return fig
        raise KeyError(figure_id)

    def border(self, border_id: str) -> dict[str, Any]:
        """The borders.geojson feature with this id (KeyError if absent)."""
        return _feature_by_id(self.borders, border_id)

    def country(self, feature_id: str) -> dict[str, Any]:
        """The countries.geojson feature with this id (KeyError if absent)."""
        return _feature_by_id(self.countries, feature_id)

    def border_ids(self) -> list[str]:
        """Ids of the shipped borders, in file order."""
        return [fid for feat in self.borders["features"] if (fid := _fid(feat))]

    def border_lines(self, country: str) -> list[Sequence[Sequence[float]]]:
        """LineStrings of Azerbaijan's shipped shared borders with `country` (ISO alpha-3)."""
        lines: list[Sequence[Sequence[float]]] = []
        for feat in self.borders["features"]:
            if (_fid(feat) or "").startswith(f"AZE-{country}-"):
                lines.extend(_lines_of(feat["geometry"]["coordinates"]))
        return lines

    def country_name(self, iso: str) -> str:
        """The display name of a whole country (not a part) by ISO alpha-3; the code when it is not shipped."""
        for feat in self.countries["features"]:
            if feat["properties"].get("iso_a3") == iso and not feat["properties"].get("part"):
                return str(feat["properties"]["name"])
        return iso


def _feature_by_id(collection: dict[str, Any], feature_id: str) -> dict[str, Any]:
    for feat in collection["features"]:
        if _fid(feat) == feature_id:
            return feat
    raise KeyError(feature_id)


def _fid(feat: dict[str, Any]) -> str | None:
    return feat.get("id") or feat.get("properties", {}).get("id")


def load_geo(geo_dir: Path) -> GeoData:
    """Read countries/borders/labels GeoJSON, figures.json and derived.json from ``geo_dir``."""
    geo_dir = Path(geo_dir)

    def read(name: str) -> Any:
        return json.loads((geo_dir / name).read_text(encoding="utf-8"))

    figures_doc = read("figures.json")
    meta = {k: v for k, v in figures_doc.items() if k != "figures"}
    return GeoData(
        countries=read("countries.geojson"),
        borders=read("borders.geojson"),
        labels=read("labels.geojson"),
        figures=list(figures_doc["figures"]),
        meta=meta,
        derived=read("derived.json"),
    )


# --------------------------------------------------------------------------
# Distances
# --------------------------------------------------------------------------


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km on a sphere of mean Earth radius."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _lines_of(line_coords: Sequence[Any]) -> list[Sequence[Sequence[float]]]:
    """Accept LineString coordinates or MultiLineString coordinates."""
    if not line_coords:
        return []
    first = line_coords[0]
    if isinstance(first[0], (int, float)):
        return [line_coords]
    return list(line_coords)


def nearest_point_on_line(lat: float, lon: float, line_coords: Sequence[Any]) -> tuple[float, float, float]:
    """Nearest point on a GeoJSON (Multi)LineString: ``(lat, lon, km)``, km being the distance to it.

    ``line_coords`` is the ``coordinates`` member of a LineString
    (``[[lon, lat], ...]``) or MultiLineString. The nearest point is found with
    point-to-segment distance on a local equirectangular projection centred on
    the query point, then measured with haversine. Accurate to well under 1 %
    for distances below ~100 km (the use here: a few to tens of km); further
    away the choice of nearest segment can be slightly off.
    """
    lines = _lines_of(line_coords)
    if not lines:
        raise ValueError("empty line geometry")
    kx = math.cos(math.radians(lat))  # shrink longitude degrees at this latitude
    best_d2 = reach = math.inf  # reach: sqrt(best_d2), to skip segments that lie wholly beyond it
    best_x = best_y = 0.0  # offsets from the query point, projected degrees
    for line in lines:
        if not line:
            continue
        # Work in projected degrees with the query point at the origin; a one-point line is a zero-length segment.
        ax, ay = (line[0][0] - lon) * kx, line[0][1] - lat
        for p in line[1:] if len(line) > 1 else line:
            bx, by = (p[0] - lon) * kx, p[1] - lat
            if (
                (ax > reach and bx > reach)
                or (ax < -reach and bx < -reach)
                or (ay > reach and by > reach)
                or (ay < -reach and by < -reach)
            ):
                ax, ay = bx, by  # both ends on one side, beyond the best distance so far: cannot be nearer
                continue
            dx, dy = bx - ax, by - ay
            seg2 = dx * dx + dy * dy
            # Projection of the origin onto the segment, clamped to its ends.
            along = -(ax * dx + ay * dy)
            if along <= 0 or seg2 == 0:
                cx, cy = ax, ay
            elif along >= seg2:
                cx, cy = ax + dx, ay + dy  # (not bx, by: the same sum the unclamped case would give)
            else:
                t = along / seg2
                cx, cy = ax + t * dx, ay + t * dy
            d2 = cx * cx + cy * cy
            if d2 < best_d2:
                best_d2, best_x, best_y = d2, cx, cy
                reach = math.sqrt(d2)
            ax, ay = bx, by
    if best_d2 == math.inf:
        raise ValueError("empty line geometry")
    near_lat, near_lon = lat + best_y, (lon + best_x / kx if kx else lon)
    return near_lat, near_lon, haversine_km(lat, lon, near_lat, near_lon)


def distance_to_line_km(lat: float, lon: float, line_coords: Sequence[Any]) -> float:
    """Minimum distance (km) from a point to a GeoJSON (Multi)LineString (see nearest_point_on_line)."""
    return nearest_point_on_line(lat, lon, line_coords)[2]


def distance_to_border_km(
    geo: GeoData,
    lat: float,
    lon: float,
    border_ids: Sequence[str] = DEFAULT_BORDER_IDS,
) -> float:
    """Distance (km) from a point to the nearest of the given shared borders.

    Defaults to the whole Azerbaijan–Iran border (Nakhchivan + mainland).
    Measured to the simplified 1:10m line, so expect an error of ~0.5 km.
    """
    wanted = set(border_ids)
    found = [f for f in geo.borders["features"] if _fid(f) in wanted]
    missing = wanted - {_fid(f) for f in found}
    if missing:
        raise KeyError(f"unknown border ids: {sorted(missing)}")
    return min(distance_to_line_km(lat, lon, f["geometry"]["coordinates"]) for f in found)


# --------------------------------------------------------------------------
# Containment
# --------------------------------------------------------------------------


def _in_ring(lat: float, lon: float, ring: Sequence[Sequence[float]]) -> bool:
    """Even-odd ray casting (ray towards +lon) against one closed ring."""
    inside = False
    if not ring:
        return inside
    xj, yj = ring[-1][0], ring[-1][1]
    above_j = yj > lat
    for point in ring:
        xi, yi = point[0], point[1]
        above_i = yi > lat
        # Half-open test on latitude so a vertex on the ray is counted once.
        if above_i != above_j and lon < xi + (lat - yi) * (xj - xi) / (yj - yi):
            inside = not inside
        xj, yj, above_j = xi, yi, above_i
    return inside


def _in_polygon(lat: float, lon: float, rings: Sequence[Sequence[Sequence[float]]]) -> bool:
    if not rings or not _in_ring(lat, lon, rings[0]):
        return False
    return not any(_in_ring(lat, lon, hole) for hole in rings[1:])


def point_in_polygon(lat: float, lon: float, geometry: dict[str, Any]) -> bool:
    """True if the point lies in a GeoJSON Polygon/MultiPolygon (holes excluded).

    Points exactly on an edge may go either way.
    """
    gtype = geometry.get("type")
    coords = geometry.get("coordinates") or []
    if gtype == "Polygon":
        return _in_polygon(lat, lon, coords)
    if gtype == "MultiPolygon":
        return any(_in_polygon(lat, lon, poly) for poly in coords)
    raise ValueError(f"not a polygon geometry: {gtype!r}")


def _geometry_bbox(geometry: dict[str, Any]) -> tuple[float, float, float, float]:
    polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    lons = [p[0] for poly in polys for p in poly[0]]
    lats = [p[1] for poly in polys for p in poly[0]]
    return min(lons), min(lats), max(lons), max(lats)


def feature_containing(geo: GeoData, lat: float, lon: float) -> str | None:
    """Id of the countries.geojson feature containing the point, else None.

    Returns e.g. "AZE-nakhchivan", "AZE-mainland", "IRN". Features do not
    overlap (enclaves are holes in their surrounding country), so the first
    hit is the answer. Points outside the shipped bbox or at sea give None.
    """
    for feat in geo.countries["features"]:
        geom = feat["geometry"]
        min_lon, min_lat, max_lon, max_lat = _geometry_bbox(geom)
        if not (min_lon <= lon <= max_lon and min_lat <= lat <= max_lat):
            continue  # cheap reject before ray casting
        if point_in_polygon(lat, lon, geom):
            return _fid(feat)
    return None


# --------------------------------------------------------------------------
# Map view
# --------------------------------------------------------------------------


def bbox_of_points(points: Iterable[tuple[float, float]]) -> tuple[float, float, float, float]:
    """Bounding box ``(min_lon, min_lat, max_lon, max_lat)`` of ``(lat, lon)`` points."""
    pts = list(points)
    if not pts:
        raise ValueError("no points")
    lats = [p[0] for p in pts]
    lons = [p[1] for p in pts]
    return min(lons), min(lats), max(lons), max(lats)


def _merc_y(lat: float) -> float:
    """Web-mercator y in [-pi, pi] for a latitude."""
    lat = max(-_MAX_MERC_LAT, min(_MAX_MERC_LAT, lat))
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _inv_merc_y(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def view_for_bbox(
    bbox: tuple[float, float, float, float],
    width_px: int = 800,
    height_px: int = 500,
    padding_px: int = 40,
) -> dict[str, float]:
    """Web-mercator "fit bounds": ``{"latitude", "longitude", "zoom"}`` for a bbox.

    ``bbox`` is ``(min_lon, min_lat, max_lon, max_lat)``. Zoom follows the
    deck.gl/pydeck convention (512-px world at zoom 0), leaves ``padding_px``
    on every side and is clamped to 3..14; a degenerate (single point) bbox
    gets zoom 11.
    """
    min_lon, min_lat, max_lon, max_lat = bbox
    y0, y1 = _merc_y(min_lat), _merc_y(max_lat)
    lon_c = (min_lon + max_lon) / 2
    lat_c = _inv_merc_y((y0 + y1) / 2)  # centre in projected space, as the map draws it
    # Fractions of the world's width/height the bbox spans.
    fx = (max_lon - min_lon) / 360.0
    fy = (y1 - y0) / (2 * math.pi)
    avail_w = max(1, width_px - 2 * padding_px)
    avail_h = max(1, height_px - 2 * padding_px)
    zooms = []
    if fx > 0:
        zooms.append(math.log2(avail_w / (_TILE_PX * fx)))
    if fy > 0:
        zooms.append(math.log2(avail_h / (_TILE_PX * fy)))
    zoom = min(zooms) if zooms else _POINT_ZOOM
    zoom = max(_MIN_ZOOM, min(_MAX_ZOOM, zoom))
    return {"latitude": lat_c, "longitude": lon_c, "zoom": round(zoom, 2)}
