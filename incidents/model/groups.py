"""Each incident's records, and each proposition's statements, grouped in one pass per dataset (kept with it).

The comparison engine and the incidents index asked these questions once per incident by scanning every record,
which grew with incidents × records (about 130 s of a first page at 1,000 incidents). They read the groups
instead. Every group keeps the records' file order, so what is built from it is what the scans gave.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from incidents.model.dataset import Dataset
from incidents.model.records import Discrepancy, Event, Proposition, Statement

T = TypeVar("T")


@dataclass(frozen=True)
class Groups:
    """Lookups by id; a missing id means no records (use `.get(id, ())`)."""

    statements: Mapping[str, tuple[Statement, ...]]  # incident id -> the statements naming it
    events: Mapping[str, tuple[Event, ...]]  # incident id -> its events
    propositions: Mapping[str, tuple[Proposition, ...]]  # incident id -> its propositions
    discrepancies: Mapping[str, tuple[Discrepancy, ...]]  # incident id -> its discrepancies
    stances: Mapping[str, tuple[Statement, ...]]  # proposition id -> the statements taking a stance on it (once each)
    file_order: Mapping[str, int]  # statement id -> its place in the files


def groups(dataset: Dataset) -> Groups:
    """The dataset's groups, made on first use and kept with the dataset (it never changes once loaded)."""
    return dataset.derive("groups", lambda: _group(dataset))


def _group(dataset: Dataset) -> Groups:
    statements: dict[str, list[Statement]] = {}
    stances: dict[str, list[Statement]] = {}
    for statement in dataset.statements.values():
        for incident_id in dict.fromkeys(statement.incidents):
            statements.setdefault(incident_id, []).append(statement)
        for proposition_id in dict.fromkeys(stance.proposition for stance in statement.stances):
            stances.setdefault(proposition_id, []).append(statement)
    events: dict[str, list[Event]] = {}
    for event in dataset.events.values():
        if event.incident is not None:
            events.setdefault(event.incident, []).append(event)
    propositions: dict[str, list[Proposition]] = {}
    for proposition in dataset.propositions.values():
        if proposition.incident is not None:
            propositions.setdefault(proposition.incident, []).append(proposition)
    discrepancies: dict[str, list[Discrepancy]] = {}
    for discrepancy in dataset.discrepancies.values():
        if discrepancy.incident is not None:
            discrepancies.setdefault(discrepancy.incident, []).append(discrepancy)
    return Groups(
        statements=_frozen(statements),
        events=_frozen(events),
        propositions=_frozen(propositions),
        discrepancies=_frozen(discrepancies),
        stances=_frozen(stances),
        file_order={statement_id: index for index, statement_id in enumerate(dataset.statements)},
    )


def _frozen(found: dict[str, list[T]]) -> dict[str, tuple[T, ...]]:
    return {key: tuple(items) for key, items in found.items()}
