"""The events and statements as columns, so a filter is a few vectorised operations instead of a loop over models.

Built once per dataset (`FilterIndex.columns`, kept with the dataset the app caches per data version and shares
with every session) in the index's time order: the kind as a category, the first and last day a record may fall
on as day numbers, the casefolded search text as an Arrow string column (pandas 3), the event's place, type and
incident, and exploded (row, actor) and (row, incident) tables. A filter gives a boolean mask per table; the
pages still get the selected models (`View`), made from the mask. The dataset after a one-file edit splices its
columns from the last ones (`RecordColumns.spliced`): only the changed records' rows are worked out.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]  # pyarrow ships no stubs

from incidents.model.queries import record_actors, record_kind
from incidents.model.records import Event, Incident, Statement
from incidents.model.when import time_window

Mask = npt.NDArray[np.bool_]
Rows = npt.NDArray[np.int64]
_EPOCH = dt.datetime(1970, 1, 1)  # windows are naive UTC; moments are kept as microseconds since then
_MICROSECOND = dt.timedelta(microseconds=1)


def micros(moment: dt.datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


def moment(value: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(microseconds=int(value))


class Codes:
    """Strings as small integers, in first-seen order (a category without pandas' per-call overhead)."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.values: list[str] = []

    def code(self, value: str) -> int:
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.values)
            self.values.append(value)
        return found

    def codes(self, values: Iterable[str]) -> npt.NDArray[np.int64]:
        """The codes of the values this table has seen (the others cannot match anything)."""
        return np.array([self.index[v] for v in values if v in self.index], dtype=np.int64)

    def copy(self) -> Codes:
        """The same codes, to be extended without changing these (another dataset's columns read them)."""
        made = Codes()
        made.index, made.values = dict(self.index), list(self.values)
        return made

    @classmethod
    def of(cls, values: Iterable[str]) -> Codes:
        """The codes of `values` in their order (each value once)."""
        made = cls()
        for value in values:
            made.code(value)
        return made


@dataclass(frozen=True)
class Table:
    """One record kind's columns, row i being the i-th record in the index's time order."""

    kind: npt.NDArray[np.int64]
    first: npt.NDArray[np.int64]
    last: npt.NDArray[np.int64]
    low: npt.NDArray[np.int64]  # the time window's start (its end when undated), in microseconds
    high: npt.NDArray[np.int64]  # the window's end (exclusive), in microseconds
    text: pd.Series
    actor_rows: Rows
    actor_codes: npt.NDArray[np.int64]
    incident_rows: Rows
    incident_codes: npt.NDArray[np.int64]
    place_codes: npt.NDArray[np.int64]  # -1: no place
    type_codes: npt.NDArray[np.int64]  # the event type's code in `RecordColumns.types`; a statement's is the code of ""

    @property
    def size(self) -> int:
        return len(self.kind)

    @cached_property
    def first_incident(self) -> npt.NDArray[np.int64]:
        """Each row's first incident code (-1: none); the exploded rows keep each record's incidents in order."""
        first = np.full(self.size, -1, dtype=np.int64)
        rows, at = np.unique(self.incident_rows, return_index=True)
        first[rows] = self.incident_codes[at]
        return first

    def mask(
        self, columns: RecordColumns, *, kinds: Sequence[str], actors: set[str] | None,
        date_from: dt.date | None, date_to: dt.date | None, needle: str,
    ) -> Mask:
        """The rows a filter keeps: kind in `kinds`, any actor in `actors` (with their descendants), a window that
        overlaps the dates, the needle in the search text; an empty or None filter keeps every row."""
        keep = np.ones(self.size, dtype=bool)
        if kinds:
            keep &= np.isin(self.kind, columns.kinds.codes(kinds))
        if actors is not None:
            hit = np.zeros(self.size, dtype=bool)
            hit[self.actor_rows[np.isin(self.actor_codes, columns.actors.codes(actors))]] = True
            keep &= hit
        if date_from is not None:
            keep &= self.last >= date_from.toordinal()
        if date_to is not None:
            keep &= self.first <= date_to.toordinal()
        if needle and keep.any():
            rows = np.flatnonzero(keep)  # search only what the other filters kept
            found = self.text.iloc[rows].str.contains(needle, regex=False).to_numpy(dtype=bool, na_value=False)
            keep[rows[~found]] = False
        return keep

    def incidents(self, keep: Mask) -> npt.NDArray[np.int64]:
        """The codes of the incidents the kept rows name."""
        return np.unique(self.incident_codes[keep[self.incident_rows]])

    def places(self, keep: Mask) -> npt.NDArray[np.int64]:
        """The codes of the kept rows' places, in the rows' order, each once."""
        codes = self.place_codes[keep]
        return pd.unique(codes[codes >= 0])


