"""Load and validate the YAML records.

Errors are data (frictionless-style): every problem becomes a located
`Problem`, collected into the dataset's report. Loading never raises on bad
input, so the app can show every valid record beside the report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from incidents.dataset import Dataset, Problem, Severity
from incidents.models import (
    RECORD_MODELS,
    Actor,
    Record,
)

Loc = tuple[str | int, ...]

# Which collections each file kind may hold.
FILE_COLLECTIONS: dict[str, tuple[str, ...]] = {
    "actors": ("actors",),
    "sources": ("sources",),
    "places": ("places",),
    "incident": ("incident", "events", "statements", "propositions", "discrepancies"),
}

# Dotted field paths that hold ids of other records ("*" walks a list).
REFERENCES: dict[str, tuple[tuple[str, str], ...]] = {
    "actors": (("parent", "actors"), ("sources", "sources")),
    "sources": (),
    "places": (("within", "places"), ("sources", "sources"), ("status_source", "sources")),
    "incident": (
        ("places.*.place", "places"),
        ("casualties.*.reported_by", "actors"),
        ("casualties.*.statement", "statements"),
        ("casualties.*.sources", "sources"),
        ("sources", "sources"),
    ),
    "events": (
        ("place", "places"),
        ("actors", "actors"),
        ("reported_in", "statements"),
        ("sources", "sources"),
        ("incident", "incident"),
    ),
    "statements": (
        ("speaker", "actors"),
        ("via", "sources"),
        ("responds_to", "statements"),
        ("stances.*.proposition", "propositions"),
        ("incidents", "incident"),
    ),
    "propositions": (("incident", "incident"),),
    "discrepancies": (("concerns", "*"), ("sources", "sources"), ("incident", "incident")),
}

PYDANTIC_CODES = {
    "bad_url": "BAD_URL",
    "coord_range": "COORD_RANGE",
    "end_before_start": "END_BEFORE_START",
}


def data_files(data_dir: Path) -> list[tuple[Path, str]]:
    """The record files in a data directory, with their kind, in load order."""
    found: list[tuple[Path, str]] = []
    for kind in ("actors", "sources", "places"):
        for suffix in (".yaml", ".yml"):
            path = data_dir / f"{kind}{suffix}"
            if path.is_file():
                found.append((path, kind))
    incident_dir = data_dir / "incidents"
    if incident_dir.is_dir():
        for path in sorted(incident_dir.iterdir()):
            if path.suffix in (".yaml", ".yml") and path.is_file():
                found.append((path, "incident"))
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


def _walk(node: yaml.Node, loc: Loc, marks: dict[Loc, yaml.Mark], problems: list[Problem], path: str) -> None:
    """Index every node's position by its path, and report duplicate keys."""
    marks[loc] = node.start_mark
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, yaml.Mark] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.start_mark)
            if key in seen:
                first = seen[key]
                problems.append(
                    _problem(
                        path,
                        key_node.start_mark,
                        "DUPLICATE_KEY",
                        f"key {key!r} repeats the one at line {first.line + 1}; YAML would silently keep only the last",
                    )
                )
            else:
                seen[key] = key_node.start_mark
            _walk(value_node, (*loc, key), marks, problems, path)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*loc, index), marks, problems, path)


def _problem(path: str, mark: yaml.Mark | None, code: str, message: str, severity: Severity = "error") -> Problem:
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return Problem(path, line, col, code, message, severity)


def _locate(marks: dict[Loc, yaml.Mark], loc: Loc) -> yaml.Mark | None:
    """Mark of the deepest existing node on the path (a missing field points at its record)."""
    for end in range(len(loc), -1, -1):
        mark = marks.get(loc[:end])
        if mark is not None:
            return mark
    return None


