"""Who claims what: an incident's statements as a party × proposition matrix (pure; no UI imports).

`compare(dataset, incident_id)` gives a `Comparison` (or a `ComparisonError` for an unknown id):
- parties are the tops of the speakers' `parent` chains (a ministry speaks for its state), the accusing
  party first;
- rows are the incident's propositions; each cell holds one party's statements on it, in time order;
- a row is contested, one-sided, agreed, rejected (every party that spoke disputes it) or unaddressed;
- the "established" list holds what no party disputes and what independent documents carry;
- stance tracks show each party's positions over time, replies show who answered whom.

`to_markdown` and `to_csv` export it for briefing notes and spreadsheets.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Literal

from incidents.dataset import Dataset
from incidents.models import (
    Actor,
    Discrepancy,
    Incident,
    Proposition,
    Statement,
    When,
)
from incidents.params import PARTY_ORDERS
from incidents.vocabulary import CREDIBILITY_TEXT, RELIABILITY_TEXT

CellStance = Literal["asserts", "denies", "alternative", "none"]
RowStatus = Literal["contested", "one-sided", "agreed", "rejected", "unaddressed"]
PartyOrder = Literal["accuser", "chronological", "name"]
# agreed: every party that spoke asserts it (two or more); confirmed: two or more independent documents carry it;
# one-sided: one party asserts it and nobody disputes it, not even by asserting a competing explanation.
EstablishedTier = Literal["agreed", "confirmed", "one-sided"]

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
# Statement kinds that put an accusation forward; used to find the accusing party.
_ACCUSING_KINDS = ("accusation", "claim")
_ATTRIBUTION_TOPICS = ("attribution", "responsibility")


def _polarity(stance: str) -> str:
    """Asserting versus disputing: a denial and an alternative explanation both dispute."""
    return "for" if stance == "asserts" else "against" if stance in ("denies", "alternative") else "none"


@dataclass(frozen=True)
class SourceRef:
    """A source as cited in a chain, with its Admiralty reliability grade (None = not graded)."""

    id: str
    title: str
    publisher: str | None = None
    reliability: str | None = None
    url: str | None = None
    archive_url: str | None = None
    published: dt.date | None = None
    kind: str = "article"
    second_hand: bool = False

    @property
    def grade(self) -> str:
        return self.reliability or "ungraded"

    @property
    def short_title(self) -> str:
        """The title up to its first parenthesis, at most 60 characters; '(second-hand)' when only cited to us."""
        title = self.title.split(" (")[0].strip() or self.title
        if len(title) > 60:
            title = title[:60].rsplit(" ", 1)[0] + "…"
        return title + (" (second-hand)" if self.second_hand else "")

    def citation(self) -> str:
        """'Title (Publisher, 2026-03-06) · reliability B, usually reliable'."""
        bits = [self.publisher or "publisher not named"]
        if self.published:
            bits.append(self.published.isoformat())
        grade = (
            f"reliability {self.reliability}, {RELIABILITY_TEXT[self.reliability]}"
            if self.reliability
            else "reliability not graded"
        )
        known = " · known only second-hand" if self.second_hand else ""
        return f"{self.title} ({', '.join(bits)}) · {grade}{known}"


@dataclass(frozen=True)
class StatementRef:
    """One statement, resolved: speaker and party names, source chain with grades."""

    id: str
    speaker: str
    speaker_name: str
    party: str
    kind: str
    when: When
    paraphrase: str
    quote: str | None = None
    quote_language: str = "en"
    quote_is_translation: bool = False
    channel: str | None = None
    via: tuple[SourceRef, ...] = ()
    credibility: int | None = None
    responds_to: tuple[str, ...] = ()
    incidents: tuple[str, ...] = ()
    # Position in the curated files: breaks ties between statements known only to the same window.
    seq: int = 0

    @property
    def sort_key(self) -> tuple[dt.datetime, int, str]:
        return (self.when.start_dt, self.seq, self.id)

    @property
    def when_label(self) -> str:
        return self.when.label()

    @property
    def chain_text(self) -> str:
        """'Speaker — via BBC report [B] — via article [C]': nearest source first, ending with what we read."""
        return " — ".join([self.speaker_name, *(f"via {s.title} [{s.grade}]" for s in self.via)])

    @property
    def via_text(self) -> str:
        """'BBC report cited by the article (second-hand) [B] → Article dated … [F]': the short chain, for cells."""
        return " → ".join(f"{s.short_title} [{s.grade}]" for s in self.via)

    @property
    def grade(self) -> str:
        """Admiralty grade written together, e.g. 'B3': nearest source's reliability, the claim's credibility."""
        reliability = (self.via[0].reliability if self.via else None) or "?"
        return f"{reliability}{self.credibility or '?'}"

    @property
    def credibility_text(self) -> str:
        if self.credibility is None:
            return "credibility not graded"
        return f"credibility {self.credibility} ({CREDIBILITY_TEXT[self.credibility]})"


@dataclass(frozen=True)
class Position:
    """A statement's stance on one proposition."""

    statement: StatementRef
    stance: str
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
        return self.positions[-1].stance if self.positions else "none"  # type: ignore[return-value]

    @property
    def stances(self) -> tuple[CellStance, ...]:
        """Every stance the party has taken here, first occurrence order (e.g. denies, alternative)."""
        if not self.positions:
            return ("none",)
        return tuple(dict.fromkeys(p.stance for p in self.positions))  # type: ignore[arg-type]

    @property
    def shifted(self) -> bool:
        """True when the party moved between asserting and disputing over time."""
        return len({_polarity(p.stance) for p in self.positions}) > 1


