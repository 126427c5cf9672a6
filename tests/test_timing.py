"""incidents.views.timing: time windows at their precision, the visible range, and response lags, on fixture records."""

from __future__ import annotations

import datetime as dt

import pytest

from incidents.load.pipeline import load_dataset
from incidents.model.dataset import Dataset
from incidents.model.queries import chronological
from incidents.model.records import When
from incidents.model.when import TimeWindow, time_window
from incidents.views.filtering import FilterValue, apply_filter
from incidents.views.timing import (
    Lag,
    first_report,
    format_duration,
    lag_lines,
    lag_sentence,
    records_in_time_order,
    response_lag,
    response_lags,
    speaking_incidents,
    visible_range,
)
from tests.conftest import DATA, FIXTURES

INCIDENT = "fixture-2026-03-05"
BAKU = dt.timezone(dt.timedelta(hours=4))
D = dt.datetime


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    loaded = load_dataset(FIXTURES / "timeline")
    assert not loaded.errors, loaded.errors
    return loaded


# --- time windows -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "start", "end", "is_point"),
    [
        (When(start=dt.date(2026, 3, 5), precision="day"), D(2026, 3, 5), D(2026, 3, 6), False),
        # An offset is converted to naive UTC.
        (When(start=D(2026, 3, 5, 14, tzinfo=BAKU), precision="hour"), D(2026, 3, 5, 10), D(2026, 3, 5, 11), True),
        (When(start=D(2026, 3, 5, 10, 7), precision="minute"), D(2026, 3, 5, 10, 7), D(2026, 3, 5, 10, 8), True),
        # Approximate: one precision step wider on each side.
        (
            When(start=D(2026, 3, 5, 10), precision="hour", approximate=True),
            D(2026, 3, 5, 9),
            D(2026, 3, 5, 12),
            False,
        ),
        # An end date is inclusive: the window runs to the following midnight.
        (
            When(start=dt.date(2026, 3, 4), end=dt.date(2026, 3, 6), precision="days"),
            D(2026, 3, 4),
            D(2026, 3, 7),
            False,
        ),
        (When(start=dt.date(2026, 2, 10), precision="month"), D(2026, 2, 1), D(2026, 3, 1), False),
        (When(start=D(2026, 2, 10, 8), precision="month"), D(2026, 2, 10, 8), D(2026, 3, 1), False),
        (When(start=dt.date(2026, 3, 2), precision="week"), D(2026, 3, 2), D(2026, 3, 9), False),
        (When(start=dt.date(2026, 3, 5), precision="part-of-day"), D(2026, 3, 5), D(2026, 3, 6), False),
        (When(start=D(2026, 3, 5, 6), precision="part-of-day"), D(2026, 3, 5, 6), D(2026, 3, 5, 12), False),
        (When(end=dt.date(2026, 3, 6), precision="undated"), None, D(2026, 3, 7), False),
    ],
)
def test_time_windows_follow_precision(when: When, start: D | None, end: D, is_point: bool) -> None:
    window = time_window(when)
    assert (window.start, window.end) == (start, end)
    assert window.is_point is is_point
    assert window.undated is (start is None)
    assert window.precision == when.precision and window.approximate == when.approximate


def test_window_middle_and_width() -> None:
    day = time_window(When(start=dt.date(2026, 3, 5), precision="day"))
    assert day.middle == D(2026, 3, 5, 12) and day.width == dt.timedelta(days=1)
    undated = time_window(When(end=dt.date(2026, 3, 6), precision="undated"))
    assert undated.middle == undated.end and undated.width is None


# --- the visible range ------------------------------------------------------------------------------------------

DAY_5 = TimeWindow(D(2026, 3, 5), D(2026, 3, 6), "day")
HOUR = TimeWindow(D(2026, 3, 5, 10), D(2026, 3, 5, 11), "hour")
UNDATED = TimeWindow(None, D(2026, 3, 7), "undated")


