"""Times as precisely as the sources give them, never more: a window, its precision and the words the source used."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import TYPE_CHECKING, Literal, get_args

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from incidents.fields import Record

if TYPE_CHECKING:
    from incidents.timing import TimeWindow

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
        """The window it may fall in (`incidents.timing.compute_window`), computed once: views ask it of every
        record on every rerun, and a `When` is frozen. (pydantic leaves cached values out of dumps and equality.)"""
        from incidents.timing import compute_window  # timing imports this module

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
