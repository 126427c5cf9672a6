"""The comparison's shapes: parties (columns), rows of cells (propositions), and what is established."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Literal

from incidents.comparison.refs import SourceRef, StatementRef
from incidents.models import Discrepancy, Incident, Proposition, StanceValue
from incidents.stances import polarity

CellStance = StanceValue | Literal["none"]
RowStatus = Literal["contested", "one-sided", "agreed", "rejected", "unaddressed"]
PartyOrder = Literal["accuser", "chronological", "name"]
# agreed: every party that spoke asserts it (two or more); confirmed: two or more independent documents carry it;
# one-sided: one party asserts it and nobody disputes it, not even by asserting a competing explanation.
EstablishedTier = Literal["agreed", "confirmed", "one-sided"]

# incidents.params.PARTY_ORDERS with its type: the URL's choices, the first the default (a test checks they agree).
PARTY_ORDER_CHOICES: tuple[PartyOrder, ...] = ("accuser", "chronological", "name")
ROW_STATUSES: tuple[RowStatus, ...] = ("contested", "one-sided", "agreed", "rejected", "unaddressed")

STANCE_TEXT: dict[str, str] = {
    "asserts": "asserts",
    "denies": "denies",
    "alternative": "offers an alternative",
    "none": "no statement recorded",
}
TIER_TEXT: dict[str, str] = {
    "agreed": "Agreed by every party that spoke",
    "confirmed": "Carried by two or more independent documents",
    "one-sided": "Undisputed, but one side only",
}
STATUS_TEXT: dict[str, str] = {
    "contested": "contested: the parties contradict each other",
    "one-sided": "one-sided: only one party has spoken",
    "agreed": "agreed: every party that spoke asserts it",
    "rejected": "rejected: every party that spoke disputes it",
    "unaddressed": "no statement recorded yet",
}


@dataclass(frozen=True)
class Position:
    """A statement's stance on one proposition."""

    statement: StatementRef
    stance: StanceValue
    note: str | None = None


@dataclass(frozen=True)
class Party:
    """A column: the top of the speakers' parent chain (a state and its bodies are one party)."""

    id: str
    name: str
    short_name: str | None
    speakers: tuple[str, ...]
    first_spoke: dt.datetime
    accuser: bool = False

    @property
    def label(self) -> str:
        return self.short_name or self.name


@dataclass(frozen=True)
class Cell:
    """One party's statements on one proposition, in time order."""

    party: str
    proposition: str
    positions: tuple[Position, ...] = ()
    # Propositions this party asserts that another statement offered as the alternative to this one:
    # the party has said nothing here, but its position contradicts the proposition.
    competing: tuple[str, ...] = ()

    @property
    def stance(self) -> CellStance:
        """The party's current position: the stance of its latest statement."""
        return self.positions[-1].stance if self.positions else "none"

    @property
    def stances(self) -> tuple[CellStance, ...]:
        """Every stance the party has taken here, first occurrence order (e.g. denies, alternative)."""
        if not self.positions:
            return ("none",)
        return tuple(dict.fromkeys(p.stance for p in self.positions))

    @property
    def shifted(self) -> bool:
        """True when the party moved between asserting and disputing over time."""
        return len({polarity(p.stance) for p in self.positions}) > 1


@dataclass(frozen=True)
class Row:
    """One proposition: each party's cell, and the row's status."""

    proposition: Proposition
    cells: tuple[Cell, ...]
    status: RowStatus

    def cell(self, party_id: str) -> Cell:
        for cell in self.cells:
            if cell.party == party_id:
                return cell
        return Cell(party_id, self.proposition.id)

    @property
    def asserting(self) -> tuple[str, ...]:
        return tuple(c.party for c in self.cells if polarity(c.stance) == "for")

    @property
    def disputing(self) -> tuple[str, ...]:
        return tuple(c.party for c in self.cells if polarity(c.stance) == "against")

    @property
    def spoken(self) -> tuple[str, ...]:
        return tuple(c.party for c in self.cells if c.positions)


