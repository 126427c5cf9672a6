"""The comparison's shapes: parties (columns), rows of cells (propositions), and what is established."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Literal

from incidents.evidence.figures import FigureTrack
from incidents.evidence.refs import SourceRef, StatementRef
from incidents.evidence.stances import is_full_assertion, polarity
from incidents.model.evidence import StanceValue
from incidents.model.records import Discrepancy, Incident, Proposition

CellStance = StanceValue | Literal["none"]
Side = Literal["for", "against", "none"]
RowStatus = Literal["contested", "agreed", "one-sided", "unaddressed"]
Direction = Literal["asserted", "denied"]
PartyOrder = Literal["accuser", "chronological", "name"]
# accepted: the party it accuses asserts it (or, when it accuses no one, every party that spoke asserts it, two or
# more); corroborated: two or more independent origins report it of their own. Either way no party disputes it.
# A one-sided accusation is never established, whoever makes it.
EstablishedTier = Literal["accepted", "corroborated"]
# How the side a party takes is held (issue 22): the words a row may use. "asserted" only where a party asserts it
# in its own name; our inference, a hedge, an inferred denial, unnamed sources and aligned media are said as such.
Strength = Literal[
    "asserted",
    "suggested",
    "implied",
    "denied",
    "denied-inferred",
    "unnamed",
    "unnamed-denied",
    "aligned",
    "aligned-denied",
    "voices-disagree",
]
STRENGTH_TEXT: dict[str, str] = {
    "asserted": "asserted",
    "suggested": "hedged (suggested, not asserted)",
    "implied": "implied (our inference)",
    "denied": "denied",
    "denied-inferred": "denial (inferred: it supports a competing proposition)",
    "unnamed": "asserted by unnamed sources only",
    "unnamed-denied": "denied by unnamed sources only",
    "aligned": "asserted by media aligned with it only",
    "aligned-denied": "denied by media aligned with it only",
    "voices-disagree": "the party's voices disagree",
}
# The strongest first: a row that is agreed reads as its strongest cell.
STRENGTH_ORDER: tuple[str, ...] = tuple(STRENGTH_TEXT)

# incidents.views.params.PARTY_ORDERS with its type: the URL's choices, the first the default
# (a test checks they agree).
PARTY_ORDER_CHOICES: tuple[PartyOrder, ...] = ("accuser", "chronological", "name")
ROW_STATUSES: tuple[RowStatus, ...] = ("contested", "agreed", "one-sided", "unaddressed")

STANCE_TEXT: dict[str, str] = {
    "asserts": "asserts",
    "suggests": "suggests (hedged)",
    "implies": "implies (our inference)",
    "denies": "denies",
    "doubts": "says it is unclear",
    "declines": "declines to comment",
    "competing": "holds a competing position",
    "none": "no statement recorded",
}
TIER_TEXT: dict[str, str] = {
    "accepted": "Accepted by the party it goes against",
    "corroborated": "Corroborated by independent reporting, disputed by no one",
}
STATUS_TEXT: dict[str, str] = {
    "contested": "contested: the parties contradict each other",
    "agreed": "agreed: every party that spoke takes the same side",
    "one-sided": "one-sided: only one party has spoken",
    "unaddressed": "no party has taken a position yet",
}


def status_text(status: RowStatus, direction: Direction | None, strength: Strength | None = None) -> str:
    """The row's status for people, in words no stronger than the stances held: a lone denial reads as one, our
    inference and a hedge are said as such, and "asserted" only where a party asserts it in its own name."""
    if status == "one-sided" and strength:
        return f"one-sided: only one party has spoken: {STRENGTH_TEXT[strength]}"
    if status == "one-sided" and direction:
        return f"one-sided: only one party has spoken, and it {direction} it"
    if status == "agreed" and strength not in (None, "asserted", "denied"):
        return f"agreed: every party that spoke takes the same side, at most {STRENGTH_TEXT[strength]}"
    if status == "agreed" and direction == "denied":
        return "agreed: every party that spoke denies it"
    return STATUS_TEXT[status]


def _own_name(position: Position) -> bool:
    return position.statement.footing == "party"


def cell_strength(cell: Cell) -> Strength | None:
    """How the cell's side is held: in the party's own name (asserted, hedged, implied, denied), only by unnamed
    sources or aligned media, or (a denial) only inferred from a competing position. None when it takes no side."""
    side = cell.side
    if side == "none":
        return None
    if cell.voices_disagree:
        return "voices-disagree"
    held = [p for p in cell.positions if polarity(p.stance) == side]
    own = [p for p in held if _own_name(p)]
    if side == "against":
        if own:
            return "denied"
        if not held:
            return "denied-inferred"
        return "unnamed-denied" if any(p.statement.footing == "unnamed" for p in held) else "aligned-denied"
    ladder: tuple[tuple[str, Strength], ...] = (
        ("asserts", "asserted"),
        ("suggests", "suggested"),
        ("implies", "implied"),
    )
    for stance, strength in ladder:
        if any(p.stance == stance for p in own):
            return strength
    return "unnamed" if any(p.statement.footing == "unnamed" for p in held) else "aligned"


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
    # Propositions this party supports that exclude this one: its position contradicts the proposition even
    # where it has said nothing about it.
    competing: tuple[str, ...] = ()

    @property
    def stance(self) -> CellStance:
        """The party's current position in its own name: the stance of its latest own statement ('none' when only
        unnamed sources or aligned media speak for it here; those are `second_hand`)."""
        own = [p for p in self.positions if _own_name(p)]
        return own[-1].stance if own else "none"

    @property
    def side(self) -> Side:
        """For or against, by the latest stance that takes a side; else against when it holds a competing one."""
        for position in reversed(self.positions):
            side = polarity(position.stance)
            if side != "none":
                return side
        return "against" if self.competing else "none"

    @property
    def full(self) -> bool:
        """True when the party's side rests on a full assertion in its own name (not a hedge, our inference,
        unnamed sources or the reporting of media aligned with it)."""
        return any(is_full_assertion(p.stance) and _own_name(p) for p in self.positions)

    @property
    def stances(self) -> tuple[CellStance, ...]:
        """Every stance the party has taken here in its own name, first occurrence order (e.g. denies, asserts);
        unnamed sources and aligned media are `second_hand`, never shown as the party's own stance."""
        own = [p.stance for p in self.positions if _own_name(p)]
        return tuple(dict.fromkeys(own)) if own else ("none",)

    @property
    def second_hand(self) -> tuple[tuple[str, str], ...]:
        """(footing, stance) of what unnamed sources or media aligned with the party say for it here."""
        return tuple(dict.fromkeys((p.statement.footing, p.stance) for p in self.positions if not _own_name(p)))

    @property
    def shifted(self) -> bool:
        """True when one voice of the party (the same actor or office) moved between asserting and disputing."""
        by_voice: dict[str, set[str]] = {}
        for p in self.positions:
            by_voice.setdefault(p.statement.speaker_key, set()).add(polarity(p.stance))
        return any(len(sides - {"none"}) > 1 for sides in by_voice.values())

    @property
    def voices_disagree(self) -> bool:
        """True when different voices of the party (two offices, say) hold opposite sides at their latest."""
        latest: dict[str, str] = {}
        for p in self.positions:
            if polarity(p.stance) != "none":
                latest[p.statement.speaker_key] = polarity(p.stance)
        return len(set(latest.values())) > 1


