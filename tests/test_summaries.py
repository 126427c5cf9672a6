"""The text alternatives of the timeline chart and the map: counts, date spans and what is left out."""

from __future__ import annotations

import datetime as dt

import pytest

from components.map.legend import LegendEntry
from components.summaries import map_summary, plural, span_text, timeline_summary
from incidents.load.pipeline import load_dataset
from incidents.views.filtering import FilterValue, View, apply_filter, date_span
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def view() -> View:
    dataset = load_dataset(ROOT / "data")
    return apply_filter(dataset, FilterValue())


@pytest.mark.parametrize(
    ("count", "expected"), [(0, "0 events"), (1, "1 event"), (2, "2 events")]
)
def test_plural(count: int, expected: str) -> None:
    assert plural(count, "event") == expected


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        (None, ""),
        ((dt.date(2026, 3, 5), dt.date(2026, 3, 5)), "on 2026-03-05"),
        ((dt.date(2026, 3, 4), dt.date(2026, 3, 20)), "from 2026-03-04 to 2026-03-20"),
    ],
)
def test_span_text(span: tuple[dt.date, dt.date] | None, expected: str) -> None:
    assert span_text(span) == expected


def test_date_span_covers_every_window(view: View) -> None:
    records = [*view.events, *view.statements]
    first, last = date_span(records) or (None, None)
    assert first == min(r.when.first_day for r in records)
    assert last == max(r.when.last_day for r in records)
    assert date_span([]) is None


def test_timeline_summary_counts_the_view(view: View) -> None:
    text = timeline_summary(view)
    records = len(view.events) + len(view.statements)
    assert text.startswith(f"The timeline chart shows {records} records ({len(view.events)} events, ")
    assert f"{len(view.statements)} statements)" in text
    assert span_text(date_span([*view.events, *view.statements])) in text
    assert "table below lists every record" in text


def test_timeline_summary_of_nothing() -> None:
    assert "empty" in timeline_summary(View())


ENTRIES = [
    LegendEntry("countries", "■", "green", "Azerbaijan", None),
    LegendEntry("border", "━", "red", "Border", None),
    LegendEntry("places", "◯", "blue", "Place", 6),
    LegendEntry("events", "●", "red", "Impact", 4),
    LegendEntry("events", "■", "violet", "Closure", 1),
    LegendEntry("claims", "┅", "red", "Claim", 1),
]


@pytest.mark.parametrize(
    ("entries", "unlocated", "has", "lacks"),
    [
        (
            ENTRIES,
            2,
            [
                "Nakhchivan exclave",
                "along the Aras",
                "6 located places, 5 event markers, 1 dashed claim line (a claimed origin, not a fact)",
                "2 events with no reported place are listed",
            ],
            ["border crossing"],
        ),
        (ENTRIES[2:3], 1, ["the region.", "6 located places", "1 event with no reported place is listed"], ["Aras"]),
        ([], 0, ["draws no records"], ["with no reported place"]),
    ],
)
def test_map_summary(view: View, entries: list[LegendEntry], unlocated: int, has: list[str], lacks: list[str]) -> None:
    text = map_summary(view, entries, unlocated)
    for words in has:
        assert words in text, text
    for words in lacks:
        assert words not in text, text
    assert ("for records from" in text) == any(e.count for e in entries)
