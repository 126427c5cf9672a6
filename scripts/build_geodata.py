"""Build the regional boundary geodata shipped in ``data/geo/``.

Source: Natural Earth 1:10m Admin-0 countries as TopoJSON, from the npm package
``world-atlas@2.0.2`` (ISC package; the Natural Earth data is public domain).

Usage::

    .venv/bin/python scripts/build_geodata.py                 # fetches via `npm pack`
    .venv/bin/python scripts/build_geodata.py path/to/countries-10m.json

The TopoJSON arcs are decoded here (not with a topojson library) so that the
whole pipeline is visible. Lengths and areas are computed on the WGS84
ellipsoid from the *unsimplified* geometry; only the shipped drawing geometry
is simplified, clipped and rounded.

Build-time only: needs shapely and pyproj. The app reads the output files with
``incidents/geometry.py`` (stdlib only) and never fetches anything at run time.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import LineString, MultiLineString, Point, Polygon, box, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import linemerge, nearest_points, polylabel

PACKAGE = "world-atlas"
VERSION = "2.0.2"
TOPO_FILE = "countries-10m.json"

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

# Label cities: (id, text, lat, lon, expected feature id, rank). Well-known
# public reference coordinates, each believed good to ~0.05 deg; the build
# checks that every city falls inside the country it belongs to.
CITIES: list[tuple[str, str, float, float, str, int]] = [
    ("city-baku", "Baku", 40.4093, 49.8671, "AZE-mainland", 1),
    ("city-ganja", "Ganja", 40.6828, 46.3606, "AZE-mainland", 2),
    ("city-lankaran", "Lankaran", 38.7529, 48.8475, "AZE-mainland", 2),
    ("city-nakhchivan", "Nakhchivan", 39.2089, 45.4122, "AZE-nakhchivan", 1),
    ("city-tehran", "Tehran", 35.6892, 51.3890, "IRN", 1),
    ("city-tabriz", "Tabriz", 38.0800, 46.2919, "IRN", 1),
    ("city-ardabil", "Ardabil", 38.2498, 48.2933, "IRN", 2),
    ("city-urmia", "Urmia", 37.5527, 45.0761, "IRN", 2),
    ("city-rasht", "Rasht", 37.2808, 49.5832, "IRN", 2),
    ("city-yerevan", "Yerevan", 40.1792, 44.4991, "ARM", 1),
    ("city-tbilisi", "Tbilisi", 41.7151, 44.8271, "GEO", 1),
    ("city-kars", "Kars", 40.6013, 43.0975, "TUR", 2),
    ("city-erzurum", "Erzurum", 39.9043, 41.2679, "TUR", 2),
    ("city-makhachkala", "Makhachkala", 42.9849, 47.5047, "RUS", 2),
]
CITY_SOURCE = "Natural Earth populated places / public reference"


# --------------------------------------------------------------------------
# TopoJSON decoding
# --------------------------------------------------------------------------


def fetch_topology(path: Path | None = None) -> dict[str, Any]:
    """Load countries-10m.json from ``path``, or fetch it with ``npm pack``."""
    if path is not None:
        return json.loads(Path(path).read_text())
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent"],
            cwd=tmp,
            check=True,
            capture_output=True,
        )
        tarball = next(Path(tmp).glob(f"{PACKAGE}-{VERSION}.tgz"))
        with tarfile.open(tarball) as tar:
            member = tar.extractfile(f"package/{TOPO_FILE}")
            if member is None:
                raise FileNotFoundError(f"{TOPO_FILE} not in {tarball.name}")
            return json.loads(member.read())


def decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Decode all arcs of a TopoJSON topology into absolute (lon, lat) lists.

    Quantised topologies (with ``transform``) store each arc as deltas from the
    previous point: cumulative-sum, then scale, then translate.
    """
    transform = topology.get("transform")
    decoded: list[list[tuple[float, float]]] = []
    for arc in topology["arcs"]:
        if transform is None:
            decoded.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        decoded.append(pts)
    return decoded


def arc_ref(ref: int) -> tuple[int, bool]:
    """Map a TopoJSON arc reference to (arc index, reversed?); ``~i`` = -i-1."""
    return (~ref, True) if ref < 0 else (ref, False)


