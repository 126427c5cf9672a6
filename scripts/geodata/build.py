"""From the decoded topology to the shipped documents: country parts, shared borders, figures and labels.

Lengths and areas are computed on the WGS84 ellipsoid from the *unsimplified* geometry; only the shipped drawing
geometry is simplified, clipped and rounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shapely.geometry import MultiLineString, Point, Polygon, box
from shapely.ops import linemerge

from scripts.geodata.derived import derive
from scripts.geodata.labels import build_labels
from scripts.geodata.shapes import (
    BBOX,
    COUNTRIES,
    DECIMALS,
    GEOD,
    NAKHCHIVAN_PROBE,
    TOLERANCE_DEG,
    arcs_length_km,
    feature,
    figure,
    geodesic_area_km2,
    line_geojson,
    min_gap_km,
    multipolygon_geojson,
    polygons_of,
    round_coords,
    shared_endpoint,
    simplify_arcs,
)
from scripts.geodata.topology import (
    PACKAGE,
    TOPO_FILE,
    VERSION,
    build_polygon,
    decode_arcs,
    part_arc_ids,
    polygon_parts,
)

Arcs = list[list[tuple[float, float]]]


@dataclass
class _Topo:
    """The decoded topology: full and simplified arcs, each country's polygon parts (arc refs and shapes)."""

    arcs: Arcs
    simple_arcs: Arcs
    parts: dict[str, list[list[list[int]]]]
    full: dict[str, list[Polygon]]

    def country_arcs(self, cid: str) -> set[int]:
        return {a for p in self.parts[cid] for a in part_arc_ids(p)}


@dataclass
class _Azerbaijan:
    """Azerbaijan's polygons told apart: indices of the exclave, the mainland, enclaves and islands; their areas."""

    nakh_i: int
    main_i: int
    areas: list[float]
    enclaves: list[int]
    islands: list[int]


def _decode(topology: dict[str, Any]) -> _Topo:
    arcs = decode_arcs(topology)
    geoms = {g["id"]: g for g in topology["objects"]["countries"]["geometries"] if g.get("id") in COUNTRIES}
    missing = set(COUNTRIES) - set(geoms)
    if missing:
        raise ValueError(f"countries missing from topology: {sorted(missing)}")
    used = {a for g in geoms.values() for part in polygon_parts(g) for a in part_arc_ids(part)}
    return _Topo(
        arcs=arcs,
        simple_arcs=simplify_arcs(arcs, used, TOLERANCE_DEG),
        # Full-resolution polygons per country part, for areas and classification.
        full={cid: [build_polygon(p, arcs) for p in polygon_parts(g)] for cid, g in geoms.items()},
        parts={cid: polygon_parts(g) for cid, g in geoms.items()},
    )


def _azerbaijan(topo: _Topo) -> _Azerbaijan:
    aze_full = topo.full["031"]
    probe = Point(NAKHCHIVAN_PROBE)
    nakh_i = next(i for i, p in enumerate(aze_full) if p.contains(probe))
    areas = [geodesic_area_km2(p) for p in aze_full]
    main_i = max((i for i in range(len(aze_full)) if i != nakh_i), key=lambda i: areas[i])
    # A small part is an enclave if it sits inside a foreign country's outer
    # ring; otherwise it is an island (Natural Earth has Caspian islands too).
    foreign_hulls = [Polygon(p.exterior) for cid, polys in topo.full.items() if cid != "031" for p in polys]
    enclaves: list[int] = []
    islands: list[int] = []
    for i in sorted(range(len(aze_full)), key=lambda i: -areas[i]):
        if i in (nakh_i, main_i):
            continue
        inside_foreign = any(h.contains(aze_full[i]) for h in foreign_hulls)
        (enclaves if inside_foreign else islands).append(i)
    return _Azerbaijan(nakh_i, main_i, areas, enclaves, islands)


def _country_features(topo: _Topo, aze: _Azerbaijan) -> list[dict[str, Any]]:
    clip = box(*BBOX)

    def clipped(cid: str, idxs: list[int]) -> list[Polygon]:
        out: list[Polygon] = []
        for i in idxs:
            poly = build_polygon(topo.parts[cid][i], topo.simple_arcs)
            if not poly.is_valid:
                poly = poly.buffer(0)
            out.extend(polygons_of(poly.intersection(clip)))
        return out

    features = [
        feature(
            "AZE-mainland",
            {"name": "Azerbaijan", "iso_a3": "AZE", "part": "mainland"},
            # Caspian islands belong with the mainland: they are not exclaves.
            multipolygon_geojson(clipped("031", [aze.main_i, *aze.islands])),
        ),
        feature(
            "AZE-nakhchivan",
            {"name": "Nakhchivan (Azerbaijan)", "iso_a3": "AZE", "part": "exclave"},
            multipolygon_geojson(clipped("031", [aze.nakh_i])),
        ),
    ]
    for n, i in enumerate(aze.enclaves, start=1):
        features.append(
            feature(
                f"AZE-enclave-{n}",
                {"name": "Azerbaijan (enclave)", "iso_a3": "AZE", "part": "enclave"},
                multipolygon_geojson(clipped("031", [i])),
            )
        )
    for cid in ("364", "051", "792", "268", "643"):
        iso, name = COUNTRIES[cid]
        polys = clipped(cid, list(range(len(topo.parts[cid]))))
        features.append(feature(iso, {"name": name, "iso_a3": iso, "part": None}, multipolygon_geojson(polys)))
    return features