@dataclass(frozen=True)
class Row:
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
        return tuple(c.party for c in self.cells if _polarity(c.stance) == "for")

    @property
    def disputing(self) -> tuple[str, ...]:
        return tuple(c.party for c in self.cells if _polarity(c.stance) == "against")

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
        found = {status: 0 for status in ROW_STATUSES}
        for row in self.rows:
            found[row.status] += 1
        return found

    def party(self, party_id: str) -> Party:
        return next(p for p in self.parties if p.id == party_id)

    def reordered(self, order: PartyOrder) -> Comparison:
        """The same comparison with its columns in another order."""
        parties = _order_parties(self.parties, order)
        index = {p.id: i for i, p in enumerate(parties)}
        rows = tuple(replace(r, cells=tuple(sorted(r.cells, key=lambda c: index[c.party]))) for r in self.rows)
        tracks = tuple(sorted(self.tracks, key=lambda t: (self._row_index(t.proposition), index[t.party])))
        return replace(self, parties=parties, rows=rows, tracks=tracks, order=order)

    def _row_index(self, proposition_id: str) -> int:
        return next((i for i, r in enumerate(self.rows) if r.proposition.id == proposition_id), len(self.rows))


def party_of(dataset: Dataset, actor_id: str) -> str:
    """Top of the actor's parent chain (cycles are rejected by the loader; the guard keeps this total)."""
    seen = {actor_id}
    current = dataset.actors.get(actor_id)
    top = actor_id
    while current is not None and current.parent and current.parent not in seen:
        seen.add(current.parent)
        top = current.parent
        current = dataset.actors.get(current.parent)
    return top


def _source_ref(dataset: Dataset, source_id: str) -> SourceRef:
    source = dataset.sources.get(source_id)
    if source is None:
        return SourceRef(id=source_id, title=source_id)
    return SourceRef(
        id=source.id,
        title=source.title,
        publisher=source.publisher,
        reliability=source.reliability,
        url=source.url,
        archive_url=source.archive_url,
        published=source.published,
        kind=source.kind,
        second_hand=source.second_hand,
    )


def _actor_name(actor: Actor | None, fallback: str) -> str:
    return actor.name if actor else fallback


