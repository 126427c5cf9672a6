"""Filters as pure code (Datasette-style): a `FilterValue` applied to a `Dataset` gives a `View`."""

from __future__ import annotations

import bisect
import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

import numpy as np

import incidents.views.columns_store as columns_store
from incidents.model.dataset import Dataset, Derives, KeyLocks
from incidents.model.groups import groups
from incidents.model.queries import chronological, current_incident, record_actors, record_kind
from incidents.model.records import STATEMENT_KINDS, Event, Incident, Place, Statement
from incidents.model.when import time_window
from incidents.views.columnar import Mask, RecordColumns, Rows, text_of

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
class View(Derives):
    """The records a filter selects, in chronological order."""

    events: list[Event] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    # What pages derive from the view (tables, figures, decks), kept with it: a view is shared by every session
    # with its filter (`FilterIndex.view`) and never changes, so a new reader's page is not built again.
    derived: dict[Hashable, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def record_count(self) -> int:
        return len(self.events) + len(self.statements)

    @property
    def span(self) -> tuple[dt.date, dt.date] | None:
        """The first and last day any of its records may fall on (None for none): for a filtered view from the
        columns it was made from (`kept_rows`: the summaries' loop over the models cost 0.1 s a rerun at 1,000
        incidents), else from its records."""

        def make() -> tuple[dt.date, dt.date] | None:
            kept = kept_rows(self)
            return kept[0].span(kept[1], kept[2]) if kept else date_span([*self.events, *self.statements])

        return self.derive("date-span", make)

    @property
    def extent(self) -> tuple[dt.datetime, dt.datetime] | None:
        """The earliest moment (naive UTC) any of its records' windows starts (its end when undated) and the latest
        its windows end (exclusive); None for none. From the columns or the records, as `span`."""

        def make() -> tuple[dt.datetime, dt.datetime] | None:
            kept = kept_rows(self)
            if kept:
                return kept[0].extent(kept[1], kept[2])
            records: list[Event | Statement] = [*self.events, *self.statements]
            windows = [time_window(record.when) for record in records]
            if not windows:
                return None
            return min(w.start if w.start is not None else w.end for w in windows), max(w.end for w in windows)

        return self.derive("extent", make)


_EVERY_ROW = "every-row-of"  # the view of every record: the index whose columns are its rows (`kept_rows`)


def kept_rows(view: View) -> tuple[RecordColumns, Mask, Mask] | None:
    """The columns and the masks a filtered view was made from (`FilterIndex.view`); for the view of every record,
    the columns once a filter or the warm-up has made them, with every row kept; None for any other view."""
    found: tuple[RecordColumns, Mask, Mask] | None = view.derived.get("kept-rows")
    if found is None and (index := view.derived.get(_EVERY_ROW)) is not None:
        columns = index.columns_if_built()
        if columns is not None:
            # Every row: the view's records are the index's, in its order. Pages then count, bin and place the view
            # from the columns, as they do a filtered view; from the models, the timeline's binning worked out a
            # time window and kept it on each of 37,000 records at 1,000 incidents (PROFILE.md, eighteenth pass).
            found = (columns, np.ones(len(columns.events.kind), dtype=np.bool_),
                     np.ones(len(columns.statements.kind), dtype=np.bool_))
            view.derived["kept-rows"] = found  # the same value whichever run sets it first
    return found


def own_kept_rows(dataset: Dataset, view: View) -> tuple[RecordColumns, Mask, Mask] | None:
    """`kept_rows`, only when they are the columns of this dataset's own filter index: a row number then names the
    same record as in `filter_index(dataset).events` / `.statements`."""
    kept = kept_rows(view)
    if kept is None or filter_index(dataset).columns_if_built() is not kept[0]:
        return None
    return kept


def date_span(records: Iterable[Event | Statement]) -> tuple[dt.date, dt.date] | None:
    """The first and last day any of the records may fall on; None for no records."""
    days = [(r.when.first_day, r.when.last_day) for r in records]
    if not days:
        return None
    return min(first for first, _ in days), max(last for _, last in days)


def _in_dates(record: Event | Statement | Incident, value: FilterValue) -> bool:
    """A record matches when the window it may fall in overlaps the filter's dates."""
    when = record.when
    if value.date_from and when.last_day < value.date_from:
        return False
    if value.date_to and when.first_day > value.date_to:
        return False
    return True


def matches(dataset: Dataset, record: Event | Statement, value: FilterValue, actor_set: set[str] | None = None) -> bool:
    """Whether a record passes the kind, actor and date filters (`actor_set`: the filter's actors with their
    descendants). The text filter reads the columns' search text, in `_select`."""
    if value.kinds and record_kind(record) not in value.kinds:
        return False
    if value.actors:
        wanted = actor_set if actor_set is not None else dataset.actor_index.descendants(value.actors)
        if not wanted.intersection(record_actors(record)):
            return False
    if not _in_dates(record, value):
        return False
    return True


class FilterIndex:
    """What every filter needs of one dataset, worked out once: the events and statements in time order, their
    search text, and the last few views (a hosted instance serves many readers the same few filters).

    Built once per dataset by `filter_index`; the loaded records never change, so nothing here goes stale."""

    VIEWS_KEPT = 8  # each keeps what pages derived from it (a 45,000-row table is tens of MB)

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self._views: OrderedDict[FilterValue, View] = OrderedDict()
        self._lock = threading.Lock()  # sessions run in threads and share the dataset
        self._making = KeyLocks()  # a lock per view being made (`view`)
        self.store_writer: threading.Thread | None = None

    @cached_property
    def _from_last(self) -> _FromLast | None:
        """The time orders made from the last columns built (`_LAST_COLUMNS`), when few records differ; the columns
        are spliced from them only when a filter asks for columns."""
        with _LAST_LOCK:
            last = _LAST_COLUMNS[0] if _LAST_COLUMNS else None
        if last is None:
            return None
        last_events, last_statements, last_columns = last
        events = _spliced_order(last_events, self.dataset.events)
        statements = _spliced_order(last_statements, self.dataset.statements)
        if events is None or statements is None:
            return None
        return _FromLast(last_columns, *events, *statements)

    @cached_property
    def events(self) -> list[Event]:
        last = self._from_last
        return last.events if last is not None else sorted(self.dataset.events.values(), key=chronological)

    @cached_property
    def statements(self) -> list[Statement]:
        last = self._from_last
        return last.statements if last is not None else sorted(self.dataset.statements.values(), key=chronological)

    @cached_property
    def incident_text(self) -> dict[str, str]:
        """Each incident's searchable text, casefolded (the events' and statements' are in the columns)."""
        return {record.id: text_of(record) for record in self.dataset.incidents.values()}

    @cached_property
    def columns(self) -> RecordColumns:
        """The events and statements as columns (on the first filter that selects among them): made from the last
        columns built after an edit, else read back from a store a process wrote for the same records
        (`columns_store`), else built and stored."""
        last = self._from_last
        made = (
            RecordColumns.spliced(last.columns, last.events, last.event_source, last.statements, last.statement_source)
            if last is not None
            else columns_store.read(self.dataset, self.events, self.statements)
        )
        if made is None:  # built, and stored for the next restart on these records (the thread kept for tests)
            made = RecordColumns(self.events, self.statements)
            self.store_writer = columns_store.write_later(self.dataset, made, self.events, self.statements)
        with _LAST_LOCK:
            _LAST_COLUMNS[:] = [(self.events, self.statements, made)]
        self.__dict__.pop("_from_last", None)  # the orders are kept; the last columns need not be
        return made

    def columns_if_built(self) -> RecordColumns | None:
        """The columns when a filter has built them, else None (without building them)."""
        built: RecordColumns | None = self.__dict__.get("columns")  # where cached_property keeps its value
        return built

    def view(self, value: FilterValue) -> View:
        """The view `value` selects; the same object for the same filter until VIEWS_KEPT others have been asked.
        Only the selections (`incident`, `record`) are left out of the key: they never change what is shown.
        Made once when sessions ask for it at once (a shared link opened by many readers on a restarted replica):
        the others wait for that view, as `Derives.derive` does."""
        key = FilterValue(value.date_from, value.date_to, value.actors, value.kinds, value.text)
        with self._lock:
            found = self._kept(key)
            if found is not None:
                return found
        with self._making.holding(key):
            with self._lock:
                found = self._kept(key)
            if found is None:
                found = _select(self, key)
                with self._lock:
                    self._views[key] = found
                    while len(self._views) > self.VIEWS_KEPT:
                        self._views.popitem(last=False)
        return found

    def _kept(self, key: FilterValue) -> View | None:
        """The kept view of `key`, now the most recently asked (the caller holds `_lock`)."""
        found = self._views.get(key)
        if found is not None:
            self._views.move_to_end(key)
        return found


# The "Selected record" list offers every record up to this many; above it, the records of one incident.
RECORD_CHOICES_MAX = 300


def record_choices(dataset: Dataset, incident: str | None, current: str | None) -> list[str]:
    """The ids the "Selected record" list offers: every event and statement when there are at most
    RECORD_CHOICES_MAX, else those of `incident` (or of the most recent incident), and always `current` when it
    is a record, so a link's `rec` stays valid. A list of 45,000 ids would be sent on every page."""
    if len(dataset.events) + len(dataset.statements) <= RECORD_CHOICES_MAX:
        ids = set(dataset.events) | set(dataset.statements)
    else:
        focus = current_incident(dataset, incident)
        # From the statement groups, which an edit's dataset makes from the last one's (a pass over every record
        # was 20 ms of an edit's run at 1,000 incidents), and most pages use anyway.
        grouped = groups(dataset)
        ids = {r.id for r in (*grouped.events.get(focus.id, ()), *grouped.statements.get(focus.id, ()))} if focus \
            else set()
    if current in dataset.events or current in dataset.statements:
        ids.add(current)
    return sorted(ids)


@dataclass(frozen=True)
class _FromLast:
    """The last columns built, and this dataset's time orders with each record's row in them (-1: not there)."""

    columns: RecordColumns
    events: list[Event]
    event_source: Rows
    statements: list[Statement]
    statement_source: Rows


# The last columns built and the time orders they hold: the next dataset's are made from them (an edit changes few
# records). One entry, replaced by every build: it outlives its dataset only until the next one's columns are made.
_LAST_COLUMNS: list[tuple[list[Event], list[Statement], RecordColumns]] = []
_LAST_LOCK = threading.Lock()
# Past this share of records differing, sorting and building everything is as quick as splicing.
SPLICE_MAX_SHARE = 0.25
R = TypeVar("R", Event, Statement)


def _spliced_order(before: list[R], records: dict[str, R]) -> tuple[list[R], Rows] | None:
    """`records` in time order made from `before` (the last records in time order), with each one's row in `before`
    (-1: a record that is not the same object there): the records that are the same objects keep their places, the
    others are put in theirs. None when too many differ."""
    position = {id(record): row for row, record in enumerate(before)}  # both are alive while this runs
    now = list(records.values())
    rows = np.fromiter((position.get(id(record), -1) for record in now), dtype=np.int64, count=len(now))
    added = [now[i] for i in np.flatnonzero(rows < 0).tolist()]
    kept_rows = np.sort(rows[rows >= 0])
    if len(added) + len(before) - len(kept_rows) > SPLICE_MAX_SHARE * max(len(records), 1):
        return None
    ordered, source = [before[row] for row in kept_rows.tolist()], kept_rows.tolist()
    for record in sorted(added, key=chronological):  # (start, id) keys are unique: a sort would put it here
        at = bisect.bisect_left(ordered, chronological(record), key=chronological)
        ordered.insert(at, record)
        source.insert(at, -1)
    return ordered, np.array(source, dtype=np.int64)


def filter_index(dataset: Dataset) -> FilterIndex:
    """The dataset's `FilterIndex`, made on first use and kept with what the dataset derives (`Derives`)."""
    return dataset.derive(FilterIndex, lambda: FilterIndex(dataset))


def apply_filter(dataset: Dataset, value: FilterValue) -> View:
    """Events and statements that match every active filter, with the incidents and places they involve.
    The view is shared (`FilterIndex.view`): its lists are never to be changed in place."""
    return filter_index(dataset).view(value)


def _select(index: FilterIndex, value: FilterValue) -> View:
    """The view: the records through the columns' masks (`RecordColumns`); with no filter on records, all of them
    without building the columns (the first page after a restart shows everything)."""
    dataset = index.dataset
    needle = value.text.casefold() if value.text else ""
    filtered = bool(value.kinds or value.actors or value.date_from or value.date_to or needle)
    if filtered:
        columns = index.columns
        actors = dataset.actor_index.descendants(value.actors) if value.actors else None
        event_rows, statement_rows = (
            table.mask(columns, kinds=value.kinds, actors=actors, date_from=value.date_from, date_to=value.date_to,
                       needle=needle)
            for table in (columns.events, columns.statements)
        )
        events = [index.events[i] for i in np.flatnonzero(event_rows)]  # already in time order
        statements = [index.statements[i] for i in np.flatnonzero(statement_rows)]
        named = np.union1d(columns.events.incidents(event_rows), columns.statements.incidents(statement_rows))
        incident_ids = {columns.incidents.values[code] for code in named}
        event_places = [columns.places.values[code] for code in columns.events.places(event_rows)]
    else:
        events, statements = list(index.events), list(index.statements)
        grouped = groups(dataset)  # every incident a record names (a pass over them all: 30 ms an edit's run)
        incident_ids = {i for i, found in (*grouped.events.items(), *grouped.statements.items()) if found}
        event_places = [e.place for e in events if e.place]
    if value.is_default or (value.text and not value.actors and not value.kinds):
        # An incident whose own title or summary matches is shown even when none of its records does.
        text = index.incident_text if needle else {}
        incident_ids |= {
            i.id
            for i in dataset.incidents.values()
            if _in_dates(i, value) and (not needle or needle in text[i.id])
        }
    incidents = sorted((dataset.incidents[i] for i in incident_ids if i in dataset.incidents), key=chronological)
    place_ids = event_places + [role.place for i in incidents for role in i.places]
    places = [dataset.places[p] for p in dict.fromkeys(place_ids) if p in dataset.places]
    view = View(events=events, statements=statements, incidents=incidents, places=places)
    if filtered:
        # The masks, so a page's counts and extents are read from the columns (`kept_rows`) instead of its models.
        view.derived["kept-rows"] = (index.columns, event_rows, statement_rows)
    else:  # every row, once the columns are made (not made for it: the first page after a restart needs none)
        view.derived[_EVERY_ROW] = index
    return view
