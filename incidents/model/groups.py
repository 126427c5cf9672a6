"""Each incident's records, and each proposition's statements, grouped in one pass per dataset (kept with it).

The comparison engine and the incidents index asked these questions once per incident by scanning every record,
which grew with incidents × records (about 130 s of a first page at 1,000 incidents). They read the groups
instead. Every group keeps the records' file order, so what is built from it is what the scans gave.

After a one-file edit the loader reuses every unchanged file's records, so the statements' groups are made from
the last dataset's: only the groups of an incident or proposition that a changed, added or removed statement names
are made again (grouping 25,000 statements took 0.13 s of every edit's next run at 1,000 incidents).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
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


# The last statements grouped and their groups: a dataset's groups are made from them when few statements differ.
_LAST: list[tuple[dict[str, Statement], Groups]] = []
_LAST_LOCK = threading.Lock()
# Past this share of changed statements, grouping them all again is as quick as working out what changed.
REGROUP_MAX_SHARE = 0.5


def _group(dataset: Dataset) -> Groups:
    with _LAST_LOCK:
        last = _LAST[0] if _LAST else None
    file_order = {statement_id: index for index, statement_id in enumerate(dataset.statements)}
    made = _regroup(last, dataset.statements, file_order) if last is not None else None
    statements, stances = made if made is not None else _group_statements(dataset.statements.values())
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
    found = Groups(
        statements=statements,
        events=_frozen(events),
        propositions=_frozen(propositions),
        discrepancies=_frozen(discrepancies),
        stances=stances,
        file_order=file_order,
    )
    with _LAST_LOCK:
        _LAST[:] = [(dict(dataset.statements), found)]  # a copy: what was grouped, whatever happens to the dataset
    return found


def _incidents_of(statement: Statement) -> Iterable[str]:
    return dict.fromkeys(statement.incidents)


def _propositions_of(statement: Statement) -> Iterable[str]:
    return dict.fromkeys(stance.proposition for stance in statement.stances)


def _group_statements(
    statements: Iterable[Statement],
) -> tuple[dict[str, tuple[Statement, ...]], dict[str, tuple[Statement, ...]]]:
    """Every statement's groups: incident id -> the statements naming it, proposition id -> those taking a stance."""
    by_incident: dict[str, list[Statement]] = {}
    by_proposition: dict[str, list[Statement]] = {}
    for statement in statements:
        for incident_id in _incidents_of(statement):
            by_incident.setdefault(incident_id, []).append(statement)
        for proposition_id in _propositions_of(statement):
            by_proposition.setdefault(proposition_id, []).append(statement)
    return _frozen(by_incident), _frozen(by_proposition)


def _regroup(
    last: tuple[dict[str, Statement], Groups], statements: Mapping[str, Statement], file_order: Mapping[str, int]
) -> tuple[dict[str, tuple[Statement, ...]], dict[str, tuple[Statement, ...]]] | None:
    """The statements' groups made from the last ones: None when too many statements differ. A statement differs
    when its object does (an unchanged file keeps its objects); the groups it named before or names now are made
    again from their unchanged members and the statements that name them now, in file order."""
    before, grouped = last
    changed = {i for i, statement in statements.items() if before.get(i) is not statement}
    changed |= before.keys() - statements.keys()
    if len(changed) > REGROUP_MAX_SHARE * max(len(statements), 1):
        return None
    return (
        _regrouped(grouped.statements, changed, before, statements, file_order, _incidents_of),
        _regrouped(grouped.stances, changed, before, statements, file_order, _propositions_of),
    )


def _regrouped(
    groups_before: Mapping[str, tuple[Statement, ...]], changed: set[str], before: Mapping[str, Statement],
    statements: Mapping[str, Statement], file_order: Mapping[str, int],
    keys_of: Callable[[Statement], Iterable[str]],
) -> dict[str, tuple[Statement, ...]]:
    touched: dict[str, list[Statement]] = {}
    for statement_id in changed:
        old = before.get(statement_id)
        for key in keys_of(old) if old is not None else ():
            touched.setdefault(key, [])
        new = statements.get(statement_id)
        if new is not None:
            for key in keys_of(new):
                touched.setdefault(key, []).append(new)
    found = dict(groups_before)
    for key, added in touched.items():
        members = [s for s in groups_before.get(key, ()) if s.id not in changed] + added
        if members:
            found[key] = tuple(sorted(members, key=lambda s: file_order[s.id]))
        else:
            found.pop(key, None)
    return found


def _frozen(found: dict[str, list[T]]) -> dict[str, tuple[T, ...]]:
    return {key: tuple(items) for key, items in found.items()}
