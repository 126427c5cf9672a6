"""`compare`: an incident's statements as a party × proposition matrix (pure; no UI imports)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from incidents.evidence.figures import FigureTrack, figure_tracks
from incidents.evidence.matrix import (
    STRENGTH_ORDER,
    Cell,
    Comparison,
    ComparisonError,
    Direction,
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
    Strength,
    cell_strength,
    order_parties,
    party_order,
)
from incidents.evidence.refs import SourceRef, StatementRef, source_ref, statement_ref
from incidents.evidence.stances import accusation_rank, dataset_exclusions, is_full_assertion, polarity
from incidents.model.dataset import Dataset
from incidents.model.groups import groups
from incidents.model.records import Discrepancy, Incident, Proposition, Statement

Placed = list[tuple[Proposition, Position]]


class _Refs:
    """Each statement resolved once, remembered in the order first asked for (the comparison's `statements`)."""

    def __init__(self, dataset: Dataset) -> None:
        self._dataset = dataset
        self._file_order = groups(dataset).file_order
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
    grouped = groups(dataset)
    propositions = list(grouped.propositions.get(incident.id, ()))
    refs = _Refs(dataset)
    by_row, reporting = _positions_by_row(dataset, propositions, refs)
    placed = [(prop, pos) for prop in propositions for pos in by_row[prop.id]]
    accuser = _accuser(placed)
    parties = order_parties(_parties(dataset, placed, accuser), order)
    discrepancies = grouped.discrepancies.get(incident.id, ())
    rows = _rows(propositions, parties, by_row, reporting, dataset_exclusions(dataset), discrepancies)
    # Made in this order on purpose: the replies and the source list also cover statements resolved before them.
    naming = grouped.statements.get(incident.id, ())
    others = _other_statements(naming, placed, refs)
    replies = _replies(dataset, refs)
    names = {p.id: p.label for p in parties}
    concerning = [refs(s) for s in naming if s.figures]
    figures = figure_tracks(sorted(concerning, key=lambda r: r.sort_key), names)
    return Comparison(
        incident=incident,
        parties=parties,
        rows=tuple(rows),
        established=_established(rows, names, discrepancies, replies, figures),
        figures=figures,
        tracks=_tracks(rows),
        replies=tuple(replies),
        other_statements=tuple(others),
        discrepancies=discrepancies,
        sources=_sources(dataset, incident, discrepancies, refs),
        accuser=accuser,
        order=order,
        data_last_updated=dataset.last_updated,  # kept with the dataset by the property itself
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


def _positions_by_row(
    dataset: Dataset, propositions: Iterable[Proposition], refs: _Refs
) -> tuple[dict[str, list[Position]], dict[str, list[Position]]]:
    """proposition id -> every party's stance on it, and -> the publication's own reporting on it; in time order."""
    # A statement counts on every proposition it takes a stance on, whichever incidents it names.
    by_row: dict[str, list[Position]] = {p.id: [] for p in propositions}
    reporting: dict[str, list[Position]] = {p.id: [] for p in propositions}
    grouped = groups(dataset)
    # Only the statements with a stance on one of these rows, in file order: what a scan of every statement finds.
    speaking = {s.id: s for prop_id in by_row for s in grouped.stances.get(prop_id, ())}
    for statement in sorted(speaking.values(), key=lambda s: grouped.file_order[s.id]):
        for stance in statement.stances:
            if stance.proposition in by_row:
                ref = refs(statement)
                target = by_row if ref.party is not None else reporting
                target[stance.proposition].append(Position(ref, stance.stance, stance.note))
    for row_positions in (*by_row.values(), *reporting.values()):
        row_positions.sort(key=lambda p: p.statement.sort_key)
    return by_row, reporting


def _accuser(placed: Placed) -> str | None:
    """The party that put the accusation forward: the earliest accusation or claim asserting an attribution.

    Falls back to the earliest asserting accusation, then claim, on any proposition, then to the earliest assertion.
    """
    ranked = [
        (rank, pos.statement.sort_key, pos.statement.party)
        for prop, pos in placed
        if pos.statement.footing == "party"
        and (rank := accusation_rank(pos.stance, pos.statement.kind, prop.topic)) is not None
    ]
    return min(ranked)[2] if ranked else None


def _parties(dataset: Dataset, placed: Placed, accuser: str | None) -> list[Party]:
    """One party per top of the speakers' chains, in the order they first appear."""
    parties = []
    for party_id in dict.fromkeys(pos.statement.party for _, pos in placed if pos.statement.party is not None):
        spoken = [pos.statement for _, pos in placed if pos.statement.party == party_id]
        actor = dataset.actors.get(party_id)
        parties.append(
            Party(
                id=party_id,
                name=dataset.actor_index.name(party_id),
                short_name=actor.short_name if actor else None,
                speakers=tuple(dict.fromkeys(s.speaker for s in sorted(spoken, key=lambda s: s.sort_key) if s.speaker)),
                first_spoke=min(s.when.start_dt for s in spoken),
                accuser=party_id == accuser,
            )
        )
    return parties


def _rows(
    propositions: Iterable[Proposition],
    parties: Iterable[Party],
    by_row: dict[str, list[Position]],
    reporting: dict[str, list[Position]],
    excluded: Mapping[str, set[str]],
    discrepancies: Iterable[Discrepancy] = (),
) -> list[Row]:
    """One row per proposition, one cell per party in column order, with the discrepancies that concern it."""
    parties = list(parties)
    concerning: dict[str, list[Discrepancy]] = {}
    for item in discrepancies:
        for record_id in dict.fromkeys(item.concerns):
            concerning.setdefault(record_id, []).append(item)

    def direct_side(prop_id: str, party_id: str) -> str:
        # Only the party's own name: an inferred denial never rests on unnamed sources or aligned media.
        mine = [
            p
            for p in by_row.get(prop_id, ())
            if p.statement.party == party_id and p.statement.footing == "party" and polarity(p.stance) != "none"
        ]
        return polarity(mine[-1].stance) if mine else "none"

    rows = []
    for prop in propositions:
        cells = []
        for party in parties:
            positions = tuple(p for p in by_row[prop.id] if p.statement.party == party.id)
            # Only where the party took no side itself: its own word on this proposition comes first.
            competing = tuple(
                other
                for other in sorted(excluded.get(prop.id, ()))
                if direct_side(prop.id, party.id) == "none" and direct_side(other, party.id) == "for"
            )
            cells.append(Cell(party.id, prop.id, positions, competing))
        status, direction = _row_status(cells)
        strength = _row_strength(cells) if status in ("one-sided", "agreed") else None
        found = tuple(concerning.get(prop.id, ()))
        rows.append(Row(prop, tuple(cells), status, direction, tuple(reporting.get(prop.id, ())), strength, found))
    return rows


def _row_strength(cells: Iterable[Cell]) -> Strength | None:
    """The row's words: the strongest way any party holds the side the row takes (contested rows have none)."""
    held = [s for c in cells if (s := cell_strength(c)) is not None]
    return min(held, key=STRENGTH_ORDER.index) if held else None


def _other_statements(naming: Iterable[Statement], placed: Placed, refs: _Refs) -> list[StatementRef]:
    """Statements on the incident (`naming`, in file order) that take no stance on its propositions: they still show,
    below the matrix."""
    in_rows = {pos.statement.id for _, pos in placed}
    return sorted((refs(s) for s in naming if s.id not in in_rows), key=lambda s: s.sort_key)


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
    cited += [source_ref(dataset, s) for d in discrepancies for s in (*d.sources, *d.resolved_by)]
    return tuple({s.id: s for s in cited}.values())


def _row_status(cells: Iterable[Cell]) -> tuple[RowStatus, Direction | None]:
    """contested (sides disagree), agreed (every party that took a side takes the same one), one-sided (one party
    took a side: which), unaddressed (none did)."""
    sides = [cell.side for cell in cells if cell.side != "none"]
    if not sides:
        return "unaddressed", None
    if "for" in sides and "against" in sides:
        return "contested", None
    direction: Direction = "asserted" if sides[0] == "for" else "denied"
    return ("one-sided" if len(sides) == 1 else "agreed"), direction


def _reporting_origins(row: Row) -> tuple[tuple[str, ...], bool, list[Position]]:
    """The independent, non-aligned origins whose own observation (`observed` basis) asserts the proposition, whether
    any reporting denies it or calls it unclear, and the positions that corroborate. Restatements, unattributed
    recaps and aligned media never count."""
    origins: dict[str, None] = {}
    doubted = False
    counted = []
    for position in row.reporting:
        if is_full_assertion(position.stance) and position.statement.corroborating:
            origins.update(dict.fromkeys(sorted(position.statement.corroborating)))
            counted.append(position)
        elif position.stance in ("denies", "doubts"):
            doubted = True
    return tuple(origins), doubted, counted


def _silent_answerers(
    row: Row, full: tuple[str, ...], names: dict[str, str], answers: dict[str, set[str]]
) -> tuple[str, ...]:
    """Parties that answered a statement asserting the proposition, yet took no position on it."""
    silent = {c.party for c in row.cells if not c.positions and not c.competing}
    asserted = [p for c in row.cells if c.party in full for p in c.positions]
    return tuple(p for p in names if p in silent and any(p in answers.get(x.statement.id, ()) for x in asserted))


def _disputed_figures(row: Row, figures: Iterable[FigureTrack]) -> list[str]:
    """The quantities the proposition states (`states`) whose givers disagree."""
    stated = set(row.proposition.states)
    return [t.name for t in figures if t.quantity in stated and t.disputed]


def _established(
    rows: Iterable[Row],
    names: dict[str, str],
    discrepancies: Iterable[Discrepancy],
    replies: Iterable[Reply],
    figures: Iterable[FigureTrack] = (),
) -> tuple[Established, ...]:
    """What the reader can lean on, strictly (issue 22): accepted by the party it goes against (a full assertion in
    that party's own name), or corroborated by two or more independent, non-aligned origins reporting what they
    observed; and in either case no party disputes it, no figure it states is disputed among its givers, and no
    open discrepancy concerns it or the statements it rests on. A one-sided accusation never is."""
    figures = list(figures)
    discrepancies = list(discrepancies)
    answers: dict[str, set[str]] = {}
    for reply in replies:
        if reply.statement.party is not None:
            answers.setdefault(reply.answers.id, set()).add(reply.statement.party)
    found = []
    for row in rows:
        origins, doubted, counted = _reporting_origins(row)
        if row.disputing or doubted or _disputed_figures(row, figures):
            continue
        full = tuple(c.party for c in row.cells if c.side == "for" and c.full)
        accused = tuple(p for p in row.proposition.against if p in names)
        accepting = tuple(p for p in accused if p in full)
        tier: EstablishedTier
        grounds: list[tuple[str, str]] = []
        if accepting:
            tier, reason = "accepted", f"accepted by {_join(names[p] for p in accepting)}, the party it goes against"
            for party in accepting:
                for position in row.cell(party).positions:
                    if is_full_assertion(position.stance) and position.statement.footing == "party":
                        why = f"speaks for {names[party]}, which it goes against"
                        grounds.append((position.statement.speaker_name, why))
            resting = [p.statement.id for c in row.cells if c.party in accepting for p in c.positions]
        elif len(origins) >= 2:
            tier = "corroborated"
            reason = f"reported from their own observation by {len(origins)} independent origins aligned with no party"
            resting = [p.statement.id for p in counted]
        else:
            continue
        if tier == "accepted" and len(origins) >= 2:
            reason += f"; also observed by {len(origins)} independent origins"
        for position in counted:
            for outlet, why in position.statement.origin_notes:
                grounds.append((outlet, f"{position.statement.basis or 'observed'}; {why}"))
        flagged = tuple(
            d for d in discrepancies if row.proposition.id in d.concerns or any(r in d.concerns for r in resting)
        )
        if any(d.status == "open" for d in flagged):
            continue
        reason += "; no party disputes it, no figure it states is disputed, no open discrepancy concerns it"
        answered = _silent_answerers(row, full, names, answers)
        if answered:
            verb = "reply does" if len(answered) == 1 else "replies do"
            reason += f"; {_join(names[p] for p in answered)}'s {verb} not address it"
        grounds = list(dict.fromkeys(grounds))
        found.append(
            Established(row.proposition, tier, full, origins, reason, tuple(grounds), flagged, answered)
        )
    order = {"accepted": 0, "corroborated": 1}
    return tuple(sorted(found, key=lambda e: order[e.tier]))


def _join(names: Iterable[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    items = list(names)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _tracks(rows: Iterable[Row]) -> tuple[StanceTrack, ...]:
    """Each party's statements on each proposition in time order; a change is told only against the same voice's
    previous stance (the same actor or office), so two offices of one party are never one party changing its mind."""
    tracks = []
    for row in rows:
        for cell in row.cells:
            if not cell.positions:
                continue
            steps = []
            previous: dict[str, str] = {}
            for position in cell.positions:
                key = position.statement.speaker_key
                before = previous.get(key)
                if before is None:
                    change = None
                elif before == position.stance:
                    change = "same"
                else:
                    change = f"{before} → {position.stance}"
                steps.append(StanceStep(position, change))
                previous[key] = position.stance
            tracks.append(StanceTrack(cell.party, row.proposition.id, tuple(steps), cell.voices_disagree))
    return tuple(tracks)
