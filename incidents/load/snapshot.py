"""A snapshot of the last load, so a restart on unchanged data does not parse, validate nor check again.

Stored under a key of the code's version (`filecache.CODE_VERSION`), the day (a date in the future depends on
today), the data directory as reports print it and every record file's entry key (a sha256 of its path, kind and
bytes). It holds each file's records (JSON arrays of `CHUNK_RECORDS` per collection, validated in one call each),
their facts and node positions, the files' own problems, the per-record check results and the whole-set checks'
problems: what `incidents.load.incremental.Loader` needs to serve the load and to check the next edit incrementally.

A snapshot is a cache, so untrusted (`cachedir`): outside the work tree, JSON (orjson, never pickle), signed with this
machine's key, bounded in size (`MAX_BYTES`), at most `KEPT` of them; one that does not verify or decode is a miss.
Stored-copy and unread-file problems are not in it: they depend on files outside the records and are looked at again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

import orjson
import pydantic

import incidents.load.cachedir as cachedir
from incidents.load.filecache import CODE_VERSION, FileResult, LazyMarks, cache_subdir, compressed_marks
from incidents.load.parse import MAX_TOTAL_BYTES, ParsedFile
from incidents.load.validate import Located, restore_facts, stored_facts
from incidents.load.warn import SingleSourceMemo
from incidents.model.codes import CODES
from incidents.model.dataset import Problem
from incidents.model.registry import BY_KEY

FORMAT = 4  # bump when the layout changes
# Records per JSON section: each section is validated in one call that holds the interpreter's lock (about 5 ms),
# so a server warming its records in a thread (boot.py) still answers health checks and requests between them, not
# after one 0.5 s call. (Its first reader waited no less: chromium beside it on the same cores was the limit.)
CHUNK_RECORDS = 500
FOLDER = "snapshot"
KEPT = 3  # snapshots kept on disk (the newest)
MAX_BYTES = 8 * MAX_TOTAL_BYTES  # records, facts and node positions of the largest data a load accepts
_ADAPTERS: dict[str, pydantic.TypeAdapter[Any]] = {}


@dataclass
class FileUnit:
    """One record file of a load: its name as reports print it, its kind, its entry key (code, path, kind, bytes)
    and its result."""

    display: str
    kind: str
    key: str
    result: FileResult


@dataclass
class Checks:
    """What the last load worked out per record, and what to look up to know what a change touches
    (`incidents.load.incremental`)."""

    today: dt.date
    code: str
    units: dict[str, FileUnit] = field(default_factory=dict)
    records: dict[str, Located] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)
    # Referenced id -> the ids of the records that reference it (kept for the current `records`).
    referenced_by: dict[str, set[str]] = field(default_factory=dict)
    # Per record: its reference and date problems (absent = none), and the ids they leave out.
    record_problems: dict[str, list[Problem]] = field(default_factory=dict)
    base_bad: set[str] = field(default_factory=set)
    # Per record with a weekday to check: (its Located, the year its texts speak of, its problems).
    weekdays: dict[str, tuple[Located, int | None, list[Problem]]] = field(default_factory=dict)
    rechecked: set[str] = field(default_factory=set)  # the ids the last load re-checked (tests read it)
    single_source: SingleSourceMemo = field(default_factory=SingleSourceMemo)  # the single-source warnings' work


def _adapter(collection_key: str) -> pydantic.TypeAdapter[Any]:
    if collection_key not in _ADAPTERS:
        shape: Any = list[BY_KEY[collection_key].model]  # type: ignore[misc]  # a model class chosen at run time
        _ADAPTERS[collection_key] = pydantic.TypeAdapter(shape)
    return _ADAPTERS[collection_key]


def _sections(collection_key: str, sections: list[list[int]], blob: Callable[[list[int]], bytes]) -> Iterator[Any]:
    """A collection's records, validated a section at a time as the files ask for them."""
    adapter = _adapter(collection_key)
    return chain.from_iterable(adapter.validate_json(blob(where)) for where in sections)


def snapshot_key(today: dt.date, data_label: str, files: Sequence[tuple[str, str]]) -> str:
    """sha256 of the format, the code's version, the day, the data directory and every (file, entry key)."""
    digest = hashlib.sha256(f"{FORMAT}\0{CODE_VERSION}\0{today.isoformat()}\0{data_label}\0".encode())
    for display, key in files:
        digest.update(f"{display}\0{key}\0".encode())
    return digest.hexdigest()


def folder() -> Path | None:
    """Where snapshots live: `snapshot/` in the parse cache's folder; None when that cache is off."""
    return cache_subdir(FOLDER)


def _rows(problems: Sequence[Problem]) -> list[list[Any]]:
    return [[p.path, p.line, p.col, p.code, p.message] for p in problems]


def _problems(rows: list[list[Any]]) -> list[Problem]:
    return [CODES[code].again(path, line, col, message) for path, line, col, code, message in rows]