def statement_ref(dataset: Dataset, statement: Statement, seq: int = 0) -> StatementRef:
    party = party_of(dataset, statement.speaker)
    return StatementRef(
        id=statement.id,
        speaker=statement.speaker,
        speaker_name=_actor_name(dataset.actors.get(statement.speaker), statement.speaker),
        party=party,
        kind=statement.kind,
        when=statement.when,
        paraphrase=statement.paraphrase,
        quote=statement.quote,
        quote_language=statement.quote_language,
        quote_is_translation=statement.quote_is_translation,
        channel=statement.channel,
        via=tuple(_source_ref(dataset, s) for s in statement.via),
        credibility=statement.credibility,
        responds_to=tuple(statement.responds_to),
        incidents=tuple(statement.incidents),
        seq=seq,
    )


def _row_status(cells: Iterable[Cell]) -> RowStatus:
    polarities = [_polarity(c.stance) for c in cells if c.positions]
    if not polarities:
        return "unaddressed"
    if len(polarities) == 1:
        return "one-sided"
    if "for" in polarities and "against" in polarities:
        return "contested"
    return "agreed" if "for" in polarities else "rejected"


def _order_parties(parties: Iterable[Party], order: PartyOrder) -> tuple[Party, ...]:
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


def _accuser(positions: list[tuple[Proposition, Position]]) -> str | None:
    """The party that put the accusation forward: the earliest accusation or claim asserting an attribution.

    Falls back to the earliest asserting accusation/claim on any proposition, then to the earliest assertion.
    """
    tiers = (
        lambda prop, pos: (
            pos.stance == "asserts" and pos.statement.kind in _ACCUSING_KINDS and prop.topic in _ATTRIBUTION_TOPICS
        ),
        lambda prop, pos: pos.stance == "asserts" and pos.statement.kind == "accusation",
        lambda prop, pos: pos.stance == "asserts" and pos.statement.kind in _ACCUSING_KINDS,
        lambda prop, pos: pos.stance == "asserts",
    )
    for test in tiers:
        found = [pos.statement for prop, pos in positions if test(prop, pos)]
        if found:
            return min(found, key=lambda s: s.sort_key).party
    return None


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
            replies = "reply does" if len(answered) == 1 else "replies do"
            reason += f"; {_join(names[p] for p in answered)}'s {replies} not address it"
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


