"""Where records are: which places are drawn, how precisely they are known, crossings and the borders they lie on."""

from __future__ import annotations

import functools
import math

from incidents.geometry import GeoData, distance_to_border_km
from incidents.models import Place
from incidents.vocabulary import crossing_state

# Where a drone came down: the ends of a claimed-origin arc and the sites of the distance readouts.
IMPACT_TYPES = ("impact", "crash", "damage")
# A place on a border within its precision plus this margin (km) lies on that border.
BORDER_REACH_KM = 5


def is_located(place: Place | None) -> bool:
    """A place drawn on the map: country-level places have no meaningful point or circle."""
    return place is not None and place.geo_precision != "country"


def precision_suffix(geo_precision: str, precision_m: int) -> str:
    """' · near, within 3,000 m': the part of place_precision_text that places alike share."""
    return f" · {geo_precision}, within {precision_m:,} m"


def place_precision_text(place: Place) -> str:
    """'Nakhchivan International Airport · near, within 3,000 m'."""
    return place.names.en + precision_suffix(place.geo_precision, place.precision_m)


def crossing_status(place: Place) -> str:
    """'open', 'closed' (fully or to some traffic) or 'unknown', from the crossing's recorded status."""
    return crossing_state(place.status)


def padded_corners(place: Place) -> list[tuple[float, float]]:
    """The corners of a place's precision circle's bounding box, as (lat, lon)."""
    dlat = place.precision_m / 111_320
    dlon = dlat / max(0.1, math.cos(math.radians(place.lat)))
    return [(place.lat - dlat, place.lon - dlon), (place.lat + dlat, place.lon + dlon)]


def borders_near(geo: GeoData, place: Place) -> tuple[str, ...]:
    """Ids of the shipped borders the place lies on (within its precision plus BORDER_REACH_KM), in file order.

    Computed once per geodata and point: the deck, the legend and the unlocated list all ask for it.
    """
    return _borders_near(geo, place.lat, place.lon, place.precision_m)


@functools.lru_cache(maxsize=4096)
def _borders_near(geo: GeoData, lat: float, lon: float, precision_m: int) -> tuple[str, ...]:
    reach = precision_m / 1000 + BORDER_REACH_KM
    return tuple(fid for fid in geo.border_ids() if distance_to_border_km(geo, lat, lon, (fid,)) <= reach)
