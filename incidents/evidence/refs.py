"""Statements and sources as the comparison cites them: resolved names, the source chain and Admiralty grades."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from incidents.model.dataset import Dataset
from incidents.model.evidence import Figure, Quote
from incidents.model.provenance import source_origins, weakest_grade
from incidents.model.queries import outlet_name, reporting_origins, speaker_name
from incidents.model.records import Statement, When
from incidents.model.vocabulary import RELIABILITY_TEXT, admiralty_grade, credibility_text, reliability_grade

# How a statement counts (issue 22): a party's named voice; unnamed sources for a party (shown as unnamed, never as
# the party asserting); an aligned outlet's own reporting (its party's voice, never corroboration); a restatement of
# a party's statement or figure (never counted again); an unattributed recap (never counted); an independent
# outlet's own observation (the only reporting that corroborates).
Footing = Literal["party", "unnamed", "aligned-media", "restates", "unattributed", "observed"]
FOOTING_TEXT: dict[str, str] = {
    "party": "the party's own statement",
    "unnamed": "unnamed sources, as the outlet quotes them: not the party on the record",
    "aligned-media": "an outlet aligned with the party: its reporting is the party's voice, never corroboration",
    "restates": "restates a party's statement or figure: not counted again",
    "unattributed": "says so without saying how it knows: not counted",
    "observed": "its own reporting (correspondent, own verification, documents seen)",
}


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
        """The reliability letter, or 'ungraded'."""
        return reliability_grade(self.reliability)

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
    speaker: str | None
    speaker_name: str
    # The party it speaks for (top of the speaker's chain); None for the publication's own voice.
    party: str | None
    kind: str
    when: When
    paraphrase: str
    voice: str = "named"
    quotes: tuple[Quote, ...] = ()
    channel: str | None = None
    via: tuple[SourceRef, ...] = ()
    carried_by: tuple[SourceRef, ...] = ()
    figures: tuple[Figure, ...] = ()
    # Where its text comes from (the end of the last document's republication chain): counted, not its pages.
    origins: frozenset[str] = frozenset()
    credibility: int | None = None
    responds_to: tuple[str, ...] = ()
    incidents: tuple[str, ...] = ()
    # Position in the curated files: breaks ties between statements known only to the same window.
    seq: int = 0
    footing: Footing = "party"
    basis: str | None = None
    # The independent, non-aligned origins whose own observation this is (empty unless footing is `observed` and
    # every origin is assessed independent): what corroboration counts.
    corroborating: frozenset[str] = frozenset()
    # (outlet name, why it counts or does not) for each origin of the publication's own voice.
    origin_notes: tuple[tuple[str, str], ...] = ()
    restates: tuple[str, ...] = ()
    restates_name: str | None = None
    unnamed_as: str | None = None

    @property
    def footing_text(self) -> str:
        """How the statement counts, for people: 'restates Azerbaijan's Prosecutor General: not counted again'."""
        if self.footing == "restates" and self.restates_name:
            return f"restates {self.restates_name}: not counted again"
        return FOOTING_TEXT[self.footing]

    @property
    def speaker_key(self) -> str:
        """One voice: the same actor or office (named), the same unnamed sources through the same outlet, or the
        same origin (the publication's voice). Revisions and shifts are told only within one voice."""
        if self.voice == "named" and self.speaker:
            return self.speaker
        if self.voice == "unnamed":
            return f"unnamed:{self.speaker or ''}:{self.unnamed_as or ''}:{self.via[0].id if self.via else ''}"
        return "reporting:" + ",".join(sorted(self.origins))

    @property
    def sort_key(self) -> tuple[dt.datetime, int, str]:
        """Earliest possible moment, then file position, then id."""
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
    def quote(self) -> str | None:
        """The first quoted fragment's words."""
        return self.quotes[0].text if self.quotes else None

    @property
    def grade(self) -> str:
        """Admiralty grade written together, e.g. 'B3': nearest source's reliability, the claim's credibility."""
        return admiralty_grade(self.via[0].reliability if self.via else None, self.credibility)

    @property
    def chain_grade(self) -> str:
        """The grade as we hold it, e.g. 'F3': the weakest link of the chain ('?' when a link is ungraded)."""
        return admiralty_grade(weakest_grade([s.reliability for s in self.via]), self.credibility)

    @property
    def credibility_text(self) -> str:
        """'credibility 3 (possibly true)', or 'credibility not graded'."""
        return credibility_text(self.credibility)


