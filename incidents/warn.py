"""Step 5 of loading: warnings about the kept records. They never leave a record out; `--strict` makes them fail."""

from __future__ import annotations

from incidents import codes
from incidents.dataset import Dataset, Problem
from incidents.provenance import origins
from incidents.validate import Located

ASSERTING_KINDS = ("claim", "accusation")


def ungraded_sources(dataset: Dataset, records: dict[str, Located]) -> list[Problem]:
    """Sources without an Admiralty reliability grade."""
    return [
        records[source.id].problem(codes.UNGRADED_SOURCE, "id", id=source.id)
        for source in dataset.sources.values()
        if source.reliability is None
    ]


def single_source_claims(dataset: Dataset, records: dict[str, Located]) -> list[Problem]:
    """A party's claims whose every asserted proposition reaches us through documents of one origin only (two
    outlets carrying one agency's story are one origin). The publication's own reporting is not a party's claim."""
    documents: dict[str, set[str]] = {}
    for statement in dataset.statements.values():
        carriers = {o for source in (statement.via[-1], *statement.carried_by) for o in origins(dataset, source)}
        for stance in statement.stances:
            if stance.stance == "asserts":
                documents.setdefault(stance.proposition, set()).update(carriers)
    problems = []
    for statement in dataset.statements.values():
        if statement.kind not in ASSERTING_KINDS or statement.voice == "publication":
            continue
        asserted = [s.proposition for s in statement.stances if s.stance == "asserts"]
        if all(len(documents.get(p, set())) <= 1 for p in asserted):
            located = records[statement.id]
            problems.append(located.problem(codes.SINGLE_SOURCE, "via", id=statement.id, document=statement.via[-1]))
    return problems


def orphan_propositions(dataset: Dataset, records: dict[str, Located]) -> list[Problem]:
    """Propositions no statement takes a stance on."""
    taken = {stance.proposition for s in dataset.statements.values() for stance in s.stances}
    return [
        records[proposition.id].problem(codes.ORPHAN_PROPOSITION, "id", id=proposition.id)
        for proposition in dataset.propositions.values()
        if proposition.id not in taken
    ]


def warnings(dataset: Dataset, records: dict[str, Located]) -> list[Problem]:
    """Every warning about the kept records."""
    return [
        *ungraded_sources(dataset, records),
        *single_source_claims(dataset, records),
        *orphan_propositions(dataset, records),
    ]
