"""The columns of a dataset kept on disk as Arrow IPC, so the first filter after a restart reads them back instead of
building them from every record (`RecordColumns`: 0.66 s at 1,000 incidents).

Stored under a key of this format, the code's version (`filecache.CODE_VERSION`), the data's whole digest
(`Dataset.digest`: the 8 digits of its version alone could be matched by a file made to) and the ids of every
collection in load order. The ids settle what the day and the mode change: a record dated after today, or one
the hosted mode hides, is not in the dataset, and hiding a record prunes the references to it only when some id has
gone. The body holds the event and statement ids in time order; the columns are used only when they equal the
dataset's own order (`FilterIndex.events`, `FilterIndex.statements`).

A stored file is a cache, so untrusted (`incidents.load.cachedir`): outside the work tree, signed with this machine's
key, bounded (`MAX_BYTES`), at most `KEPT` of them, and every code and row number checked against its table before
use; one that fails any check is a miss and the columns are built. It is read into memory, not mapped: a cache file
cut short under a mapping would end the server with a bus error, and reading 20 MB takes a few milliseconds.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]  # pyarrow ships no stubs

import incidents.load.cachedir as cachedir
from incidents.load.filecache import CODE_VERSION, cache_subdir
from incidents.load.parse import MAX_TOTAL_BYTES
from incidents.model.dataset import COLLECTION_ORDER, Dataset
from incidents.model.records import Event, Statement
from incidents.views.columnar import Codes, RecordColumns, Table

FORMAT = 1  # bump when the layout changes
FOLDER = "columns"
KEPT = 3  # stored columns kept on disk (the newest)
MAX_BYTES = 2 * MAX_TOTAL_BYTES  # the search text is at most the records' own text, casefolded
# Below this many events and statements the columns take milliseconds to build (the shipped 392: 2 ms; 2,220: 19 ms,
# read back in 2 ms), not worth a file in the cache.
MIN_RECORDS = 2_000
_INTS = ("kind", "first", "last", "low", "high", "place_codes", "type_codes")
_PAIRS = (("actor_rows", "actor_codes", "actors"), ("incident_rows", "incident_codes", "incidents"))


def store_key(dataset: Dataset) -> str:
    """sha256 of the format, the code's version, the data's whole digest (`Dataset.digest`, not the 8 digits of its
    version) and every collection's ids in load order."""
    digest = hashlib.sha256(f"{FORMAT}\0{CODE_VERSION}\0{dataset.version}\0{dataset.digest}\0".encode())
    for name in COLLECTION_ORDER:
        digest.update(f"\1{name}\0".encode())
        digest.update("\0".join(dataset.collection(name)).encode())
    return digest.hexdigest()


def folder() -> Path | None:
    """`columns/` in the parse cache's folder; None when that cache is off."""
    return cache_subdir(FOLDER)


def _stream(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue())


def _table_streams(table: Table, ids: Sequence[str]) -> list[bytes]:
    text = pa.chunked_array(table.text.array.__arrow_array__()).cast(pa.large_string())
    main = pa.table({"id": pa.array(ids, type=pa.large_string()), "text": text,
                     **{name: pa.array(getattr(table, name), type=pa.int64()) for name in _INTS}})
    pairs = [pa.table({rows: pa.array(getattr(table, rows), type=pa.int64()),
                       codes: pa.array(getattr(table, codes), type=pa.int64())}) for rows, codes, _ in _PAIRS]
    return [_stream(main), *(_stream(pair) for pair in pairs)]


def encode(key: str, columns: RecordColumns, events: Sequence[Event], statements: Sequence[Statement]) -> bytes:
    """A JSON header (format, key, each code table's values, each section's length), a newline, then the sections:
    per table (events, then statements), the main columns with the ids, the (row, actor) and the (row, incident)
    pairs, each an Arrow IPC stream."""
    sections = [*_table_streams(columns.events, [e.id for e in events]),
                *_table_streams(columns.statements, [s.id for s in statements])]
    header = {"format": FORMAT, "key": key, "sections": [len(s) for s in sections],
              "codes": {name: getattr(columns, name).values for name in RecordColumns.CODE_NAMES}}
    return b"".join([orjson.dumps(header), b"\n", *sections])


def _ints(table: pa.Table, name: str, low: int, high: int) -> np.ndarray[Any, np.dtype[np.int64]]:
    """An int64 column with every value in [low, high); ValueError otherwise."""
    column = table.column(name)
    if column.type != pa.int64() or column.null_count:
        raise ValueError(f"column {name} is not whole numbers")
    values: np.ndarray[Any, np.dtype[np.int64]] = column.to_numpy()
    if len(values) and (values.min() < low or values.max() >= high):
        raise ValueError(f"column {name} out of range")
    return values