def _border_features(topo: _Topo, aze: _Azerbaijan) -> tuple[list[dict[str, Any]], dict[str, float]]:
    """Shared borders (arcs used by both sides) as features, and their lengths in km (plus the AZE-IRN total)."""
    nakh_arcs = part_arc_ids(topo.parts["031"][aze.nakh_i])
    main_arcs = part_arc_ids(topo.parts["031"][aze.main_i])
    pairs = [
        ("AZE-IRN-nakhchivan", "Azerbaijan (Nakhchivan) – Iran", nakh_arcs & topo.country_arcs("364")),
        ("AZE-IRN-mainland", "Azerbaijan (mainland) – Iran", main_arcs & topo.country_arcs("364")),
        ("AZE-ARM-nakhchivan", "Azerbaijan (Nakhchivan) – Armenia", nakh_arcs & topo.country_arcs("051")),
        ("AZE-TUR-nakhchivan", "Azerbaijan (Nakhchivan) – Turkey", nakh_arcs & topo.country_arcs("792")),
    ]
    clip = box(*BBOX)
    lengths: dict[str, float] = {}
    features = []
    for bid, name, ids in pairs:
        if not ids:
            raise ValueError(f"no shared arcs for {bid}")
        lengths[bid] = arcs_length_km(ids, topo.arcs)
        merged = linemerge(MultiLineString([topo.simple_arcs[i] for i in sorted(ids)]))
        features.append(
            feature(bid, {"name": name, "length_km": round(lengths[bid], 1)}, line_geojson(merged.intersection(clip)))
        )
    lengths["AZE-IRN"] = arcs_length_km(topo.country_arcs("031") & topo.country_arcs("364"), topo.arcs)
    return features, lengths


def _gap_figures(topo: _Topo, aze: _Azerbaijan) -> tuple[dict[str, Any], dict[str, Any]]:
    """The narrowest gap across Armenia, and the Armenian strip along the Aras (tripoint to tripoint)."""
    gap, gap_a, gap_b = min_gap_km(topo.full["031"][aze.nakh_i], topo.full["031"][aze.main_i])
    arm_irn = topo.country_arcs("051") & topo.country_arcs("364")
    nakh_irn = part_arc_ids(topo.parts["031"][aze.nakh_i]) & topo.country_arcs("364")
    main_irn = part_arc_ids(topo.parts["031"][aze.main_i]) & topo.country_arcs("364")
    tri_nakh = shared_endpoint(nakh_irn, arm_irn, topo.arcs)
    tri_main = shared_endpoint(main_irn, arm_irn, topo.arcs)
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
    strip = figure(
        "armenia_strip_along_aras",
        "Width of Armenia along the Iranian border (tripoint to tripoint)",
        round(strip_m / 1000, 1),
        "km",
        "Geodesic straight-line distance between the Azerbaijan–Armenia–Iran "
        f"tripoints ({tri_nakh[1]:.3f} N, {tri_nakh[0]:.3f} E) and "
        f"({tri_main[1]:.3f} N, {tri_main[0]:.3f} E).",
    )
    return gap_figure, strip


def _figures(lengths: dict[str, float], aze: _Azerbaijan, gap: dict[str, Any], strip: dict[str, Any]) -> list[Any]:
    aze_total = sum(aze.areas)
    nakh_area = aze.areas[aze.nakh_i]
    return [
        figure(
            "aze_irn_border_total",
            "Azerbaijan–Iran border, total",
            round(lengths["AZE-IRN"], 1),
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
        gap,
        strip,
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
            round(aze.areas[aze.main_i]),
            "km²",
            "Ellipsoidal (WGS84) area of the largest unsimplified Azerbaijan polygon.",
        ),
        figure(
            "aze_total_area",
            "Azerbaijan total area (all Natural Earth parts)",
            round(aze_total),
            "km²",
            f"Ellipsoidal (WGS84) area summed over all {len(aze.areas)} Azerbaijan polygons "
            f"(mainland, Nakhchivan, {len(aze.enclaves)} enclaves, {len(aze.islands)} islands).",
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


def build(topology: dict[str, Any]) -> dict[str, Any]:
    """Compute all output documents (countries, borders, labels, figures, derived) from a topology."""
    topo = _decode(topology)
    aze = _azerbaijan(topo)
    country_features = _country_features(topo, aze)
    border_features, lengths = _border_features(topo, aze)
    gap, strip = _gap_figures(topo, aze)
    docs = {
        "countries": {"type": "FeatureCollection", "features": country_features},
        "borders": {"type": "FeatureCollection", "features": border_features},
        "labels": {"type": "FeatureCollection", "features": build_labels(country_features, border_features)},
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
            "bbox": {"min_lon": BBOX[0], "min_lat": BBOX[1], "max_lon": BBOX[2], "max_lat": BBOX[3]},
            "figures": _figures(lengths, aze, gap, strip),
        },
    }
    docs["derived"] = derive(docs)
    return docs
