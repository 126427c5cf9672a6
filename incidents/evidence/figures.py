"""Figures as claims: each value a statement gave for a quantity, in time order, with who gave it and when.

A party revising its own figure is told apart from two parties disagreeing. Values are never summed or averaged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from incidents.model.when import as_datetime

if TYPE_CHECKING:
    from incidents.evidence.refs import StatementRef


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
    as_of: dt.datetime  # naive UTC: the earliest moment, for ordering
    # When it was given, as precisely as known: the figure's own time, else its statement's time with its precision.
    as_of_text: str
    statement: str
    civilians: bool | None = None
    note: str | None = None
    # The same giver's earlier value that this one changes (None for a first value, or one repeated unchanged).
    revises: str | None = None


@dataclass(frozen=True)
class FigureTrack:
    """Every value of one quantity, in time order."""

    quantity: str
    values: tuple[FigureValue, ...]

    @property
    def latest(self) -> dict[str, FigureValue]:
        """Each giver's latest value."""
        found: dict[str, FigureValue] = {}
        for value in self.values:
            found[value.by] = value
        return found

    @property
    def disputed(self) -> bool:
        """True when two givers' latest values differ (a disagreement, not a revision)."""
        return len({value.label for value in self.latest.values()}) > 1

    @property
    def revised(self) -> bool:
        return any(value.revises for value in self.values)


def _giver(statement: StatementRef) -> tuple[str, str]:
    if statement.party is not None:
        return statement.party, statement.speaker_name
    origin = ",".join(sorted(statement.origins)) or statement.id
    return f"reporting:{origin}", statement.speaker_name


def figure_tracks(
    statements: Iterable[StatementRef], party_names: dict[str, str] | None = None
) -> tuple[FigureTrack, ...]:
    """The quantities the statements give values for, each with its values in time order (ties: statement order)."""
    party_names = party_names or {}
    values: dict[str, list[FigureValue]] = {}
    for statement in statements:
        by, name = _giver(statement)
        for figure in statement.figures:
            as_of = as_datetime(figure.as_of) if figure.as_of is not None else statement.when.start_dt
            as_of_text = (
                f"{as_of:%Y-%m-%d %H:%M} UTC" if isinstance(figure.as_of, dt.datetime) else str(figure.as_of)
            ) if figure.as_of is not None else statement.when_label
            values.setdefault(figure.quantity, []).append(
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
                )
            )
    tracks = []
    for quantity, found in values.items():
        found.sort(key=lambda v: v.as_of)
        tracks.append(FigureTrack(quantity, tuple(_mark_revisions(found))))
    return tuple(tracks)


def _mark_revisions(values: list[FigureValue]) -> list[FigureValue]:
    """Each value that changes its giver's previous value names the statement it revises."""
    previous: dict[str, FigureValue] = {}
    marked = []
    for value in values:
        before = previous.get(value.by)
        if before is not None and before.label != value.label:
            value = replace(value, revises=before.statement)
        marked.append(value)
        previous[value.by] = value
    return marked
