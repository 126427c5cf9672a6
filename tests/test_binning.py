"""The timeline's level of detail: bins per lane and time, their texts, the aggregate figure and its selection."""

from __future__ import annotations

import datetime as dt
import json

import plotly.io as pio
import pytest

from components.timeline import build_timeline_figure
from components.timeline.aggregate import BIN_MARK, build_aggregate_figure, selected_bin_dates
from components.timeline.lanes import place_records
from incidents.load.pipeline import load_dataset
from incidents.model.when import TimeWindow
from incidents.views.binning import (
    AGGREGATE_THRESHOLD,
    Bin,
    aggregated,
    bin_when,
    bin_width,
    count_bins,
    span_text,
    uncertain_text,
)
from incidents.views.filtering import FilterValue, apply_filter
from tests.bigdata import write_copies
from tests.conftest import DATA

D = dt.datetime


def day(value: str) -> D:
    return D.fromisoformat(value)


@pytest.mark.parametrize(
    ("start", "end", "width"),
    [
        ("2026-03-01", "2026-03-02", dt.timedelta(hours=1)),  # 24 hours: hourly bins
        ("2026-03-01", "2026-03-04", dt.timedelta(hours=3)),
        ("2026-03-01", "2026-03-31", dt.timedelta(days=1)),
        ("2026-01-01", "2026-12-31", dt.timedelta(days=14)),
        ("2020-01-01", "2026-12-31", dt.timedelta(days=91)),
    ],
)
def test_bin_width_gives_at_most_forty_bins(start: str, end: str, width: dt.timedelta) -> None:
    assert bin_width(day(start), day(end)) == width


@pytest.mark.parametrize(
    ("count", "expected"), [(0, False), (AGGREGATE_THRESHOLD, False), (AGGREGATE_THRESHOLD + 1, True)]
)
def test_aggregation_starts_above_the_threshold(count: int, expected: bool) -> None:
    assert aggregated(count) is expected


def test_count_bins_counts_each_record_once_per_lane_and_bin() -> None:
    point = TimeWindow(day("2026-03-02T10:00"), day("2026-03-02T10:30"), "minute")
    wide = TimeWindow(day("2026-03-01"), day("2026-03-05"), "days")  # middle 3 March, wider than a day
    undated = TimeWindow(None, day("2026-03-04"), "undated")
    items = [("aze", point), ("aze", point), ("irn", wide), ("irn", undated), ("aze", wide)]
    bins = count_bins(items, day("2026-03-01"), day("2026-03-08"), dt.timedelta(days=1))
    found = {(b.lane, b.start.date().isoformat()): (b.count, b.uncertain) for b in bins}
    assert found == {
        ("aze", "2026-03-02"): (2, 0),
        ("aze", "2026-03-03"): (1, 1),
        ("irn", "2026-03-03"): (1, 1),
        ("irn", "2026-03-04"): (1, 1),  # an undated record sits at its latest date (the end, 4 March 00:00)
    }
    assert sum(b.count for b in bins) == len(items)
    irn = next(b for b in bins if b.lane == "irn" and b.start == day("2026-03-03"))
    assert (irn.uncertain_from, irn.uncertain_to) == (day("2026-03-01"), day("2026-03-05"))


def test_records_outside_the_range_count_in_the_edge_bins() -> None:
    early = TimeWindow(day("2026-02-01"), day("2026-02-01T00:10"), "minute")
    late = TimeWindow(day("2026-04-01"), day("2026-04-01T00:10"), "minute")
    bins = count_bins([("x", early), ("x", late)], day("2026-03-01"), day("2026-03-03"), dt.timedelta(days=1))
    assert [(b.start.date().isoformat(), b.count) for b in bins] == [("2026-03-01", 1), ("2026-03-02", 1)]


@pytest.mark.parametrize(
    ("first", "last", "text"),
    [
        ("2026-03-05", "2026-03-05", "5 Mar 2026"),
        ("2026-03-12", "2026-03-18", "12–18 Mar 2026"),
        ("2026-02-28", "2026-03-03", "28 Feb – 3 Mar 2026"),
        ("2025-12-30", "2026-01-02", "30 Dec 2025 – 2 Jan 2026"),
    ],
)
def test_span_text(first: str, last: str, text: str) -> None:
    assert span_text(dt.date.fromisoformat(first), dt.date.fromisoformat(last)) == text