class RecordColumns:
    """The columns of a dataset's events and statements (see the module's doc)."""

    def _bounds(self, lower: str, upper: str, event_rows: Mask, statement_rows: Mask) -> tuple[int, int] | None:
        """The least `lower` and the greatest `upper` column value of the kept rows; None when no row is kept."""
        kept = [(t, keep) for t, keep in ((self.events, event_rows), (self.statements, statement_rows)) if keep.any()]
        if not kept:
            return None
        return (min(int(getattr(t, lower)[keep].min()) for t, keep in kept),
                max(int(getattr(t, upper)[keep].max()) for t, keep in kept))

    def span(self, event_rows: Mask, statement_rows: Mask) -> tuple[dt.date, dt.date] | None:
        """The first and last day the kept rows may fall on; None when no row is kept."""
        days = self._bounds("first", "last", event_rows, statement_rows)
        return (dt.date.fromordinal(days[0]), dt.date.fromordinal(days[1])) if days else None

    def extent(self, event_rows: Mask, statement_rows: Mask) -> tuple[dt.datetime, dt.datetime] | None:
        """The earliest start (end when undated) and the latest end of the kept rows' windows; None for none."""
        moments = self._bounds("low", "high", event_rows, statement_rows)
        return (moment(moments[0]), moment(moments[1])) if moments else None

    def incident_extents(
        self, event_rows: Mask, statement_rows: Mask
    ) -> dict[str, tuple[int, dt.datetime, dt.datetime]]:
        """Incident id -> (how many kept rows name it, their windows' earliest start and latest end): a record
        naming an incident twice counts twice, as its (row, incident) pairs do."""
        codes, lows, highs = [], [], []
        for table, keep in ((self.events, event_rows), (self.statements, statement_rows)):
            named = keep[table.incident_rows]
            rows = table.incident_rows[named]
            codes.append(table.incident_codes[named])
            lows.append(table.low[rows])
            highs.append(table.high[rows])
        code = np.concatenate(codes)
        if not len(code):
            return {}
        size = len(self.incidents.values)
        counts = np.bincount(code, minlength=size)
        low = np.full(size, np.iinfo(np.int64).max, dtype=np.int64)
        high = np.full(size, np.iinfo(np.int64).min, dtype=np.int64)
        np.minimum.at(low, code, np.concatenate(lows))
        np.maximum.at(high, code, np.concatenate(highs))
        return {
            self.incidents.values[c]: (int(counts[c]), moment(low[c]), moment(high[c])) for c in np.flatnonzero(counts)
        }

    def __init__(self, events: Sequence[Event], statements: Sequence[Statement]) -> None:
        self.kinds, self.actors, self.incidents, self.places, self.types = Codes(), Codes(), Codes(), Codes(), Codes()
        self.events = self._table(events)
        self.statements = self._table(statements)

    CODE_NAMES = ("kinds", "actors", "incidents", "places", "types")

    @classmethod
    def of_parts(cls, codes: dict[str, Codes], events: Table, statements: Table) -> RecordColumns:
        """Columns put together from their codes (by `CODE_NAMES`) and tables, as `columns_store` reads them."""
        made = cls.__new__(cls)
        made.kinds, made.actors, made.incidents, made.places, made.types = (codes[name] for name in cls.CODE_NAMES)
        made.events, made.statements = events, statements
        return made

    @classmethod
    def spliced(
        cls, last: RecordColumns, events: Sequence[Event], event_source: Rows, statements: Sequence[Statement],
        statement_source: Rows,
    ) -> RecordColumns:
        """The columns of `events` and `statements` made from `last`'s: a record whose source is a row of `last`'s
        table (the same object was there) has that row copied, the others' (source -1) are worked out (after a
        one-file edit, building every row again took 0.15 s at 1,000 incidents). Equal to building them, but for
        the codes' numbering, which no reader depends on."""
        made = cls.__new__(cls)
        made.kinds, made.actors, made.incidents, made.places, made.types = (
            codes.copy() for codes in (last.kinds, last.actors, last.incidents, last.places, last.types))
        made.events = made._spliced_table(last.events, event_source, events)
        made.statements = made._spliced_table(last.statements, statement_source, statements)
        return made

    def _spliced_table(self, before: Table, source: Rows, records: Sequence[Event | Statement]) -> Table:
        fresh = np.flatnonzero(source < 0)
        same = np.flatnonzero(source >= 0)
        made = self._table([records[i] for i in fresh.tolist()])  # the new rows' columns, in this table's codes
        moved = np.full(before.size, -1, dtype=np.int64)  # a row of `before` -> its row now (-1: gone)
        moved[source[same]] = same

        def column(name: str) -> npt.NDArray[np.int64]:
            found = np.empty(len(records), dtype=np.int64)
            found[same] = getattr(before, name)[source[same]]
            found[fresh] = getattr(made, name)
            return found

        def exploded(rows_name: str, codes_name: str) -> tuple[Rows, npt.NDArray[np.int64]]:
            rows = moved[getattr(before, rows_name)]
            kept = rows >= 0
            all_rows = np.concatenate([rows[kept], fresh[getattr(made, rows_name)]])
            all_codes = np.concatenate([getattr(before, codes_name)[kept], getattr(made, codes_name)])
            order = np.argsort(all_rows, kind="stable")  # by row, each record's own entries in their order
            return all_rows[order], all_codes[order]

        take = source.copy()
        take[fresh] = len(before.text) + np.arange(len(fresh))
        text = _taken_text(before.text, made.text, take)
        actor_rows, actor_codes = exploded("actor_rows", "actor_codes")
        incident_rows, incident_codes = exploded("incident_rows", "incident_codes")
        return Table(
            kind=column("kind"), first=column("first"), last=column("last"), low=column("low"), high=column("high"),
            text=text, actor_rows=actor_rows, actor_codes=actor_codes, incident_rows=incident_rows,
            incident_codes=incident_codes, place_codes=column("place_codes"), type_codes=column("type_codes"),
        )

    def _table(self, records: Sequence[Event | Statement]) -> Table:
        actor_rows: list[int] = []
        actor_codes: list[int] = []
        incident_rows: list[int] = []
        incident_codes: list[int] = []
        places: list[int] = []
        rows = [row_of(record) for record in records]
        for position, row in enumerate(rows):
            for actor in row.actors:
                actor_rows.append(position)
                actor_codes.append(self.actors.code(actor))
            for incident in row.incidents:
                incident_rows.append(position)
                incident_codes.append(self.incidents.code(incident))
            places.append(self.places.code(row.place) if row.place else -1)
        return Table(
            kind=np.array([self.kinds.code(row.kind) for row in rows], dtype=np.int64),
            first=np.array([row.first for row in rows], dtype=np.int64),
            last=np.array([row.last for row in rows], dtype=np.int64),
            low=np.array([row.low for row in rows], dtype=np.int64),
            high=np.array([row.high for row in rows], dtype=np.int64),
            text=pd.Series([text_of(record) for record in records], dtype="string[pyarrow]"),
            actor_rows=np.array(actor_rows, dtype=np.int64),
            actor_codes=np.array(actor_codes, dtype=np.int64),
            incident_rows=np.array(incident_rows, dtype=np.int64),
            incident_codes=np.array(incident_codes, dtype=np.int64),
            place_codes=np.array(places, dtype=np.int64),
            type_codes=np.array([self.types.code(row.event_type) for row in rows], dtype=np.int64),
        )