@pytest.mark.parametrize(
    ("windows", "date_from", "date_to", "expected"),
    [
        # The date filter's days, whatever the records.
        ([DAY_5], dt.date(2026, 3, 4), dt.date(2026, 3, 10), (D(2026, 3, 4), D(2026, 3, 11))),
        # The records' extent, widened by a fourteenth of it (here 2 days / 14) ...
        (
            [DAY_5, UNDATED],
            None,
            None,
            (D(2026, 3, 5) - dt.timedelta(days=2) / 14, D(2026, 3, 7) + dt.timedelta(days=2) / 14),
        ),
        # ... but by at least three hours.
        ([HOUR], None, None, (D(2026, 3, 5, 7), D(2026, 3, 5, 14))),
        # One side set: the other from the records.
        ([HOUR], dt.date(2026, 3, 5), None, (D(2026, 3, 5), D(2026, 3, 5, 14))),
        # No records and one side set: a week from it.
        ([], dt.date(2026, 3, 5), None, (D(2026, 3, 5), D(2026, 3, 12))),
        ([], None, dt.date(2026, 3, 5), (D(2026, 2, 27), D(2026, 3, 6))),
        # A filter ending before the records start: at least a day from the start.
        ([DAY_5], dt.date(2026, 3, 10), None, (D(2026, 3, 10), D(2026, 3, 10) + dt.timedelta(days=1))),
    ],
)
def test_visible_range(
    windows: list[TimeWindow], date_from: dt.date | None, date_to: dt.date | None, expected: tuple[D, D]
) -> None:
    assert visible_range(windows, date_from, date_to) == expected


def test_visible_range_without_records_or_filter_is_the_week_up_to_today() -> None:
    start, end = visible_range([])
    today = D.combine(dt.date.today(), dt.time.min)
    assert (start, end) == (today - dt.timedelta(days=7), today + dt.timedelta(days=1))


def test_records_in_time_order_merges_events_and_statements(dataset: Dataset) -> None:
    view = apply_filter(dataset, FilterValue())
    merged = records_in_time_order(view)
    assert len(merged) == len(view.events) + len(view.statements)
    assert merged == sorted(merged, key=chronological)
    # Interleaved by start, then id: the day-precision records of 5 March start at midnight, before the launch.
    assert [r.id for r in merged[:6]] == [
        "ev-impact", "ev-trucks", "ev-unattributed", "st-president", "ev-launch", "st-mfa-claim"
    ]


# --- response lags ----------------------------------------------------------------------------------------------


def test_first_report_prefers_the_window_that_closes_first(dataset: Dataset) -> None:
    # The president's accusation is known only to the day (starts at midnight); the ministry's claim to the hour.
    report = first_report(dataset, INCIDENT)
    assert report is not None and report.id == "st-mfa-claim"
    assert first_report(dataset, "no-such-incident") is None


@pytest.mark.parametrize(
    ("statement", "status", "low", "high", "sentence"),
    [
        ("st-mfa-claim", "first", None, None, "AZ Foreign Ministry's claim is the incident's first report."),
        (
            "st-denial",
            "exact",
            dt.timedelta(hours=5),
            dt.timedelta(hours=7),
            "came about 6 h after the first report (AZ Foreign Ministry's claim)",
        ),
        ("st-false-flag", "range", dt.timedelta(hours=16), dt.timedelta(hours=41), "does not allow a closer figure"),
        ("st-president", "unordered", dt.timedelta(hours=-8), dt.timedelta(hours=17), "which came first"),
        ("st-repeated-denial", "undated", None, None, "only a latest date, 2026-03-06, is known"),
    ],
)
def test_response_lag_statuses(
    dataset: Dataset,
    statement: str,
    status: str,
    low: dt.timedelta | None,
    high: dt.timedelta | None,
    sentence: str,
) -> None:
    lags = {lag.statement: lag for lag in response_lags(dataset, dataset.statements.values())}
    lag = lags[statement]
    assert (lag.status, lag.low, lag.high) == (status, low, high)
    assert lag.measurable is (status in ("exact", "range"))
    assert sentence in lag_sentence(dataset, lag)