class _Blobs:
    """Byte sections after the header, addressed by (offset, length): JSON the header need not parse."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0

    def add(self, data: bytes) -> list[int]:
        self.parts.append(data)
        self.size += len(data)
        return [self.size - len(data), len(data)]


def encode(key: str, checks: Checks, bad: set[str], global_problems: Sequence[Problem]) -> list[bytes]:
    """The snapshot's body, in parts to be written one after another: a JSON header, a newline, then byte sections.
    The header holds the files in load order (kind, entry key, own problems, failed ids, spans, the section of their
    node positions, their records' collection, node path and facts), the sections of each collection's records (JSON
    arrays of `CHUNK_RECORDS`), the per-record problems, the base bad set, the left-out ids and the whole-set
    problems.

    Made a piece at a time: each file's header entry is encoded as soon as it is made, and a collection's records
    become a section as soon as it has `CHUNK_RECORDS` of them, so the records' own JSON, their header rows and
    the joined body never sit in memory together (writing 1,000 incidents took 230 MB over what the server holds,
    now about 80 MB: bench/PROFILE.md, eighteenth pass). The parts are never joined: `cachedir.write_entry` signs
    and writes them in turn."""
    blobs = _Blobs()
    pending: dict[str, list[bytes]] = {}
    sections: dict[str, list[list[int]]] = {}

    def section(collection_key: str) -> None:
        sections.setdefault(collection_key, []).append(blobs.add(b"[" + b",".join(pending.pop(collection_key)) + b"]"))

    files: list[bytes] = []  # each file's header entry, and the commas between them
    for unit in checks.units.values():
        result = unit.result
        parsed = result.parsed
        rows = []
        for located in result.records:
            collection_key = located.collection.key
            waiting = pending.setdefault(collection_key, [])
            waiting.append(located.record.model_dump_json(exclude_unset=True).encode())
            if len(waiting) >= CHUNK_RECORDS:
                section(collection_key)
            rows.append([collection_key, list(located.loc), stored_facts(located)])
        file_part = None
        if parsed is not None:
            marks = blobs.add(compressed_marks(parsed.marks))
            file_part = [parsed.path, sorted(parsed.failed_ids), parsed.spans, marks]
        if files:
            files.append(b",")
        files.append(orjson.dumps([unit.display, unit.kind, unit.key, _rows(result.problems), file_part, rows]))
    for collection_key in list(pending):
        section(collection_key)
    header = orjson.dumps({
        "format": FORMAT, "key": key, "today": checks.today.isoformat(), "arrays": sections,
        "record_problems": {i: _rows(found) for i, found in checks.record_problems.items()},
        "base_bad": sorted(checks.base_bad), "bad": sorted(bad), "global": _rows(global_problems),
    })
    # The header with its "files" spliced in from their own encodings: one JSON object, never built whole.
    return [header[:-1], b',"files":[', *files, b"]}\n", *blobs.parts]


@dataclass
class Restored:
    """A snapshot read back: the checks to carry on from, the left-out ids and the whole-set problems."""

    checks: Checks
    bad: set[str]
    global_problems: list[Problem]


def decode(body: bytes, key: str) -> Restored | None:
    """The snapshot's content, or None when it is not one this code wrote for `key`."""
    try:
        end = body.find(b"\n")  # not partition: it would copy the whole body after the header
        entry = orjson.loads(memoryview(body)[:end]) if end >= 0 else None
        if not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("key") != key:
            return None
        view = memoryview(body)[end + 1:]

        def blob(where: list[int]) -> bytes:
            offset, length = where
            inside = isinstance(offset, int) and isinstance(length, int) and 0 <= offset <= offset + length
            if not inside or offset + length > len(view):
                raise ValueError("a section outside the snapshot")
            return bytes(view[offset:offset + length])

        models = {k: _sections(k, sections, blob) for k, sections in entry["arrays"].items()}
        checks = Checks(dt.date.fromisoformat(entry["today"]), CODE_VERSION)
        for display, kind, unit_key, own, file_part, rows in entry["files"]:
            parsed = None
            records: list[Located] = []
            if file_part is not None:
                path, failed, spans, marks = file_part
                parsed = ParsedFile(path, kind, None, LazyMarks(blob(marks), compressed=True), set(failed),
                                    [(int(line), bool(shown), str(name)) for line, shown, name in spans])
                for collection_key, loc, facts in rows:
                    located = Located(next(models[collection_key]), BY_KEY[collection_key], parsed, tuple(loc))
                    restore_facts(located, facts)
                    records.append(located)
            checks.units[display] = FileUnit(display, kind, unit_key, FileResult(parsed, records, _problems(own)))
        checks.record_problems = {i: _problems(rows) for i, rows in entry["record_problems"].items()}
        checks.base_bad = set(entry["base_bad"])
        return Restored(checks, set(entry["bad"]), _problems(entry["global"]))
    except (ValueError, TypeError, KeyError, StopIteration, pydantic.ValidationError):
        return None


def read(key: str) -> Restored | None:
    """The snapshot stored under `key`, verified; None when there is none (or it is not to be believed)."""
    body = cachedir.read_entry(folder(), f"{key}.json", MAX_BYTES)
    return decode(body, key) if body is not None else None


def write(key: str, checks: Checks, bad: set[str], global_problems: Sequence[Problem]) -> bool:
    """Store a snapshot atomically and drop all but the newest `KEPT`; False when it could not be (or was too
    large). One writer at a time (`cachedir.write_entry`)."""
    return cachedir.write_entry(
        folder(), f"{key}.json", lambda: encode(key, checks, bad, global_problems), MAX_BYTES, KEPT)