# A spliced text column is made of the runs of rows it keeps, without copying them, up to this many runs (each
# edit adds a few) and chunks; past them, it is copied into one.
MAX_TEXT_RUNS = 64


def _taken_text(before: pd.Series, made: pd.Series, take: npt.NDArray[np.int64]) -> pd.Series:
    """`pd.concat([before, made]).take(take)`, as slices of the two where `take` runs on (a one-file edit keeps
    nearly every row where it was: copying 20 MB of text took 8-11 ms a table at 1,000 incidents)."""
    if not len(take):
        return made.iloc[:0].reset_index(drop=True)
    starts = np.flatnonzero(np.diff(take) != 1) + 1
    if len(starts) >= MAX_TEXT_RUNS:
        return pd.concat([before, made], ignore_index=True).take(take).reset_index(drop=True)
    whole = pa.chunked_array([*_chunks(before), *_chunks(made)], type=pa.large_string())
    bounds = [0, *starts.tolist(), len(take)]
    pieces = [piece for start, end in itertools.pairwise(bounds)
              for piece in whole.slice(int(take[start]), end - start).chunks]
    kept = pa.chunked_array(pieces, type=whole.type)
    if kept.num_chunks > MAX_TEXT_RUNS:
        kept = pa.chunked_array([kept.combine_chunks()])
    return pd.Series(pd.arrays.ArrowStringArray(kept), dtype=before.dtype)


def _chunks(text: pd.Series) -> list[pa.Array]:
    # No copy: the Series' own Arrow chunks (pandas keeps its strings as `large_string`).
    return list(pa.chunked_array(text.array.__arrow_array__()).cast(pa.large_string()).chunks)


class Row(NamedTuple):
    """What the columns hold of one record, worked out from it alone, but for its search text (`text_of`, made into
    the Arrow text column directly)."""

    kind: str
    first: int  # day numbers
    last: int
    low: int  # microseconds
    high: int
    actors: tuple[str, ...]
    incidents: tuple[str, ...]
    place: str | None
    event_type: str = ""  # an event's type (the map's markers and counts); "" for a statement


def text_of(record: Event | Statement | Incident) -> str:
    """A record's searchable text, casefolded."""
    if isinstance(record, Statement):
        parts = [record.quote, record.paraphrase, record.channel, record.note]
    elif isinstance(record, Event):
        parts = [record.title, record.description, record.place_note]
    else:
        parts = [record.title, record.summary]
    return " ".join(p for p in parts if p).casefold()


def row_of(record: Event | Statement) -> Row:
    window = time_window(record.when)
    named = tuple(record.incidents) if isinstance(record, Statement) else (record.incident,) if record.incident else ()
    return Row(
        record_kind(record), record.when.first_day.toordinal(), record.when.last_day.toordinal(),
        micros(window.start if window.start is not None else window.end), micros(window.end),
        tuple(record_actors(record)), named, record.place if isinstance(record, Event) else None,
        record.type if isinstance(record, Event) else "",
    )