def test_response_lag_without_an_incident(dataset: Dataset) -> None:
    lone = dataset.statements["st-denial"].model_copy(update={"incidents": []})
    lag = response_lag(dataset, lone)
    assert lag.status == "no-incident" and not lag.measurable
    expected = "IR General Staff's denial: no lag, because the statement concerns no incident."
    assert lag_sentence(dataset, lag) == expected


def test_a_range_lag_starting_at_once_reads_up_to(dataset: Dataset) -> None:
    lag = Lag("st-denial", INCIDENT, "st-mfa-claim", "range", dt.timedelta(0), dt.timedelta(hours=30), reason="r")
    assert lag_sentence(dataset, lag) == (
        "IR General Staff's denial came up to 30 h after the first report (AZ Foreign Ministry's claim); r."
    )


def test_a_measurable_lag_without_a_range_is_refused(dataset: Dataset) -> None:
    with pytest.raises(ValueError, match="no range"):
        lag_sentence(dataset, Lag("st-denial", INCIDENT, "st-mfa-claim", "exact"))


def test_lag_lines_group_what_precision_does_not_allow(dataset: Dataset) -> None:
    lines = lag_lines(dataset, response_lags(dataset, apply_filter(dataset, FilterValue()).statements))
    assert lines[0].startswith("First report: AZ Foreign Ministry's claim")
    assert any("IR General Staff's denial came about 6 h" in line for line in lines)
    grouped = [line for line in lines if line.startswith("The precision does not allow")]
    assert len(grouped) == 1 and "AZ President's accusation" in grouped[0]
    assert any(line.startswith("Undated") and "Iran's denial" in line for line in lines)


@pytest.mark.parametrize(
    ("named", "ties"),
    [
        ([INCIDENT], "1 other report(s)"),
        ([INCIDENT, INCIDENT], "1 other report(s)"),  # naming the incident twice does not make two reports
        (["fixture-none"], None),  # about another incident: no tie here
    ],
)
def test_a_report_in_the_first_reports_window_is_one_tie(dataset: Dataset, named: list[str], ties: str | None) -> None:
    """The ties of the first line are the incident's statements from the dataset's kept groups, each counted once."""
    import dataclasses

    first = first_report(dataset, INCIDENT)
    assert first is not None and first.id == "st-mfa-claim"
    tied = dataset.statements["st-mod-count"].model_copy(update={"when": first.when, "incidents": named})
    changed = dataclasses.replace(dataset, statements={**dataset.statements, tied.id: tied})  # fresh derivations
    line = lag_lines(changed, response_lags(changed, changed.statements.values()))[0]
    assert "First report: AZ Foreign Ministry's claim" in line
    if ties is None:
        assert "share exactly this time window" not in line
    else:
        assert f"; {ties} share exactly this time window" in line


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (dt.timedelta(minutes=45), "45 min"),
        (dt.timedelta(hours=5), "5 h"),
        (dt.timedelta(hours=5, minutes=30), "5 h 30 min"),
        (dt.timedelta(hours=47), "47 h"),
        (dt.timedelta(days=2), "2 days"),
        (dt.timedelta(days=3, hours=2), "3 days 2 h"),
        (-dt.timedelta(hours=5), "-5 h"),
    ],
)
def test_format_duration(delta: dt.timedelta, text: str) -> None:
    assert format_duration(delta) == text


def test_every_lag_line_names_who_spoke_whatever_the_voice() -> None:
    """A page's own reporting and unnamed officials are named too, by origin and carrier (issue 22: "APA, carried
    by UNN's claim")."""
    import re

    from incidents.load.pipeline import load_dataset
    from incidents.views.timing import lag_lines, response_lags
    from tests.conftest import DATA

    dataset = load_dataset(DATA)
    assert {s.voice for s in dataset.statements.values()} >= {"named", "publication"}
    lines = lag_lines(dataset, response_lags(dataset, dataset.statements.values()))
    assert lines and not [line for line in lines if re.search(r"(^|[(:] )'s ", line)]
    assert any(", carried by " in line and "'s " in line for line in lines)


