"""One canonical layout for record files, so that reviews see only real changes.

The layout: a `yaml-language-server` modeline first (it points editors at the file kind's JSON Schema in
`schemas/`), two-space mappings, lists indented two under their key, no line wrapping by the formatter, no trailing
whitespace, one final newline. Comments, key order, quoting and block scalars are kept: ruamel.yaml's round trip
rewrites only the layout. A file is formatted only after it passes the loader's bounded parse (size, depth, no
aliases, valid YAML), so `fmt` never expands what `validate` would refuse.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

from incidents.load.parse import data_files, display_path, parse_file, read_bounded
from incidents.model.dataset import Problem
from incidents.model.registry import FILE_KINDS

MODELINE_PREFIX = "# yaml-language-server: $schema="
SCHEMAS_DIR = "schemas"  # beside the data directory: `schemas/` at the repository root for `data/`


def schema_file(kind: str) -> str:
    """The file name of a file kind's JSON Schema in `schemas/`."""
    return f"{kind}.schema.json"


def modeline(path: Path, data_dir: Path, kind: str) -> str:
    """The modeline of one record file: the schema's path relative to the file's folder."""
    schema = data_dir.resolve().parent / SCHEMAS_DIR / schema_file(kind)
    relative = os.path.relpath(schema, path.resolve().parent)
    return f"{MODELINE_PREFIX}{Path(relative).as_posix()}"


def _yaml() -> YAML:
    yaml = YAML()  # round trip: comments, key order and scalar styles survive
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 1_000_000  # never re-wrap a plain scalar: a re-wrap is a change nobody made
    return yaml


def format_text(text: str, line: str) -> str:
    """The canonical layout of one file's text, with `line` as its modeline (replacing any earlier one)."""
    body = text.split("\n")
    while body and body[0].startswith(MODELINE_PREFIX):
        body = body[1:]
    stream = io.StringIO()
    _yaml().dump(_yaml().load("\n".join(body)), stream)
    lines = [row.rstrip() for row in stream.getvalue().split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join([line, *lines]) + "\n"


@dataclass(frozen=True)
class Formatted:
    """What `fmt` did to one file: `changed` says whether its layout was (or would be) rewritten."""

    path: Path
    changed: bool
    problems: tuple[Problem, ...] = ()


def format_file(path: Path, data_dir: Path, kind: str, write: bool = True) -> Formatted:
    """Format one record file in place (or only report, with `write=False`); a file the loader refuses is untouched."""
    problems: list[Problem] = []
    display = display_path(path)
    raw = read_bounded(path, display, problems)
    if raw is None or parse_file(raw, display, kind, problems) is None or problems:
        return Formatted(path, False, tuple(problems))
    text = raw.decode("utf-8")
    formatted = format_text(text, modeline(path, data_dir, kind))
    changed = formatted != text
    if changed and write:
        path.write_text(formatted, encoding="utf-8")
    return Formatted(path, changed, ())


def record_files(data_dir: Path, only: list[Path] | None = None) -> list[tuple[Path, str]]:
    """The record files to format with their kinds: all of them, or those among `only` (other paths are skipped)."""
    files = data_files(data_dir)
    if not only:
        return files
    wanted = {path.resolve() for path in only}
    return [(path, kind) for path, kind in files if path.resolve() in wanted]


def kinds() -> list[str]:
    """Every record file kind, as `schemas/` names its files."""
    return list(FILE_KINDS)
