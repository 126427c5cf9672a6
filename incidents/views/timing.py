"""Time windows and response lags, honest about precision.

A record's time is a window, not a point: a statement known only to the day may fall anywhere in that day.
Lags between two records are therefore ranges; where the range is too wide to be useful, we say so
instead of printing a falsely exact figure.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from incidents.model.dataset import Dataset
from incidents.model.groups import groups
from incidents.model.queries import chronological, speaker_name
from incidents.model.records import Event, Statement
from incidents.model.vocabulary import KIND_LABELS, PRECISION_WORDS
from incidents.model.when import EXACT_LAG_WIDTH, TimeWindow, format_duration, lag_span_text, time_window, window_lag
from incidents.views.filtering import View, kept_rows

__all__ = ["EXACT_LAG_WIDTH", "format_duration"]  # the lag rule and its words live in incidents.model.when
# Statement kinds that can open an incident's record ("the first report").
REPORT_KINDS = ("claim", "accusation")
_ONE_DAY = dt.timedelta(days=1)

def records_in_time_order(view: View) -> list[Event | Statement]:
    """Events and statements of a view merged in chronological order (as the filter sorts them)."""
    # Each list is already in this order; merging computes every key once.
    events: Iterable[Event | Statement] = view.events
    statements: Iterable[Event | Statement] = view.statements
    return list(heapq.merge(events, statements, key=chronological))


# The visible range when nothing sets it: the week up to the end of today.
DEFAULT_RANGE = dt.timedelta(days=7)


def speaking_incidents(view: View) -> tuple[list[str], list[str]]:
    """The view's incident ids, and those of them that some statement in view is first about, both in the view's
    order (the timeline's lag section speaks for the last of the second). One pass over the statements: the
    former test per incident was incidents × statements (1.9 s a rerun at 300 incidents)."""
    in_view = [incident.id for incident in view.incidents]
    kept = kept_rows(view)
    if kept is not None:  # a filtered view: from its columns (the loop was 20 ms of a new view at 1,000 incidents)
        columns, _, statement_rows = kept
        codes = columns.statements.first_incident[statement_rows]
        first = {columns.incidents.values[code] for code in np.unique(codes[codes >= 0]).tolist()}
    else:
        first = {statement.incidents[0] for statement in view.statements if statement.incidents}
    return in_view, [i for i in in_view if i in first] or in_view


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min)


def visible_range(
    windows: Sequence[TimeWindow], date_from: dt.date | None = None, date_to: dt.date | None = None
) -> tuple[dt.datetime, dt.datetime]:
    """The time range a view shows: the date filter's days when set, else the windows' extent with a margin.

    A range open on one side runs a week from the other; with neither filter nor records it is the week up to today.
    """
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    if windows:
        start = min(w.start if w.start is not None else w.end for w in windows)
        end = max(w.end for w in windows)
        margin = max((end - start) / 14, dt.timedelta(hours=3))  # room for the timeline's connector channel
        start, end = start - margin, end + margin
    if date_from:
        start = _day_start(date_from)
    if date_to:
        end = _day_start(date_to) + _ONE_DAY
    if start is None or end is None:
        if start is not None:
            end = start + DEFAULT_RANGE
        elif end is not None:
            start = end - DEFAULT_RANGE
        else:
            today = _day_start(dt.date.today())
            start, end = today - DEFAULT_RANGE, today + _ONE_DAY
    if end <= start:
        end = start + _ONE_DAY
    return start, end


def first_report(
    dataset: Dataset, incident_id: str, concerning: Sequence[Statement] | None = None
) -> Statement | None:
    """The incident's earliest dated claim or accusation (any statement kind when there is none).

    "Earliest" is the window that closes first: a report known to the hour beats one known only to that day,
    because it certainly existed by then. Ties go to the earlier start, then the id, so the choice is stable.
    `concerning` may pass the incident's statements when the caller holds them; by default they are the dataset's
    kept groups (`incidents.model.groups`: each statement once, in file order).
    """
    if concerning is None:
        concerning = groups(dataset).statements.get(incident_id, ())
    candidates = [s for s in concerning if s.when.start is not None]
    reports = [s for s in candidates if s.kind in REPORT_KINDS] or candidates
    if not reports:
        return None

    def order(statement: Statement) -> tuple[dt.datetime, dt.datetime, str]:
        window = time_window(statement.when)
        # Candidates are dated, so their windows have a start.
        return (window.end, window.start if window.start is not None else window.end, statement.id)

    return min(reports, key=order)


LagStatus = Literal["first", "exact", "range", "unordered", "undated", "no-incident", "no-reference"]


@dataclass(frozen=True)
class Lag:
    """Time from an incident's first report to a statement, as a range [low, high] where precision allows one."""

    statement: str
    incident: str | None
    reference: str | None
    status: LagStatus
    low: dt.timedelta | None = None
    high: dt.timedelta | None = None
    reason: str = ""
    precision: str = ""  # e.g. "both are known only to the day"

    @property
    def measurable(self) -> bool:
        return self.status in ("exact", "range")


def response_lag(dataset: Dataset, statement: Statement, references: dict[str, Statement | None] | None = None) -> Lag:
    """The lag of one statement after the first report of the (first) incident it concerns.

    `references` caches first reports by incident id across calls.
    """
    if not statement.incidents:
        return Lag(statement.id, None, None, "no-incident", reason="the statement concerns no incident")
    incident = statement.incidents[0]
    if references is not None and incident in references:
        reference = references[incident]
    else:
        reference = first_report(dataset, incident)
        if references is not None:
            references[incident] = reference
    if reference is None:
        return Lag(statement.id, incident, None, "no-reference", reason="the incident has no dated report")
    if reference.id == statement.id:
        return Lag(statement.id, incident, reference.id, "first", reason="this is the first report of the incident")
    mine, theirs = time_window(statement.when), time_window(reference.when)
    if mine.start is None:
        return Lag(
            statement.id,
            incident,
            reference.id,
            "undated",
            reason=f"the statement is undated (only a latest date, {statement.when.end}, is known)",
        )
    if theirs.start is None:  # first_report picks dated statements only
        raise ValueError(f"the first report {reference.id} is undated")
    # The one lag rule (incidents.model.when.window_lag), shared with the answers to accusations.
    lag = window_lag(theirs, mine)
    low, high = lag.low, lag.high
    precision = _precision_phrase(mine, theirs)
    if lag.kind == "unordered":
        # The windows overlap (or this one starts first): which came first cannot be told.
        return Lag(
            statement.id,
            incident,
            reference.id,
            "unordered",
            low,
            high,
            reason=f"{precision}, so the precision does not allow saying which came first",
            precision=precision,
        )
    if lag.kind == "exact":
        return Lag(statement.id, incident, reference.id, "exact", low, high, reason=precision, precision=precision)
    return Lag(
        statement.id,
        incident,
        reference.id,
        "range",
        low,
        high,
        reason=f"{precision}, so the precision does not allow a closer figure",
        precision=precision,
    )


def response_lags(dataset: Dataset, statements: Iterable[Statement]) -> list[Lag]:
    statements = list(statements)
    grouped = groups(dataset).statements
    needed = {s.incidents[0] for s in statements if s.incidents}
    references = {i: first_report(dataset, i, grouped.get(i, ())) for i in needed}
    return [response_lag(dataset, statement, references) for statement in statements]


def _precision_phrase(mine: TimeWindow, theirs: TimeWindow) -> str:
    def one(window: TimeWindow) -> str:
        words = PRECISION_WORDS.get(window.precision, window.precision)
        return f"approximately, {words}" if window.approximate else words

    if mine.precision == theirs.precision and mine.approximate == theirs.approximate:
        return f"both are known {one(mine)}"
    return f"this one is known {one(mine)}, the first report {one(theirs)}"


def lag_sentence(dataset: Dataset, lag: Lag) -> str:
    """A plain sentence: "Iran General Staff's denial came 5 h after the first report (Azerbaijan MFA's claim)."."""
    who = _who(dataset, dataset.statements[lag.statement])
    if lag.status == "first":
        return f"{who} is the incident's first report."
    if lag.status in ("no-incident", "no-reference") or lag.reference is None:
        return f"{who}: no lag, because {lag.reason}."
    ref = f"the first report ({_who(dataset, dataset.statements[lag.reference])})"
    if lag.status == "undated":
        return f"{who}: no lag after {ref} can be given, because {lag.reason}."
    if lag.status == "unordered":
        return f"{who} and {ref}: {lag.reason}."
    low, high = lag.low, lag.high
    if low is None or high is None:  # measurable lags always carry both ends
        raise ValueError(f"the {lag.status} lag of {lag.statement} has no range")
    span = lag_span_text(low, high, lag.status == "exact")
    if lag.status == "exact":
        return f"{who} came {span} after {ref} ({lag.reason})."
    return f"{who} came {span} after {ref}; {lag.reason}."


def _who(dataset: Dataset, statement: Statement) -> str:
    """"AZ Foreign Ministry's claim": the speaker's short name and the statement's kind, in lower case."""
    return f"{speaker_name(dataset, statement, short=True)}'s {KIND_LABELS[statement.kind].lower()}"


def lag_lines(dataset: Dataset, lags: Iterable[Lag]) -> list[str]:
    """A readable readout: per incident its first report, each measurable lag, then one line per group of
    statements whose lag the precision does not allow (grouped by reason, so the page does not repeat itself).
    """
    lags = list(lags)
    by_incident: dict[str | None, list[Lag]] = {}
    for lag in lags:
        by_incident.setdefault(lag.incident, []).append(lag)
    several = len([i for i in by_incident if i is not None]) > 1
    grouped = groups(dataset).statements
    lines: list[str] = []
    for incident_id, group in by_incident.items():
        incident = dataset.incidents.get(incident_id) if incident_id else None
        prefix = f"{incident.title}: " if several and incident else ""
        reference_id = next((lag.reference for lag in group if lag.reference), None)
        reference = dataset.statements.get(reference_id) if reference_id else None
        if reference is not None:
            window = time_window(reference.when)
            ties = [
                s.id
                for s in grouped.get(incident_id or "", ())
                if s.id != reference.id and s.kind in REPORT_KINDS and time_window(s.when) == window
            ]
            line = f"{prefix}First report: {_who(dataset, reference)} ({reference.when.label()})"
            if ties:
                line += (
                    f"; {len(ties)} other report(s) share exactly this time window, so which of them came first is"
                    " not known (this one is used as the reference)"
                )
            lines.append(line + ".")
        for lag in group:
            if lag.status in ("exact", "range"):
                lines.append(prefix + lag_sentence(dataset, lag))
        reasons: dict[tuple[str, str], list[str]] = {}
        for lag in group:
            if lag.status in ("unordered", "undated", "no-incident", "no-reference"):
                key = (lag.status, {"unordered": lag.precision, "undated": ""}.get(lag.status, lag.reason))
                reasons.setdefault(key, []).append(_who(dataset, dataset.statements[lag.statement]))
        for (status, reason), names in reasons.items():
            listed = ", ".join(names)
            if status == "unordered":
                lines.append(
                    f"{prefix}The precision does not allow saying whether these came before or after the first report"
                    f" ({reason}): {listed}."
                )
            elif status == "undated":
                lines.append(f"{prefix}Undated, only a latest date is known, so no lag can be given: {listed}.")
            else:
                lines.append(f"{prefix}No lag ({reason}): {listed}.")
    return lines
