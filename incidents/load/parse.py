"""Step 1 of loading: find the record files and parse each with the C loader, keeping every node's position.

Each file is bounded before it is expanded: its size before it is read (`MAX_BYTES`), then, on the composed node
tree and before any construction, its nesting depth (`MAX_DEPTH`) and its aliases (none allowed). A refused file is
one located problem, and the other files load as usual.

A parsed file keeps a map from each node's path (`("events", 3, "when", "start")`) to its position, so later steps
can point a problem at the exact line and column of the field it is about.
"""

from __future__ import annotations

import hashlib
import math
import os
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn, Protocol

import yaml

from incidents.model import codes
from incidents.model.codes import Code
from incidents.model.dataset import Problem
from incidents.model.registry import FILE_KINDS, FileKind

Loc = tuple[str | int, ...]
YAML_SUFFIXES = (".yaml", ".yml")
# Bounds checked before a file is expanded: its size (checked before it is read), and how deep its mappings and
# lists nest (records need 5 levels). No aliases are allowed at all: the shipped records use none.
MAX_BYTES = 20 * 2**20
MAX_DEPTH = 20
# The largest integer a record may hold: figures and coordinates are far below it, and an integer beyond it is a typo
# (or an attack on `int()`'s 4,300-digit limit, which raises where the number is printed).
MAX_INT = 2**63 - 1
# Bounds across a load (issue 23): the benchmarked scale is 1,000 incidents, 43.5 MB in 1,004 files, 49,611 records;
# each limit is about twice that, so real data meets none, and a hostile file cannot make a load take minutes or
# gigabytes. The longest text in the shipped records is 1,216 characters; a page of text is far below the limit.
MAX_TOTAL_BYTES = 100 * 2**20
MAX_RECORDS = 100_000
MAX_TEXT_CHARS = 20_000
MAX_SCALAR_CHARS = 64  # a number, date, boolean or null is written in fewer (a timestamp with zone takes 35)
# What legitimately lives in the data directory beside the record files: its documentation and the geodata derived
# by `scripts/build_geodata.py`. Any other file there that the loader does not read is reported (`warn.py`).
NOT_RECORDS = ("README.md", "geo")
LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"
STR_TAG, SEQ_TAG, MAP_TAG, MERGE_TAG = (f"tag:yaml.org,2002:{name}" for name in ("str", "seq", "map", "merge"))
# PyYAML's safe constructors of the plain scalars the resolver tags (everything else goes through construct_object).
SCALAR_CONSTRUCTORS = {
    f"tag:yaml.org,2002:{name}": yaml.constructor.SafeConstructor.yaml_constructors[f"tag:yaml.org,2002:{name}"]
    for name in ("null", "bool", "int", "float", "timestamp")
}  # libyaml's own limit (1,000 levels), met while composing


@dataclass
class ParsedFile:
    """One file's data with the position of every node; `failed_ids` are the ids of its records that failed."""

    path: str
    kind: str
    data: Any
    marks: Mapping[Loc, yaml.Mark]
    failed_ids: set[str] = field(default_factory=set)
    # Every record of the file, valid or not: (line it starts on, published?, id or ""), so a hosted report can
    # leave out the problems that lie inside an unpublished record (`incidents.load.review.published_only`).
    spans: list[tuple[int, bool, str]] = field(default_factory=list)

    @property
    def data_label(self) -> str:
        """The data directory as reports print it: the file's folder, or its parent for a file kind's folder."""
        return Path(self.path).parents[1 if FILE_KINDS[self.kind].directory else 0].as_posix()

    def problem(self, code: Code, loc: Loc, **fields: Any) -> Problem:
        """A problem at the deepest existing node on `loc` (a missing field points at its record)."""
        return at_mark(code, self.path, locate(self.marks, loc), **fields)


