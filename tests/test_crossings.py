"""A crossing's status over time: which change is in force when, and what the map's crossing markers say."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from components.map.icons import ICON_ID
from components.map.rows import crossing_rows
from incidents.filtering import FilterValue, apply_filter
from incidents.loading import load_dataset
from incidents.locations import status_at, status_history_text
from incidents.models import Place

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


def test_map_markers_follow_the_view(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    places = data / "places.yaml"
    history = (
        "    status_changes:\n"
        "      - status: closed to trucks\n        when: {start: 2026-03-05, precision: day}\n"
        "        sources: [article-2026-03-06]\n"
        "      - status: open\n        when: {start: 2026-03-09, precision: day}\n"
        "        sources: [article-2026-03-06]\n"
    )
    anchor = "  - id: julfa-crossing\n"
    places.write_text(places.read_text(encoding="utf-8").replace(anchor, anchor + history, 1), "utf-8")
    dataset = load_dataset(data)
    assert not dataset.errors, dataset.errors
    early = {r["place_id"]: r for r in crossing_rows(dataset, apply_filter(dataset, FilterValue()))}["julfa-crossing"]
    assert early["icon"] == ICON_ID["crossing-closed"]  # the shipped records end by 6 March
    assert "history: closed to trucks from 5 Mar 2026 → open from 9 Mar 2026" in early["l2"]
    latest = {r["place_id"]: r for r in crossing_rows(dataset)}["julfa-crossing"]
    assert latest["icon"] == ICON_ID["crossing-open"] and latest["l2"].startswith("Status: open")
