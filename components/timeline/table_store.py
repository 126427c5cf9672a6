"""The chronological table of every record kept on disk as Arrow IPC, so a restarted server (or one whose first
load ran in the app's worker, `components.worker_process`) reads its rows back instead of building them from every
record's model: 0.52 s and 56 MB of the server's memory at 1,000 incidents, read back and checked in 0.10 s and
30 MB (bench/PROFILE.md, nineteenth pass).

Stored under a key of this format, the table code's version (`TABLE_CODE_VERSION`: the records' code version and
every module of `components/timeline/`, which make the rows' words), the grouping, and the filters' columns' key
(`incidents.views.columns_store.store_key`: the data's whole digest and every collection's ids in load order). The
rows are used only when their ids are the dataset's records in time order.

A stored file is a cache, so untrusted (`incidents.load.cachedir`): outside the work tree, signed with this
machine's key, bounded (`MAX_BYTES`), at most `KEPT` of them, and its columns' names and types checked before use
(text with no gaps; times without a zone, empty for an undated record); one that fails any check is a miss and the
table is built. Its cells are record text, shown as the built table's are: in a data grid (never HTML) and in the
CSV through `incidents.text.spreadsheet_safe`.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from pathlib import Path

import orjson
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]  # pyarrow ships no stubs

import incidents.load.cachedir as cachedir
import incidents.views.columns_store as columns_store
from incidents.load.filecache import CODE_VERSION, cache_subdir, modules_version
from incidents.model.dataset import Dataset

FORMAT = 1  # bump when the layout changes
FOLDER = "tables"
KEPT = 3  # stored tables kept on disk (the newest)
# Every record's text at most once in a cell of its row, with its source's label, lane and actor: about half the
# records' bytes at 1,000 incidents (20.6 MB of 43.5); twice the records' whole bound leaves room.
MAX_BYTES = columns_store.MAX_BYTES
TIMES = ("From (UTC)", "Until (UTC)")


def _table_code_version() -> str:
    """A hash of the records' code version, pandas' and pyarrow's versions and every module that makes the rows."""
    digest = hashlib.sha256(f"{CODE_VERSION}:{pd.__version__}:{pa.__version__}".encode())
    return modules_version(digest, Path(__file__).resolve().parent)


TABLE_CODE_VERSION = _table_code_version()


def store_key(dataset: Dataset, group: str) -> str:
    """sha256 of the format, the table code's version, the grouping and the filters' columns' key."""
    return hashlib.sha256(
        f"{FORMAT}\0{TABLE_CODE_VERSION}\0{group}\0{columns_store.store_key(dataset)}".encode()).hexdigest()


def folder() -> Path | None:
    """`tables/` in the parse cache's folder; None when that cache is off."""
    return cache_subdir(FOLDER)


def encode(key: str, frame: pd.DataFrame) -> list[bytes]:
    """A JSON header (format, key, the columns' names), a newline, then the frame as one Arrow IPC stream."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    header = orjson.dumps({"format": FORMAT, "key": key, "columns": list(frame.columns)})
    return [header, b"\n", sink.getvalue().to_pybytes()]


def _checked(table: pa.Table, columns: Sequence[str], ids: Sequence[str]) -> pd.DataFrame:
    """The table as the builder's frame, after checking its columns and rows; ValueError otherwise."""
    if table.column_names != list(columns) or table.num_rows != len(ids):
        raise ValueError("columns or rows that are not the table's")
    for name, column in zip(table.column_names, table.columns, strict=True):
        if name in TIMES:  # an undated record has no time: a gap is allowed here alone
            wanted = pa.types.is_timestamp(column.type) and column.type.tz is None
        else:
            text = pa.types.is_string(column.type) or pa.types.is_large_string(column.type)
            wanted = text and not column.null_count
        if not wanted:
            raise ValueError(f"column {name} of another type, or with gaps")
    if table.column("Id").to_pylist() != list(ids):
        raise ValueError("rows that are not the dataset's records in time order")
    return table.to_pandas()


def decode(body: bytes, key: str, columns: Sequence[str], ids: Sequence[str]) -> pd.DataFrame | None:
    """The frame in `body` when it was written for `key`, has exactly `columns` (times and text, no gaps) and its
    rows are `ids` in this order; None otherwise."""
    try:
        end = body.find(b"\n")
        header = orjson.loads(memoryview(body)[:end]) if end >= 0 else None
        if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("key") != key:
            return None
        if header.get("columns") != list(columns):
            return None
        table = pa.ipc.open_stream(pa.py_buffer(body).slice(end + 1)).read_all()
        return _checked(table, columns, ids)
    except (ValueError, TypeError, KeyError, AttributeError, OSError, pa.ArrowException):  # OSError: a stream cut short
        return None


def worth_storing(rows: int) -> bool:
    """As the filters' columns: below `columns_store.MIN_RECORDS` rows the table takes milliseconds to build."""
    return rows >= columns_store.MIN_RECORDS


def read(dataset: Dataset, group: str, columns: Sequence[str], ids: Sequence[str]) -> pd.DataFrame | None:
    """The stored table of `dataset` for `group` whose rows are `ids`, verified; None when there is none."""
    if not worth_storing(len(ids)):
        return None
    key = store_key(dataset, group)
    body = cachedir.read_entry(folder(), f"{key}.arrows", MAX_BYTES)
    return decode(body, key, columns, ids) if body is not None else None


def save(key: str, frame: pd.DataFrame) -> bool:
    """Store the table atomically and drop all but the newest `KEPT`; False when it could not be (or was too large,
    or too small to be worth a file)."""
    if not worth_storing(len(frame)):
        return False
    return cachedir.write_entry(folder(), f"{key}.arrows", lambda: encode(key, frame), MAX_BYTES, KEPT)


def save_later(dataset: Dataset, group: str, frame: pd.DataFrame) -> threading.Thread | None:
    """Store the table from a daemon thread (a reader's page need not wait for it); the thread, or None when it is
    not worth storing or the cache is off."""
    if folder() is None or not worth_storing(len(frame)):
        return None
    thread = threading.Thread(target=save, args=(store_key(dataset, group), frame), name="table-store", daemon=True)
    thread.start()
    return thread