def record_names(names: Iterable[str]) -> list[tuple[str, str]]:
    """The record files among relative posix names (a directory's listing or a git tree), with their kind, in load
    order: `actors.yaml` and the like at the top, then each file kind's folder sorted by name."""
    present = set(names)
    found: list[tuple[str, str]] = []
    for kind in FILE_KINDS.values():
        if kind.directory is None:
            top = (f"{kind.name}{suffix}" for suffix in YAML_SUFFIXES)
            found += [(name, kind.name) for name in top if name in present]
            continue
        prefix = f"{kind.directory}/"
        inside = (name for name in present if name.startswith(prefix) and "/" not in name[len(prefix):])
        found += [(name, kind.name) for name in sorted(inside) if _suffix(name) in YAML_SUFFIXES]
    return found


def _suffix(name: str) -> str:
    """`PurePosixPath(name).suffix`, without making a path (a load lists 1,000 files)."""
    stem = name.rpartition("/")[2]
    dot = stem.rfind(".")
    return stem[dot:] if 0 < dot < len(stem) - 1 else ""


def data_files(data_dir: Path) -> list[tuple[Path, str]]:
    """The record files in a data directory, with their kind, in load order: regular files only. A symlink is never
    followed (it could point at any file the process can read): `warn` reports it. Listed with `os.scandir`, whose
    entries know their type (a stat per file through `Path` was 13 ms of every load at 1,004 files)."""
    regular: list[str] = []
    folders = [(str(data_dir), "")]
    folders += [(str(data_dir / k.directory), f"{k.directory}/") for k in FILE_KINDS.values() if k.directory]
    for folder, prefix in folders:
        try:
            with os.scandir(folder) as listing:  # a kind's folder that is a link is listed, as `is_dir` had it
                regular += [prefix + entry.name for entry in listing if entry.is_file(follow_symlinks=False)]
        except OSError:  # missing, or not a folder
            continue
    return [(data_dir / name, kind) for name, kind in record_names(regular)]


def all_files(data_dir: Path) -> list[Path]:
    """Every file under the data directory but `NOT_RECORDS`, sorted; links to folders are listed, not followed."""
    found: list[Path] = []
    for root, dirs, files in os.walk(data_dir):
        here = Path(root)
        if here == data_dir:
            dirs[:] = [name for name in dirs if name not in NOT_RECORDS]
            files = [name for name in files if name not in NOT_RECORDS]
        dirs.sort()
        found += [here / name for name in files]
        found += [here / name for name in dirs if (here / name).is_symlink()]
    # By the path's parts, as Path sorts, but from strings (comparing Paths costs more than the walk at 1,000 files).
    return sorted(found, key=lambda path: path.parts)


def fingerprint(data_dir: Path) -> tuple[tuple[str, int, int, int], ...]:
    """Cheap cache key: names, sizes, modification and change times of the files `all_files` lists (records and
    strays; a link is stat'ed through, as `os.stat` does), in a fixed order. The change time because no program can
    set it: a file written again at the same size with its old modification time put back (`touch -d`, a restore
    that keeps times) still reads as changed, as the loader's own status check has it (`filestat`). Every rerun
    takes it, so it walks with `os.scandir` and strings, not `Path`s (17 ms → 5 ms at 1,004 files); a stack, not
    recursion, however deep the folders."""
    key: list[tuple[str, int, int, int]] = []
    stack = [(str(data_dir), True)]
    while stack:
        folder, top = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            continue
        below: list[tuple[str, bool]] = []
        for entry in entries:
            if top and entry.name in NOT_RECORDS:
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    below.append((entry.path, False))
                    continue
                stat = entry.stat()
            except OSError:
                continue
            key.append((entry.path, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns))
        stack.extend(reversed(below))
    return tuple(key)


