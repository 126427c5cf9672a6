"""Questions every view asks of an event or statement: its kind, its actors, its incident, its place in time."""

from __future__ import annotations

import datetime as dt

from incidents.models import Event, Incident, Statement

Timed = Event | Statement | Incident


def chronological(record: Timed) -> tuple[dt.datetime, str]:
    """Sort key of every chronological list: earliest possible moment, then id (so ties are stable)."""
    return (record.when.start_dt, record.id)


def record_kind(record: Event | Statement) -> str:
    """The record's value in the `kind` filter: 'event', or the statement's kind."""
    return "event" if isinstance(record, Event) else record.kind


def record_actors(record: Event | Statement) -> list[str]:
    """Who the record is about: the speaker, or the event's actors."""
    return [record.speaker] if isinstance(record, Statement) else list(record.actors)


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
