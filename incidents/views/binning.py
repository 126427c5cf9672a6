"""The timeline's level of detail, from 25 years down to hours.

Over a long range (more than SPAN_THRESHOLD, with several incidents in view) the timeline draws one span per
incident (`incident_spans`), and above INCIDENT_ROWS_MAX incidents counts of incidents per kind per time bin (the
same bins, `count_bins`); over a short range it draws the records. Streamlit sends every element a page builds, so
above AGGREGATE_THRESHOLD records the timeline draws one mark per lane and time bin instead of one per record.
Each record is counted once, in the bin holding the middle of its
window (an undated record at its latest date); records whose window is wider than their bin, or undated, are the
bin's *uncertain* ones, and the bin says how far their windows reach.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from incidents.model.dataset import Dataset
from incidents.model.queries import chronological
from incidents.model.records import Event, Statement
from incidents.model.vocabulary import incident_kind
from incidents.model.when import TimeWindow, date_text, time_window
from incidents.views.filtering import FilterValue, View, kept_rows
from incidents.views.timing import visible_range

# Records in view above which the timeline draws counts per lane per time bin instead of one marker per record.
AGGREGATE_THRESHOLD = 300
# About this many bins across the visible range: wide enough to read, few enough to send.
TARGET_BINS = 40
# Bin widths to choose from, narrowest first; whole days from a day up, so a bin is a range of dates.
BIN_WIDTHS = tuple(dt.timedelta(hours=h) for h in (1, 3, 6, 12)) + tuple(
    dt.timedelta(days=d) for d in (1, 2, 7, 14, 28, 91, 182, 364)
)
_DAY = dt.timedelta(days=1)
# A visible range longer than this, holding more than one incident, is drawn as incidents (one span each): over
# months and years a record's marker is a pixel wide and the lanes pile up (the 2021–2026 record was unreadable).
SPAN_THRESHOLD = dt.timedelta(days=120)
# Incidents in view above which the incident level counts incidents per kind per time bin instead of one row each.
INCIDENT_ROWS_MAX = 60
Level = Literal["incidents", "incident-bins", "records", "bins"]


def aggregated(record_count: int, threshold: int = AGGREGATE_THRESHOLD) -> bool:
    """Whether a view of `record_count` records is drawn as counts rather than record by record."""
    return record_count > threshold


def bin_width(start: dt.datetime, end: dt.datetime, target: int = TARGET_BINS) -> dt.timedelta:
    """The narrowest width that splits start..end into at most `target` bins (the widest when none does)."""
    span = end - start
    for width in BIN_WIDTHS:
        if span / width <= target:
            return width
    return BIN_WIDTHS[-1]


def bin_origin(start: dt.datetime, width: dt.timedelta) -> dt.datetime:
    """Where the first bin starts: midnight of the start's day for bins of a day or more, else the hour."""
    if width >= _DAY:
        return dt.datetime.combine(start.date(), dt.time.min)
    return start.replace(minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class Bin:
    """The records of one lane whose time falls in [start, end)."""

    lane: str
    start: dt.datetime
    end: dt.datetime
    count: int
    # Records whose window is wider than the bin (or that are undated), and how far their windows reach.
    uncertain: int = 0
    uncertain_from: dt.datetime | None = None
    uncertain_to: dt.datetime | None = None

    @property
    def dates(self) -> tuple[dt.date, dt.date]:
        """The first and last day the bin covers (its end is exclusive): the date filter that narrows to it."""
        return self.start.date(), (self.end - dt.timedelta(microseconds=1)).date()


@dataclass
class _Tally:
    count: int = 0
    uncertain: int = 0
    low: dt.datetime | None = None
    high: dt.datetime | None = None


def count_bins(
    items: Iterable[tuple[str, TimeWindow]], start: dt.datetime, end: dt.datetime, width: dt.timedelta | None = None
) -> list[Bin]:
    """Bins with at least one record, by lane (in first-seen order) then time, from (lane, window) pairs.

    A record whose time falls outside start..end is counted in the first or last bin, so every record in view
    is counted exactly once.
    """
    width = width or bin_width(start, end)
    origin = bin_origin(start, width)
    last = max(0, int((end - origin - dt.timedelta(microseconds=1)) / width))
    tallies: dict[str, dict[int, _Tally]] = {}
    for lane, window in items:
        moment = window.middle
        index = min(max(int((moment - origin) / width), 0), last)
        tally = tallies.setdefault(lane, {}).setdefault(index, _Tally())
        tally.count += 1
        if window.start is None or window.end - window.start > width:
            tally.uncertain += 1
            low = window.start if window.start is not None else window.end
            tally.low = low if tally.low is None else min(tally.low, low)
            tally.high = window.end if tally.high is None else max(tally.high, window.end)
    return [
        Bin(lane, origin + index * width, origin + (index + 1) * width, t.count, t.uncertain, t.low, t.high)
        for lane, by_index in tallies.items()
        for index, t in sorted(by_index.items())
    ]


def _day_text(day: dt.date, with_year: bool = True) -> str:
    return f"{day.day} {day:%b}" + (f" {day.year}" if with_year else "")


def span_text(first: dt.date, last: dt.date) -> str:
    """'12–18 Mar 2026', '28 Feb – 3 Mar 2026', '5 Mar 2026' (days inclusive)."""
    if first == last:
        return _day_text(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{_day_text(last)}"
    return f"{_day_text(first, first.year != last.year)} – {_day_text(last)}"


def bin_when(item: Bin) -> str:
    """The bin's time as a reader says it: its days, or its hours within a day (UTC)."""
    if item.end - item.start >= _DAY:
        return span_text(*item.dates)
    return f"{_day_text(item.start.date())}, {item.start:%H:%M}–{item.end:%H:%M} UTC"


def uncertain_text(item: Bin) -> str:
    """'k with uncertain dates spanning 4–9 Mar 2026', or that every time lies inside the bin."""
    if not item.uncertain or item.uncertain_from is None or item.uncertain_to is None:
        return "every time known within the bin"
    last = (item.uncertain_to - dt.timedelta(microseconds=1)).date()
    return f"{item.uncertain} with uncertain dates spanning {span_text(item.uncertain_from.date(), last)}"


def timeline_level(
    start: dt.datetime, end: dt.datetime, incident_count: int, record_count: int, detail: str = "auto"
) -> Level:
    """What the timeline draws: `incidents` (one span each) or `incident-bins` (their counts per kind per bin) over a
    range longer than SPAN_THRESHOLD with more than one incident, else `records` or, above AGGREGATE_THRESHOLD,
    `bins`. `detail` (`incidents`, `records`) forces the level; the thresholds still pick rows or counts."""
    spans = incident_count > 1 and end - start > SPAN_THRESHOLD
    if detail == "incidents" or (detail != "records" and spans):
        return "incident-bins" if incident_count > INCIDENT_ROWS_MAX else "incidents"
    return "bins" if aggregated(record_count) else "records"


@dataclass(frozen=True)
class IncidentSpan:
    """One incident on the long timeline: its own window, and the days that hold it and its records in view."""

    id: str
    title: str
    kind: str
    dates: str  # at the precision the sources give
    window: TimeWindow
    records: int  # its events and statements in view
    first_day: dt.date  # the date filter that narrows to the incident and every record of it in view
    last_day: dt.date


def _record_extents(view: View) -> dict[str, tuple[int, dt.datetime, dt.datetime]]:
    """Incident id -> (records of the view naming it, their windows' earliest start and latest end): from the
    columns for a filtered view (`kept_rows`: a loop over 37,000 models cost 0.13 s a rerun at 1,000 incidents),
    else from the records."""
    kept = kept_rows(view)
    if kept is not None:
        columns, event_rows, statement_rows = kept
        return columns.incident_extents(event_rows, statement_rows)
    extents: dict[str, tuple[int, dt.datetime, dt.datetime]] = {}
    records: list[Event | Statement] = [*view.events, *view.statements]
    for record in records:
        ids = (record.incident,) if isinstance(record, Event) else tuple(record.incidents)
        window = time_window(record.when)
        low = window.start if window.start is not None else window.end
        for incident_id in ids:
            if not incident_id:
                continue
            was = extents.get(incident_id)
            extents[incident_id] = (1, low, window.end) if was is None else (
                was[0] + 1, min(was[1], low), max(was[2], window.end)
            )
    return extents


def incident_spans(dataset: Dataset, view: View) -> list[IncidentSpan]:
    """The incidents of the view, oldest first, each with its window and how many of its records are in view."""
    extents = _record_extents(view)
    found = []
    for incident in sorted(view.incidents, key=chronological):
        window = time_window(incident.when)
        low = window.start if window.start is not None else window.end
        high = window.end
        count, *records_extent = extents.get(incident.id, (0,))
        if records_extent:
            low, high = min(low, records_extent[0]), max(high, records_extent[1])
        found.append(
            IncidentSpan(
                incident.id, incident.short_title or incident.title,
                incident_kind(incident.kind, incident.sub_event_type),
                date_text(incident.when), window, count, low.date(),
                (high - dt.timedelta(microseconds=1)).date(),
            )
        )
    return found


def incident_bins(spans: list[IncidentSpan], start: dt.datetime, end: dt.datetime) -> list[Bin]:
    """Incidents per kind (the lane) per time bin, by the middle of each incident's window (as records are)."""
    return count_bins(((span.kind, span.window) for span in spans), start, end)


@dataclass(frozen=True)
class Detail:
    """The timeline's level for one view, the time range it shows, and the incidents in view as spans."""

    level: Level
    start: dt.datetime
    end: dt.datetime
    spans: tuple[IncidentSpan, ...]


def timeline_detail(dataset: Dataset, view: View, value: FilterValue, detail: str = "auto") -> Detail:
    """The level of detail of a view (`timeline_level`) over the range its records and incidents span (the date
    filter's days when set, as `incidents.views.timing.visible_range` gives it)."""
    spans = incident_spans(dataset, view)
    extent = view.extent  # the records' extent as one window: `visible_range` reads only the ends
    windows = [TimeWindow(extent[0], extent[1], "extent")] if extent else []
    windows += [s.window for s in spans]
    start, end = visible_range(windows, value.date_from, value.date_to)
    return Detail(timeline_level(start, end, len(spans), view.record_count, detail), start, end, tuple(spans))