def fingerprint_digest(data_dir: Path) -> str:
    """`fingerprint` as one short string: a cache keyed by it hashes 64 characters on every rerun instead of a
    tuple per file (Streamlit's hasher took about 65 ms a rerun over 1,004 files)."""
    return hashlib.blake2b(repr(fingerprint(data_dir)).encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


def home(kind: FileKind, data_label: str) -> str:
    """Where records of a file kind belong: `data/actors.yaml`, or `an incident file under data/incidents/`."""
    if kind.directory is None:
        return f"{data_label}/{kind.name}.yaml"
    article = "an" if kind.name[0] in "aeiou" else "a"
    return f"{article} {kind.name} file under {data_label}/{kind.directory}/"


def display_path(path: Path) -> str:
    """The path as reports print it: relative to the working directory when it lies below it."""
    return os.path.relpath(path) if not path.is_absolute() or str(path).startswith(os.getcwd()) else str(path)


class Position(Protocol):
    """A YAML position: PyYAML's `Mark`, or the C parser's own mark type on events."""

    line: int
    column: int


def at_mark(code: Code, path: str, mark: Position | None, **fields: Any) -> Problem:
    """A problem at a YAML position (line and column count from 1); at 1:1 when there is none."""
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return code.at(path, line, col, **fields)


def locate(marks: Mapping[Loc, yaml.Mark], loc: Loc) -> yaml.Mark | None:
    """Mark of the deepest existing node on the path (a missing field points at its record)."""
    for end in range(len(loc), -1, -1):
        mark = marks.get(loc[:end])
        if mark is not None:
            return mark
    return None


def strings(value: Any, path: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """Every string inside parsed YAML data, with its node path below `value`."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, (*path, index))


def record_count(data: Any) -> int:
    """How many records a parsed file holds at most: the items of its top-level lists and its mappings."""
    if not isinstance(data, dict):
        return 0
    return sum(len(value) if isinstance(value, list) else 1 for value in data.values())


def loc_text(loc: Iterable[str | int]) -> str:
    """`events[3].when.start`: a node path as curators read it."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")


class _Refused(Exception):
    """The node walk stops a file before anything expands it; `problem` says why."""

    def __init__(self, problem: Problem, more: list[Problem] | None = None) -> None:
        super().__init__(str(problem))
        self.problem = problem
        self.more = more or []


def _first_alias(text: str, path: str) -> Problem:
    """The file's first alias, found on the event stream (events never expand an alias, so this is linear)."""
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        if isinstance(event, yaml.AliasEvent):
            return at_mark(codes.YAML_ALIAS, path, event.start_mark, name=event.anchor)
    return codes.YAML_ALIAS.at(path, 1, 1, name="?")  # unreachable: a shared node comes from an alias


class _Walk:
    """One pass over a composed file: index every node's position by its path, report duplicate keys, and refuse
    aliases and deep nesting before construction.

    libyaml's composer shares an aliased node instead of copying it, so composing the "billion laughs" is cheap; it
    explodes only when something walks or constructs the tree. A node met twice is an alias, and the walk stops.
    """

    def __init__(
        self, path: str, text: str, problems: list[Problem], loader: yaml.CSafeLoader, build: bool = True
    ) -> None:
        self.path, self.text, self.problems, self.loader = path, text, problems, loader
        # build=False: only check (and index) the tree, for a file whose unusual nodes PyYAML's constructor builds.
        self.build = build
        self.marks: dict[Loc, yaml.Mark] = {}
        self.bad: list[Problem] = []  # values Python cannot hold (`scalar`): the file is refused at the walk's end
        # An alias is written `*name`: a file without a `*` has none, and skips the bookkeeping (about 3% of a load).
        self.seen: set[int] | None = set() if "*" in text else None

    def refuse_alias(self) -> NoReturn:
        raise _Refused(_first_alias(self.text, self.path))

    def scalar(self, node: yaml.ScalarNode) -> Any:
        """A scalar other than a plain string, as PyYAML's safe constructor makes it (unknown tags raise there).

        A value Python cannot hold (`2026-02-30`, `2026-13-45`, an integer of thousands of digits, a number out of
        `MAX_INT`'s range) is a located `BAD_VALUE`, and None stands in for it: the walk goes on to report every
        such value, and the file is refused at its end (`parse_file`)."""
        construct = SCALAR_CONSTRUCTORS.get(node.tag)
        if construct is not None and len(node.value) > MAX_SCALAR_CHARS:
            # Before construction: `1:2:3…` sexagesimal integers cost quadratic time in their length.
            return self.bad_value(node, f"longer than {MAX_SCALAR_CHARS} characters for a number or date")
        try:
            value = construct(self.loader, node) if construct else self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError) as error:  # datetime's range checks; int()'s 4,300-digit limit
            return self.bad_value(node, _reason(error))
        if isinstance(value, int) and not isinstance(value, bool) and not -MAX_INT <= value <= MAX_INT:
            return self.bad_value(node, f"a number beyond ±{MAX_INT:,}")
        if isinstance(value, float) and not math.isfinite(value):
            return self.bad_value(node, "not a finite number")
        return value

    def too_long(self, node: yaml.Node) -> None:
        self.bad.append(
            at_mark(codes.TEXT_TOO_LONG, self.path, node.start_mark, length=len(node.value), limit=MAX_TEXT_CHARS)
        )

    def bad_value(self, node: yaml.ScalarNode, reason: str) -> None:
        shown = node.value if len(node.value) <= 40 else f"{node.value[:20]}… ({len(node.value):,} characters)"
        self.bad.append(at_mark(codes.BAD_VALUE, self.path, node.start_mark, value=shown, reason=reason))

    def walk(self, node: yaml.Node, loc: Loc) -> Any:
        """The node's value, built as PyYAML's safe constructor builds it, in the same pass that checks it: one walk
        instead of two. A mapping or list with a tag of its own (`!!set`, `!!omap`, merge keys) is `_Unusual`."""
        # The checks are inlined (this runs once per node of every file).
        seen = self.seen
        if seen is not None:
            if id(node) in seen:
                self.refuse_alias()
            seen.add(id(node))
        self.marks[loc] = node.start_mark
        if isinstance(node, yaml.ScalarNode):
            if node.tag != STR_TAG:
                return self.scalar(node)
            if len(node.value) > MAX_TEXT_CHARS:
                self.too_long(node)
            return node.value
        if len(loc) >= MAX_DEPTH:  # a mapping or list on level MAX_DEPTH + 1 (the file's own node is level 1)
            raise _Refused(at_mark(codes.YAML_TOO_DEEP, self.path, node.start_mark, limit=MAX_DEPTH))
        if isinstance(node, yaml.SequenceNode):
            if node.tag != SEQ_TAG and self.build:
                raise _Unusual
            return [self.walk(item, (*loc, index)) for index, item in enumerate(node.value)]
        if node.tag != MAP_TAG and self.build:
            raise _Unusual
        keys: dict[Any, yaml.Mark] = {}
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if seen is not None:
                if id(key_node) in seen:
                    self.refuse_alias()
                seen.add(id(key_node))
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == MERGE_TAG:
                if self.build:
                    raise _Unusual
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.start_mark)
            if len(key) > MAX_TEXT_CHARS:
                self.too_long(key_node)
                key = key[:MAX_TEXT_CHARS]
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag not in (STR_TAG, MERGE_TAG) and not self.build:
                self.scalar(key_node)  # checked here: PyYAML's constructor builds it later and would raise
            if key in keys:
                first_line = keys[key].line + 1
                self.problems.append(
                    at_mark(codes.DUPLICATE_KEY, self.path, key_node.start_mark, key=key, first_line=first_line)
                )
            else:
                keys[key] = key_node.start_mark
            # As PyYAML's constructor: the key's own value, and the last of repeated keys wins.
            value = self.walk(value_node, (*loc, key))
            mapping[key if key_node.tag == STR_TAG or not self.build else self.scalar(key_node)] = value
        return mapping