def _read_table(parts: list[pa.Table], ids: Sequence[str], codes: dict[str, Codes]) -> Table:
    main, actor_pairs, incident_pairs = parts
    size = len(ids)
    if main.num_rows != size or main.column("id").to_pylist() != list(ids):
        raise ValueError("rows that are not the dataset's records in time order")
    text = main.column("text")
    if not pa.types.is_large_string(text.type) or text.null_count:
        raise ValueError("a search text that is not text")
    big = np.iinfo(np.int64).max
    count = {name: len(codes[name].values) for name in RecordColumns.CODE_NAMES}
    found: dict[str, Any] = {
        "kind": _ints(main, "kind", 0, count["kinds"]),
        "first": _ints(main, "first", 1, big), "last": _ints(main, "last", 1, big),
        "low": _ints(main, "low", -big, big), "high": _ints(main, "high", -big, big),
        "place_codes": _ints(main, "place_codes", -1, count["places"]),
        "type_codes": _ints(main, "type_codes", 0, count["types"]),
    }
    for (rows, codes_name, table_name), pairs in zip(_PAIRS, (actor_pairs, incident_pairs), strict=True):
        found[rows] = _ints(pairs, rows, 0, size)
        found[codes_name] = _ints(pairs, codes_name, 0, count[table_name])
        if len(found[rows]) and (np.diff(found[rows]) < 0).any():
            raise ValueError(f"{rows} not in row order")
    return Table(text=pd.Series(pd.arrays.ArrowStringArray(text), dtype="string[pyarrow]"), **found)


def decode(body: bytes, key: str, events: Sequence[Event], statements: Sequence[Statement]) -> RecordColumns | None:
    """The columns in `body` when it was written for `key` and holds `events` and `statements` in this order, each
    code and row number within its table; None otherwise."""
    try:
        end = body.find(b"\n")
        header = orjson.loads(memoryview(body)[:end]) if end >= 0 else None
        if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("key") != key:
            return None
        lengths, values = header["sections"], header["codes"]
        if len(lengths) != 6 or sum(lengths) != len(body) - end - 1:
            return None
        codes = {name: Codes.of(values[name]) for name in RecordColumns.CODE_NAMES}
        if any(len(codes[name].values) != len(values[name]) for name in codes):  # a value twice
            return None
        buffer, parts, at = pa.py_buffer(body), [], end + 1
        for length in lengths:
            parts.append(pa.ipc.open_stream(buffer.slice(at, length)).read_all())
            at += length
        return RecordColumns.of_parts(codes, _read_table(parts[:3], [e.id for e in events], codes),
                                      _read_table(parts[3:], [s.id for s in statements], codes))
    except (ValueError, TypeError, KeyError, AttributeError, pa.ArrowException):
        return None


def worth_storing(events: Sequence[Event], statements: Sequence[Statement]) -> bool:
    return len(events) + len(statements) >= MIN_RECORDS


def read(dataset: Dataset, events: Sequence[Event], statements: Sequence[Statement]) -> RecordColumns | None:
    """The stored columns of `dataset` (its records in this order), verified; None when there are none."""
    if not worth_storing(events, statements):
        return None
    key = store_key(dataset)
    body = cachedir.read_entry(folder(), f"{key}.arrows", MAX_BYTES)
    return decode(body, key, events, statements) if body is not None else None


def write(key: str, columns: RecordColumns, events: Sequence[Event], statements: Sequence[Statement]) -> bool:
    """Store the columns atomically and drop all but the newest `KEPT`; False when they could not be (or were too
    large). One writer at a time (`cachedir.write_entry`)."""
    return cachedir.write_entry(
        folder(), f"{key}.arrows", lambda: encode(key, columns, events, statements), MAX_BYTES, KEPT)


def write_later(
    dataset: Dataset, columns: RecordColumns, events: Sequence[Event], statements: Sequence[Statement]
) -> threading.Thread | None:
    """Store the columns from a daemon thread (encoding and signing 20 MB is not the filter's to wait for); the
    thread, or None when they are not worth storing or the cache is off."""
    if folder() is None or not worth_storing(events, statements):
        return None
    thread = threading.Thread(target=write, args=(store_key(dataset), columns, events, statements),
                              name="columns-store", daemon=True)
    thread.start()
    return thread