@dataclass(frozen=True)
class Row:
    """One proposition: each party's cell, and the row's status."""

    proposition: Proposition
    cells: tuple[Cell, ...]
    status: RowStatus
    direction: Direction | None = None
    # The publication's own voice on it: reporting of its own, not a party.
    reporting: tuple[Position, ...] = ()
    strength: Strength | None = None
    # The discrepancies that concern the proposition, shown beside it.
    discrepancies: tuple[Discrepancy, ...] = ()

    @property
    def status_text(self) -> str:
        return status_text(self.status, self.direction, self.strength)

    def cell(self, party_id: str) -> Cell:
        for cell in self.cells:
            if cell.party == party_id:
                return cell
        return Cell(party_id, self.proposition.id)

    @property
    def asserting(self) -> tuple[str, ...]:
        return tuple(c.party for c in self.cells if c.side == "for")

    @property
    def disputing(self) -> tuple[str, ...]:
        return tuple(c.party for c in self.cells if c.side == "against")

    @property
    def spoken(self) -> tuple[str, ...]:
        return tuple(c.party for c in self.cells if c.positions or c.competing)


@dataclass(frozen=True)
class Established:
    """A proposition the reader can lean on: accepted by the party it concerns, or independently corroborated."""

    proposition: Proposition
    tier: EstablishedTier
    asserted_by: tuple[str, ...]
    # The independent origins (source ids) that report it of their own.
    origins: tuple[str, ...]
    reason: str
    # (name, why it counts) for each voice it rests on: the accepting party's statements, or the outlets.
    grounds: tuple[tuple[str, str], ...] = ()
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
    # Different voices of the party hold different sides: not a shift, a disagreement within the party.
    voices_disagree: bool = False

    @property
    def shifted(self) -> bool:
        """True when one voice changed its own stance (a change between two voices is not a shift)."""
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
    figures: tuple[FigureTrack, ...] = ()
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

    def in_dispute(self) -> tuple[Party, ...]:
        """The two parties in dispute, in column order: the accusing party (else the first column) and the party
        that most often takes the other side from it (else the next column). Fewer when fewer parties spoke."""
        if len(self.parties) <= 2:
            return self.parties
        first = next((p for p in self.parties if p.accuser), self.parties[0])

        def opposed(party: Party) -> int:
            return sum(
                1
                for row in self.rows
                if row.cell(first.id).side != "none"
                and row.cell(party.id).side not in ("none", row.cell(first.id).side)
            )

        others = [p for p in self.parties if p.id != first.id]
        second = max(others, key=lambda p: (opposed(p), -others.index(p)))
        return tuple(p for p in self.parties if p.id in (first.id, second.id))

    def grouped_parties(self) -> tuple[tuple[Party, ...], tuple[Party, ...]]:
        """(the two in dispute, every other party), each in column order."""
        principal = self.in_dispute()
        ids = {p.id for p in principal}
        return principal, tuple(p for p in self.parties if p.id not in ids)

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