def _reason(error: Exception) -> str:
    text = str(error)
    return "an integer too long to read" if "digits" in text else text


class _Unusual(Exception):
    """A node the one-pass walk does not build; the file is built by PyYAML's constructor instead."""


def read_bounded(path: Path, display: str, problems: list[Problem]) -> bytes | None:
    """The file's bytes, or None with a problem when it cannot be read or is over `MAX_BYTES` (never read whole)."""
    try:
        # No symlink (one swapped in after listing) and no FIFO or device: a regular file, or nothing is read.
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(handle, "rb") as stream:
            if not stat.S_ISREG(os.fstat(handle).st_mode):
                raise OSError("not a regular file")
            raw = stream.read(MAX_BYTES + 1)
    except OSError as exc:
        problems.append(codes.FILE_READ.at(display, 1, 1, reason=f"cannot read file: {exc}"))
        return None
    if len(raw) > MAX_BYTES:
        try:
            size = f"{path.stat().st_size / 2**20:,.1f} MB"
        except OSError:
            size = "size unknown"
        problems.append(codes.FILE_TOO_LARGE.at(display, 1, 1, limit=f"{MAX_BYTES // 2**20} MB", size=size))
        return None
    return raw


def _syntax_problem(exc: yaml.MarkedYAMLError, display: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    if exc.problem == LIBYAML_TOO_DEEP:
        return at_mark(codes.YAML_TOO_DEEP, display, mark, limit=MAX_DEPTH)
    return at_mark(codes.YAML_SYNTAX, display, mark, reason=f"{exc.context or ''} {exc.problem or ''}".strip())


def _yaml_problem(exc: yaml.YAMLError, display: str) -> Problem:
    if isinstance(exc, yaml.MarkedYAMLError):
        return _syntax_problem(exc, display)
    return codes.YAML_SYNTAX.at(display, 1, 1, reason=str(exc))  # unmarked errors are rare, but must not crash


def _construct(loader: yaml.CSafeLoader, node: yaml.Node, display: str) -> Any:
    """PyYAML's own construction of a file with unusual nodes; its values were checked by the walk, so a ValueError
    here is one the walk did not foresee: still a located problem, never a traceback."""
    try:
        return loader.construct_document(node)
    except (ValueError, OverflowError, TypeError) as error:
        raise _Refused(at_mark(codes.BAD_VALUE, display, node.start_mark, value="?", reason=_reason(error))) from None


def parse_file(raw: bytes, display: str, kind: str, problems: list[Problem]) -> ParsedFile | None:
    """Parse one file's bytes (from `read_bounded`) with the C loader; None when they cannot be read or parsed.

    libyaml composes the node tree in C (refusing nesting deeper than 1,000 levels); `_Walk` checks the tree and
    builds the values in one pass, refusing an alias or a level too deep before it descends into it, so nothing is
    ever expanded.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(codes.FILE_READ.at(display, 1, 1, reason=f"cannot read file: {exc}"))
        return None
    loader = yaml.CSafeLoader(text)
    found: list[Problem] = []  # the walk's duplicate keys, kept whether or not the file parses
    try:
        node = loader.get_single_node()
        if node is None:
            problems.append(codes.SCHEMA.at(display, 1, 1, reason="file is empty"))
            return None
        walk = _Walk(display, text, found, loader)
        try:
            data = walk.walk(node, ())
        except _Unusual:
            found.clear()
            walk = _Walk(display, text, found, loader, build=False)
            walk.walk(node, ())
            data = None if walk.bad else _construct(loader, node, display)
        if walk.bad:
            raise _Refused(walk.bad[0], walk.bad[1:])
    except _Refused as refused:
        problems += [*found, refused.problem, *refused.more]
        return None
    except yaml.YAMLError as exc:
        problems += found
        problems.append(_yaml_problem(exc, display))
        return None
    finally:
        loader.dispose()
    problems += found
    return ParsedFile(display, kind, data, walk.marks)