def ring_from_arcs(refs: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """Stitch a ring from arc references, dropping the repeated junction points."""
    ring: list[tuple[float, float]] = []
    for ref in refs:
        idx, rev = arc_ref(ref)
        pts = arcs[idx][::-1] if rev else arcs[idx]
        ring.extend(pts if not ring else pts[1:])
    return ring


def polygon_parts(geometry: dict[str, Any]) -> list[list[list[int]]]:
    """Return a TopoJSON Polygon/MultiPolygon as a list of polygons of arc refs."""
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["arcs"])
    return []


def part_arc_ids(part: list[list[int]]) -> set[int]:
    """Absolute arc indices used by one polygon (all its rings)."""
    return {arc_ref(r)[0] for ring in part for r in ring}


def build_polygon(part: list[list[int]], arcs: list[list[tuple[float, float]]]) -> Polygon:
    """Build a shapely Polygon from one TopoJSON polygon (outer ring + holes)."""
    rings = [ring_from_arcs(r, arcs) for r in part]
    return Polygon(rings[0], rings[1:])


# --------------------------------------------------------------------------
# Geometry helpers (build time)
# --------------------------------------------------------------------------


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


# --------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------


def build(topology: dict[str, Any]) -> dict[str, Any]:
    """Compute all output documents from a decoded-able topology."""
    arcs = decode_arcs(topology)
    geoms = {g["id"]: g for g in topology["objects"]["countries"]["geometries"] if g.get("id") in COUNTRIES}
    missing = set(COUNTRIES) - set(geoms)
    if missing:
        raise ValueError(f"countries missing from topology: {sorted(missing)}")

    used = {a for g in geoms.values() for part in polygon_parts(g) for a in part_arc_ids(part)}
    simple_arcs = simplify_arcs(arcs, used, TOLERANCE_DEG)
    clip = box(*BBOX)

    # Full-resolution polygons per country part, for areas and classification.
    full = {cid: [build_polygon(p, arcs) for p in polygon_parts(g)] for cid, g in geoms.items()}
    parts = {cid: polygon_parts(g) for cid, g in geoms.items()}

    # --- Azerbaijan: tell the parts apart -----------------------------------
    aze_full = full["031"]
    probe = Point(NAKHCHIVAN_PROBE)
    nakh_i = next(i for i, p in enumerate(aze_full) if p.contains(probe))
    areas = [geodesic_area_km2(p) for p in aze_full]
    main_i = max((i for i in range(len(aze_full)) if i != nakh_i), key=lambda i: areas[i])
    # A small part is an enclave if it sits inside a foreign country's outer
    # ring; otherwise it is an island (Natural Earth has Caspian islands too).
    foreign_hulls = [Polygon(p.exterior) for cid, polys in full.items() if cid != "031" for p in polys]
    enclaves, islands = [], []
    for i in sorted(range(len(aze_full)), key=lambda i: -areas[i]):
        if i in (nakh_i, main_i):
            continue
        inside_foreign = any(h.contains(aze_full[i]) for h in foreign_hulls)
        (enclaves if inside_foreign else islands).append(i)

    def clipped(cid: str, idxs: list[int]) -> list[Polygon]:
        out: list[Polygon] = []
        for i in idxs:
            poly = build_polygon(parts[cid][i], simple_arcs)
            if not poly.is_valid:
                poly = poly.buffer(0)
            out.extend(polygons_of(poly.intersection(clip)))
        return out

    country_features = [
        feature(
            "AZE-mainland",
            {"name": "Azerbaijan", "iso_a3": "AZE", "part": "mainland"},
            # Caspian islands belong with the mainland: they are not exclaves.
            multipolygon_geojson(clipped("031", [main_i, *islands])),
        ),
        feature(
            "AZE-nakhchivan",
            {
                "name": "Nakhchivan (Azerbaijan)",
                "iso_a3": "AZE",
                "part": "exclave",
            },
            multipolygon_geojson(clipped("031", [nakh_i])),
        ),
    ]
    for n, i in enumerate(enclaves, start=1):
        country_features.append(
            feature(
                f"AZE-enclave-{n}",
                {"name": "Azerbaijan (enclave)", "iso_a3": "AZE", "part": "enclave"},
                multipolygon_geojson(clipped("031", [i])),
            )
        )
    for cid in ("364", "051", "792", "268", "643"):
        iso, name = COUNTRIES[cid]
        polys = clipped(cid, list(range(len(parts[cid]))))
        country_features.append(feature(iso, {"name": name, "iso_a3": iso, "part": None}, multipolygon_geojson(polys)))

    # --- Shared borders: arcs used by both sides -----------------------------
    def country_arcs(cid: str) -> set[int]:
        return {a for p in parts[cid] for a in part_arc_ids(p)}

    nakh_arcs = part_arc_ids(parts["031"][nakh_i])
    main_arcs = part_arc_ids(parts["031"][main_i])
    aze_arcs = country_arcs("031")
    pairs = [
        ("AZE-IRN-nakhchivan", "Azerbaijan (Nakhchivan) – Iran", nakh_arcs & country_arcs("364")),
        ("AZE-IRN-mainland", "Azerbaijan (mainland) – Iran", main_arcs & country_arcs("364")),
        ("AZE-ARM-nakhchivan", "Azerbaijan (Nakhchivan) – Armenia", nakh_arcs & country_arcs("051")),
        ("AZE-TUR-nakhchivan", "Azerbaijan (Nakhchivan) – Turkey", nakh_arcs & country_arcs("792")),
    ]
    lengths: dict[str, float] = {}
    border_features = []
    for bid, name, ids in pairs:
        if not ids:
            raise ValueError(f"no shared arcs for {bid}")
        lengths[bid] = arcs_length_km(ids, arcs)
        merged = linemerge(MultiLineString([simple_arcs[i] for i in sorted(ids)]))
        border_features.append(
            feature(
                bid,
                {"name": name, "length_km": round(lengths[bid], 1)},
                line_geojson(merged.intersection(clip)),
            )
        )
    aze_irn_total = arcs_length_km(aze_arcs & country_arcs("364"), arcs)

    # --- Gap across Armenia, and the Armenian strip along the Aras -----------
    gap, gap_a, gap_b = min_gap_km(aze_full[nakh_i], aze_full[main_i])
    # Tripoints AZE/ARM/IRN at either side of Armenia's southern strip.
    arm_irn = country_arcs("051") & country_arcs("364")
    tri_nakh = _shared_endpoint(nakh_arcs & country_arcs("364"), arm_irn, arcs)
    tri_main = _shared_endpoint(main_arcs & country_arcs("364"), arm_irn, arcs)
    _, _, strip_m = GEOD.inv(*tri_nakh, *tri_main)

    gap_figure = figure(
        "nakhchivan_gap",
        "Narrowest Armenian gap between Nakhchivan and mainland Azerbaijan",
        round(gap, 1),
        "km",
        "Minimum geodesic distance between the boundaries of the Nakhchivan and "
        f"mainland polygons, between ({gap_a[1]:.3f} N, {gap_a[0]:.3f} E) and "
        f"({gap_b[1]:.3f} N, {gap_b[0]:.3f} E). The source's 'about 40 km' may be "
        "measured differently, e.g. across Armenia's southern strip along the Aras "
        "(see armenia_strip_along_aras).",
        40,
        "a swath of Armenia about 40 km wide",
    )
    # The segment's end points (Nakhchivan side first), so the map can draw the measurement.
    gap_figure["points"] = [round_coords(list(gap_a)), round_coords(list(gap_b))]

    # --- Areas ----------------------------------------------------------------
    aze_total = sum(areas)
    nakh_area = areas[nakh_i]

    figures = [
        figure(
            "aze_irn_border_total",
            "Azerbaijan–Iran border, total",
            round(aze_irn_total, 1),
            "km",
            "Sum of geodesic (WGS84) lengths of the unsimplified Natural Earth arcs "
            "shared by Azerbaijan's and Iran's polygons (Nakhchivan + mainland sections).",
            700,
            "the nearly 700-km border with Iran",
        ),
        figure(
            "aze_irn_border_nakhchivan",
            "Nakhchivan–Iran border",
            round(lengths["AZE-IRN-nakhchivan"], 1),
            "km",
            "Geodesic length of the arcs shared by the Nakhchivan polygon and Iran.",
        ),
        figure(
            "aze_irn_border_mainland",
            "Mainland Azerbaijan–Iran border",
            round(lengths["AZE-IRN-mainland"], 1),
            "km",
            "Geodesic length of the arcs shared by mainland Azerbaijan and Iran.",
        ),
        gap_figure,
        figure(
            "armenia_strip_along_aras",
            "Width of Armenia along the Iranian border (tripoint to tripoint)",
            round(strip_m / 1000, 1),
            "km",
            "Geodesic straight-line distance between the Azerbaijan–Armenia–Iran "
            f"tripoints ({tri_nakh[1]:.3f} N, {tri_nakh[0]:.3f} E) and "
            f"({tri_main[1]:.3f} N, {tri_main[0]:.3f} E).",
        ),
        figure(
            "nakhchivan_area",
            "Nakhchivan area",
            round(nakh_area),
            "km²",
            "Ellipsoidal (WGS84) area of the unsimplified Nakhchivan polygon.",
        ),
        figure(
            "aze_mainland_area",
            "Mainland Azerbaijan area (main polygon, without islands and enclaves)",
            round(areas[main_i]),
            "km²",
            "Ellipsoidal (WGS84) area of the largest unsimplified Azerbaijan polygon.",
        ),
        figure(
            "aze_total_area",
            "Azerbaijan total area (all Natural Earth parts)",
            round(aze_total),
            "km²",
            f"Ellipsoidal (WGS84) area summed over all {len(aze_full)} Azerbaijan polygons "
            f"(mainland, Nakhchivan, {len(enclaves)} enclaves, {len(islands)} islands).",
        ),
        figure(
            "nakhchivan_share",
            "Nakhchivan's share of Azerbaijan's territory",
            round(100 * nakh_area / aze_total, 2),
            "%",
            "Nakhchivan area divided by the summed area of all Azerbaijan polygons.",
            6,
            "Nakhchivan accounts for about 6 per cent of the country's territory",
        ),
        figure(
            "nakhchivan_armenia_border",
            "Nakhchivan–Armenia border",
            round(lengths["AZE-ARM-nakhchivan"], 1),
            "km",
            "Geodesic length of the arcs shared by the Nakhchivan polygon and Armenia.",
        ),
        figure(
            "nakhchivan_turkey_border",
            "Nakhchivan–Turkey border",
            round(lengths["AZE-TUR-nakhchivan"], 1),
            "km",
            "Geodesic length of the arcs shared by the Nakhchivan polygon and Turkey.",
        ),
    ]

    labels = build_labels(country_features, border_features)

    return {
        "countries": {"type": "FeatureCollection", "features": country_features},
        "borders": {"type": "FeatureCollection", "features": border_features},
        "labels": {"type": "FeatureCollection", "features": labels},
        "figures": {
            "generated_from": {
                "package": f"{PACKAGE}@{VERSION}",
                "file": TOPO_FILE,
                "data": "Natural Earth 1:10m Admin-0 countries (v4.1.0 per package README)",
                "licence": "world-atlas package: ISC; Natural Earth data: public domain",
                "script": "scripts/build_geodata.py",
            },
            "simplification_tolerance_deg": TOLERANCE_DEG,
            "coordinate_decimals": DECIMALS,
            "bbox": {
                "min_lon": BBOX[0],
                "min_lat": BBOX[1],
                "max_lon": BBOX[2],
                "max_lat": BBOX[3],
            },
            "figures": figures,
        },
    }


