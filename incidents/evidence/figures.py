"""Figures as claims: each value a statement gave for a quantity, in time order, with who gave it and when.

Issue 22: a revision is told only within one voice (the same actor or office, or the same origin); different voices
of one party that disagree are said to disagree, not to revise; several values in one statement are separate items
(each its own name, never revisions of each other); every quantity has its own name (an `other` figure is named
by its item); values sort by their instant at their precision, a day-only value as that day. Values are never
summed or averaged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from incidents.model.vocabulary import QUANTITY_TEXT

if TYPE_CHECKING:
    from incidents.evidence.refs import StatementRef

Disagreement = Literal["parties", "voices", "reporting"]
DISAGREEMENT_TEXT: dict[str, str] = {
    "parties": "the parties disagree",
    "voices": "the party's voices disagree",
    "reporting": "the reports disagree",
}


@dataclass(frozen=True)
class FigureValue:
    """One value of a quantity, as one statement gave it."""

    quantity: str
    label: str  # '4', or '2–4'
    value: float | None
    low: float | None
    high: float | None
    by: str  # the party, or the origin of the publication's own reporting
    by_name: str
    # The sort instant at its precision: a day-only value sorts as that day (its date, with no time of day).
    as_of: dt.datetime
    # When it was given, as precisely as known: the figure's own time, else its statement's time with its precision.
    as_of_text: str
    statement: str
    civilians: bool | None = None
    note: str | None = None
    # The same voice's earlier value that this one changes (None for a first value, or one repeated unchanged).
    revises: str | None = None
    # The voice that gave it (actor or office, unnamed sources through an outlet, or an origin's reporting).
    voice: str = ""
    day_only: bool = False
    name: str = ""

    @property
    def sort_key(self) -> tuple[dt.date, int, dt.datetime]:
        """Its day first; within a day, timed values by their time, and a day-only value after them (it is known
        only to the day, so it is not put at midnight)."""
        return (self.as_of.date(), 1 if self.day_only else 0, self.as_of)


@dataclass(frozen=True)
class FigureTrack:
    """Every value of one named quantity, in time order."""

    quantity: str
    values: tuple[FigureValue, ...]
    # Its own name: the quantity, 'aid-tonnes: flour', or an `other` figure's item.
    name: str = ""

    @property
    def label(self) -> str:
        """The quantity for people: 'people injured', 'tonnes of humanitarian aid: flour', 'flights planned'."""
        if self.quantity == "other":
            return self.name
        base = QUANTITY_TEXT.get(self.quantity, self.quantity)
        item = self.name.partition(": ")[2]
        return f"{base}: {item}" if item else base

    @property
    def latest(self) -> dict[str, FigureValue]:
        """Each voice's latest value."""
        found: dict[str, FigureValue] = {}
        for value in self.values:
            found[value.voice or value.by] = value
        return found

    @property
    def disagreement(self) -> Disagreement | None:
        """Whose latest values differ: different parties, voices of one party, or only reports; None when none do."""
        latest = list(self.latest.values())
        if len({v.label for v in latest}) <= 1:
            return None
        by_party: dict[str, set[str]] = {}
        for v in latest:
            if not v.by.startswith("reporting:"):
                by_party.setdefault(v.by, set()).add(v.label)
        if len(by_party) > 1 and len({frozenset(labels) for labels in by_party.values()}) > 1:
            return "parties"
        if any(len(labels) > 1 for labels in by_party.values()):
            return "voices"
        return "reporting"

    @property
    def disputed(self) -> bool:
        """True when two givers' latest values differ (a disagreement, not a revision)."""
        return self.disagreement is not None

    @property
    def revised(self) -> bool:
        return any(value.revises for value in self.values)


def _giver(statement: StatementRef) -> tuple[str, str]:
    if statement.footing == "restates" and statement.restates_name:
        origin = ",".join(sorted(statement.origins)) or statement.id
        return f"reporting:{origin}", f"{statement.speaker_name}, restating {statement.restates_name}"
    if statement.party is not None:
        return statement.party, statement.speaker_name
    origin = ",".join(sorted(statement.origins)) or statement.id
    return f"reporting:{origin}", statement.speaker_name


def _as_of(value: dt.datetime | dt.date | None, statement: StatementRef) -> tuple[dt.datetime, str, bool]:
    """(sort instant, text, day only): a datetime in UTC; a date (or a statement known to the day or coarser) as
    its day, never as 00:00 UTC."""
    if isinstance(value, dt.datetime):
        utc = value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
        return utc, f"{utc:%Y-%m-%d %H:%M} UTC", False
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time()), value.isoformat(), True
    precise = statement.when.precision in ("minute", "hour", "part-of-day")
    if precise:
        return statement.when.start_dt, statement.when_label, False
    return dt.datetime.combine(statement.when.first_day, dt.time()), statement.when_label, True


def figure_tracks(
    statements: Iterable[StatementRef], party_names: dict[str, str] | None = None
) -> tuple[FigureTrack, ...]:
    """The named quantities the statements give values for, each with its values in time order."""
    values: dict[str, list[FigureValue]] = {}
    kinds: dict[str, str] = {}
    for statement in statements:
        by, name = _giver(statement)
        for figure in statement.figures:
            as_of, as_of_text, day_only = _as_of(figure.as_of, statement)
            kinds[figure.name] = figure.quantity
            values.setdefault(figure.name, []).append(
                FigureValue(
                    quantity=figure.quantity,
                    label=figure.label(),
                    value=figure.value,
                    low=figure.low,
                    high=figure.high,
                    by=by,
                    by_name=name,
                    as_of=as_of,
                    as_of_text=as_of_text,
                    statement=statement.id,
                    civilians=figure.civilians,
                    note=figure.note,
                    voice=statement.speaker_key,
                    day_only=day_only,
                    name=figure.name,
                )
            )
    tracks = []
    for name, found in values.items():
        found.sort(key=lambda v: v.sort_key)  # stable: ties keep the statements' order
        tracks.append(FigureTrack(kinds[name], tuple(_mark_revisions(found)), name))
    return tuple(tracks)


def _mark_revisions(values: list[FigureValue]) -> list[FigureValue]:
    """Each value that changes the same voice's previous value, given in an earlier statement, names the statement
    it revises. Two values in one statement are separate items; a value known only to the day never revises one
    of the same day (their order is unknown)."""
    previous: dict[str, FigureValue] = {}
    marked = []
    for value in values:
        before = previous.get(value.voice)
        if (
            before is not None
            and before.label != value.label
            and before.statement != value.statement
            and not ((before.day_only or value.day_only) and before.as_of.date() == value.as_of.date())
        ):
            value = replace(value, revises=before.statement)
        marked.append(value)
        previous[value.voice] = value
    return marked
