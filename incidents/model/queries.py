"""Questions every view asks of an event or statement: its kind, its actors, its incident, its place in time."""

from __future__ import annotations

import datetime as dt

from incidents.model.dataset import Dataset
from incidents.model.provenance import source_origins
from incidents.model.records import Event, Incident, Statement

Timed = Event | Statement | Incident


def chronological(record: Timed) -> tuple[dt.datetime, str]:
    """Sort key of every chronological list: earliest possible moment, then id (so ties are stable)."""
    return (record.when.start_dt, record.id)


def current_incident(dataset: Dataset, selected: str | None) -> Incident | None:
    """The selected incident, else the most recent one."""
    if selected and selected in dataset.incidents:
        return dataset.incidents[selected]
    if not dataset.incidents:
        return None
    return max(dataset.incidents.values(), key=chronological)


def record_kind(record: Event | Statement) -> str:
    """The record's value in the `kind` filter: 'event', or the statement's kind."""
    return "event" if isinstance(record, Event) else record.kind


def record_actors(record: Event | Statement) -> list[str]:
    """Who the record is about: the speaker, or the event's actors."""
    if isinstance(record, Statement):
        return [record.speaker] if record.speaker else []
    return list(record.actors)


def record_actor(record: Event | Statement) -> str | None:
    """The actor a record is drawn for: the speaker, or an event's first actor."""
    if isinstance(record, Statement):
        return record.speaker
    return record.actors[0] if record.actors else None


def record_incident(record: Event | Statement) -> str:
    """The record's (first) incident id; '' when it names none."""
    if isinstance(record, Statement):
        return record.incidents[0] if record.incidents else ""
    return record.incident or ""


def outlet_name(dataset: Dataset, source_id: str) -> str:
    """The outlet of a source as people know it: its publisher's name up to any bracket ('APA'), else the id."""
    source = dataset.sources.get(source_id)
    if source is None or not source.publisher:
        return source.title.split(" (")[0] if source is not None else source_id
    return source.publisher.split(" (")[0].strip() or source.publisher


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def reporting_origins(dataset: Dataset, statement: Statement) -> list[str]:
    """The sources the publication's words come from: where the document we read takes them from (its
    republication chain, else the earlier links of `via`), else the document itself."""
    document = statement.via[-1]
    found = sorted(source_origins(dataset, document) - {document})
    if not found:
        found = [s for s in statement.via[:-1] if s != document]
    return list(dict.fromkeys(found)) or [document]


def carried_label(dataset: Dataset, statement: Statement) -> str:
    """'Report, carried by Interfax', or 'Reuters' when the document we read is the origin's own."""
    document = statement.via[-1]
    names = list(dict.fromkeys(outlet_name(dataset, s) for s in reporting_origins(dataset, statement)))
    carrier = outlet_name(dataset, document)
    if names == [carrier]:
        return carrier
    return f"{_join(names)}, carried by {carrier}"


def speaker_name(dataset: Dataset, statement: Statement, *, short: bool = False) -> str:
    """Who speaks, for people: the actor's name (short label when `short`); the publication's own voice named by
    its origin and carrier ('APA, carried by UNN'); unnamed sources as the page refers to them, with the outlet
    that quotes them ('a source close to the government, per Reuters'), never as the party itself."""
    actors = dataset.actor_index
    if statement.voice == "publication":
        return carried_label(dataset, statement)
    if statement.voice == "unnamed":
        who = statement.unnamed_as or "unnamed sources"
        outlet = outlet_name(dataset, statement.via[0])
        return f"{who} (unnamed), per {outlet}"
    return actors.label(statement.speaker) if short else actors.name(statement.speaker)
