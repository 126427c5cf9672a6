"""Filters as pure code (Datasette-style): a `FilterValue` applied to a `Dataset` gives a `View`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from incidents.dataset import Dataset
from incidents.models import STATEMENT_KINDS, Event, Incident, Place, Statement
from incidents.records import chronological, record_actors, record_kind

RECORD_KINDS: tuple[str, ...] = ("event", *STATEMENT_KINDS)


@dataclass(frozen=True)
class FilterValue:
    """What the shared filters select. `incident` and `record` are selections: they highlight, never hide."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    actors: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    text: str = ""
    incident: str | None = None
    record: str | None = None

    @property
    def is_default(self) -> bool:
        return self == FilterValue()

    def describe(self) -> str:
        """Short human text of the active filters, for captions and export metadata."""
        parts = []
        if self.date_from or self.date_to:
            parts.append(f"{self.date_from or '…'} to {self.date_to or '…'}")
        if self.actors:
            parts.append("actors " + ", ".join(self.actors))
        if self.kinds:
            parts.append("kinds " + ", ".join(self.kinds))
        if self.text:
            parts.append(f"text “{self.text}”")
        return "; ".join(parts) if parts else "no filter"


@dataclass(frozen=True)
class View:
    """The records a filter selects, in chronological order."""

    events: list[Event] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)

    @property
    def record_count(self) -> int:
        return len(self.events) + len(self.statements)


def _text_of(record: Event | Statement | Incident) -> str:
    if isinstance(record, Statement):
        parts = [record.quote, record.paraphrase, record.channel, record.note]
    elif isinstance(record, Event):
        parts = [record.title, record.description, record.place_note]
    else:
        parts = [record.title, record.summary]
    return " ".join(p for p in parts if p).casefold()


def _in_dates(record: Event | Statement | Incident, value: FilterValue) -> bool:
    """A record matches when the window it may fall in overlaps the filter's dates."""
    when = record.when
    if value.date_from and when.last_day < value.date_from:
        return False
    if value.date_to and when.first_day > value.date_to:
        return False
    return True


def matches(dataset: Dataset, record: Event | Statement, value: FilterValue, actor_set: set[str] | None = None) -> bool:
    """Whether a record passes every active filter (`actor_set`: the filter's actors with their descendants)."""
    if value.kinds and record_kind(record) not in value.kinds:
        return False
    if value.actors:
        wanted = actor_set if actor_set is not None else dataset.actor_index.descendants(value.actors)
        if not wanted.intersection(record_actors(record)):
            return False
    if not _in_dates(record, value):
        return False
    if value.text and value.text.casefold() not in _text_of(record):
        return False
    return True


def apply_filter(dataset: Dataset, value: FilterValue) -> View:
    """Events and statements that match every active filter, with the incidents and places they involve."""
    actor_set = dataset.actor_index.descendants(value.actors) if value.actors else None
    events = sorted((e for e in dataset.events.values() if matches(dataset, e, value, actor_set)), key=chronological)
    statements = sorted(
        (s for s in dataset.statements.values() if matches(dataset, s, value, actor_set)), key=chronological
    )
    incident_ids = {e.incident for e in events} | {i for s in statements for i in s.incidents}
    if value.is_default or (value.text and not value.actors and not value.kinds):
        # An incident whose own title or summary matches is shown even when none of its records does.
        incident_ids |= {
            i.id
            for i in dataset.incidents.values()
            if _in_dates(i, value) and (not value.text or value.text.casefold() in _text_of(i))
        }
    incidents = sorted((dataset.incidents[i] for i in incident_ids if i in dataset.incidents), key=chronological)
    place_ids = [e.place for e in events if e.place]
    place_ids += [role.place for i in incidents for role in i.places]
    places = [dataset.places[p] for p in dict.fromkeys(place_ids) if p in dataset.places]
    return View(events=events, statements=statements, incidents=incidents, places=places)
