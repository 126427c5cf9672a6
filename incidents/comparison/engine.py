"""`compare`: an incident's statements as a party × proposition matrix (pure; no UI imports)."""

from __future__ import annotations

from collections.abc import Iterable

from incidents.comparison.matrix import (
    Cell,
    Comparison,
    ComparisonError,
    Established,
    EstablishedTier,
    Party,
    PartyOrder,
    Position,
    Reply,
    Row,
    RowStatus,
    StanceStep,
    StanceTrack,
    order_parties,
    party_order,
)
from incidents.comparison.refs import SourceRef, StatementRef, source_ref, statement_ref
from incidents.dataset import Dataset
from incidents.models import Discrepancy, Incident, Proposition, Statement
from incidents.stances import accusation_rank, polarity

Placed = list[tuple[Proposition, Position]]


class _Refs:
    """Each statement resolved once, remembered in the order first asked for (the comparison's `statements`)."""

    def __init__(self, dataset: Dataset) -> None:
        self._dataset = dataset
        self._file_order = {statement_id: index for index, statement_id in enumerate(dataset.statements)}
        self.made: dict[str, StatementRef] = {}

    def __call__(self, statement: Statement) -> StatementRef:
        if statement.id not in self.made:
            self.made[statement.id] = statement_ref(self._dataset, statement, self._file_order[statement.id])
        return self.made[statement.id]

    def in_time_order(self) -> list[StatementRef]:
        return sorted(self.made.values(), key=lambda s: s.sort_key)


def compare(dataset: Dataset, incident_id: str | None, order: PartyOrder = "accuser") -> Comparison | ComparisonError:
    """The party × proposition matrix of one incident. An unknown id gives a `ComparisonError`, never an exception."""
    incident = dataset.incidents.get(incident_id or "")
    if incident is None:
        return _no_incident(dataset, incident_id)
    order = party_order(order)
    propositions = [p for p in dataset.propositions.values() if p.incident == incident.id]
    refs = _Refs(dataset)
    by_row = _positions_by_row(dataset, propositions, refs)
    placed = [(prop, pos) for prop in propositions for pos in by_row[prop.id]]
    accuser = _accuser(placed)
    parties = order_parties(_parties(dataset, placed, accuser), order)
    rows = _rows(propositions, parties, by_row, _alternatives(dataset, placed, set(by_row)))
    # Made in this order on purpose: the replies and the source list also cover statements resolved before them.
    others = _other_statements(dataset, incident.id, placed, refs)
    replies = _replies(dataset, refs)
    discrepancies = tuple(d for d in dataset.discrepancies.values() if d.incident == incident.id)
    names = {p.id: p.label for p in parties}
    return Comparison(
        incident=incident,
        parties=parties,
        rows=tuple(rows),
        established=_established(rows, names, discrepancies, replies),
        tracks=_tracks(rows),
        replies=tuple(replies),
        other_statements=tuple(others),
        discrepancies=discrepancies,
        sources=_sources(dataset, incident, discrepancies, refs),
        accuser=accuser,
        order=order,
        data_last_updated=dataset.last_updated,
        data_version=dataset.version,
        statements=dict(refs.made),
    )


def _no_incident(dataset: Dataset, incident_id: str | None) -> ComparisonError:
    known = tuple(sorted(dataset.incidents))
    shown = (incident_id or "")[:64]
    if not known:
        message = "There are no incidents in the data yet."
    elif not shown:
        message = "No incident was chosen. Pick one of: " + ", ".join(known) + "."
    else:
        message = f"No incident has the id “{shown}”. Pick one of: " + ", ".join(known) + "."
    return ComparisonError(shown, message, known)


def _positions_by_row(dataset: Dataset, propositions: Iterable[Proposition], refs: _Refs) -> dict[str, list[Position]]:
    """proposition id -> every stance taken on it, in time order."""
    # A statement counts on every proposition it takes a stance on, whichever incidents it names.
    by_row: dict[str, list[Position]] = {p.id: [] for p in propositions}
    for statement in dataset.statements.values():
        for stance in statement.stances:
            if stance.proposition in by_row:
                by_row[stance.proposition].append(Position(refs(statement), stance.stance, stance.note))
    for row_positions in by_row.values():
        row_positions.sort(key=lambda p: p.statement.sort_key)
    return by_row