def compare(dataset: Dataset, incident_id: str | None, order: PartyOrder = "accuser") -> Comparison | ComparisonError:
    """The party × proposition matrix of one incident. An unknown id gives a `ComparisonError`, never an exception."""
    known = tuple(sorted(dataset.incidents))
    incident = dataset.incidents.get(incident_id or "")
    if incident is None:
        shown = (incident_id or "")[:64]
        if not known:
            message = "There are no incidents in the data yet."
        elif not shown:
            message = "No incident was chosen. Pick one of: " + ", ".join(known) + "."
        else:
            message = f"No incident has the id “{shown}”. Pick one of: " + ", ".join(known) + "."
        return ComparisonError(shown, message, known)
    if order not in PARTY_ORDERS:
        order = "accuser"

    propositions = [p for p in dataset.propositions.values() if p.incident == incident.id]
    row_ids = {p.id for p in propositions}
    refs: dict[str, StatementRef] = {}
    file_order = {statement_id: index for index, statement_id in enumerate(dataset.statements)}

    def ref(statement: Statement) -> StatementRef:
        if statement.id not in refs:
            refs[statement.id] = statement_ref(dataset, statement, file_order[statement.id])
        return refs[statement.id]

    # A statement counts on every proposition it takes a stance on, whichever incidents it names.
    by_row: dict[str, list[Position]] = {p.id: [] for p in propositions}
    for statement in dataset.statements.values():
        for stance in statement.stances:
            if stance.proposition in row_ids:
                by_row[stance.proposition].append(Position(ref(statement), stance.stance, stance.note))
    for positions in by_row.values():
        positions.sort(key=lambda p: p.statement.sort_key)

    all_positions = [(prop, pos) for prop in propositions for pos in by_row[prop.id]]
    party_ids = list(dict.fromkeys(pos.statement.party for _, pos in all_positions))
    accuser = _accuser(all_positions)
    parties = []
    for party_id in party_ids:
        spoken = [pos.statement for _, pos in all_positions if pos.statement.party == party_id]
        actor = dataset.actors.get(party_id)
        parties.append(
            Party(
                id=party_id,
                name=_actor_name(actor, party_id),
                short_name=actor.short_name if actor else None,
                speakers=tuple(dict.fromkeys(s.speaker for s in sorted(spoken, key=lambda s: s.sort_key))),
                first_spoke=min(s.when.start_dt for s in spoken),
                accuser=party_id == accuser,
            )
        )
    ordered = _order_parties(parties, order)

    # A statement that offers an alternative on P and asserts Q puts Q forward as the answer instead of P.
    alternatives: dict[str, set[str]] = {}
    for _, pos in all_positions:
        statement = dataset.statements[pos.statement.id]
        offered = {s.proposition for s in statement.stances if s.stance == "alternative"}
        for stance in statement.stances:
            if stance.stance == "asserts" and stance.proposition in row_ids:
                alternatives.setdefault(stance.proposition, set()).update(offered - {stance.proposition})

    def current(prop_id: str, party_id: str) -> str:
        mine = [p for p in by_row.get(prop_id, ()) if p.statement.party == party_id]
        return mine[-1].stance if mine else "none"

    rows = []
    for prop in propositions:
        cells = []
        for party in ordered:
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

    # Statements on the incident that take no stance on its propositions still show, below the matrix.
    in_rows = {pos.statement.id for _, pos in all_positions}
    others = sorted(
        (ref(s) for s in dataset.statements.values() if incident.id in s.incidents and s.id not in in_rows),
        key=lambda s: s.sort_key,
    )
    replies = []
    for statement in sorted(list(refs.values()), key=lambda s: s.sort_key):
        for target in statement.responds_to:
            if target in dataset.statements:
                replies.append(Reply(statement, ref(dataset.statements[target])))

    discrepancies = tuple(d for d in dataset.discrepancies.values() if d.incident == incident.id)
    cited = [s for r in sorted(refs.values(), key=lambda s: s.sort_key) for s in r.via]
    cited += [_source_ref(dataset, s) for s in incident.sources]
    cited += [_source_ref(dataset, s) for d in discrepancies for s in d.sources]
    sources = tuple({s.id: s for s in cited}.values())

    names = {p.id: p.label for p in ordered}
    return Comparison(
        incident=incident,
        parties=ordered,
        rows=tuple(rows),
        established=_established(rows, names, discrepancies, replies),
        tracks=_tracks(rows),
        replies=tuple(replies),
        other_statements=tuple(others),
        discrepancies=discrepancies,
        sources=sources,
        accuser=accuser,
        order=order,
        data_last_updated=dataset.last_updated,
        data_version=dataset.version,
        statements=dict(refs),
    )


# ---------------------------------------------------------------- exports


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#"})


def _md(text: str | None) -> str:
    """Record text in a Markdown file: escaped so a renderer shows it literally (no HTML, links or tables)."""
    return " ".join((text or "").split()).translate(_MD_SPECIAL)


def _stances_text(cell: Cell) -> str:
    """'denies · offers an alternative'; a shift shows as a sequence: 'denies → asserts'."""
    if not cell.shifted:
        return " · ".join(STANCE_TEXT[s] for s in cell.stances)
    sequence = [p.stance for p in cell.positions]
    steps = [s for i, s in enumerate(sequence) if i == 0 or s != sequence[i - 1]]
    return " → ".join(STANCE_TEXT[s] for s in steps)


def _metadata(comparison: Comparison, url: str) -> list[tuple[str, str]]:
    return [
        ("incident_id", comparison.incident.id),
        ("data_last_updated", comparison.data_last_updated.isoformat() if comparison.data_last_updated else ""),
        ("incident_last_updated", comparison.incident.last_updated.isoformat()),
        ("data_version", comparison.data_version),
        ("view_url", url),
    ]


