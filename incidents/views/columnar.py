"""The events and statements as columns, so a filter is a few vectorised operations instead of a loop over models.

Built once per dataset (`FilterIndex.columns`, kept with the dataset the app caches per data version and shares
with every session) in the index's time order: the kind as a category, the first and last day a record may fall
on as day numbers, the casefolded search text as an Arrow string column (pandas 3), the event's place and
incident, and exploded (row, actor) and (row, incident) tables. A filter gives a boolean mask per table; the
pages still get the selected models (`View`), made from the mask.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from incidents.model.queries import record_actors, record_kind
from incidents.model.records import Event, Statement
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

    @property
    def size(self) -> int:
        return len(self.kind)

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

    def span(self, event_rows: Mask, statement_rows: Mask) -> tuple[dt.date, dt.date] | None:
        """The first and last day the kept rows may fall on; None when no row is kept."""
        firsts = [t.first[keep] for t, keep in ((self.events, event_rows), (self.statements, statement_rows))]
        lasts = [t.last[keep] for t, keep in ((self.events, event_rows), (self.statements, statement_rows))]
        if not any(len(f) for f in firsts):
            return None
        first = min(int(f.min()) for f in firsts if len(f))
        last = max(int(f.max()) for f in lasts if len(f))
        return dt.date.fromordinal(first), dt.date.fromordinal(last)

    def extent(self, event_rows: Mask, statement_rows: Mask) -> tuple[dt.datetime, dt.datetime] | None:
        """The earliest start (end when undated) and the latest end of the kept rows' windows; None for none."""
        lows = [t.low[keep] for t, keep in ((self.events, event_rows), (self.statements, statement_rows))]
        highs = [t.high[keep] for t, keep in ((self.events, event_rows), (self.statements, statement_rows))]
        if not any(len(low) for low in lows):
            return None
        return moment(min(int(x.min()) for x in lows if len(x))), moment(max(int(x.max()) for x in highs if len(x)))

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

    def __init__(self, events: Sequence[Event], statements: Sequence[Statement], text: dict[str, str]) -> None:
        self.kinds, self.actors, self.incidents, self.places = Codes(), Codes(), Codes(), Codes()
        self.events = self._table(events, text)
        self.statements = self._table(statements, text)

    def _table(self, records: Sequence[Event | Statement], text: dict[str, str]) -> Table:
        actor_rows: list[int] = []
        actor_codes: list[int] = []
        incident_rows: list[int] = []
        incident_codes: list[int] = []
        places: list[int] = []
        for row, record in enumerate(records):
            for actor in record_actors(record):
                actor_rows.append(row)
                actor_codes.append(self.actors.code(actor))
            named = record.incidents if isinstance(record, Statement) else [record.incident] if record.incident else []
            for incident in named:
                incident_rows.append(row)
                incident_codes.append(self.incidents.code(incident))
            place = record.place if isinstance(record, Event) else None
            places.append(self.places.code(place) if place else -1)
        windows = [time_window(r.when) for r in records]
        return Table(
            kind=np.array([self.kinds.code(record_kind(r)) for r in records], dtype=np.int64),
            first=np.array([r.when.first_day.toordinal() for r in records], dtype=np.int64),
            last=np.array([r.when.last_day.toordinal() for r in records], dtype=np.int64),
            low=np.array([micros(w.start if w.start is not None else w.end) for w in windows], dtype=np.int64),
            high=np.array([micros(w.end) for w in windows], dtype=np.int64),
            text=pd.Series([text[r.id] for r in records], dtype="string[pyarrow]"),
            actor_rows=np.array(actor_rows, dtype=np.int64),
            actor_codes=np.array(actor_codes, dtype=np.int64),
            incident_rows=np.array(incident_rows, dtype=np.int64),
            incident_codes=np.array(incident_codes, dtype=np.int64),
            place_codes=np.array(places, dtype=np.int64),
        )
