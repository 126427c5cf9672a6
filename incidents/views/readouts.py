"""Figures read off the geometry: distances from impact sites, and the computed figures beside the sources'."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from incidents.model.dataset import Dataset
from incidents.model.records import Event
from incidents.views.geometry import GeoData, distance_to_border_km, haversine_km
from incidents.views.locations import is_located

DISTANCE_COLUMNS = [
    "Record", "Site", "Site known within (km)", "To Iranian border (km)", "Border range (km)",
    "To Nakhchivan city (km)", "City range (km)",
]


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
        if place is None or not is_located(place):
            continue
        r_km = place.precision_m / 1000
        to_border = distance_to_border_km(geo, place.lat, place.lon)
        to_city = haversine_km(place.lat, place.lon, city_lat, city_lon)
        rows.append(
            {
                "Record": event.id,
                "Site": place.names.en,
                "Site known within (km)": round(r_km, 1),
                "To Iranian border (km)": round(to_border, 1),
                "Border range (km)": f"{max(0.0, to_border - r_km):.1f}–{to_border + r_km:.1f}",
                "To Nakhchivan city (km)": round(to_city, 1),
                "City range (km)": f"{max(0.0, to_city - r_km):.1f}–{to_city + r_km:.1f}",
            }
        )
    return pd.DataFrame(rows, columns=DISTANCE_COLUMNS)


def source_phrase(fig: Mapping[str, Any]) -> str:
    """The source's own wording of its figure ("about 40 km"), from source_text; else the bare figure."""
    number, unit = f"{fig['source_figure']:g}", fig["unit"]
    found = re.search(rf"(?:\b[A-Za-z]+ )?{re.escape(number)}[ -]?{re.escape(unit)}\b", fig.get("source_text") or "")
    return found.group(0) if found else f"{number} {unit}"


def data_scale(geo: GeoData) -> str | None:
    """The boundary data's scale ("1:10m"), read from figures.json's provenance."""
    found = re.search(r"1:\d+m", str(geo.meta.get("generated_from", {}).get("data", "")))
    return found.group(0) if found else None


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
