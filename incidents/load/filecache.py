"""Steps 1 and 2 of loading for one file, cached: what a file parses and validates to depends only on its bytes,
its path and the code, so it is stored on disk (and kept in memory) under a hash of the three.

A load then parses and validates only the files whose bytes changed; the cross-file checks (references, dates,
cycles, warnings) always run on the whole set. Entries are JSON (orjson), never pickle: a cache entry is read as
data, and one that does not decode, or comes from another version of the code, is ignored and rewritten.

`INCIDENTS_PARSE_CACHE` sets the folder (default `parse/` in the user's cache folder, `incidents.load.cachedir`:
never in the work tree); `off` turns the disk cache off. A folder git tracks is not used, and every entry is signed
with this machine's key: an entry planted in a repository, or written on another machine, is a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import orjson
import pydantic
import yaml

import incidents.load.cachedir as cachedir
from incidents.load.parse import MAX_RECORDS, Loc, ParsedFile, parse_file, record_count
from incidents.load.validate import Located, file_records, restore_facts, settle, stored_facts
from incidents.model import codes
from incidents.model.codes import CODES
from incidents.model.dataset import Problem
from incidents.model.records import Entry
from incidents.model.registry import BY_KEY

ROOT = Path(__file__).resolve().parents[1]
CACHE_ENV = "INCIDENTS_PARSE_CACHE"
ENTRY_FORMAT = 3  # bump when the entry's layout changes


def code_modules(package: Path = ROOT) -> list[Path]:
    """Every module of the `incidents` package, in a fixed order: any of them may change what a file validates to
    (the records' models are in `incidents/model`, their words in `incidents/text.py`)."""
    return sorted(path for path in package.rglob("*.py") if "__pycache__" not in path.parts)


def _code_version(package: Path = ROOT) -> str:
    """A hash of every module of `incidents/` (`code_modules`; when this module moved into `incidents/load/`, the
    hash had come to cover that folder alone, and a change to the models kept the old entries) and the versions of
    the libraries that parse and validate: an entry written by other code is never used."""
    digest = hashlib.sha256(f"{ENTRY_FORMAT}:{yaml.__version__}:{pydantic.VERSION}".encode())
    return modules_version(digest, package)


def modules_version(digest: hashlib._Hash, package: Path) -> str:
    """`digest` updated with every module of `package` (`code_modules`: relative path and bytes), cut to 16 hex
    digits: the version of the code that makes a cache's entries."""
    for path in code_modules(package):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


CODE_VERSION = _code_version()


@dataclass(frozen=True)
class FileResult:
    """One file's share of a load: its valid records (before the cross-file checks) and its own problems."""

    parsed: ParsedFile | None
    records: list[Located]
    problems: list[Problem]

    # Worked out once per result, which a load keeps while the file's bytes do not change: the cross-file steps
    # (repeated ids, `keep`) take a file's records a dictionary at a time instead of one by one.
    @cached_property
    def by_id(self) -> dict[str, Located] | None:
        """Its records by id, in file order; None when the file repeats an id."""
        found = {located.record.id: located for located in self.records}
        return found if len(found) == len(self.records) else None

    @cached_property
    def parts(self) -> tuple[dict[str, dict[str, Entry]], dict[str, tuple[str, int]]]:
        """Its records by collection (id -> record) and their origins (id -> file, line), in file order."""
        collections: dict[str, dict[str, Entry]] = {}
        origins: dict[str, tuple[str, int]] = {}
        for located in self.records:
            collections.setdefault(located.collection.key, {})[located.record.id] = located.record
            origins[located.record.id] = (located.file.path, located.id_line)
        return collections, origins


_SEP = "\x1f"  # joins a node path into one key: a path part never holds it (ids and field names are plain)


def _mark_key(loc: Loc) -> str:
    return _SEP.join(map(str, loc))


class LazyMarks(Mapping[Loc, yaml.Mark]):
    """A cached file's node positions, read on first use and made into marks one by one: most loads point a problem
    at a few nodes of a file, never at most of them. Stored as {path parts joined: [line, column]}; a path's
    list indices and mapping keys never collide (a node is a list or a mapping), so the joined key is unique.

    Held zlib-compressed until read (a snapshot stores them so): 54 MB of positions at 1,000 incidents, about a
    tenth of that compressed, and a server that is never edited reads almost none of them."""

    MAX_JSON = 64 * 2**20  # what one file's positions may inflate to (a damaged entry is read as none)

    def __init__(self, encoded: bytes, compressed: bool = False) -> None:
        # The compressed bytes are kept once read: a snapshot stores them as they are (encoding a cold load's
        # positions again took most of a snapshot write, seconds of the server's interpreter after every edit).
        self._compressed = encoded if compressed else zlib.compress(encoded, 1)
        self._rows: dict[str, list[int]] | None = None

    @classmethod
    def of(cls, marks: Mapping[Loc, yaml.Mark]) -> LazyMarks:
        """A parsed file's positions, held as the parse cache and a snapshot hold them (a cold load's files keep
        these, not a `yaml.Mark` per node)."""
        return marks if isinstance(marks, LazyMarks) else cls(orjson.dumps(_mark_rows(marks)))

    def _inflated(self) -> bytes | None:
        """The positions' JSON bytes, or None when the compressed bytes are damaged or inflate past `MAX_JSON`."""
        inflate = zlib.decompressobj()
        try:
            text = inflate.decompress(self._compressed, self.MAX_JSON)
        except zlib.error:
            return None
        return text if inflate.eof else None

    def _decoded(self) -> dict[str, list[int]]:
        if self._rows is None:
            text = self._inflated()
            try:
                rows = orjson.loads(text) if text is not None else {}
            except orjson.JSONDecodeError:  # a damaged entry: problems in this file are located at 1:1
                rows = {}
            self._rows = rows if isinstance(rows, dict) else {}
        return self._rows

    def compressed(self) -> bytes:
        """The positions as a snapshot stores them (JSON, zlib)."""
        return self._compressed

    def text(self) -> str:
        """The positions' JSON, as the parse cache's entry stores it."""
        if self._rows is None:
            text = self._inflated()
            if text is not None:
                with contextlib.suppress(UnicodeDecodeError):
                    return text.decode()
        return orjson.dumps(self._decoded()).decode()

    def __getitem__(self, loc: Loc) -> yaml.Mark:
        line, column = self._decoded()[_mark_key(loc)]
        return yaml.Mark("", 0, line, column, None, 0)

    def __iter__(self) -> Iterator[Loc]:
        for key in self._decoded():
            yield tuple(int(part) if part.isdigit() else part for part in key.split(_SEP)) if key else ()

    def __len__(self) -> int:
        return len(self._decoded())


def _mark_rows(marks: Mapping[Loc, yaml.Mark]) -> dict[str, list[int]]:
    return {_mark_key(loc): [mark.line, mark.column] for loc, mark in marks.items()}


def compressed_marks(marks: Mapping[Loc, yaml.Mark]) -> bytes:
    """A file's node positions as `LazyMarks` holds them and a snapshot stores them (JSON, zlib)."""
    return LazyMarks.of(marks).compressed()


def cache_dir() -> Path | None:
    """The disk cache's folder, or None when `INCIDENTS_PARSE_CACHE=off`."""
    value = os.environ.get(CACHE_ENV, "")
    if value.lower() == "off":
        return None
    return Path(value) if value else cachedir.cache_home() / "parse"


def cache_subdir(name: str) -> Path | None:
    """A folder of its own beside the parse cache's entries (the snapshots', the stored columns'); None when the
    cache is off."""
    parse = cache_dir()
    return parse / name if parse is not None else None


def entry_key(raw: bytes, display: str, kind: str) -> str:
    """sha256 of the code version, the path as reports print it, the file kind and the file's bytes."""
    digest = hashlib.sha256(f"{CODE_VERSION}\0{display}\0{kind}\0".encode())
    digest.update(raw)  # not `head + raw`: that copies every file's bytes on every load
    return digest.hexdigest()


def compute(raw: bytes, display: str, kind: str) -> FileResult:
    """Parse and validate one file from scratch."""
    problems: list[Problem] = []
    parsed = parse_file(raw, display, kind, problems)
    count = record_count(parsed.data) if parsed is not None else 0
    if parsed is not None and count > MAX_RECORDS:  # before validation: that is what costs (44 s for 1 M records)
        problems.append(codes.TOO_MANY_RECORDS.at(display, 1, 1, count=count, limit=MAX_RECORDS))
        return FileResult(None, [], problems)
    records = file_records(parsed, problems) if parsed is not None else []
    if parsed is not None:
        parsed.data = None  # read by validation only; the records hold what the app needs
        for located in records:
            located.id_line  # noqa: B018 - worked out while the positions are at hand: the cache stores it
        parsed.marks = LazyMarks.of(parsed.marks)  # what the file's own problems needed is done
    return FileResult(parsed, records, problems)


def encode(result: FileResult) -> bytes:
    """The entry: problems, records as the JSON of our own models (only the fields the file set, so exports that
    leave out unset fields read the same), the file's failed ids and its marks."""
    parsed = result.parsed
    entry = {
        "version": CODE_VERSION,
        "problems": [[p.path, p.line, p.col, p.code, p.message] for p in result.problems],
        "file": [parsed.path, parsed.kind, sorted(parsed.failed_ids), parsed.spans] if parsed else None,
        "records": [
            [r.collection.key, list(r.loc), r.record.model_dump_json(exclude_unset=True), stored_facts(r)]
            for r in result.records
        ],
        "marks": LazyMarks.of(parsed.marks).text() if parsed else "{}",
    }
    return orjson.dumps(entry)


def decode(body: bytes) -> FileResult | None:
    """The entry's result, or None when it is not one this code wrote (then the file is parsed again)."""
    try:
        entry = orjson.loads(body)
        if not isinstance(entry, dict) or entry.get("version") != CODE_VERSION:
            return None
        # Through the registry: an unknown code is a damaged entry; the severity is the code's own.
        problems = [CODES[code].again(path, line, col, message) for path, line, col, code, message in entry["problems"]]
        records: list[Located] = []
        parsed = None
        if entry["file"] is not None:
            path, kind, failed, spans = entry["file"]
            parsed = ParsedFile(path, kind, None, LazyMarks(entry["marks"].encode()), set(failed),
                                [(int(line), bool(shown), str(name)) for line, shown, name in spans])
            for key, loc, text, facts in entry["records"]:
                collection = BY_KEY[key]
                # From JSON, not Python: JSON mode tells a date from a datetime at midnight in `date | datetime`.
                record = collection.model.model_validate_json(text)
                located = Located(record, collection, parsed, tuple(loc))
                restore_facts(located, facts)
                records.append(located)
        return FileResult(parsed, records, problems)
    except (ValueError, TypeError, KeyError, pydantic.ValidationError):
        return None


class FileCache:
    """Per-file results by entry key: in memory for the process (only the latest load's files are kept), on disk
    across restarts."""

    def __init__(self) -> None:
        self.memory: dict[str, FileResult] = {}
        self.hits = self.misses = 0

    def result(self, raw: bytes, display: str, kind: str, used: dict[str, FileResult]) -> FileResult:
        """The file's result from memory, from disk, or computed (and stored); recorded in `used`."""
        key = entry_key(raw, display, kind)
        found = self.memory.get(key)
        folder = cache_dir()
        secret = cachedir.usable(folder) if folder is not None and found is None else None
        if found is None and folder is not None and secret is not None:
            found = self._read(folder / key[:2] / f"{key}.json", secret)
        if found is None:
            self.misses += 1
            found = compute(raw, display, kind)
            if folder is not None and secret is not None:
                self._write(folder / key[:2] / f"{key}.json", found, secret)
                for located in found.records:  # the entry holds the facts' text: their decoded form can go now
                    settle(located)
        else:
            self.hits += 1
        used[key] = found
        return found

    def keep(self, used: dict[str, FileResult]) -> None:
        """End of a load: keep in memory only the files it used, so old versions of edited files do not pile up."""
        self.memory = used

    @staticmethod
    def _read(path: Path, secret: bytes) -> FileResult | None:
        try:
            body = cachedir.verified(secret, path.read_bytes())
        except OSError:
            return None
        return decode(body) if body is not None else None

    @staticmethod
    def _write(path: Path, result: FileResult, secret: bytes) -> None:
        """Write atomically (a temporary file renamed into place), so a reader never sees half an entry."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as handle:
                handle.write(cachedir.sign(secret, encode(result)))
            os.replace(handle.name, path)
        except OSError:
            return  # a read-only or full disk only costs the next load a parse


FILE_CACHE = FileCache()
