"""Step 1 of loading: find the record files and parse each with the C loader, keeping every node's position.

A parsed file keeps a map from each node's path (`("events", 3, "when", "start")`) to its position, so later steps
can point a problem at the exact line and column of the field it is about.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from incidents import codes
from incidents.codes import Code
from incidents.dataset import Problem
from incidents.registry import FILE_KINDS

Loc = tuple[str | int, ...]
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass
class ParsedFile:
    """One file's data with the position of every node; `failed_ids` are the ids of its records that failed."""

    path: str
    kind: str
    data: Any
    marks: dict[Loc, yaml.Mark]
    failed_ids: set[str] = field(default_factory=set)

    def problem(self, code: Code, loc: Loc, **fields: Any) -> Problem:
        """A problem at the deepest existing node on `loc` (a missing field points at its record)."""
        return at_mark(code, self.path, locate(self.marks, loc), **fields)


def data_files(data_dir: Path) -> list[tuple[Path, str]]:
    """The record files in a data directory, with their kind, in load order."""
    found: list[tuple[Path, str]] = []
    for kind in FILE_KINDS.values():
        if kind.directory is None:
            paths = (data_dir / f"{kind.name}{suffix}" for suffix in YAML_SUFFIXES)
            found += [(path, kind.name) for path in paths if path.is_file()]
            continue
        directory = data_dir / kind.directory
        if directory.is_dir():
            found += [
                (path, kind.name)
                for path in sorted(directory.iterdir())
                if path.suffix in YAML_SUFFIXES and path.is_file()
            ]
    return found


def fingerprint(data_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """Cheap cache key: names, sizes and mtimes of the record files."""
    key = []
    for path, _kind in data_files(data_dir):
        try:
            stat = path.stat()
        except OSError:
            continue
        key.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(key)


def at_mark(code: Code, path: str, mark: yaml.Mark | None, **fields: Any) -> Problem:
    """A problem at a YAML position (line and column count from 1); at 1:1 when there is none."""
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return code.at(path, line, col, **fields)


def locate(marks: dict[Loc, yaml.Mark], loc: Loc) -> yaml.Mark | None:
    """Mark of the deepest existing node on the path (a missing field points at its record)."""
    for end in range(len(loc), -1, -1):
        mark = marks.get(loc[:end])
        if mark is not None:
            return mark
    return None


def loc_text(loc: Iterable[str | int]) -> str:
    """`events[3].when.start`: a node path as curators read it."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")


def _walk(node: yaml.Node, loc: Loc, marks: dict[Loc, yaml.Mark], problems: list[Problem], path: str) -> None:
    """Index every node's position by its path, and report duplicate keys."""
    marks[loc] = node.start_mark
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, yaml.Mark] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.start_mark)
            if key in seen:
                first_line = seen[key].line + 1
                problems.append(at_mark(codes.DUPLICATE_KEY, path, key_node.start_mark, key=key, first_line=first_line))
            else:
                seen[key] = key_node.start_mark
            _walk(value_node, (*loc, key), marks, problems, path)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*loc, index), marks, problems, path)


def parse_file(path: Path, display: str, kind: str, problems: list[Problem]) -> ParsedFile | None:
    """Parse one YAML file with the C loader; returns None when it cannot be read or parsed."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(codes.FILE_READ.at(display, 1, 1, reason=f"cannot read file: {exc}"))
        return None
    loader = yaml.CSafeLoader(text)
    try:
        node = loader.get_single_node()
        marks: dict[Loc, yaml.Mark] = {}
        if node is None:
            problems.append(codes.SCHEMA.at(display, 1, 1, reason="file is empty"))
            return None
        _walk(node, (), marks, problems, display)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = f"{exc.context or ''} {exc.problem or ''}".strip()
        problems.append(at_mark(codes.YAML_SYNTAX, display, mark, reason=reason))
        return None
    except yaml.YAMLError as exc:  # unmarked errors are rare, but must not crash the app
        problems.append(codes.YAML_SYNTAX.at(display, 1, 1, reason=str(exc)))
        return None
    finally:
        loader.dispose()
    return ParsedFile(display, kind, data, marks)
