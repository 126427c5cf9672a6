"""Times as precisely as the sources give them, never more: a window, its precision and the words the source used."""

from __future__ import annotations

import calendar
import datetime as dt
from functools import cached_property
from typing import Literal, NamedTuple, get_args

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from incidents.model.fields import Record

TimePrecision = Literal["minute", "hour", "part-of-day", "day", "days", "week", "month", "undated"]
TIME_PRECISIONS: tuple[str, ...] = get_args(TimePrecision)


class When(Record):
    """A time as precisely as the sources give it, never more."""

    start: dt.date | dt.datetime | None = Field(
        None,
        description="Earliest moment it can have happened: YYYY-MM-DD, or an ISO datetime with offset (e.g. 2026-03-05T10:30:00+04:00). Empty only with precision 'undated'.",
    )
    end: dt.date | dt.datetime | None = Field(
        None, description="Latest moment, when the sources give only a window (e.g. 'between Wednesday and Thursday')."
    )
    precision: TimePrecision = Field(
        description="How precisely the time is known: minute, hour, part-of-day, day, days (a window of several days), week, month, undated (only a latest date, `end`, is known: 'has repeatedly said')."
    )
    approximate: bool = Field(False, description="True when the sources hedge the time ('around', 'early on').")
    as_reported: str | None = Field(
        None, description="The time exactly as the source words it, e.g. 'Wednesday (March 5)'."
    )
    note: str | None = Field(None, description="Why the time is uncertain, or how it was derived.")

    @model_validator(mode="after")
    def _end_not_before_start(self) -> When:
        if self.start is None:
            if self.precision != "undated" or self.end is None:
                raise PydanticCustomError(
                    "missing_start", "start is required unless precision is 'undated' with an end", {}
                )
            return self
        if self.precision == "undated":
            raise PydanticCustomError(
                "undated_with_start", "precision 'undated' takes only an end (the latest date)", {}
            )
        if self.end is not None and as_datetime(self.end, end=True) < as_datetime(self.start):
            raise PydanticCustomError(
                "end_before_start",
                "end {end} is before start {start}",
                {"end": str(self.end), "start": str(self.start)},
            )
        return self

    @cached_property
    def start_dt(self) -> dt.datetime:
        """Earliest moment; an undated record sits at its latest date."""
        moment = self.start if self.start is not None else self.end
        if moment is None:  # the validator requires a start, or an end when undated
            raise ValueError("a time needs a start or an end")
        return as_datetime(moment)

    @cached_property
    def end_dt(self) -> dt.datetime:
        """End of the window the record may fall in (end of day for day precision)."""
        moment = self.end if self.end is not None else self.start
        if moment is None:  # the validator requires a start, or an end when undated
            raise ValueError("a time needs a start or an end")
        return as_datetime(moment, end=True)

    @cached_property
    def first_day(self) -> dt.date:
        return self.start_dt.date()

    @cached_property
    def last_day(self) -> dt.date:
        return self.end_dt.date()

    @cached_property
    def window(self) -> TimeWindow:
        """The window it may fall in (`compute_window`), computed once: views ask it of every
        record on every rerun, and a `When` is frozen. (pydantic leaves cached values out of dumps and equality.)"""
        return compute_window(self)

    def label(self) -> str:
        """Human text: the reported wording when there is one, plus the precision."""
        if self.start is None:
            span = f"undated, by {self.end}"
            return f"{self.as_reported} · {span}" if self.as_reported else span
        span = str(self.start) if self.end is None else f"{self.start} – {self.end}"
        text = f"{span} ({'~' if self.approximate else ''}{self.precision})"
        return f"{self.as_reported} · {text}" if self.as_reported else text