def _shared_endpoint(a_ids: set[int], b_ids: set[int], arcs: list[list[tuple[float, float]]]) -> tuple[float, float]:
    """The (lon, lat) endpoint common to one arc of each set (a tripoint)."""
    ends_a = {p for i in a_ids for p in (arcs[i][0], arcs[i][-1])}
    ends_b = {p for i in b_ids for p in (arcs[i][0], arcs[i][-1])}
    common = ends_a & ends_b
    if len(common) != 1:
        raise ValueError(f"expected one tripoint, found {len(common)}")
    return common.pop()


def build_labels(
    country_features: list[dict[str, Any]],
    border_features: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Label points: countries, Nakhchivan, the Aras, the Caspian, cities."""
    by_id = {f["id"]: shape(f["geometry"]) for f in country_features}

    def label(fid: str, text: str, kind: str, lon: float, lat: float, **extra: Any) -> dict:
        pt = {"type": "Point", "coordinates": [round(lon, DECIMALS), round(lat, DECIMALS)]}
        return feature(fid, {"text": text, "kind": kind, **extra}, pt)

    out = []
    # Country labels at the pole of inaccessibility of the largest clipped part,
    # so they sit well inside the visible shape rather than off-screen.
    for fid, text in [
        ("AZE-mainland", "AZERBAIJAN"),
        ("IRN", "IRAN"),
        ("ARM", "ARMENIA"),
        ("TUR", "TURKEY"),
        ("GEO", "GEORGIA"),
        ("RUS", "RUSSIA"),
    ]:
        biggest = max(polygons_of(by_id[fid]), key=lambda p: p.area)
        pt = polylabel(biggest, tolerance=0.01)
        out.append(label(f"country-{fid.split('-')[0].lower()}", text, "country", pt.x, pt.y))

    # Nakhchivan region label: offset north-west of the city so both read.
    nakh = by_id["AZE-nakhchivan"]
    region_pt = Point(45.15, 39.45)
    if not nakh.contains(region_pt):
        region_pt = polylabel(nakh, tolerance=0.005)
    out.append(label("region-nakhchivan", "NAKHCHIVAN", "region", region_pt.x, region_pt.y))

    # The Nakhchivan–Iran border is the Aras. Its midpoint is next to
    # Nakhchivan city, so label it a quarter of the way from the south-east
    # (Julfa–Ordubad) end, where the text does not collide with the city.
    aras = next(shape(f["geometry"]) for f in border_features if f["id"] == "AZE-IRN-nakhchivan")
    aras_line = max(getattr(aras, "geoms", [aras]), key=lambda g: g.length)
    starts_east = aras_line.coords[0][0] > aras_line.coords[-1][0]
    at = aras_line.interpolate(0.25 if starts_east else 0.75, normalized=True)
    out.append(label("river-aras", "Aras", "river", at.x, at.y))

    # Water label, so the coastline reads as coast without a basemap.
    sea = Point(50.9, 39.6)
    if any(g.contains(sea) for g in by_id.values()):
        raise ValueError("Caspian label point falls on land")
    out.append(label("sea-caspian", "Caspian Sea", "sea", sea.x, sea.y))

    for cid, text, lat, lon, expected, rank in CITIES:
        pt = Point(lon, lat)
        inside = [fid for fid, g in by_id.items() if g.contains(pt)]
        if not inside:
            # Coastal cities can fall a few hundred metres offshore of the
            # generalised coastline; accept the expected country within ~2 km.
            inside = [fid for fid, g in by_id.items() if g.distance(pt) < 0.02]
        if inside != [expected]:
            raise ValueError(f"{text} falls in {inside}, expected {expected}")
        out.append(label(cid, text, "city", lon, lat, rank=rank, source=CITY_SOURCE))
    return out


def write_outputs(docs: dict[str, Any], out_dir: Path) -> None:
    """Write the four JSON files (compact GeoJSON, readable figures)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in ("countries", "borders", "labels"):
        text = json.dumps(docs[name], separators=(",", ":"), ensure_ascii=False)
        (out_dir / f"{name}.geojson").write_text(text + "\n")
    (out_dir / "figures.json").write_text(json.dumps(docs["figures"], indent=2, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> None:
    """CLI entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("topojson", nargs="?", type=Path, help=f"local {TOPO_FILE} (default: npm pack)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "data" / "geo")
    args = parser.parse_args(argv)
    docs = build(fetch_topology(args.topojson))
    write_outputs(docs, args.out)
    for f in docs["figures"]["figures"]:
        src = f" (source: {f['source_figure']})" if f["source_figure"] is not None else ""
        print(f"{f['id']:28s} {f['computed']:>10} {f['unit']}{src}")
    for p in sorted(args.out.iterdir()):
        print(f"{p.name:20s} {p.stat().st_size / 1024:7.1f} KB")


if __name__ == "__main__":
    main()