@dataclass(frozen=True)
class Established:
    """A proposition the reader can lean on, and how far: agreed, confirmed, or undisputed but one-sided."""

    proposition: Proposition
    tier: EstablishedTier
    asserted_by: tuple[str, ...]
    disputed_by: tuple[str, ...]
    documents: tuple[SourceRef, ...]
    reason: str
    discrepancies: tuple[Discrepancy, ...] = ()
    # Parties that answered a statement asserting it, yet took no position on it.
    answered_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class StanceStep:
    position: Position
    change: str | None  # None for the first statement; else 'same' or 'previous → this'


@dataclass(frozen=True)
class StanceTrack:
    """A party's statements on one proposition over time: shifts in position become visible."""

    party: str
    proposition: str
    steps: tuple[StanceStep, ...]

    @property
    def shifted(self) -> bool:
        return any(step.change not in (None, "same") for step in self.steps)


@dataclass(frozen=True)
class Reply:
    """`statement` answers `answers` (a `responds_to` link)."""

    statement: StatementRef
    answers: StatementRef


@dataclass(frozen=True)
class ComparisonError:
    """Why there is no comparison: a message for people, not an exception."""

    incident_id: str
    message: str
    known: tuple[str, ...] = ()


@dataclass(frozen=True)
class Comparison:
    """One incident's party × proposition matrix, with what is established, stance tracks, replies and sources."""

    incident: Incident
    parties: tuple[Party, ...]
    rows: tuple[Row, ...]
    established: tuple[Established, ...]
    tracks: tuple[StanceTrack, ...]
    replies: tuple[Reply, ...]
    other_statements: tuple[StatementRef, ...]
    discrepancies: tuple[Discrepancy, ...]
    sources: tuple[SourceRef, ...]
    accuser: str | None
    order: PartyOrder = "accuser"
    data_last_updated: dt.date | None = None
    data_version: str = ""
    statements: dict[str, StatementRef] = field(default_factory=dict, compare=False)

    @property
    def counts(self) -> dict[str, int]:
        """Rows per status, every status present (zero when none)."""
        found: dict[str, int] = {status: 0 for status in ROW_STATUSES}
        for row in self.rows:
            found[row.status] += 1
        return found

    def party(self, party_id: str) -> Party:
        return next(p for p in self.parties if p.id == party_id)

    def reordered(self, order: PartyOrder) -> Comparison:
        """The same comparison with its columns in another order."""
        parties = order_parties(self.parties, order)
        index = {p.id: i for i, p in enumerate(parties)}
        rows = tuple(replace(r, cells=tuple(sorted(r.cells, key=lambda c: index[c.party]))) for r in self.rows)
        tracks = tuple(sorted(self.tracks, key=lambda t: (self._row_index(t.proposition), index[t.party])))
        return replace(self, parties=parties, rows=rows, tracks=tracks, order=order)

    def _row_index(self, proposition_id: str) -> int:
        return next((i for i, r in enumerate(self.rows) if r.proposition.id == proposition_id), len(self.rows))

    def row_number(self, proposition_id: str) -> int:
        """The row's number as shown (from 1); the proposition must be one of the rows."""
        return next(i for i, r in enumerate(self.rows, start=1) if r.proposition.id == proposition_id)

    def proposition_text(self, proposition_id: str) -> str:
        """The proposition's text when it is a row, else its id."""
        return next((r.proposition.text for r in self.rows if r.proposition.id == proposition_id), proposition_id)


def party_order(value: object) -> PartyOrder:
    """`value` when it is a party order, else the default (the accusing party first)."""
    return next((order for order in PARTY_ORDER_CHOICES if order == value), PARTY_ORDER_CHOICES[0])


def order_parties(parties: Iterable[Party], order: PartyOrder) -> tuple[Party, ...]:
    """Columns by name, by when each party first spoke, or (the default) the accusing party first."""

    def by_name(p: Party) -> tuple[str, str]:
        return (p.name.casefold(), p.id)

    def by_time(p: Party) -> tuple[dt.datetime, str, str]:
        return (p.first_spoke, p.name.casefold(), p.id)

    if order == "name":
        return tuple(sorted(parties, key=by_name))
    if order == "chronological":
        return tuple(sorted(parties, key=by_time))
    # Accusing party first; the others in the order they first spoke (the accused usually answers next).
    return tuple(sorted(parties, key=lambda p: (not p.accuser, *by_time(p))))
