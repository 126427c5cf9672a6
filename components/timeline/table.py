"""The chronological table of a view's records, its CSV, and the CSV's file name."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

import components.timeline.table_store as table_store
from components.paging import SearchHits, hit_mask
from components.timeline.labels import precision_label, source_text
from components.timeline.lanes import LaneIndex, Record
from components.timeline.style import KIND_NAMES
from incidents.evidence.discrepancies import discrepancies_by_record
from incidents.model.dataset import Dataset
from incidents.model.queries import record_actor, record_incident
from incidents.model.records import Statement
from incidents.model.vocabulary import admiralty_grade
from incidents.model.when import compute_window
from incidents.text import FORMULA_START
from incidents.views.filtering import FilterIndex, FilterValue, View, apply_filter, filter_index, own_kept_rows
from incidents.views.timing import records_in_time_order

TABLE_COLUMNS = (
    "From (UTC)",
    "Until (UTC)",
    "Time as reported",
    "Precision",
    "Lane",
    "Actor",
    "Kind",
    "Record",
    "Quote",
    "Status",
    "Grade",
    "First source",
    "Discrepancies",
    "Incident",
    "Id",
)
_SECOND = dt.timedelta(seconds=1)


def _record_columns(dataset: Dataset, record: Record) -> tuple[str, str, str, str, str, list[str]]:
    """(grade, status, quote, kind, record text, source ids): the columns that differ between events and statements."""
    if isinstance(record, Statement):
        first = dataset.sources.get(record.via[0])
        grade = admiralty_grade(first.reliability if first else None, record.credibility)
        return grade, "", record.quote or "", KIND_NAMES[record.kind], record.paraphrase, record.via
    return "", record.status, "", "event", record.title, record.sources


@dataclass(frozen=True)
class TableRows:
    """A view's rows of the chronological table: the dataset's kept frame and the view's positions in it (None: a
    frame of the view's own). A view keeps this, not a copy of its rows: copying every string column of 45,000 rows
    held 17 MB of Arrow memory per view at 1,000 incidents, up to `FilterIndex.VIEWS_KEPT` of them. A page of rows
    is taken when shown (`components.paging.paged`), the whole frame only for the CSV; a search reads the kept
    frame's hits (`searches`, shared by every view of the dataset)."""

    full: pd.DataFrame
    positions: npt.NDArray[np.int64] | None = None
    searches: SearchHits | None = field(default=None, compare=False)
    # Each id's row of `full` (the dataset's kept rows); None for a frame of the view's own.
    rows: Mapping[str, int] | None = field(default=None, compare=False)

    def __len__(self) -> int:
        return len(self.full) if self.positions is None else len(self.positions)

    def shows(self, record_id: str) -> bool:
        """Whether the record has a row here: its row in the dataset's kept rows, looked up among the view's sorted
        positions (a set of the view's 37,000 ids, kept per view, held 2 MB each at 1,000 incidents)."""
        if self.rows is None:
            return record_id in self._own_ids
        row = self.rows.get(record_id)
        if row is None or self.positions is None:
            return row is not None
        at = int(np.searchsorted(self.positions, row))
        return at < len(self.positions) and int(self.positions[at]) == row

    @cached_property
    def _own_ids(self) -> frozenset[str]:
        return frozenset(self.full["Id"].tolist())

    def frame(self) -> pd.DataFrame:
        """Every row, as `timeline_frame` gives them."""
        if self.positions is None:
            return self.full
        return self.full.iloc[self.positions].reset_index(drop=True)

    def take(self, start: int, stop: int) -> pd.DataFrame:
        """Rows `start` to `stop` (exclusive) of `frame()`, with the same index, without building the rest."""
        if self.positions is None:
            return self.full.iloc[start:stop]
        taken = self.full.iloc[self.positions[start:stop]]
        taken.index = pd.RangeIndex(start, start + len(taken))
        return taken

    def matching(self, query: str) -> TableRows:
        """The rows a search finds (`components.paging.matching`), in order, as positions in the same frame."""
        hits = self.searches.hits(query) if self.searches is not None else hit_mask(self.full, query)
        if self.positions is None:
            return TableRows(self.full, np.flatnonzero(hits).astype(np.int64), self.searches, self.rows)
        return TableRows(self.full, self.positions[hits[self.positions]], self.searches, self.rows)


