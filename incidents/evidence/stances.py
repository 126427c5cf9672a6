"""Which stance counts for or against a proposition, who accuses, and which statements assert a launch.

The claims comparison and the map's claim arcs read a statement's stances by these rules, so they cannot drift
apart. Pure: no UI imports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from incidents.model.dataset import Dataset
from incidents.model.groups import groups
from incidents.model.queries import chronological
from incidents.model.records import Event, Proposition, Statement

Polarity = Literal["for", "against", "none"]

# Statement kinds that put an accusation forward; used to find the accusing party.
ACCUSING_KINDS = ("accusation", "claim")
# Proposition topics that say who did it, when looking for the accusing party.
ATTRIBUTION_TOPICS = ("attribution", "responsibility")
# The one topic by which a statement names who launched (the map's claim arcs read only this one).
LAUNCH_TOPIC = "attribution"


FOR = ("asserts", "suggests", "implies")
AGAINST = ("denies",)


def polarity(stance: str) -> Polarity:
    """For (asserts, suggests, implies) or against (denies) a proposition; doubts and declines take no side."""
    if stance in FOR:
        return "for"
    return "against" if stance in AGAINST else "none"


def is_full_assertion(stance: str) -> bool:
    """Only `asserts` is a full assertion: a hedge ('may have been') or our inference never counts as one."""
    return stance == "asserts"


def exclusions(propositions: Iterable[Proposition]) -> dict[str, set[str]]:
    """proposition id -> the propositions whose support counts against it: those it excludes or that exclude it
    (an exclusion works both ways, declared on either side), and those that answer it (one way)."""
    found: dict[str, set[str]] = {}
    for proposition in propositions:
        for other in proposition.excludes:
            if other != proposition.id:
                found.setdefault(proposition.id, set()).add(other)
                found.setdefault(other, set()).add(proposition.id)
        for answered in proposition.answers:
            if answered != proposition.id:
                found.setdefault(answered, set()).add(proposition.id)
    return found


def dataset_exclusions(dataset: Dataset) -> Mapping[str, set[str]]:
    """`exclusions` of every proposition in the dataset, worked out once and kept with it (read it, never change it)."""
    return dataset.derive("exclusions", lambda: exclusions(dataset.propositions.values()))


def accusation_rank(stance: str, kind: str, topic: str | None) -> int | None:
    """How strongly a position marks its party as the accuser (0 strongest), None when it does not.

    0: an accusation or claim asserting who did it; 1: any asserting accusation; 2: any asserting claim;
    3: any assertion. The accuser is the party of the earliest position of the best rank found.
    """
    if stance != "asserts":
        return None
    if kind in ACCUSING_KINDS and topic in ATTRIBUTION_TOPICS:
        return 0
    if kind == "accusation":
        return 1
    return 2 if kind in ACCUSING_KINDS else 3


@dataclass(frozen=True)
class LaunchClaim:
    """A launch event that some given statement asserts, with the statements disputing it; both in time order."""

    launch: Event
    claiming: list[Statement]
    disputing: list[Statement]


def _attributions(dataset: Dataset, launch: Event) -> list[str]:
    """`launch_attributions`, read from a table of the dataset's launches made once and kept with it."""
    known: dict[str, list[str]] = dataset.derive(
        "launch-attributions",
        lambda: {e.id: launch_attributions(dataset, e) for e in dataset.events.values() if e.type == "launch"},
    )
    if dataset.events.get(launch.id) is launch:
        return known[launch.id]
    return launch_attributions(dataset, launch)  # an event that is not the dataset's own


def launch_attributions(dataset: Dataset, launch: Event) -> list[str]:
    """The attribution propositions (topic `LAUNCH_TOPIC`) that the launch's `reported_in` statements assert."""
    found = []
    for statement_id in launch.reported_in:
        statement = dataset.statements.get(statement_id)
        if statement is None:
            continue
        for stance in statement.stances:
            proposition = dataset.propositions.get(stance.proposition)
            if polarity(stance.stance) == "for" and proposition is not None and proposition.topic == LAUNCH_TOPIC:
                found.append(stance.proposition)
    return found


def _by_polarity(statements: Iterable[Statement]) -> tuple[dict[str, list[Statement]], dict[str, list[Statement]]]:
    """proposition id -> the statements asserting it, and -> the statements disputing it."""
    asserting: dict[str, list[Statement]] = {}
    disputing: dict[str, list[Statement]] = {}
    for statement in statements:
        for stance in statement.stances:
            side = polarity(stance.stance)
            if side != "none":
                target = asserting if side == "for" else disputing
                target.setdefault(stance.proposition, []).append(statement)
    return asserting, disputing


def launch_claims(dataset: Dataset, events: Iterable[Event], statements: Iterable[Statement]) -> list[LaunchClaim]:
    """Each launch among `events` that one of `statements` (e.g. those in the view) asserts, in `events` order.

    A statement asserts a launch when it is one of the launch's `reported_in` statements, or when it asserts an
    attribution proposition that one of those asserts (any strength); it disputes the launch when it denies such a
    proposition, or supports one that excludes it. Launches no given statement asserts are left out; other events
    are skipped.
    """
    launches = [event for event in events if event.type == "launch"]
    if not launches:
        return []
    given = list(statements)
    given_ids = {statement.id for statement in given}
    excluded = dataset_exclusions(dataset)
    attributions = {launch.id: _attributions(dataset, launch) for launch in launches}
    # Only stances on the launches' propositions and their rivals count: sort just the given statements taking one.
    relevant = {p for found in attributions.values() for p in found}
    relevant |= {other for p in list(relevant) for other in excluded.get(p, ())}
    grouped = groups(dataset)
    taking = {s.id for p in relevant for s in grouped.stances.get(p, ()) if s.id in given_ids}
    asserting, disputing = _by_polarity(s for s in given if s.id in taking)
    found = []
    for launch in launches:
        propositions = attributions[launch.id]
        claiming = {sid: dataset.statements[sid] for sid in launch.reported_in if sid in given_ids}
        for proposition in propositions:
            claiming.update({s.id: s for s in asserting.get(proposition, [])})
        if not claiming:
            continue
        rivals = {other for proposition in propositions for other in excluded.get(proposition, ())}
        against = {s.id: s for proposition in propositions for s in disputing.get(proposition, [])}
        against.update({s.id: s for rival in sorted(rivals) for s in asserting.get(rival, []) if s.id not in claiming})
        found.append(
            LaunchClaim(
                launch=launch,
                claiming=sorted(claiming.values(), key=chronological),
                disputing=sorted(against.values(), key=chronological),
            )
        )
    return found