def source_ref(dataset: Dataset, source_id: str) -> SourceRef:
    """The source as cited; an unknown id stands for itself."""
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


Notes = tuple[tuple[str, str], ...]


def _footing(dataset: Dataset, statement: Statement) -> tuple[Footing, str | None, frozenset[str], Notes]:
    """(footing, the party it counts with, the origins that corroborate, (outlet, why) per origin)."""
    actors = dataset.actor_index
    if statement.voice != "publication":
        party = actors.top(statement.speaker) if statement.speaker else None
        return ("party" if statement.voice == "named" else "unnamed"), party, frozenset(), ()
    found = reporting_origins(dataset, statement)
    notes = []
    aligned: dict[str, None] = {}
    independent = []
    for origin in found:
        source = dataset.sources.get(origin)
        affiliation = source.affiliation if source is not None else None
        name = outlet_name(dataset, origin)
        if affiliation is None:
            notes.append((name, "its ties to the governments are not assessed"))
        elif affiliation.aligned and affiliation.party:
            party = actors.top(affiliation.party)
            aligned[party] = None
            notes.append((name, f"{affiliation.kind}, aligned with {actors.name(party)}: {affiliation.reason}"))
        elif affiliation.kind == "independent":
            independent.append(origin)
            notes.append((name, f"independent: {affiliation.reason}"))
        else:
            notes.append((name, f"not settled: {affiliation.reason}"))
    basis = statement.basis or "unattributed"
    if basis == "restates":
        return "restates", None, frozenset(), tuple(notes)
    if len(aligned) == 1:
        return "aligned-media", next(iter(aligned)), frozenset(), tuple(notes)
    if basis == "observed" and not aligned and len(independent) == len(found):
        return "observed", None, frozenset(independent), tuple(notes)
    # An observation from an outlet we could not assess (or from outlets aligned with different parties) is
    # shown, but cannot corroborate: only outlets assessed independent of both governments do.
    return ("observed" if basis == "observed" else "unattributed"), None, frozenset(), tuple(notes)


def _restates_name(dataset: Dataset, statement: Statement) -> str | None:
    names = [speaker_name(dataset, dataset.statements[s]) for s in statement.restates if s in dataset.statements]
    if statement.restates_speaker:
        names.append(dataset.actor_index.name(statement.restates_speaker))
    return " and ".join(dict.fromkeys(names)) or None


def statement_ref(dataset: Dataset, statement: Statement, seq: int = 0) -> StatementRef:
    """The statement resolved against the dataset: speaker's full name, the party it counts with, sources, and how
    it counts (its footing: a party's voice, unnamed sources, aligned media, a restatement, own observation)."""
    footing, party, corroborating, notes = _footing(dataset, statement)
    return StatementRef(
        id=statement.id,
        speaker=statement.speaker,
        speaker_name=speaker_name(dataset, statement),
        party=party,
        kind=statement.kind,
        when=statement.when,
        paraphrase=statement.paraphrase,
        voice=statement.voice,
        quotes=tuple(statement.quotes),
        channel=statement.channel,
        via=tuple(source_ref(dataset, s) for s in statement.via),
        carried_by=tuple(source_ref(dataset, s) for s in statement.carried_by),
        figures=tuple(statement.figures),
        origins=source_origins(dataset, statement.via[-1]),
        credibility=statement.credibility,
        responds_to=tuple(statement.responds_to),
        incidents=tuple(statement.incidents),
        seq=seq,
        footing=footing,
        basis=statement.basis,
        corroborating=corroborating,
        origin_notes=notes,
        restates=tuple(statement.restates),
        restates_name=_restates_name(dataset, statement),
        unnamed_as=statement.unnamed_as,
    )