# --- one lag rule ---------------------------------------------------------------------------------------------------
H = dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("low", "high", "exact", "text"),
    [
        (5 * H, 5 * H, True, "5 h"),
        (4 * H, 6 * H, True, "about 5 h"),
        (dt.timedelta(0), 72 * H, False, "up to 3 days"),
        (24 * H, 72 * H, False, "between 24 h and 3 days"),
    ],
)
def test_lag_words_are_one_rule(low: dt.timedelta, high: dt.timedelta, exact: bool, text: str) -> None:
    """The timeline's response lags and the patterns' answer lags say a lag in the same words."""
    from incidents.evidence.patterns import lag_text
    from incidents.model.when import WindowLag, lag_span_text

    assert lag_span_text(low, high, exact) == text
    assert lag_text(WindowLag("exact" if exact else "range", low, high)) == text


@pytest.mark.parametrize(
    ("reference", "later"),
    [
        (When(start=D(2026, 3, 5, 8, tzinfo=dt.UTC), precision="hour"),
         When(start=D(2026, 3, 5, 13, tzinfo=dt.UTC), precision="hour")),  # exact
        (When(start=dt.date(2026, 3, 5), precision="day"), When(start=dt.date(2026, 3, 8), precision="day")),  # range
        (When(start=dt.date(2026, 3, 5), precision="day"),
         When(start=D(2026, 3, 5, 13, tzinfo=dt.UTC), precision="hour")),  # unordered
    ],
)
def test_response_lag_is_window_lag(dataset: Dataset, reference: When, later: When) -> None:
    """response_lag (the timeline) and window_lag (the patterns) give the same kind and range for the same windows."""
    from incidents.model.when import window_lag

    first = first_report(dataset, INCIDENT)
    assert first is not None
    statement = next(s for s in dataset.statements.values() if s.id != first.id and s.incidents[:1] == [INCIDENT])
    patched = {INCIDENT: first.model_copy(update={"when": reference})}  # the incident's first report, re-timed
    mine = statement.model_copy(update={"when": later})
    lag = response_lag(dataset, mine, patched)  # type: ignore[arg-type]
    assert lag.reference == first.id
    expected = window_lag(time_window(reference), time_window(later))
    assert (lag.status, lag.low, lag.high) == (expected.kind, expected.low, expected.high)



@pytest.fixture(scope="module")
def shipped() -> Dataset:
    return load_dataset(DATA)


SPEAKING_FILTERS = [
    FilterValue(), FilterValue(kinds=("statement",)), FilterValue(kinds=("event",)), FilterValue(text="drone"),
    FilterValue(text="border"), FilterValue(date_from=dt.date(2026, 3, 1)),
]


def test_speaking_incidents_are_those_a_statement_in_view_is_first_about(shipped: Dataset) -> None:
    """The one-pass set equals the former test of every incident against every statement, order kept; on the
    shipped data some view holds an incident no statement in view is first about, so the two lists can differ."""
    differ = 0
    for value in SPEAKING_FILTERS:
        view = apply_filter(shipped, value)
        in_view = [i.id for i in view.incidents]
        former = [i for i in in_view if any(s.incidents[:1] == [i] for s in view.statements)] or in_view
        assert speaking_incidents(view) == (in_view, former), value
        differ += former != in_view
    assert differ


def test_speaking_incidents_fall_back_to_every_incident_without_statements(shipped: Dataset) -> None:
    view = apply_filter(shipped, FilterValue(kinds=("event",)))
    assert not view.statements and view.incidents
    assert speaking_incidents(view)[1] == [i.id for i in view.incidents]
