"""The front page's domain (incidents/views/overview.py, history/changes.change_counts): the incident it leads with,
what is open across the record, incidents per year by kind, the latest changes in a line each. Table-driven over the
invented multi-incident fixture (tests/fixtures/monitor, README there) and hand-made rows and diffs."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree

import pytest

from components.overview import KIND_COLOURS, PLOT_HEIGHT, _y_step, kept_per_year_svg, per_year_svg
from incidents.evidence.patterns import Patterns, patterns
from incidents.history.changes import (
    DataDiff,
    DiscrepancyChange,
    FieldChange,
    FigureRevision,
    PropositionChange,
    RecordChange,
    change_counts,
    touched_incidents,
)
from incidents.load.pipeline import load_dataset
from incidents.model.dataset import Dataset
from incidents.views.incidents_index import IndexRow
from incidents.views.overview import brief, clipped, open_items, per_year, per_year_text, year_ranges
from incidents.views.params import INCIDENT_KINDS
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def monitor() -> Dataset:
    dataset = load_dataset(FIXTURES / "monitor")
    assert not dataset.errors, dataset.errors
    return dataset


@pytest.fixture(scope="module")
def found(monitor: Dataset) -> Patterns:
    return patterns(monitor)


@pytest.mark.parametrize(
    ("selected", "expected", "latest"),
    [
        (None, "mx-airspace-2025", True),  # the incident that starts last (3 Nov 2025)
        ("mx-embassy-2023", "mx-embassy-2023", False),  # the link's incident
        ("no-such-incident", "mx-airspace-2025", True),  # an unknown id leads with the latest
    ],
)
def test_brief_leads_with_the_selected_else_the_latest(
    monitor: Dataset, selected: str | None, expected: str, latest: bool
) -> None:
    lead = brief(monitor, selected)
    assert lead is not None
    assert (lead.row.id, lead.latest) == (expected, latest)


def test_brief_without_incidents_is_none(write_data) -> None:
    data = write_data(actors="actors: []\n", sources="sources: []\n", places="places: []\n")
    assert brief(load_dataset(data)) is None


def test_open_items_across_the_record(monitor: Dataset, found: Patterns) -> None:
    items = open_items(monitor, found)
    # Open discrepancies, newest incident first; the 2023 one is resolved and left out.
    assert [(d.incident, d.id) for d in items.discrepancies] == [
        ("mx-detention-2025", "mx25-names"),
        ("mx-drone-2019", "mx19-gap-count"),
    ]
    assert items.discrepancies[1].incident_title == "Strelsau drone strike"  # the short title
    # Accusations the accused said nothing about, newest incident first, then by party and text; Borduria's
    # counter-accusation of 2023 (Syldavian agents) is one against Syldavia, which said nothing.
    assert [(u.incident, u.accused_name, u.text[:21]) for u in items.unanswered] == [
        ("mx-detention-2025", "Ruritania", "Ruritanian soldiers a"),
        ("mx-detention-2025", "Ruritania", "The detained Ruritani"),
        ("mx-embassy-2023", "Syldavia", "Syldavian agents sent"),
        ("mx-drone-2019", "Ruritania", "Ruritanian troops are"),
    ]
    assert all(u.accusers == ("Borduria",) for u in items.unanswered)
    unanswered = {(a.incident, a.accused, a.proposition) for a in found.accusations if a.answer == "no-answer"}
    assert len(items.unanswered) == len(unanswered)
    assert not items.empty


def _row(year: int, kind: str, rid: str = "") -> IndexRow:
    start = dt.date(year, 6, 1)
    return IndexRow(
        id=rid or f"i-{year}-{kind}", title="t", date=start.isoformat(), start=start, year=year, kind=kind,
        places=(), parties=(), party_names=(), contested=0, one_sided=0, agreed=0, unaddressed=0, established=0,
        open_discrepancies=0, sources=0,
    )


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([], {}),
        ([_row(2023, "strike")], {2023: {"strike": 1}}),
        (
            [_row(2021, "drills"), _row(2023, "strike"), _row(2023, "strike", "b"), _row(2023, "expulsion")],
            {2021: {"drills": 1}, 2022: {}, 2023: {"strike": 2, "expulsion": 1}},  # 2022 is a zero, not a gap
        ),
        ([_row(2001, "border"), _row(2003, "other")], {2001: {"border": 1}, 2002: {}, 2003: {"other": 1}}),
    ],
)
def test_per_year_counts_every_year_and_kind(rows: list[IndexRow], expected: dict[int, dict[str, int]]) -> None:
    counts = per_year(rows)
    assert list(counts) == list(expected)
    for year, kinds in expected.items():
        assert list(counts[year]) == list(INCIDENT_KINDS)  # every kind, in the vocabulary's order
        assert {k: v for k, v in counts[year].items() if v} == kinds


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([], "No incidents are on record, so there is nothing to count."),
        ([_row(2023, "strike")], "1 incident in 2023, by the year each started. 2023: 1 (1 strike)."),
        (
            [_row(2001, "border"), _row(2005, "strike"), _row(2005, "drills"), _row(2007, "other")],
            "4 incidents from 2001 to 2007, by the year each started. 2001: 1 (1 border); 2005: 2 (1 strike, "
            "1 drills); 2007: 1 (1 other). No incident is on record in 2002–2004, 2006.",
        ),
    ],
)
def test_per_year_text(rows: list[IndexRow], expected: str) -> None:
    assert per_year_text(per_year(rows)) == expected


@pytest.mark.parametrize(
    ("years", "expected"),
    [([], []), ([2013], ["2013"]), ([2004, 2002, 2003, 2013], ["2002–2004", "2013"]), ([1, 3], ["1", "3"])],
)
def test_year_ranges(years: list[int], expected: list[str]) -> None:
    assert year_ranges(years) == expected


def _record(change: str, incidents: tuple[str, ...] = ("a",)) -> RecordChange:
    return RecordChange("statements", f"s-{change}", change, incidents, (FieldChange("x", 1, 2),))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("change", "expected", "touched"),
    [
        (DataDiff("o", "n"), "no change to the records", ()),
        (DataDiff("o", "n", records=(_record("added"),)), "1 record (1 added)", ("a",)),
        (
            DataDiff(
                "o", "n",
                records=(_record("added", ("b",)), _record("changed"), _record("changed"), _record("removed", ())),
                figures=(FigureRevision("c", "injured", "x", "X", "2", "4", None),),
                discrepancies=(
                    DiscrepancyChange("d1", "a", "t", None, "open"),
                    DiscrepancyChange("d2", "a", "t", None, "open"),
                    DiscrepancyChange("d3", "d", "t", "open", "resolved"),
                ),
                propositions=(PropositionChange("p", "a", "t", "one-sided", "contested", None, None),),
            ),
            "4 records (1 added, 2 changed, 1 removed); 1 figure revised; 2 discrepancies opened; "
            "1 discrepancy resolved; 1 proposition changed standing",
            ("b", "a", "c", "d"),
        ),
    ],
)
def test_change_counts(change: DataDiff, expected: str, touched: tuple[str, ...]) -> None:
    assert change_counts(change) == expected
    assert touched_incidents(change) == touched


def test_open_discrepancies_grouped_by_incident(monitor: Dataset, found: Patterns) -> None:
    from incidents.views.overview import OpenDiscrepancy, by_incident

    groups = by_incident(open_items(monitor, found).discrepancies)
    assert [(g.incident, g.ids) for g in groups] == [("mx-detention-2025", ("mx25-names",)),
                                                     ("mx-drone-2019", ("mx19-gap-count",))]
    made = [OpenDiscrepancy("b", "B", "2024", "b1", "t1"), OpenDiscrepancy("a", "A", "2023", "a1", "t2"),
            OpenDiscrepancy("b", "B", "2024", "b2", "t3")]
    assert [(g.incident, g.titles) for g in by_incident(made)] == [("b", ("t1", "t3")), ("a", ("t2",))]


def svg_parts(svg: str) -> dict[str, object]:
    """What the chart shows, read back from its SVG: each titled bar segment (title -> height), the legend's kinds
    in order, the years labelled under the bars, the counts on the grid, and the viewBox height."""
    root = ElementTree.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    segments = {rect.find(f"{ns}title").text: float(rect.get("height"))
                for rect in root.iter(f"{ns}rect") if rect.find(f"{ns}title") is not None}
    texts = [(text.text, float(text.get("y"))) for text in root.iter(f"{ns}text")]
    legend_rects = [rect for rect in root.iter(f"{ns}rect") if rect.find(f"{ns}title") is None]
    return {
        "segments": segments,
        "legend": [text for text, _y in texts if text in KIND_COLOURS],
        "legend_y": [float(rect.get("y")) for rect in legend_rects],
        "bars_y": [float(rect.get("y")) for rect in root.iter(f"{ns}rect") if rect.find(f"{ns}title") is not None],
        "years": [int(text) for text, y in texts if text.isdigit() and len(text) == 4],
        "grid": [int(text) for text, _y in texts if text.isdigit() and len(text) < 4],
        "height": float(root.get("viewBox").split()[3]),
    }


PER_YEAR_CASES = [
    # counts, segments (title -> count), legend, years labelled, grid counts
    ({2023: {"strike": 1, "other": 0}, 2024: {"strike": 0, "other": 2}},
     {"2023: 1 strike": 1, "2024: 2 other": 2}, ["strike", "other"], [2023, 2024], [0, 1, 2]),
    ({2019: {"drills": 3, "detention": 10}, 2020: {}, 2021: {"detention": 1}},
     {"2019: 3 drills": 3, "2019: 10 detention": 10, "2021: 1 detention": 1}, ["detention", "drills"],
     [2019, 2020, 2021], [0, 5, 10, 15]),  # 13 at most: steps of 5, the axis to 15
    ({year: {"airspace": 1 if year % 3 == 0 else 0} for year in range(2001, 2027)},
     {f"{year}: 1 airspace": 1 for year in range(2001, 2027) if year % 3 == 0}, ["airspace"],
     [2005, 2010, 2015, 2020, 2025], [0, 1]),
]


@pytest.mark.parametrize(("counts", "segments", "legend", "years", "grid"), PER_YEAR_CASES)
@pytest.mark.parametrize("phone", [False, True])
def test_the_per_year_chart_draws_each_years_kinds(counts: dict[int, dict[str, int]], segments: dict[str, int],
                                                   legend: list[str], years: list[int], grid: list[int],
                                                   phone: bool) -> None:
    drawn = svg_parts(per_year_svg(counts, phone=phone))
    assert set(drawn["segments"]) == set(segments)
    unit = PLOT_HEIGHT / grid[-1]  # the grid's top is the axis' top
    assert {title: round(height / unit, 1) for title, height in drawn["segments"].items()} == segments  # 0.1 px
    assert drawn["legend"] == legend  # only the kinds that occur, in KIND_COLOURS' order
    assert drawn["years"] == years and drawn["grid"] == grid
    # the phone's legend goes below the bars, the desktop's above them
    legend_below = min(drawn["legend_y"]) > max(drawn["bars_y"])
    assert legend_below is phone


@pytest.mark.parametrize(("tallest", "step"), [(1, 1), (8, 1), (9, 2), (12, 2), (13, 5), (30, 5), (31, 10),
                                               (60, 10), (61, 20), (121, 50), (301, 100)])
def test_the_count_axis_takes_a_round_step(tallest: int, step: int) -> None:
    assert _y_step(tallest) == step


def test_an_empty_record_draws_a_sentence() -> None:
    assert "No incidents on record." in per_year_svg({})


def test_the_per_year_chart_is_kept_by_its_counts() -> None:
    """Equal counts (another dataset's, after an edit) give the kept image; other counts a new one; each is what
    `per_year_svg` draws."""
    counts = {2023: {"strike": 1, "other": 0}, 2024: {"strike": 0, "other": 2}}
    first = kept_per_year_svg(counts)
    assert kept_per_year_svg({year: dict(kinds) for year, kinds in counts.items()}) is first
    assert first == per_year_svg(counts)
    phone = kept_per_year_svg(counts, phone=True)
    assert phone != first and phone == per_year_svg(counts, phone=True)
    changed = {**counts, 2024: {"strike": 1, "other": 2}}
    assert kept_per_year_svg(changed) == per_year_svg(changed) != first


@pytest.mark.parametrize(("text", "limit", "expected"), [
    ("short", 10, "short"),
    ("exactly ten", 11, "exactly ten"),
    ("one two three four", 12, "one two…"),
    ("the aliases (and more)", 16, "the aliases…"),
    ("averyveryverylongword and", 10, "averyvery…"),
])
def test_a_message_is_clipped_at_a_word_with_an_ellipsis(text: str, limit: int, expected: str) -> None:
    got = clipped(text, limit)
    assert got == expected and len(got) <= limit