def test_bin_texts_say_when_and_how_uncertain() -> None:
    week = Bin("aze", day("2026-03-12"), day("2026-03-19"), 7, 2, day("2026-03-04"), day("2026-03-10"))
    assert week.dates == (dt.date(2026, 3, 12), dt.date(2026, 3, 18))
    assert bin_when(week) == "12–18 Mar 2026"
    assert uncertain_text(week) == "2 with uncertain dates spanning 4–9 Mar 2026"
    hour = Bin("aze", day("2026-03-12T06:00"), day("2026-03-12T09:00"), 1)
    assert bin_when(hour) == "12 Mar 2026, 06:00–09:00 UTC"
    assert uncertain_text(hour) == "every time known within the bin"


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory):
    """The shipped incident copied 20 times (480 records, above the threshold)."""
    return load_dataset(write_copies(tmp_path_factory.mktemp("big") / "data", 20))


def spec_of(figure) -> dict:
    """The figure's JSON as sent, uids kept (plotly drops them by default) so traces can be told apart."""
    return json.loads(pio.to_json(figure, remove_uids=False))


def bars(spec: dict) -> list[dict]:
    return [t for t in spec["data"] if str(t.get("uid", "")).startswith("bins-")]


def test_aggregate_figure_counts_every_record_in_few_bars(big) -> None:
    view = apply_filter(big, FilterValue())
    assert aggregated(view.record_count)
    spec = spec_of(build_aggregate_figure(big, view))
    counts = [c[5] for trace in bars(spec) for c in trace["customdata"]]
    assert sum(counts) == view.record_count
    assert len(counts) <= 40 * len(bars(spec)) and spec["layout"]["meta"]["aggregated"] is True
    custom = bars(spec)[0]["customdata"][0]
    assert custom[0] == BIN_MARK and "records" in bars(spec)[0]["hovertemplate"]
    # The legend-like texts say what a bar is; lane names are headers inside the plot (readable on a phone).
    assert any("records per bar" in a["text"] for a in spec["layout"]["annotations"])
    # One header per lane the record-by-record timeline would draw, whatever the data's parties are.
    lanes, _ = place_records(big, [*view.events, *view.statements], "hierarchy")
    headers = {a["text"] for a in spec["layout"]["annotations"] if a["text"].startswith("<b>")}
    assert headers == {f"<b>{lane.label}</b>" for lane in lanes} and len(headers) >= 3


def test_a_selected_bar_gives_the_dates_that_bring_records_back(big) -> None:
    """A click on a bar narrows the dates to its bin: the bar's records come back, the others go. (With the record
    spanning 2021-2026 a bin can still hold more than AGGREGATE_THRESHOLD records: the next click narrows again.)"""
    view = apply_filter(big, FilterValue())
    spec = spec_of(build_aggregate_figure(big, view))
    densest = max((c for t in bars(spec) for c in t["customdata"]), key=lambda c: c[5])
    selection = {"selection": {"points": [{"customdata": densest}]}}
    first, last = selected_bin_dates(selection)
    narrowed = FilterValue(date_from=dt.date.fromisoformat(first), date_to=dt.date.fromisoformat(last))
    narrow = apply_filter(big, narrowed)
    assert densest[5] <= narrow.record_count < view.record_count
    assert selected_bin_dates({"selection": {"points": [{"customdata": ["ev-impact", "x"]}]}}) is None


def test_record_markers_carry_short_fields_and_a_hovertemplate() -> None:
    dataset = load_dataset(DATA)
    spec = spec_of(build_timeline_figure(dataset, apply_filter(dataset, FilterValue())))
    markers = [t for t in spec["data"] if str(t.get("uid", "")).startswith("rec-")]
    assert markers
    for trace in markers:
        assert "hovertext" not in trace and "%{customdata[2]}" in trace["hovertemplate"]
        longest = max(len(str(field)) for row in trace["customdata"] for field in row)
        assert longest <= 100, longest


def test_map_counts_events_per_located_place(big) -> None:
    from components.map.markers import count_radius, place_count_layers
    from incidents.views.mapping import grouped_by_place, place_counts

    view = apply_filter(big, FilterValue())
    assert grouped_by_place(view)
    counts = place_counts(big, view)
    assert [c.count for c in counts] == sorted((c.count for c in counts), reverse=True)
    circles, rings = place_count_layers(big, view, selected=["airport-crash-c3"])
    assert len(circles) == len({c["place_id"] for c in circles})  # one circle per place
    airport = next(c for c in circles if c["place_id"] == big.events["airport-crash-c3"].place)
    assert int(airport["n"]) == sum(1 for e in big.events.values() if e.place == airport["place_id"])
    assert rings == [{"pos": airport["pos"], "off": [0, 0], "icon": rings[0]["icon"]}]
    assert count_radius(1, 50) == 9 and count_radius(50, 50) == 30 and count_radius(1, 1) == 9