def as_datetime(value: dt.datetime | dt.date, end: bool = False) -> dt.datetime:
    """Dates become naive-UTC datetimes at the start (or end) of the day, so mixed values compare."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value
    moment = dt.datetime.combine(value, dt.time.max if end else dt.time.min)
    return moment


# The width of one precision step; an `approximate` time is widened by one step on each side.
PRECISION_UNIT: dict[str, dt.timedelta] = {
    "minute": dt.timedelta(minutes=1),
    "hour": dt.timedelta(hours=1),
    "part-of-day": dt.timedelta(hours=6),
    "day": dt.timedelta(days=1),
    "days": dt.timedelta(days=1),
    "week": dt.timedelta(days=7),
    "month": dt.timedelta(days=31),
}
# A window at most this wide is drawn and counted as a point in time.
POINT_WIDTH = dt.timedelta(hours=1)


def _utc_naive(value: dt.datetime) -> dt.datetime:
    offset = value.utcoffset()
    return value if offset is None else (value - offset).replace(tzinfo=None)


class TimeWindow(NamedTuple):
    """Earliest and latest moment (naive UTC) a record can fall in. `start` is None when only a latest date is known.

    A named tuple: immutable, and cheap to make for 10k records.
    """

    start: dt.datetime | None
    end: dt.datetime
    precision: str
    approximate: bool = False

    @property
    def undated(self) -> bool:
        return self.start is None

    @property
    def width(self) -> dt.timedelta | None:
        return None if self.start is None else self.end - self.start

    @property
    def is_point(self) -> bool:
        """Narrow enough to draw as a marker at one moment without claiming false precision."""
        return self.start is not None and self.end - self.start <= POINT_WIDTH

    @property
    def middle(self) -> dt.datetime:
        return self.end if self.start is None else self.start + (self.end - self.start) / 2


_ONE_DAY = dt.timedelta(days=1)
_ZERO = dt.timedelta(0)
_MIDNIGHT = dt.time.min
_DATETIME = dt.datetime


def time_window(when: When) -> TimeWindow:
    """The window a `When` allows (computed once per `When`, by `compute_window`)."""
    return when.window


def compute_window(when: When) -> TimeWindow:
    """The window a `When` allows: an explicit end is used as given; otherwise the precision sets the width.

    Dates cover whole days (midnight to midnight). An approximate time is widened by one precision step on each side.
    """
    start, end, precision = when.start, when.end, when.precision
    if end is not None:
        # An end date is inclusive: the window runs to the following midnight.
        end_dt = _utc_naive(end) if isinstance(end, _DATETIME) else _DATETIME.combine(end, _MIDNIGHT) + _ONE_DAY
        if start is None:  # precision 'undated': only the latest date is known
            return TimeWindow(None, end_dt, precision, when.approximate)
    if isinstance(start, _DATETIME):
        start_dt = _utc_naive(start)
        if end is None:
            if precision == "month":
                first = start_dt.date().replace(day=1)
                end_dt = _DATETIME.combine(first, _MIDNIGHT) + dt.timedelta(
                    days=calendar.monthrange(first.year, first.month)[1]
                )
            else:
                end_dt = start_dt + PRECISION_UNIT.get(precision, _ZERO)
    else:
        if start is None:  # the model allows no start only with an end (handled above)
            raise TypeError("a time without a start needs an end")
        start_dt = _DATETIME.combine(start, _MIDNIGHT)
        if end is None:
            if precision == "month":
                first = start.replace(day=1)
                start_dt = _DATETIME.combine(first, _MIDNIGHT)
                end_dt = start_dt + dt.timedelta(days=calendar.monthrange(first.year, first.month)[1])
            elif precision == "week":
                end_dt = start_dt + PRECISION_UNIT["week"]
            else:
                end_dt = start_dt + _ONE_DAY  # a bare date covers at least its whole day
    if when.approximate:
        step = PRECISION_UNIT.get(precision, _ZERO)
        start_dt, end_dt = start_dt - step, end_dt + step
    return TimeWindow(start_dt, end_dt, precision, when.approximate)


# A lag whose range is at most this wide is given as one figure: the one rule for every lag (response lags on the
# timeline, incidents.views.timing; answers to accusations, incidents.evidence.patterns).
EXACT_LAG_WIDTH = dt.timedelta(hours=2)
LagKind = Literal["exact", "range", "unordered", "undated"]


class WindowLag(NamedTuple):
    """The time from one window to a later one, as a range [low, high]: never more precise than the two windows.

    `exact` when the range is at most `EXACT_LAG_WIDTH` wide; `range` otherwise; `unordered` when the windows overlap
    (which came first cannot be told); `undated` when either has only a latest date (low and high are then None)."""

    kind: LagKind
    low: dt.timedelta | None
    high: dt.timedelta | None


def window_lag(earlier: TimeWindow, later: TimeWindow) -> WindowLag:
    """How long after `earlier` `later` came, as the two windows allow: low = later's start - earlier's end,
    high = later's end - earlier's start. The one lag rule: the timeline's response lags and the patterns' answer
    lags both come from here."""
    if earlier.start is None or later.start is None:
        return WindowLag("undated", None, None)
    low, high = later.start - earlier.end, later.end - earlier.start
    if low < dt.timedelta(0):
        return WindowLag("unordered", low, high)
    return WindowLag("exact" if high - low <= EXACT_LAG_WIDTH else "range", low, high)


def format_duration(delta: dt.timedelta) -> str:
    """'45 min', '5 h', '2 days 3 h': coarse units, because the inputs are coarse."""
    minutes = round(delta.total_seconds() / 60)
    if minutes < 0:
        return "-" + format_duration(-delta)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h" if rest == 0 else f"{hours} h {rest} min"
    days, hours = divmod(hours, 24)
    return f"{days} days" if hours == 0 else f"{days} days {hours} h"


def lag_span_text(low: dt.timedelta, high: dt.timedelta, exact: bool) -> str:
    """A measurable lag in words, never more precise than its range: '5 h' (both ends equal), 'about 5 h' (an
    exact lag: the middle of a range at most EXACT_LAG_WIDTH wide), 'up to 3 days', 'between 24 h and 3 days'."""
    if exact:
        return format_duration(low) if low == high else f"about {format_duration((low + high) / 2)}"
    if low < dt.timedelta(minutes=1):
        return f"up to {format_duration(high)}"
    return f"between {format_duration(low)} and {format_duration(high)}"


def date_text(when: When) -> str:
    """An incident's dates no more precise than its sources: a day, a span of days, a week, a month, or 'by' a day."""
    tilde = "~" if when.approximate else ""
    if when.start is None:
        return f"by {when.last_day.isoformat()}"
    first = when.first_day
    if when.precision == "month" and when.end is None:
        return f"{tilde}{first.strftime('%B %Y')}"
    if when.precision == "week" and when.end is None:
        return f"{tilde}week of {first.isoformat()}"
    last = when.last_day if when.end is not None else first
    if last != first:
        return f"{tilde}{first.isoformat()} – {last.isoformat()}"
    return f"{tilde}{first.isoformat()}"