def _accuser(placed: Placed) -> str | None:
    """The party that put the accusation forward: the earliest accusation or claim asserting an attribution.

    Falls back to the earliest asserting accusation, then claim, on any proposition, then to the earliest assertion.
    """
    ranked = [
        (rank, pos.statement.sort_key, pos.statement.party)
        for prop, pos in placed
        if (rank := accusation_rank(pos.stance, pos.statement.kind, prop.topic)) is not None
    ]
    return min(ranked)[2] if ranked else None


def _parties(dataset: Dataset, placed: Placed, accuser: str | None) -> list[Party]:
    """One party per top of the speakers' chains, in the order they first appear."""
    parties = []
    for party_id in dict.fromkeys(pos.statement.party for _, pos in placed):
        spoken = [pos.statement for _, pos in placed if pos.statement.party == party_id]
        actor = dataset.actors.get(party_id)
        parties.append(
            Party(
                id=party_id,
                name=dataset.actor_index.name(party_id),
                short_name=actor.short_name if actor else None,
                speakers=tuple(dict.fromkeys(s.speaker for s in sorted(spoken, key=lambda s: s.sort_key))),
                first_spoke=min(s.when.start_dt for s in spoken),
                accuser=party_id == accuser,
            )
        )
    return parties


def _alternatives(dataset: Dataset, placed: Placed, row_ids: set[str]) -> dict[str, set[str]]:
    """Row proposition -> the propositions put forward as the answer instead of it."""
    # A statement that offers an alternative on P and asserts Q puts Q forward as the answer instead of P.
    alternatives: dict[str, set[str]] = {}
    for _, pos in placed:
        statement = dataset.statements[pos.statement.id]
        offered = {s.proposition for s in statement.stances if s.stance == "alternative"}
        for stance in statement.stances:
            if stance.stance == "asserts" and stance.proposition in row_ids:
                alternatives.setdefault(stance.proposition, set()).update(offered - {stance.proposition})
    return alternatives


def _rows(
    propositions: Iterable[Proposition],
    parties: Iterable[Party],
    by_row: dict[str, list[Position]],
    alternatives: dict[str, set[str]],
) -> list[Row]:
    """One row per proposition, one cell per party in column order."""

    def current(prop_id: str, party_id: str) -> str:
        mine = [p for p in by_row.get(prop_id, ()) if p.statement.party == party_id]
        return mine[-1].stance if mine else "none"

    rows = []
    for prop in propositions:
        cells = []
        for party in parties:
            positions = tuple(p for p in by_row[prop.id] if p.statement.party == party.id)
            competing = (
                ()
                if positions
                else tuple(
                    other for other in sorted(alternatives.get(prop.id, ())) if current(other, party.id) == "asserts"
                )
            )
            cells.append(Cell(party.id, prop.id, positions, competing))
        rows.append(Row(prop, tuple(cells), _row_status(cells)))
    return rows


def _other_statements(dataset: Dataset, incident_id: str, placed: Placed, refs: _Refs) -> list[StatementRef]:
    """Statements on the incident that take no stance on its propositions: they still show, below the matrix."""
    in_rows = {pos.statement.id for _, pos in placed}
    return sorted(
        (refs(s) for s in dataset.statements.values() if incident_id in s.incidents and s.id not in in_rows),
        key=lambda s: s.sort_key,
    )


def _replies(dataset: Dataset, refs: _Refs) -> list[Reply]:
    """Who answered whom, among the statements resolved so far (the answered ones get resolved too)."""
    replies = []
    for statement in refs.in_time_order():
        for target in statement.responds_to:
            if target in dataset.statements:
                replies.append(Reply(statement, refs(dataset.statements[target])))
    return replies