def to_markdown(comparison: Comparison, url: str) -> str:
    """A briefing note: the matrix, what is established, every statement with its chain, and every source cited."""
    incident = comparison.incident
    numbers = {s.id: i for i, s in enumerate(comparison.sources, start=1)}
    names = {p.id: p.label for p in comparison.parties}
    meta = dict(_metadata(comparison, url))

    def cite(statement: StatementRef) -> str:
        return "".join(f"[{numbers[s.id]}]" for s in statement.via if s.id in numbers)

    lines = [
        f"# Who claims what: {_md(incident.title)}",
        "",
        f"- Incident: `{incident.id}` · {_md(incident.when.label())}",
        f"- Data last updated: {meta['data_last_updated'] or 'unknown'} (data version {meta['data_version'] or '?'}); "
        f"this incident's record last updated {meta['incident_last_updated']}",
        f"- View: <{url}>" if url else "- View: (no URL given)",
        "- Parties: "
        + (
            ", ".join(f"{_md(p.name)}{' (accusing party)' if p.accuser else ''}" for p in comparison.parties)
            or "none have spoken"
        ),
        "- Propositions: "
        + f"{len(comparison.rows)} — "
        + ", ".join(f"{n} {status}" for status, n in comparison.counts.items() if n),
        "",
        "## Assessment",
        "",
        f"**{incident.assessment.grade.capitalize()}** (assessed {incident.assessment.assessed_on.isoformat()}"
        + (f" by {_md(incident.assessment.assessed_by)}" if incident.assessment.assessed_by else "")
        + f"): {_md(incident.assessment.rationale)}",
        "",
        "## What is established",
        "",
    ]
    if comparison.established:
        for item in comparison.established:
            flags = "".join(f" (see discrepancy: {_md(d.title)})" for d in item.discrepancies)
            lines.append(f"- **{TIER_TEXT[item.tier]}:** {_md(item.proposition.text)} — {_md(item.reason)}{flags}")
    else:
        lines.append("- Nothing yet: every proposition is disputed or unaddressed.")
    lines += ["", "## The matrix", ""]
    if comparison.parties:
        lines.append("| # | Proposition | " + " | ".join(_md(p.label) for p in comparison.parties) + " | Status |")
        lines.append("|---" * (len(comparison.parties) + 3) + "|")
        for row in comparison.rows:
            row_numbers = {r.proposition.id: n for n, r in enumerate(comparison.rows, start=1)}
            cells = " | ".join(
                _stances_text(row.cell(p.id))
                + "".join(f" (asserts #{row_numbers[o]} instead)" for o in row.cell(p.id).competing)
                for p in comparison.parties
            )
            number = row_numbers[row.proposition.id]
            lines.append(f"| {number} | {_md(row.proposition.text)} | {cells} | {row.status} |")
    else:
        lines.append("No party has taken a stance on this incident's propositions yet.")
    lines += ["", "## Proposition by proposition", ""]
    for index, row in enumerate(comparison.rows, start=1):
        lines.append(f"### {index}. {_md(row.proposition.text)} — {row.status}")
        lines.append("")
        if row.proposition.question:
            lines += [f"*{_md(row.proposition.question)}*", ""]
        for party in comparison.parties:
            cell = row.cell(party.id)
            lines.append(f"**{_md(party.label)}: {_stances_text(cell)}**")
            lines.append("")
            for position in cell.positions:
                lines += _statement_lines(position.statement, position.stance, position.note, cite(position.statement))
            lines.append("")
    if any(t.shifted for t in comparison.tracks):
        lines += ["## Shifts in position", ""]
        for track in comparison.tracks:
            if track.shifted:
                steps = " → ".join(f"{s.position.stance} ({_md(s.position.statement.when_label)})" for s in track.steps)
                topic = _md(_prop_text(comparison, track.proposition))
                lines.append(f"- {_md(names[track.party])} on “{topic}”: {steps}")
        lines.append("")
    if comparison.replies:
        lines += ["## Who answered whom", ""]
        for reply in comparison.replies:
            lines.append(
                f"- {_md(reply.statement.speaker_name)} ({reply.statement.kind}, {_md(reply.statement.when_label)}) "
                f"answers {_md(reply.answers.speaker_name)} ({reply.answers.kind}, {_md(reply.answers.when_label)})"
            )
        lines.append("")
    if comparison.other_statements:
        lines += ["## Other statements on this incident", ""]
        for statement in comparison.other_statements:
            lines += _statement_lines(statement, None, None, cite(statement))
        lines.append("")
    lines += ["## Discrepancies", ""]
    if comparison.discrepancies:
        for item in comparison.discrepancies:
            handling = f" Handling: {_md(item.handling)}" if item.handling else ""
            refs = "".join(f"[{numbers[s]}]" for s in item.sources if s in numbers)
            lines.append(f"- **{_md(item.title)}** ({item.kind}): {_md(item.description)}{handling} {refs}".rstrip())
    else:
        lines.append("- None recorded.")
    lines += ["", "## Sources", ""]
    for source in comparison.sources:
        link = f" <{source.url}>" if source.url else ""
        archive = f" (archived: <{source.archive_url}>)" if source.archive_url else ""
        lines.append(f"{numbers[source.id]}. {_md(source.citation())}{link}{archive}")
    lines.append("")
    return "\n".join(lines)


