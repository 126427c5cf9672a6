"""Questions every view asks of an event or statement: its kind, its actors, its incident, its place in time."""

from __future__ import annotations

import datetime as dt

from incidents.model.dataset import Dataset
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


def speaker_name(dataset: Dataset, statement: Statement, *, short: bool = False) -> str:
    """Who speaks, for people: the actor's name (short label when `short`), the publication's own voice, or
    the unnamed sources as the page refers to them (with the party they speak for, when it is known)."""
    actors = dataset.actor_index
    if statement.voice == "publication":
        document = dataset.sources.get(statement.via[-1])
        outlet = (document.publisher if document else None) or "the publication"
        return f"{outlet} (own reporting)"
    name = actors.label(statement.speaker) if short else actors.name(statement.speaker)
    if statement.voice == "unnamed":
        who = f"unnamed {statement.unnamed_as or 'sources'}"
        return f"{who} ({name})" if statement.speaker else who
    return name
