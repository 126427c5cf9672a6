"""Every record's id and where it starts, read from the files as the loader parses them (records with errors too).

`new` makes ids unique against it and finds the file holding an incident; `find` searches its raw records.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from incidents.load.migrate import migrate
from incidents.load.parse import Loc, ParsedFile, data_files, display_path, locate, parse_file, read_bounded
from incidents.model.dataset import Problem
from incidents.model.registry import Collection, file_collections


@dataclass(frozen=True)
class RawRecord:
    """One record as parsed (not validated): its collection, mapping, file and node path."""

    collection: Collection
    data: dict[str, Any]
    file: ParsedFile
    file_path: Path
    loc: Loc

    @property
    def id(self) -> str:
        value = self.data.get("id")
        return value if isinstance(value, str) else ""

    def where(self, *path: str | int) -> tuple[int, int]:
        """(line, col) from 1 of a field of the record (or of the record itself when the field has no node)."""
        mark = locate(self.file.marks, (*self.loc, *path))
        return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)

    def located(self, *path: str | int) -> str:
        line, _col = self.where(*path)
        return f"{self.file.path}:{line}"


@dataclass
class RecordIndex:
    """The parsed record files of a data directory, their records, and the problems of files that failed to parse."""

    data_dir: Path
    files: dict[Path, ParsedFile] = field(default_factory=dict)
    problems: dict[Path, list[Problem]] = field(default_factory=dict)
    records: list[RawRecord] = field(default_factory=list)

    def by_id(self) -> dict[str, RawRecord]:
        """The first record of each id."""
        found: dict[str, RawRecord] = {}
        for record in self.records:
            found.setdefault(record.id, record)
        return found

    def of_kind(self, collection_key: str) -> list[RawRecord]:
        """Every record of one collection, in file order."""
        return [r for r in self.records if r.collection.key == collection_key]

    def of(self, collection_key: str) -> dict[str, RawRecord]:
        """The first record of each id in one collection ('incident', 'sources')."""
        return {r.id: r for r in reversed(self.records) if r.collection.key == collection_key and r.id}


def _file_records(parsed: ParsedFile, path: Path) -> Iterator[RawRecord]:
    data = migrate(parsed.kind, parsed.data)
    if not isinstance(data, dict):
        return
    for collection in file_collections(parsed.kind):
        raw = data.get(collection.key)
        if not collection.many:
            if isinstance(raw, dict):
                yield RawRecord(collection, raw, parsed, path, (collection.key,))
            continue
        if isinstance(raw, list):
            for index, item in enumerate(raw):
                if isinstance(item, dict):
                    yield RawRecord(collection, item, parsed, path, (collection.key, index))


def index_records(data_dir: Path) -> RecordIndex:
    """Parse every record file of the data directory (bounded, as the loader does) and list its records."""
    index = RecordIndex(data_dir)
    for path, kind in data_files(data_dir):
        display = display_path(path)
        problems: list[Problem] = []
        raw = read_bounded(path, display, problems)
        parsed = parse_file(raw, display, kind, problems) if raw is not None else None
        if parsed is None:
            index.problems[path] = problems
            continue
        index.files[path] = parsed
        index.records += _file_records(parsed, path)
    return index

