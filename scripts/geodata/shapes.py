"""Build-time geometry helpers and constants: simplification, geodesic measures, GeoJSON output shapes."""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import LineString, Polygon, mapping
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

# (min_lon, min_lat, max_lon, max_lat): the Caucasus, NW Iran, Tehran and the
# western Caspian; wide enough that every label city sits inside.
BBOX = (38.0, 35.0, 52.0, 44.5)
# ~200 m. The source is already quantised to ~0.0036 deg (lon) x 0.0017 deg
# (lat); 0.005 dropped half the Aras vertices, while this only removes
# near-collinear ones and still keeps countries.geojson around 50 KB.
TOLERANCE_DEG = 0.002
# 4 decimals is ~11 m: finer than the source quantisation, so nothing is lost.
DECIMALS = 4

# Natural Earth numeric ISO ids -> (ISO A3, display name).
COUNTRIES: dict[str, tuple[str, str]] = {
    "031": ("AZE", "Azerbaijan"),
    "364": ("IRN", "Iran"),
    "051": ("ARM", "Armenia"),
    "792": ("TUR", "Turkey"),
    "268": ("GEO", "Georgia"),
    "643": ("RUS", "Russia"),
}
# Nakhchivan city (lon, lat): the Azerbaijani part containing it is the exclave.
NAKHCHIVAN_PROBE = (45.41, 39.21)

GEOD = Geod(ellps="WGS84")

SCALE_NOTE = (
    "Computed from Natural Earth 1:10m boundaries, a generalised small-scale "
    "dataset: a river border such as the Aras loses most of its meanders, so "
    "lengths come out shorter than surveyed/official figures, and areas and "
    "distances can be off by a few per cent."
)



def simplify_arcs(
    arcs: list[list[tuple[float, float]]], used: set[int], tolerance: float
) -> list[list[tuple[float, float]]]:
    """Simplify each used arc on its own, so neighbours keep identical edges.

    Simplifying arcs (not polygons) keeps the topology: a shared border is
    simplified once and both countries use the same vertices, so no slivers.
    Closed single-arc rings (small enclaves, islands) that would collapse are
    kept unsimplified.
    """
    out = list(arcs)
    for idx in used:
        pts = arcs[idx]
        if len(pts) < 3:
            continue
        simple = list(LineString(pts).simplify(tolerance, preserve_topology=True).coords)
        closed = pts[0] == pts[-1]
        if closed and (len(simple) < 4 or Polygon(simple).area < 0.5 * Polygon(pts).area):
            continue
        out[idx] = simple
    return out


def geodesic_area_km2(poly: BaseGeometry) -> float:
    """Ellipsoidal (WGS84) area in km²."""
    area, _ = GEOD.geometry_area_perimeter(poly)
    return abs(area) / 1e6


def arcs_length_km(ids: set[int], arcs: list[list[tuple[float, float]]]) -> float:
    """Geodesic length (WGS84) of a set of arcs, in km."""
    total = 0.0
    for idx in ids:
        lons, lats = zip(*arcs[idx], strict=True)
        total += GEOD.line_length(lons, lats)
    return total / 1000


def polygons_of(geom: BaseGeometry) -> list[Polygon]:
    """Flatten a (clipped) geometry to its polygon parts."""
    if geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    return [poly for part in getattr(geom, "geoms", []) for poly in polygons_of(part)]


def round_coords(obj: Any, ndigits: int = DECIMALS) -> Any:
    """Round every number in a nested GeoJSON coordinates structure."""
    if isinstance(obj, (int, float)):
        return round(float(obj), ndigits)
    return [round_coords(o, ndigits) for o in obj]


def multipolygon_geojson(polys: list[Polygon]) -> dict[str, Any]:
    """GeoJSON Polygon (one part) or MultiPolygon, coordinates rounded."""
    if len(polys) == 1:
        return {"type": "Polygon", "coordinates": round_coords(mapping(polys[0])["coordinates"])}
    return {
        "type": "MultiPolygon",
        "coordinates": [round_coords(mapping(p)["coordinates"]) for p in polys],
    }


def line_geojson(geom: BaseGeometry) -> dict[str, Any]:
    """GeoJSON LineString/MultiLineString from a merged (clipped) line."""
    lines = [geom] if isinstance(geom, LineString) else list(getattr(geom, "geoms", []))
    lines = [g for g in lines if isinstance(g, LineString) and not g.is_empty]
    coords = [round_coords([list(c) for c in g.coords]) for g in lines]
    if len(coords) == 1:
        return {"type": "LineString", "coordinates": coords[0]}
    return {"type": "MultiLineString", "coordinates": coords}


def min_gap_km(a: Polygon, b: Polygon) -> tuple[float, tuple[float, float], tuple[float, float]]:
    """Minimum geodesic distance between two polygons' boundaries.

    The nearest pair is found in an azimuthal-equidistant projection centred
    between the polygons (distortion is negligible at tens of km), then the
    distance between that pair is measured geodesically on WGS84.
    """
    c = a.union(b).centroid
    fwd = Transformer.from_crs(
        "EPSG:4326",
        f"+proj=aeqd +lat_0={c.y} +lon_0={c.x} +datum=WGS84 +units=m",
        always_xy=True,
    )
    inv = Transformer.from_crs(fwd.target_crs, "EPSG:4326", always_xy=True)

    def project(xy: np.ndarray) -> np.ndarray:
        return np.column_stack(fwd.transform(xy[:, 0], xy[:, 1]))

    pa, pb = nearest_points(shapely.transform(a.exterior, project), shapely.transform(b.exterior, project))
    (lon1, lat1), (lon2, lat2) = inv.transform(pa.x, pa.y), inv.transform(pb.x, pb.y)
    _, _, dist = GEOD.inv(lon1, lat1, lon2, lat2)
    return dist / 1000, (lon1, lat1), (lon2, lat2)


def feature(fid: str, props: dict[str, Any], geometry: dict[str, Any]) -> dict[str, Any]:
    """A GeoJSON Feature with ``id`` both top-level and in properties."""
    return {"type": "Feature", "id": fid, "properties": {"id": fid, **props}, "geometry": geometry}


def figure(
    fid: str,
    label: str,
    computed: float,
    unit: str,
    method: str,
    source_figure: float | None = None,
    source_text: str | None = None,
) -> dict[str, Any]:
    """One entry of figures.json."""
    return {
        "id": fid,
        "label": label,
        "computed": computed,
        "unit": unit,
        "method": method,
        "source_figure": source_figure,
        "source_text": source_text,
        "scale_note": SCALE_NOTE,
    }



def shared_endpoint(a_ids: set[int], b_ids: set[int], arcs: list[list[tuple[float, float]]]) -> tuple[float, float]:
    """The (lon, lat) endpoint common to one arc of each set (a tripoint)."""
    ends_a = {p for i in a_ids for p in (arcs[i][0], arcs[i][-1])}
    ends_b = {p for i in b_ids for p in (arcs[i][0], arcs[i][-1])}
    common = ends_a & ends_b
    if len(common) != 1:
        raise ValueError(f"expected one tripoint, found {len(common)}")
    return common.pop()