def _loc_text(loc: Iterable[str | int]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")


@dataclass
class _ParsedFile:
    path: str
    kind: str
    data: Any
    marks: dict[Loc, yaml.Mark]
    failed_ids: set[str] = field(default_factory=set)


def parse_file(path: Path, display: str, kind: str, problems: list[Problem]) -> _ParsedFile | None:
    """Parse one YAML file with the C loader; returns None when it cannot be read or parsed."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(display, 1, 1, "FILE_READ", f"cannot read file: {exc}"))
        return None
    loader = yaml.CSafeLoader(text)
    try:
        node = loader.get_single_node()
        marks: dict[Loc, yaml.Mark] = {}
        if node is None:
            problems.append(Problem(display, 1, 1, "SCHEMA", "file is empty"))
            return None
        _walk(node, (), marks, problems, display)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problems.append(_problem(display, mark, "YAML_SYNTAX", f"{exc.context or ''} {exc.problem or ''}".strip()))
        return None
    except yaml.YAMLError as exc:  # unmarked errors are rare, but must not crash the app
        problems.append(Problem(display, 1, 1, "YAML_SYNTAX", str(exc)))
        return None
    finally:
        loader.dispose()
    return _ParsedFile(display, kind, data, marks)


def _validate_records(parsed: _ParsedFile, problems: list[Problem]) -> Iterator[tuple[str, Record, Loc]]:
    """Validate each record on its own, so one bad record does not hide the rest of its file."""
    data = parsed.data
    if not isinstance(data, dict):
        problems.append(
            _problem(
                parsed.path,
                parsed.marks.get(()),
                "SCHEMA",
                f"a {parsed.kind} file must be a mapping with keys {', '.join(FILE_COLLECTIONS[parsed.kind])}",
            )
        )
        return
    allowed = FILE_COLLECTIONS[parsed.kind]
    for key in data:
        if key not in allowed and key != "$schema":
            problems.append(
                _problem(
                    parsed.path,
                    parsed.marks.get((key,)),
                    "SCHEMA",
                    f"unexpected top-level key {key!r}; expected {', '.join(allowed)}",
                )
            )
    file_incident = None
    if parsed.kind == "incident":
        raw_incident = data.get("incident")
        if raw_incident is None:
            problems.append(_problem(parsed.path, parsed.marks.get(()), "SCHEMA", "missing top-level key 'incident'"))
        elif isinstance(raw_incident, dict):
            file_incident = raw_incident.get("id") if isinstance(raw_incident.get("id"), str) else None
            yield from _validate_one(parsed, "incident", ("incident",), raw_incident, None, problems)
    for collection in allowed:
        if collection == "incident" or collection not in data:
            continue
        items = data[collection]
        if items is None:
            continue
        if not isinstance(items, list):
            problems.append(
                _problem(parsed.path, parsed.marks.get((collection,)), "SCHEMA", f"{collection} must be a list")
            )
            continue
        for index, item in enumerate(items):
            yield from _validate_one(parsed, collection, (collection, index), item, file_incident, problems)


def _validate_one(
    parsed: _ParsedFile, collection: str, loc: Loc, item: Any, file_incident: str | None, problems: list[Problem]
) -> Iterator[tuple[str, Record, Loc]]:
    model = RECORD_MODELS[collection]
    try:
        record = model.model_validate(item)
    except ValidationError as exc:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            parsed.failed_ids.add(item["id"])
        for error in exc.errors():
            full = (*loc, *error["loc"])
            code = PYDANTIC_CODES.get(error["type"], "SCHEMA")
            problems.append(
                _problem(parsed.path, _locate(parsed.marks, full), code, f"{_loc_text(full)}: {error['msg']}")
            )
        return
    if file_incident is not None:
        if collection in ("events", "propositions", "discrepancies") and record.incident is None:
            record = record.model_copy(update={"incident": file_incident})
        elif collection == "statements" and file_incident not in record.incidents:
            record = record.model_copy(update={"incidents": [file_incident, *record.incidents]})
    yield collection, record, loc


def _field_values(obj: Any, dotted: str, loc: Loc) -> Iterator[tuple[Loc, str]]:
    """Ids found at a dotted path, with their locations."""
    head, _, rest = dotted.partition(".")
    if head == "*":
        for index, item in enumerate(obj or []):
            yield from _field_values(item, rest, (*loc, index))
        return
    value = getattr(obj, head, None)
    if rest:
        yield from _field_values(value, rest, (*loc, head))
    elif isinstance(value, str):
        yield (*loc, head), value
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, str):
                yield (*loc, head, index), item


def _dates(value: Any, loc: Loc) -> Iterator[tuple[Loc, dt.date]]:
    if isinstance(value, dt.date):
        yield loc, value if not isinstance(value, dt.datetime) else value.date()
    elif isinstance(value, Record):
        for name in type(value).model_fields:
            yield from _dates(getattr(value, name), (*loc, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _dates(item, (*loc, index))


def load_dataset(data_dir: Path | str, today: dt.date | None = None) -> Dataset:
    """Load every record file under `data_dir` and validate it. Never raises on bad data."""
    data_dir = Path(data_dir)
    today = today or dt.date.today()
    dataset = Dataset()
    problems = dataset.problems
    if not data_dir.is_dir():
        problems.append(Problem(str(data_dir), 1, 1, "FILE_READ", "data directory does not exist"))
        return dataset

    digest = hashlib.sha256()
    parsed_files: list[_ParsedFile] = []
    for path, kind in data_files(data_dir):
        display = os.path.relpath(path) if not path.is_absolute() or str(path).startswith(os.getcwd()) else str(path)
        dataset.files.append(display)
        try:
            digest.update(path.relative_to(data_dir).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
        except OSError:
            pass
        parsed = parse_file(path, display, kind, problems)
        if parsed is not None:
            parsed_files.append(parsed)
    dataset.version = digest.hexdigest()[:8]

    # Pass 1: schema, per record.
    where: dict[str, tuple[_ParsedFile, Loc, str]] = {}
    records: dict[str, Record] = {}
    for parsed in parsed_files:
        for collection, record, loc in _validate_records(parsed, problems):
            record_id = record.id  # type: ignore[attr-defined]
            if record_id in where:
                other, other_loc, _ = where[record_id]
                first = _locate(other.marks, (*other_loc, "id"))
                problems.append(
                    _problem(
                        parsed.path,
                        _locate(parsed.marks, (*loc, "id")),
                        "DUPLICATE_ID",
                        f"id {record_id!r} is already used at {other.path}:{first.line + 1 if first else 1}",
                    )
                )
                continue
            where[record_id] = (parsed, loc, collection)
            records[record_id] = record

    # Pass 2: references, dates, cycles; a record with any error is left out.
    failed = {record_id for parsed in parsed_files for record_id in parsed.failed_ids}
    bad: set[str] = set()
    for record_id, record in records.items():
        parsed, loc, collection = where[record_id]
        for ref_path, target in REFERENCES[collection]:
            for ref_loc, ref in _field_values(record, ref_path, loc):
                known = ref in where and (target == "*" or where[ref][2] == target)
                if known:
                    continue
                if ref in failed:
                    code, message = "INVALID_REF", f"{ref!r} has errors, so this record is left out too"
                else:
                    what = "record" if target == "*" else "incident" if target == "incident" else target.rstrip("s")
                    code, message = "UNKNOWN_REF", f"unknown {what} {ref!r}"
                problems.append(
                    _problem(parsed.path, _locate(parsed.marks, ref_loc), code, f"{_loc_text(ref_loc)}: {message}")
                )
                bad.add(record_id)
        for date_loc, value in _dates(record, loc):
            if value > today:
                problems.append(
                    _problem(
                        parsed.path,
                        _locate(parsed.marks, date_loc),
                        "FUTURE_DATE",
                        f"{_loc_text(date_loc)}: {value} is after today ({today})",
                    )
                )
                bad.add(record_id)
    _check_actor_cycles(records, where, problems, bad)

    # Records that point at a left-out record go too, so every shown reference resolves.
    changed = True
    while changed:
        changed = False
        for record_id, record in records.items():
            if record_id in bad:
                continue
            parsed, loc, collection = where[record_id]
            for ref_path, _target in REFERENCES[collection]:
                for ref_loc, ref in _field_values(record, ref_path, loc):
                    if ref in bad:
                        problems.append(
                            _problem(
                                parsed.path,
                                _locate(parsed.marks, ref_loc),
                                "INVALID_REF",
                                f"{_loc_text(ref_loc)}: {ref!r} has errors, so this record is left out too",
                            )
                        )
                        bad.add(record_id)
                        changed = True
                        break
                if record_id in bad:
                    break

    for record_id, record in records.items():
        if record_id not in bad:
            dataset.collection(where[record_id][2])[record_id] = record

    _warnings(dataset, where)
    dataset.problems.sort(key=lambda p: (p.path, p.line, p.col, p.code))
    return dataset


def _check_actor_cycles(
    records: dict[str, Record], where: dict[str, tuple[_ParsedFile, Loc, str]], problems: list[Problem], bad: set[str]
) -> None:
    for record_id, record in records.items():
        if not isinstance(record, Actor):
            continue
        seen = {record_id}
        parent = record.parent
        while parent is not None and isinstance(records.get(parent), Actor):
            if parent in seen:
                parsed, loc, _ = where[record_id]
                problems.append(
                    _problem(
                        parsed.path,
                        _locate(parsed.marks, (*loc, "parent")),
                        "REF_CYCLE",
                        f"actor {record_id!r} is its own ancestor through 'parent'",
                    )
                )
                bad.add(record_id)
                break
            seen.add(parent)
            parent = records[parent].parent  # type: ignore[attr-defined]


def _warnings(dataset: Dataset, where: dict[str, tuple[_ParsedFile, Loc, str]]) -> None:
    def warn(record_id: str, field_name: str, code: str, message: str) -> None:
        parsed, loc, _ = where[record_id]
        dataset.problems.append(
            _problem(parsed.path, _locate(parsed.marks, (*loc, field_name)), code, message, "warning")
        )

    for source in dataset.sources.values():
        if source.reliability is None:
            warn(source.id, "id", "UNGRADED_SOURCE", f"source {source.id!r} has no Admiralty reliability grade")
    # A claim rests on a single source when every statement asserting its propositions reaches us through one document.
    documents: dict[str, set[str]] = {}
    for statement in dataset.statements.values():
        for stance in statement.stances:
            if stance.stance == "asserts":
                documents.setdefault(stance.proposition, set()).add(statement.via[-1])
    for statement in dataset.statements.values():
        if statement.kind not in ("claim", "accusation"):
            continue
        asserted = [s.proposition for s in statement.stances if s.stance == "asserts"]
        if all(len(documents.get(p, set())) <= 1 for p in asserted):
            warn(
                statement.id,
                "via",
                "SINGLE_SOURCE",
                f"claim {statement.id!r} reaches us through one document only ({statement.via[-1]})",
            )
    taken = {stance.proposition for s in dataset.statements.values() for stance in s.stances}
    for proposition in dataset.propositions.values():
        if proposition.id not in taken:
            warn(
                proposition.id,
                "id",
                "ORPHAN_PROPOSITION",
                f"no statement takes a stance on proposition {proposition.id!r}",
            )