def timeline_frame(dataset: Dataset, view: View, group: str = "hierarchy") -> pd.DataFrame:
    """One row per record of the view, chronological, with its time window and precision (`timeline_rows`)."""
    return timeline_rows(dataset, view, group).frame()


def timeline_rows(dataset: Dataset, view: View, group: str = "hierarchy") -> TableRows:
    """The view's rows of the chronological table.

    The rows of every record are built once per dataset and grouping (kept with the dataset); a view takes its
    rows from them by position, so a filter change costs a vectorised selection, not a row built per record (about
    1 s a rerun at 1,000 incidents). A view's records are in time order, so its rows are the kept rows in their
    order."""
    whole = apply_filter(dataset, FilterValue())
    full, rows = dataset.derive(("timeline-frame", group), lambda: _kept_frame(dataset, whole, group))
    searches = dataset.derive(("timeline-searches", group), lambda: SearchHits(full))
    if view is whole:
        return TableRows(full, None, searches, rows)
    from_columns = _positions_from_columns(dataset, view, group, rows)
    if from_columns is not None:
        return TableRows(full, from_columns, searches, rows)
    ids = [record.id for record in view.events] + [record.id for record in view.statements]
    positions = [rows.get(record_id, -1) for record_id in ids]
    if -1 in positions or len(set(positions)) < len(positions):
        # A view of records that are not this dataset's own, or ids an event and a statement share: built anew.
        return TableRows(_build_frame(dataset, view, group))
    positions.sort()  # the kept rows' order is time order, the view's too
    return TableRows(full, np.array(positions, dtype=np.int64), searches, rows)


def _positions_from_columns(
    dataset: Dataset, view: View, group: str, rows: dict[str, int]
) -> npt.NDArray[np.int64] | None:
    """A filtered view's rows of the kept frame, from its columns' masks (looking up 45,000 ids was 60 ms of a new
    view at 1,000 incidents); None when the view has no columns of this dataset or an id is not one row's."""
    kept = own_kept_rows(dataset, view)
    if kept is None:
        return None
    by_row = dataset.derive(("timeline-frame-rows", group), lambda: _frame_positions(filter_index(dataset), rows))
    if by_row is None:
        return None
    _, event_rows, statement_rows = kept
    return np.sort(np.concatenate([by_row[0][event_rows], by_row[1][statement_rows]]))


