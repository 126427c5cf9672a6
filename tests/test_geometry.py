"""Tests for incidents/views/geometry.py and the shipped data/geo files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from incidents.views import geometry as g
from scripts.geodata import derived, topology

ROOT = Path(__file__).resolve().parent.parent
GEO_DIR = ROOT / "data" / "geo"

NAKHCHIVAN_CITY = (39.21, 45.41)
NAKHCHIVAN_AIRPORT = (39.19, 45.46)
BAKU = (40.41, 49.87)
TABRIZ = (38.08, 46.29)


@pytest.fixture(scope="module")
def geo() -> g.GeoData:
    return g.load_geo(GEO_DIR)


# --- containment -------------------------------------------------------------


def test_nakhchivan_city_is_in_the_exclave_not_the_mainland(geo: g.GeoData) -> None:
    lat, lon = NAKHCHIVAN_CITY
    assert g.point_in_polygon(lat, lon, geo.country("AZE-nakhchivan")["geometry"])
    assert not g.point_in_polygon(lat, lon, geo.country("AZE-mainland")["geometry"])
    assert g.feature_containing(geo, lat, lon) == "AZE-nakhchivan"


def test_cities_fall_in_their_countries(geo: g.GeoData) -> None:
    assert g.feature_containing(geo, *BAKU) == "AZE-mainland"
    assert g.feature_containing(geo, *TABRIZ) == "IRN"
    assert g.feature_containing(geo, 40.18, 44.50) == "ARM"  # Yerevan
    assert g.feature_containing(geo, 39.5, 51.0) is None  # Caspian Sea


def test_point_in_polygon_respects_holes() -> None:
    square = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]
    hole = [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]
    poly = {"type": "Polygon", "coordinates": [square, hole]}
    assert g.point_in_polygon(2, 2, poly)
    assert not g.point_in_polygon(5, 5, poly)  # in the hole
    assert not g.point_in_polygon(5, 11, poly)  # lat 5, lon 11: outside
    multi = {"type": "MultiPolygon", "coordinates": [[square, hole], [hole]]}
    assert g.point_in_polygon(5, 5, multi)  # the second part fills the hole


def test_enclaves_are_flagged_and_inside_armenia_holes(geo: g.GeoData) -> None:
    enclaves = [f for f in geo.countries["features"] if f["properties"]["part"] == "enclave"]
    assert enclaves, "Natural Earth has Azerbaijani enclaves inside Armenia"
    for feat in enclaves:
        assert feat["properties"]["iso_a3"] == "AZE"
        ring = feat["geometry"]["coordinates"][0]
        lon = sum(p[0] for p in ring) / len(ring)
        lat = sum(p[1] for p in ring) / len(ring)
        assert g.feature_containing(geo, lat, lon) == feat["id"]


# --- borders and figures --------------------------------------------------------


@pytest.mark.parametrize(
    ("border_id", "figure_id"),
    [
        ("AZE-IRN-nakhchivan", "aze_irn_border_nakhchivan"),
        ("AZE-IRN-mainland", "aze_irn_border_mainland"),
        ("AZE-ARM-nakhchivan", "nakhchivan_armenia_border"),
        ("AZE-TUR-nakhchivan", "nakhchivan_turkey_border"),
    ],
)
def test_border_lengths_agree_with_the_figures(geo: g.GeoData, border_id: str, figure_id: str) -> None:
    fig = geo.figure(figure_id)
    assert geo.border(border_id)["properties"]["length_km"] == fig["computed"]
    assert fig["unit"] == "km"


def test_figures_are_consistent(geo: g.GeoData) -> None:
    total = geo.figure("aze_irn_border_total")
    parts = geo.figure("aze_irn_border_nakhchivan")["computed"] + geo.figure("aze_irn_border_mainland")["computed"]
    assert total["computed"] == pytest.approx(parts, abs=0.2)
    # The computed generalised border falls short of the source's surveyed figure (see the scale note).
    assert total["computed"] < total["source_figure"]
    share = geo.figure("nakhchivan_share")["computed"]
    areas = geo.figure("nakhchivan_area")["computed"] / geo.figure("aze_total_area")["computed"]
    assert share == pytest.approx(100 * areas, abs=0.01)
    # The gap's stored end points are its computed width apart (haversine vs geodesic: well under 1 %).
    (lon1, lat1), (lon2, lat2) = geo.figure("nakhchivan_gap")["points"]
    assert g.haversine_km(lat1, lon1, lat2, lon2) == pytest.approx(geo.figure("nakhchivan_gap")["computed"], rel=0.01)
    for fig in geo.figures:
        assert fig["scale_note"]
        assert set(fig) >= {"id", "label", "computed", "unit", "method", "source_figure", "source_text"}


def test_nakhchivan_airport_is_near_the_iranian_border(geo: g.GeoData) -> None:
    d = g.distance_to_border_km(geo, *NAKHCHIVAN_AIRPORT)
    assert 5 <= d <= 15
    # Only the Nakhchivan section matters there; the mainland section is far.
    assert g.distance_to_border_km(geo, *NAKHCHIVAN_AIRPORT, border_ids=("AZE-IRN-nakhchivan",)) == d
    assert g.distance_to_border_km(geo, *NAKHCHIVAN_AIRPORT, border_ids=("AZE-IRN-mainland",)) > 50


def test_distance_to_border_rejects_unknown_id(geo: g.GeoData) -> None:
    with pytest.raises(KeyError):
        g.distance_to_border_km(geo, 39.0, 45.0, border_ids=("nope",))


# --- distances ------------------------------------------------------------------


def test_haversine_known_distance() -> None:
    # One degree of latitude along a meridian: 2*pi*R/360.
    assert g.haversine_km(0, 0, 1, 0) == pytest.approx(111.195, abs=0.01)
    # Baku–Tehran great-circle distance is ~535 km.
    assert g.haversine_km(40.4093, 49.8671, 35.6892, 51.3890) == pytest.approx(539, abs=8)
    assert g.haversine_km(*BAKU, *BAKU) == 0


def test_distance_to_line_segment_interior_and_ends() -> None:
    line = [[45.0, 39.0], [46.0, 39.0]]  # along the 39th parallel
    # 0.1 deg north of the middle: ~11.1 km (perpendicular foot inside the segment).
    assert g.distance_to_line_km(39.1, 45.5, line) == pytest.approx(11.12, abs=0.05)
    # Beyond the east end: distance to the end vertex.
    assert g.distance_to_line_km(39.0, 46.1, line) == pytest.approx(g.haversine_km(39, 46.1, 39, 46), rel=1e-6)
    multi = [line, [[45.5, 39.05], [45.6, 39.05]]]
    assert g.distance_to_line_km(39.1, 45.5, multi) == pytest.approx(5.56, abs=0.05)


def test_nearest_point_on_line_interior_end_and_nearer_part() -> None:
    line = [[45.0, 39.0], [46.0, 39.0]]  # along the 39th parallel
    # Perpendicular foot inside the segment: straight south, on the line.
    lat, lon, km = g.nearest_point_on_line(39.1, 45.5, line)
    assert (lat, lon) == pytest.approx((39.0, 45.5), abs=1e-9)
    assert km == pytest.approx(g.haversine_km(39.1, 45.5, 39.0, 45.5), rel=1e-9)
    # Beyond the east end: the end vertex itself.
    assert g.nearest_point_on_line(39.0, 46.1, line) == pytest.approx((39.0, 46.0, g.haversine_km(39, 46.1, 39, 46)))
    # A MultiLineString: the nearer part wins, and the distance agrees with distance_to_line_km.
    multi = [line, [[45.5, 39.05], [45.6, 39.05]]]
    lat, lon, km = g.nearest_point_on_line(39.1, 45.55, multi)
    assert (lat, lon) == pytest.approx((39.05, 45.55), abs=1e-9)
    assert km == g.distance_to_line_km(39.1, 45.55, multi) == pytest.approx(5.56, abs=0.05)
    # A one-point line is that point; nothing at all is an error.
    assert g.nearest_point_on_line(39.0, 45.0, [[45.2, 39.1]])[:2] == pytest.approx((39.1, 45.2))
    with pytest.raises(ValueError):
        g.nearest_point_on_line(39.0, 45.0, [])


def test_nearest_point_on_a_shipped_border_lies_on_it(geo: g.GeoData) -> None:
    coords = geo.border("AZE-IRN-nakhchivan")["geometry"]["coordinates"]
    lat, lon, km = g.nearest_point_on_line(*NAKHCHIVAN_AIRPORT, coords)
    assert km == g.distance_to_border_km(geo, *NAKHCHIVAN_AIRPORT, border_ids=("AZE-IRN-nakhchivan",))
    assert g.distance_to_border_km(geo, lat, lon, border_ids=("AZE-IRN-nakhchivan",)) < 0.01
    assert g.feature_containing(geo, lat + (lat - NAKHCHIVAN_AIRPORT[0]), lon + (lon - NAKHCHIVAN_AIRPORT[1])) == "IRN"


# --- map view -------------------------------------------------------------------


def test_view_for_nakhchivan_bbox(geo: g.GeoData) -> None:
    ring = geo.country("AZE-nakhchivan")["geometry"]["coordinates"][0]
    bbox = g.bbox_of_points((lat, lon) for lon, lat in ring)
    min_lon, min_lat, max_lon, max_lat = bbox
    view = g.view_for_bbox(bbox)
    assert 6.5 <= view["zoom"] <= 9.5
    assert min_lat < view["latitude"] < max_lat
    assert min_lon < view["longitude"] < max_lon


def test_view_for_single_point_and_clamping() -> None:
    view = g.view_for_bbox(g.bbox_of_points([NAKHCHIVAN_AIRPORT]))
    assert view["zoom"] == 11
    assert (view["latitude"], view["longitude"]) == pytest.approx(NAKHCHIVAN_AIRPORT)
    assert g.view_for_bbox((-170, -60, 170, 70))["zoom"] == 3
    assert g.view_for_bbox((45.0, 39.0, 45.0001, 39.0001))["zoom"] == 14
    with pytest.raises(ValueError):
        g.bbox_of_points([])


def test_wider_bbox_gives_lower_zoom() -> None:
    small = g.view_for_bbox((45.0, 39.0, 46.0, 40.0))["zoom"]
    large = g.view_for_bbox((40.0, 36.0, 50.0, 43.0))["zoom"]
    assert large < small


# --- build script -----------------------------------------------------------------


def test_build_script_decodes_quantised_topojson() -> None:
    build = topology
    topo = {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.25], "translate": [10, 20]},
        "arcs": [
            [[0, 0], [2, 0], [0, 4]],  # quantised (0,0) (2,0) (2,4)
            [[2, 4], [-2, 0], [0, -4]],  # quantised (2,4) (0,4) (0,0)
            [[0, 0], [0, 4], [2, 0]],  # quantised (0,0) (0,4) (2,4)
        ],
        "objects": {},
    }
    arcs = build.decode_arcs(topo)
    assert arcs[0] == [(10.0, 20.0), (11.0, 20.0), (11.0, 21.0)]
    assert arcs[1] == [(11.0, 21.0), (10.0, 21.0), (10.0, 20.0)]
    # Ring from a forward arc plus a reversed one (~2 == -3): same square, closed,
    # with the junction point not duplicated.
    expected = [(10.0, 20.0), (11.0, 20.0), (11.0, 21.0), (10.0, 21.0), (10.0, 20.0)]
    assert build.ring_from_arcs([0, 1], arcs) == expected
    assert build.ring_from_arcs([0, ~2], arcs) == expected
    assert build.arc_ref(~2) == (2, True)
    assert build.arc_ref(1) == (1, False)


def test_build_script_decodes_unquantised_topojson() -> None:
    build = topology
    topo = {"type": "Topology", "arcs": [[[1.5, 2.5], [3.0, 4.0]]], "objects": {}}
    assert build.decode_arcs(topo) == [[(1.5, 2.5), (3.0, 4.0)]]


def test_shipped_files_are_modest_and_valid_json() -> None:
    for name in ("countries.geojson", "borders.geojson", "labels.geojson", "figures.json", "derived.json"):
        path = GEO_DIR / name
        assert path.stat().st_size < 300_000, name
        json.loads(path.read_text(encoding="utf-8"))


# --- derived.json -------------------------------------------------------------------


def test_derived_json_is_what_the_offline_step_computes(geo: g.GeoData) -> None:
    """derived.json is generated from the shipped files (no network): recomputing it gives the same values."""
    assert derived.derive(derived.read_shipped(GEO_DIR)) == geo.derived


def test_derived_frame_holds_the_exclave_and_the_border(geo: g.GeoData) -> None:
    min_lon, min_lat, max_lon, max_lat = geo.derived["frame_bbox"]
    points = [p for fid in g.DEFAULT_BORDER_IDS for p in geo.border(fid)["geometry"]["coordinates"]]
    points += geo.country("AZE-nakhchivan")["geometry"]["coordinates"][0]
    assert all(min_lon <= lon <= max_lon and min_lat <= lat <= max_lat for lon, lat in points)
    # Tight: every side touches a point.
    assert min_lon == min(p[0] for p in points) and max_lat == max(p[1] for p in points)


def test_derived_gap_drawing_starts_with_the_measured_segment(geo: g.GeoData) -> None:
    gap = geo.derived["gap"]
    points = geo.figure("nakhchivan_gap")["points"]
    assert gap["paths"][0] == points
    middle = [(points[0][i] + points[1][i]) / 2 for i in (0, 1)]
    assert gap["label_position"] == pytest.approx(middle, abs=1e-4)
    # Each tick is centred on its end of the segment.
    for tick, end in zip(gap["paths"][1:], points, strict=True):
        assert [(tick[0][i] + tick[1][i]) / 2 for i in (0, 1)] == pytest.approx(end, abs=2e-4)


@pytest.mark.parametrize("border_id", ["AZE-IRN-nakhchivan", "AZE-IRN-mainland", "AZE-ARM-nakhchivan"])
def test_derived_border_paths_are_the_shipped_lines(geo: g.GeoData, border_id: str) -> None:
    geometry = geo.border(border_id)["geometry"]
    lines = [geometry["coordinates"]] if geometry["type"] == "LineString" else geometry["coordinates"]
    assert geo.derived["border_paths"][border_id] == lines


@pytest.mark.parametrize(
    ("value", "decimals", "rounded"),
    [(45.78886, 4, 45.7889), (45.78884, 4, 45.7888), (-45.78886, 4, -45.7889), (2.5, 0, 3.0), (-2.5, 0, -2.0)],
)
def test_derived_rounding_is_half_up(value: float, decimals: int, rounded: float) -> None:
    assert derived.round_half_up(value, decimals) == rounded
