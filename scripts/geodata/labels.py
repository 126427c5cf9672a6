"""Label points: countries, Nakhchivan, the Aras, the Caspian and cities, each checked against the shapes."""

from __future__ import annotations

from typing import Any

from shapely.geometry import Point, shape
from shapely.ops import polylabel

from scripts.geodata.shapes import DECIMALS, feature, polygons_of

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

