"""A crossing's status over time: which change is in force when, and what the map's crossing markers say."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from components.map.icons import ICON_ID
from components.map.rows import crossing_rows
from incidents.load.pipeline import load_dataset
from incidents.model.records import Place
from incidents.views.filtering import FilterValue, apply_filter
from incidents.views.locations import status_at, status_history_text

ROOT = Path(__file__).resolve().parents[1]
BASE = {
    "id": "x-crossing", "names": {"en": "X crossing"}, "kind": "border-crossing", "lat": 39.0, "lon": 45.0,
    "precision_m": 1000, "geo_precision": "near", "country": "AZE", "sources": ["s"],
}
HISTORY = [
    {"status": "closed to trucks", "when": {"start": "2026-03-05", "precision": "day"}, "sources": ["s"]},
    {"status": "restricted", "when": {"start": "2026-03-06", "precision": "day"}, "sources": ["s"]},
    {"status": "open", "when": {"start": "2026-03-09T10:00:00+04:00", "precision": "minute"}, "sources": ["t"]},
]


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("as_of", "status"),
    [
        (None, "open"),  # the latest recorded
        (utc("2026-03-04T12:00"), None),  # before the first change: not recorded, never guessed
        (utc("2026-03-05T00:00"), "closed to trucks"),
        (utc("2026-03-07T23:59"), "restricted"),
        (utc("2026-03-09T05:59"), "restricted"),  # 10:00 at UTC+4 is 06:00 UTC
        (utc("2026-03-09T06:00"), "open"),
    ],
)
def test_status_at(as_of: dt.datetime | None, status: str | None) -> None:
    place = Place.model_validate({**BASE, "status_changes": HISTORY})
    found, change = status_at(place, as_of)
    assert found == status
    assert (change is None) == (status is None)


def test_without_a_history_the_single_status_holds() -> None:
    place = Place.model_validate({**BASE, "status": "closed"})
    assert status_at(place, utc("2020-01-01T00:00")) == ("closed", None)
    assert status_history_text(place) == ""


def test_history_text_is_in_time_order_with_offsets() -> None:
    place = Place.model_validate({**BASE, "status_changes": list(reversed(HISTORY))})
    assert status_history_text(place) == (
        "closed to trucks from 5 Mar 2026 → restricted from 6 Mar 2026 → open from 9 Mar 2026 10:00 (+04:00)"
    )


def test_map_markers_follow_the_view() -> None:
    dataset = load_dataset(ROOT / "tests/fixtures/map")
    crossing = next(p for p in dataset.places.values() if p.kind == "border-crossing")
    source = crossing.sources[0]
    history = [{**change, "sources": [source]} for change in HISTORY]
    dataset.places[crossing.id] = crossing.model_copy(update={"status_changes": Place.model_validate(
        {**BASE, "status_changes": history}).status_changes})

    def marker(value: FilterValue | None) -> dict[str, object]:
        view = apply_filter(dataset, value) if value is not None else None
        return {r["place_id"]: r for r in crossing_rows(dataset, view)}[crossing.id]

    # The fixture's records run 5-7 March: the unfiltered view ends before the 9 March reopening.
    assert marker(FilterValue(date_to=dt.date(2026, 3, 5)))["l2"].startswith("Status: closed to trucks (history: ")
    assert str(marker(FilterValue())["l2"]).startswith("Status: restricted")
    assert marker(FilterValue())["icon"] == ICON_ID["crossing-closed"]
    latest = marker(None)
    assert latest["icon"] == ICON_ID["crossing-open"] and str(latest["l2"]).startswith("Status: open")
    assert "history: closed to trucks from 5 Mar 2026 → restricted from 6 Mar 2026" in str(latest["l2"])
