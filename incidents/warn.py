"""Step 5 of loading: warnings about the kept records. They never leave a record out; `--strict` makes them fail."""

from __future__ import annotations

from incidents import codes
from incidents.dataset import Dataset, Problem
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
    """Claims whose every asserted proposition reaches us through one document only."""
    documents: dict[str, set[str]] = {}
    for statement in dataset.statements.values():
        for stance in statement.stances:
            if stance.stance == "asserts":
                documents.setdefault(stance.proposition, set()).add(statement.via[-1])
    problems = []
    for statement in dataset.statements.values():
        if statement.kind not in ASSERTING_KINDS:
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