def test_repeated_closures_and_claims_are_drawn_once(big) -> None:
    from components.map.rows import claim_layers, closure_rows
    from incidents.views.geometry import load_geo

    geo = load_geo(DATA / "geo")
    view = apply_filter(big, FilterValue())
    closures = closure_rows(big, view, geo)
    assert len(closures) == len({json.dumps(row["path"]) for row in closures})
    assert all(row["title"].startswith("20 border closures") for row in closures)
    features, labels = claim_layers(big, view, geo)
    value = features.value()["features"]
    assert len(value) == len({json.dumps(f["geometry"]["coordinates"]) for f in value})
    assert any("20 claimed launches" in f["properties"]["title"] for f in value)
    assert len(labels) == len({(tuple(label["pos"]), label["text"]) for label in labels})


# --- the level of detail across the record (incidents as spans over a long range) ----------------------------------
from incidents.views.binning import (  # noqa: E402
    INCIDENT_ROWS_MAX,
    SPAN_THRESHOLD,
    incident_spans,
    timeline_detail,
    timeline_level,
)

T0 = dt.datetime(2021, 1, 1)


@pytest.mark.parametrize(
    ("span", "incidents", "records", "detail", "expected"),
    [
        (SPAN_THRESHOLD + dt.timedelta(days=1), 17, 215, "auto", "incidents"),  # the 2021–2026 record
        (SPAN_THRESHOLD, 17, 215, "auto", "records"),  # not longer than the threshold
        (dt.timedelta(days=3), 2, 215, "auto", "records"),  # zoomed in to days
        (dt.timedelta(days=3), 2, 301, "auto", "bins"),  # many records in a short range: counts per lane
        (dt.timedelta(days=9000), 1, 40, "auto", "records"),  # one incident, however long: its records
        (dt.timedelta(days=9000), INCIDENT_ROWS_MAX + 1, 5000, "auto", "incident-bins"),  # 25 years, many incidents
        (dt.timedelta(days=9000), 17, 215, "records", "records"),  # forced
        (dt.timedelta(days=9000), 17, 301, "records", "bins"),  # forced, still counted above the threshold
        (dt.timedelta(days=2), 2, 10, "incidents", "incidents"),  # forced even over hours
        (dt.timedelta(days=2), INCIDENT_ROWS_MAX + 1, 10, "incidents", "incident-bins"),
    ],
)
def test_timeline_level(span: dt.timedelta, incidents: int, records: int, detail: str, expected: str) -> None:
    assert timeline_level(T0, T0 + span, incidents, records, detail) == expected


@pytest.mark.parametrize(
    ("date_from", "date_to", "level"),
    [
        (None, None, "incidents"),  # 2019–2025: five incidents as spans
        (dt.date(2023, 1, 1), dt.date(2023, 2, 28), "records"),  # two months of 2023: records
        (dt.date(2019, 1, 1), dt.date(2025, 12, 31), "incidents"),
    ],
)
def test_timeline_detail_on_the_monitor_fixture(
    date_from: dt.date | None, date_to: dt.date | None, level: str
) -> None:
    from incidents.load.pipeline import load_dataset
    from incidents.views.filtering import FilterValue, apply_filter
    from tests.conftest import FIXTURES

    dataset = load_dataset(FIXTURES / "monitor")
    value = FilterValue(date_from=date_from, date_to=date_to)
    view = apply_filter(dataset, value)
    found = timeline_detail(dataset, view, value)
    assert found.level == level
    if date_from and date_to:
        assert (found.start.date(), found.end.date()) == (date_from, date_to + dt.timedelta(days=1))


def test_incident_spans_cover_each_incident_and_its_records() -> None:
    from incidents.load.pipeline import load_dataset
    from incidents.views.filtering import FilterValue, apply_filter
    from tests.conftest import FIXTURES

    dataset = load_dataset(FIXTURES / "monitor")
    view = apply_filter(dataset, FilterValue())
    spans = {s.id: s for s in incident_spans(dataset, view)}
    assert list(spans) == [i.id for i in view.incidents]  # oldest first
    drills = spans["mx-drills-2021"]  # known only to the month: its window is September 2021
    assert (drills.window.start, drills.window.end) == (dt.datetime(2021, 9, 1), dt.datetime(2021, 10, 1))
    assert (drills.first_day, drills.last_day) == (dt.date(2021, 9, 1), dt.date(2021, 9, 30))
    for span in spans.values():
        records = [r for r in (*view.events, *view.statements)
                   if span.id in ((r.incident,) if hasattr(r, "reported_in") else r.incidents)]
        assert span.records == len(records)
        for record in records:  # the dates a click sets hold every record of the incident
            assert span.first_day <= record.when.first_day and record.when.last_day <= span.last_day
    assert spans["mx-airspace-2025"].records == 0 and spans["mx-airspace-2025"].kind == "airspace"