def _frame_positions(
    index: FilterIndex, rows: dict[str, int]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None:
    """The kept frame's row of each column row (events, statements); None when some record has no row of its own."""
    events = np.array([rows.get(record.id, -1) for record in index.events], dtype=np.int64)
    statements = np.array([rows.get(record.id, -1) for record in index.statements], dtype=np.int64)
    both = np.concatenate([events, statements])
    if (both < 0).any() or len(np.unique(both)) < len(both):
        return None
    return events, statements


def _kept_frame(dataset: Dataset, whole: View, group: str) -> tuple[pd.DataFrame, dict[str, int]]:
    """Every record's row, and each id's row (an id shared by an event and a statement keeps the first): read back
    from the table a process stored for the same records (`table_store`), else built and stored for the next."""
    ids = [record.id for record in records_in_time_order(whole)]
    frame = table_store.read(dataset, group, TABLE_COLUMNS, ids)
    if frame is None:
        frame = _build_frame(dataset, whole, group)
        table_store.save_later(dataset, group, frame)
    rows: dict[str, int] = {}
    for position, record_id in enumerate(frame["Id"].tolist()):
        rows.setdefault(record_id, position)
    return frame, rows


def store_table(dataset: Dataset, group: str = "hierarchy") -> bool:
    """Build the table of every record of `dataset` and store it (`table_store`), as the app's worker does after
    its load; False when it was not stored (too few rows to be worth a file, the cache off, or too large)."""
    frame = _build_frame(dataset, apply_filter(dataset, FilterValue()), group)
    return table_store.save(table_store.store_key(dataset, group), frame)


def _build_frame(dataset: Dataset, view: View, group: str) -> pd.DataFrame:
    flagged = discrepancies_by_record(dataset)
    lanes = LaneIndex(dataset, group)
    sources: dict[str, str] = {}
    rows: list[tuple[Any, ...]] = []
    for record in records_in_time_order(view):
        # Worked out, not cached on the record: kept on each of 37,000 records at 1,000 incidents, the windows held
        # 11 MB and left 30 MB of this loop's freed rows among them (bench/PROFILE.md, eighteenth pass); the views
        # read theirs from the columns.
        window = compute_window(record.when)
        actor = record_actor(record)
        grade, status, quote, kind, title, source_ids = _record_columns(dataset, record)
        source_id = source_ids[0] if source_ids else ""
        if source_id not in sources:
            sources[source_id] = source_text(dataset, source_id) if source_id else "none"
        row = (
            window.start,
            # The window's end is exclusive (midnight after the last day); show the last second inside it.
            window.end - _SECOND,
            record.when.as_reported or "",
            precision_label(window),
            lanes.lane(actor)[1],
            lanes.label(actor) if actor else "",
            kind,
            title,
            quote,
            status,
            grade,
            sources[source_id],
            "; ".join(dataset.discrepancies[d].title for d in flagged.get(record.id, ()) if d in dataset.discrepancies),
            record_incident(record),
            record.id,
        )
        rows.append(row)
    # Rows to columns in one C-level transpose; each column a plain list, as pandas infers its dtype from it.
    cells = zip(*rows, strict=True) if rows else ([] for _ in TABLE_COLUMNS)
    columns = {name: list(column) for name, column in zip(TABLE_COLUMNS, cells, strict=True)}
    frame = pd.DataFrame(columns, columns=list(TABLE_COLUMNS))
    for column in ("From (UTC)", "Until (UTC)"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def timeline_csv(frame: pd.DataFrame) -> bytes:
    """The table as CSV (UTF-8 with a byte-order mark, so spreadsheets read Azerbaijani and Persian names).

    A text cell starting with = + - @ (or a tab or carriage return) gets a leading quote, so a spreadsheet never runs
    it as a formula (CSV injection): `incidents.text.spreadsheet_safe`, applied a column at a time.
    """
    safe = frame.copy()
    for column in safe.columns:
        values = safe[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            text = values.astype("string")
            risky = text.str.startswith(FORMULA_START).fillna(False).astype(bool)
            if risky.any():
                safe[column] = values.where(~risky, "'" + text)
    return safe.to_csv(index=False, date_format="%Y-%m-%dT%H:%M:%SZ").encode("utf-8-sig")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", text.casefold()).strip("-")


def timeline_csv_name(value: FilterValue, prefix: str = "timeline") -> str:
    """File name carrying the filter: timeline_2026-03-01_2026-03-10[_actor-…][_kind-…][_q-…].csv."""
    parts = [prefix]
    if value.date_from or value.date_to:
        parts.append(value.date_from.isoformat() if value.date_from else "start")
        parts.append(value.date_to.isoformat() if value.date_to else "end")
    else:
        parts.append("all-dates")
    if value.actors:
        parts.append("actor-" + "-".join(_slug(a) for a in value.actors))
    if value.kinds:
        parts.append("kind-" + "-".join(_slug(k) for k in value.kinds))
    if value.text and _slug(value.text):
        parts.append("q-" + _slug(value.text)[:30].strip("-"))
    name = "_".join(parts)
    if len(name) > 150:
        name = name[:150].rstrip("-_")
    return name + ".csv"