def _sources(
    dataset: Dataset, incident: Incident, discrepancies: Iterable[Discrepancy], refs: _Refs
) -> tuple[SourceRef, ...]:
    """Every source cited: statements' chains in time order, then the incident's, then the discrepancies'."""
    cited = [s for r in refs.in_time_order() for s in r.via]
    cited += [source_ref(dataset, s) for s in incident.sources]
    cited += [source_ref(dataset, s) for d in discrepancies for s in d.sources]
    return tuple({s.id: s for s in cited}.values())


def _row_status(cells: Iterable[Cell]) -> RowStatus:
    polarities = [polarity(c.stance) for c in cells if c.positions]
    if not polarities:
        return "unaddressed"
    if len(polarities) == 1:
        return "one-sided"
    if "for" in polarities and "against" in polarities:
        return "contested"
    return "agreed" if "for" in polarities else "rejected"


def _documents(positions: Iterable[Position]) -> tuple[SourceRef, ...]:
    """Distinct documents we read (the end of each chain), one per publisher: independent carriers."""
    by_publisher: dict[str, SourceRef] = {}
    for position in positions:
        if position.statement.via:
            document = position.statement.via[-1]
            by_publisher.setdefault((document.publisher or document.id).casefold(), document)
    return tuple(by_publisher.values())


def _established(
    rows: Iterable[Row], names: dict[str, str], discrepancies: Iterable[Discrepancy], replies: Iterable[Reply]
) -> tuple[Established, ...]:
    """What the reader can lean on, agreed first, then confirmed, then undisputed but one-sided; with why."""
    concerns: dict[str, list[Discrepancy]] = {}
    for item in discrepancies:
        for record_id in item.concerns:
            concerns.setdefault(record_id, []).append(item)
    answers: dict[str, set[str]] = {}
    for reply in replies:
        answers.setdefault(reply.answers.id, set()).add(reply.statement.party)
    found = []
    for row in rows:
        asserting, disputing = row.asserting, row.disputing
        if not asserting:
            continue
        asserted_positions = [
            p for c in row.cells if c.party in asserting for p in c.positions if p.stance == "asserts"
        ]
        documents = _documents(asserted_positions)
        who = _join(names[p] for p in asserting)
        implied = [c.party for c in row.cells if c.competing]
        tier: EstablishedTier
        if not disputing and not implied and len(asserting) > 1:
            tier, reason = "agreed", f"agreed by {who}"
        elif len(documents) >= 2:
            tier, reason = "confirmed", f"asserted by {who}"
        elif not disputing and not implied:
            tier, reason = "one-sided", f"asserted by {who} only; no party disputes it"
        else:
            continue
        if len(documents) >= 2:
            reason += f"; carried by {len(documents)} independent documents"
        if disputing:
            reason += f"; disputed by {_join(names[p] for p in disputing)}"
        if implied:
            reason += f"; contradicted by the competing position of {_join(names[p] for p in implied)}"
        silent = {c.party for c in row.cells if not c.positions and not c.competing}
        answered = tuple(
            p for p in names if p in silent and any(p in answers.get(x.statement.id, ()) for x in asserted_positions)
        )
        if answered:
            verb = "reply does" if len(answered) == 1 else "replies do"
            reason += f"; {_join(names[p] for p in answered)}'s {verb} not address it"
        found.append(
            Established(
                row.proposition,
                tier,
                asserting,
                disputing,
                documents,
                reason,
                tuple(concerns.get(row.proposition.id, ())),
                answered,
            )
        )
    order = {"agreed": 0, "confirmed": 1, "one-sided": 2}
    return tuple(sorted(found, key=lambda e: order[e.tier]))


def _join(names: Iterable[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    items = list(names)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _tracks(rows: Iterable[Row]) -> tuple[StanceTrack, ...]:
    tracks = []
    for row in rows:
        for cell in row.cells:
            if not cell.positions:
                continue
            steps = []
            previous: str | None = None
            for position in cell.positions:
                if previous is None:
                    change = None
                elif previous == position.stance:
                    change = "same"
                else:
                    change = f"{previous} → {position.stance}"
                steps.append(StanceStep(position, change))
                previous = position.stance
            tracks.append(StanceTrack(cell.party, row.proposition.id, tuple(steps)))
    return tuple(tracks)
