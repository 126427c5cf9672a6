"""Where records are: which places are drawn, how precisely they are known, crossings and the borders they lie on."""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Iterable

from incidents.model.records import Event, Place, Statement, StatusChange
from incidents.model.vocabulary import crossing_state
from incidents.model.when import time_window
from incidents.views.geometry import GeoData, distance_to_border_km

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


def crossing_status(place: Place, as_of: dt.datetime | None = None) -> str:
    """'open', 'closed' (fully or to some traffic) or 'unknown', from the crossing's status at `as_of`."""
    status, _ = status_at(place, as_of)
    return crossing_state(status)


def change_start(change: StatusChange) -> dt.datetime:
    """The earliest moment (naive UTC) a status change can have taken effect."""
    window = time_window(change.when)
    return window.start if window.start is not None else window.end


def status_at(place: Place, as_of: dt.datetime | None = None) -> tuple[str | None, StatusChange | None]:
    """A crossing's status at `as_of` (naive UTC; the latest recorded when None), with the change that set it.

    Without `status_changes` it is the single recorded `status`. Before its first recorded change a crossing's status
    is not recorded (None): no source says what it was, so the map does not guess "open".
    """
    if not place.status_changes:
        return place.status, None
    in_force = [c for c in place.status_changes if as_of is None or change_start(c) <= as_of]
    if not in_force:
        return None, None
    change = max(in_force, key=change_start)
    return change.status, change


def status_history_text(place: Place) -> str:
    """'closed to trucks from 5 Mar 2026 → restricted from 6 Mar 2026 → open from 9 Mar 2026 10:00 (+04:00)'."""
    return " → ".join(
        f"{change.status} from {change.when.as_reported or _when_text(change)}"
        for change in sorted(place.status_changes, key=change_start)
    )


def _when_text(change: StatusChange) -> str:
    start = change.when.start
    if isinstance(start, dt.datetime):
        offset = start.strftime("%z")
        return f"{start:%-d %b %Y %H:%M}" + (f" ({offset[:3]}:{offset[3:]})" if offset else "")
    return f"{start:%-d %b %Y}" if start is not None else "an unknown date"


def latest_moment(records: Iterable[Event | Statement]) -> dt.datetime | None:
    """The last moment (naive UTC) the given records can fall in: what 'now' is for a filtered view."""
    ends = [time_window(record.when).end for record in records]
    return last_moment_before(max(ends)) if ends else None


def last_moment_before(end: dt.datetime) -> dt.datetime:
    """A window's end is exclusive (a day runs to the next midnight): the last moment inside it is just before."""
    return end - dt.timedelta(seconds=1)


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