def _prop_text(comparison: Comparison, proposition_id: str) -> str:
    return next((r.proposition.text for r in comparison.rows if r.proposition.id == proposition_id), proposition_id)


def _statement_lines(statement: StatementRef, stance: str | None, note: str | None, cite: str) -> list[str]:
    head = f"- {_md(statement.when_label)} · {_md(statement.speaker_name)} · {statement.kind}"
    if stance:
        head += f" · {STANCE_TEXT[stance]}"
    lines = [head + f" · grade {statement.grade}, {statement.credibility_text} {cite}".rstrip()]
    if statement.quote:
        translation = " (translation)" if statement.quote_is_translation else ""
        # On its own line, so a right-to-left quote gets its own paragraph direction.
        lines += ["", f"  > “{_md(statement.quote)}”{translation}", ""]
    lines.append(f"  {_md(statement.paraphrase)}")
    if note:
        lines.append(f"  Stance note: {_md(note)}")
    lines.append(f"  Source chain: {_md(statement.chain_text)}")
    return lines


CSV_COLUMNS = (
    "incident_id",
    "data_last_updated",
    "incident_last_updated",
    "data_version",
    "view_url",
    "proposition_id",
    "proposition",
    "row_status",
    "party_id",
    "party",
    "accusing_party",
    "stance",
    "stances_over_time",
    "statement_ids",
    "speakers",
    "kinds",
    "when",
    "quotes",
    "paraphrases",
    "source_chains",
    "grades",
    "credibility",
)


def _cell_safe(value: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas; a leading apostrophe keeps them text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_csv(comparison: Comparison, url: str) -> bytes:
    """One row per cell (proposition × party), UTF-8 with a BOM so spreadsheets keep Persian and Azerbaijani."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    meta = [value for _, value in _metadata(comparison, url)]

    def joined(values: Iterable[str | None]) -> str:
        return "\n".join(v or "" for v in values)

    for row in comparison.rows:
        for party in comparison.parties:
            cell = row.cell(party.id)
            statements = [p.statement for p in cell.positions]
            values = [
                *meta,
                row.proposition.id,
                row.proposition.text,
                row.status,
                party.id,
                party.name,
                "yes" if party.accuser else "no",
                cell.stance,
                " → ".join(p.stance for p in cell.positions),
                joined(s.id for s in statements),
                joined(s.speaker_name for s in statements),
                joined(s.kind for s in statements),
                joined(s.when_label for s in statements),
                joined(s.quote for s in statements),
                joined(s.paraphrase for s in statements),
                joined(s.chain_text for s in statements),
                joined(s.grade for s in statements),
                joined(str(s.credibility or "") for s in statements),
            ]
            writer.writerow([_cell_safe(v) for v in values])
    return buffer.getvalue().encode("utf-8-sig")
