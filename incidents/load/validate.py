"""Step 2 of loading: validate each record on its own against its model, and keep the first of each id.

One bad record never hides the rest of its file: each is validated separately, and its errors are located at the
field they are about.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError

from incidents.load.facts import may_name_a_weekday, record_dates, record_references
from incidents.load.migrate import FORMAT_KEY, migrate
from incidents.load.parse import Loc, ParsedFile, at_mark, home, loc_text, locate, strings
from incidents.model import codes
from incidents.model.codes import Code
from incidents.model.dataset import Problem
from incidents.model.evidence import BASIS_VALUES, STANCE_VALUES
from incidents.model.fields import PLACEHOLDER, REVIEW_KEY, REVIEW_STATES
from incidents.model.records import Entry
from incidents.model.registry import BY_KEY, FILE_KINDS, Collection, file_collections

# Pydantic error types that have a code of their own; every other validation error is SCHEMA.
PYDANTIC_CODES: dict[str, Code] = {
    "bad_url": codes.BAD_URL,
    "coord_range": codes.COORD_RANGE,
    "end_before_start": codes.END_BEFORE_START,
    "figure_value": codes.FIGURE_VALUE,
    "basis_value": codes.BASIS_VALUE,
    "affiliation": codes.AFFILIATION_INCOMPLETE,
}
SCHEMA_KEY = "$schema"  # editors' `$schema` line may sit beside the collections


@dataclass(frozen=True)
class Located:
    """A valid record with where it came from: its collection, its file and its node path in that file."""

    record: Entry
    collection: Collection
    file: ParsedFile
    loc: Loc

    def problem(self, code: Code, *path: str | int, **fields: Any) -> Problem:
        """A problem at one of this record's fields (`path` below the record), or at the record itself."""
        return self.file.problem(code, (*self.loc, *path), **fields)

    def raw(self) -> Any:
        """The record's values by field, as the file gives them: the parsed mapping while the file's data is kept,
        else the validated record's (the parse cache drops a file's data after validation; field names and list
        positions are the same, so locations still hold)."""
        value: Any = self.file.data
        if value is None:
            return self.record.model_dump(exclude_defaults=True)
        for part in self.loc:
            value = value[part]
        return value

    # Worked out once per record: a record the parse cache keeps in memory keeps them across loads, so a rerun after
    # an edit only compares them (the cross-file checks run on every load).
    # The parse cache and the snapshot store them (`stored_facts`): the id's line and the text flags are set, the
    # references and dates stay JSON text, read only for the records a later load asks about (about 100 MB of lists
    # at 49,611 records; a server that is never edited, as a hosted one, never reads most of them).
    def _stored(self) -> list[Any] | None:
        """The stored [refs, dates], read from their text (not kept: the properties keep what they make), or None
        when there is none or it is not what `stored_facts` writes (then they are worked out from the record)."""
        stored = self.__dict__.get("stored_facts")
        if not isinstance(stored, str):
            return None
        try:
            facts = orjson.loads(stored)
        except orjson.JSONDecodeError:
            return None
        shaped = isinstance(facts, list) and len(facts) == 2 and all(isinstance(part, list) for part in facts)
        return facts if shaped else None

    @cached_property
    def refs(self) -> list[tuple[Loc, str, str]]:
        """(location, id, target collection key) of every reference the record makes, in field order."""
        stored = self._stored()
        if stored is not None:
            with contextlib.suppress(ValueError, TypeError):
                return [(tuple(loc), str(ref), str(target)) for loc, ref, target in stored[0]]
        return list(record_references(self.collection.key, self.record, self.loc))

    def ref_ids(self) -> list[str]:
        """The ids the record references, in field order: `refs`' ids, read from the stored text when `refs` was
        never asked for, and not kept (a restored server's first edit indexes every record's references; keeping
        each record's decoded refs cost 125 MB at 1,000 incidents)."""
        if "refs" not in self.__dict__:
            stored = self._stored()
            if stored is not None:
                with contextlib.suppress(ValueError, TypeError):
                    return [str(ref) for _loc, ref, _target in stored[0]]
        return [ref for _loc, ref, _target in self.refs]

    @cached_property
    def dates(self) -> list[tuple[Loc, dt.date]]:
        """Every date the record holds (a datetime's day), with its location."""
        stored = self._stored()
        if stored is not None:
            with contextlib.suppress(ValueError, TypeError):
                return [(tuple(loc), dt.date.fromisoformat(day)) for loc, day in stored[1]]
        return list(record_dates(self.record, self.loc))

    @cached_property
    def id_line(self) -> int:
        """The line of the record's id in its file (1 when it has no position)."""
        mark = locate(self.file.marks, (*self.loc, "id"))
        return mark.line + 1 if mark else 1

    @cached_property
    def texts(self) -> list[tuple[Loc, str]]:
        """Every string of the record, with its path below the record."""
        return list(strings(self.raw()))

    @cached_property
    def text_flags(self) -> tuple[bool, bool]:
        """(may hold the placeholder, may hold a weekday beside a date): a first look the parse cache stores, so
        the warnings walk only the texts of the records it flags."""
        texts = [text for _, text in self.texts]
        return any(PLACEHOLDER in text for text in texts), any(may_name_a_weekday(text) for text in texts)


# The four text flags as stored (placeholder + 2 * weekday), each one tuple shared by every record restored.
_FLAGS = [(False, False), (True, False), (False, True), (True, True)]


def stored_facts(located: Located) -> list[Any]:
    """What the parse cache and the snapshot store of a record's facts: [its id's line, its text flags as a number,
    the JSON text of its refs and dates]. A record read back from a store gives back the text it was read with."""
    stored = located.__dict__.get("stored_facts")
    if not isinstance(stored, str):
        stored = located.__dict__["stored_facts"] = orjson.dumps([
            [[list(loc), ref, target] for loc, ref, target in located.refs],
            [[list(loc), day.isoformat()] for loc, day in located.dates],
        ]).decode()
    placeholder, weekday = located.text_flags
    return [located.id_line, int(placeholder) + 2 * int(weekday), stored]


def settle(located: Located) -> None:
    """Drop what the record can work out again and a later load seldom asks for: its decoded references and dates
    when their stored text is kept, its texts when neither flag asks for them (a full check of 49,611 records left
    them all decoded: about 100 MB that a restored server never holds)."""
    kept = located.__dict__
    if isinstance(kept.get("stored_facts"), str):
        kept.pop("refs", None)
        kept.pop("dates", None)
    if kept.get("text_flags") == (False, False):
        kept.pop("texts", None)


def restore_facts(located: Located, facts: Any) -> None:
    """Put stored facts (as `stored_facts` gives them) into the record's cached properties (a cached_property reads
    the instance's __dict__); the text is read only when a property asks. TypeError when they are not that shape."""
    shaped = isinstance(facts, list) and len(facts) == 3 and isinstance(facts[2], str)
    if not (shaped and isinstance(facts[0], int) and type(facts[1]) is int and 0 <= facts[1] <= 3):
        raise TypeError("damaged facts")
    located.__dict__.update(id_line=facts[0], text_flags=_FLAGS[facts[1]], stored_facts=facts[2])


def _check_top_level(parsed: ParsedFile, problems: list[Problem]) -> bool:
    """A file is a mapping of its collections; report what else it holds. False when it is no mapping."""
    keys = ", ".join(c.key for c in file_collections(parsed.kind))
    if not isinstance(parsed.data, dict):
        reason = f"a {parsed.kind} file must be a mapping with keys {keys}"
        problems.append(parsed.problem(codes.SCHEMA, (), reason=reason))
        return False
    allowed = {c.key for c in file_collections(parsed.kind)}
    for key in parsed.data:
        if key not in allowed and key not in (SCHEMA_KEY, FORMAT_KEY, REVIEW_KEY):
            reason = f"unexpected top-level key {key!r}; expected {keys}"
            if key in BY_KEY:  # records of another file kind: say which file they belong in
                reason += f"; {key} belong in {home(FILE_KINDS[BY_KEY[key].file_kind], parsed.data_label)}"
            problems.append(_at_key(parsed, key, reason))
    return True


def _at_key(parsed: ParsedFile, key: str, reason: str) -> Problem:
    """A SCHEMA problem at a top-level key (at 1:1 when the key has no position of its own)."""
    return at_mark(codes.SCHEMA, parsed.path, parsed.marks.get((key,)), reason=reason)


def _file_records(parsed: ParsedFile, problems: list[Problem]) -> Iterator[Located]:
    """Validate each record of one file, read in the current format (older files through `incidents.load.migrate`)."""
    if not _check_top_level(parsed, problems):
        return
    data = parsed.data = migrate(parsed.kind, parsed.data)
    file_review = _file_review(parsed, problems)
    for collection in file_collections(parsed.kind):
        if not collection.many:
            raw = data.get(collection.key)
            if raw is None:
                problems.append(parsed.problem(codes.SCHEMA, (), reason=f"missing top-level key {collection.key!r}"))
            elif isinstance(raw, dict):
                yield from _record(parsed, collection, (collection.key,), _reviewed(raw, file_review), problems)
            continue
        items = data.get(collection.key)
        if items is None:
            continue
        if not isinstance(items, list):
            problems.append(_at_key(parsed, collection.key, f"{collection.key} must be a list"))
            continue
        for index, item in enumerate(items):
            yield from _record(parsed, collection, (collection.key, index), _reviewed(item, file_review), problems)


def _file_review(parsed: ParsedFile, problems: list[Problem]) -> str | None:
    """The file's own review state (its top-level `review`), which its records without one take."""
    value = parsed.data.get(REVIEW_KEY)
    if value is None or value in REVIEW_STATES:
        return value
    reason = f"{REVIEW_KEY}: must be one of {', '.join(REVIEW_STATES)}, not {value!r}"
    problems.append(_at_key(parsed, REVIEW_KEY, reason))
    return "draft"  # a file whose state cannot be read is kept out of hosted views, never published by mistake


def _reviewed(item: Any, file_review: str | None) -> Any:
    """A record's raw mapping with the file's review state where it gives none of its own."""
    if file_review is None or not isinstance(item, dict) or REVIEW_KEY in item:
        return item
    return {**item, REVIEW_KEY: file_review}


def _record(
    parsed: ParsedFile, collection: Collection, loc: Loc, item: Any, problems: list[Problem]
) -> Iterator[Located]:
    mark = locate(parsed.marks, loc)
    review = item.get(REVIEW_KEY, "published") if isinstance(item, dict) else "published"
    record_id = item.get("id") if isinstance(item, dict) else None
    parsed.spans.append((mark.line + 1 if mark else 1, review == "published", str(record_id or "")))
    try:
        record = collection.model.model_validate(item)
    except ValidationError as exc:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            parsed.failed_ids.add(item["id"])
        for error in exc.errors():
            full = (*loc, *error["loc"])
            code = PYDANTIC_CODES.get(error["type"], codes.SCHEMA)
            field, reason = loc_text(full), error["msg"]
            if error["type"] == "literal_error" and full[-1] == "stance":
                value, allowed = error["input"], ", ".join(STANCE_VALUES)
                problems.append(parsed.problem(codes.STANCE_VALUE, full, field=field, value=value, allowed=allowed))
            elif error["type"] == "literal_error" and full[-1] == "basis":
                reason = f"{error['input']!r} is not a basis; use one of {', '.join(BASIS_VALUES)}"
                problems.append(parsed.problem(codes.BASIS_VALUE, full, field=field, reason=reason))
            elif code is codes.SCHEMA:
                problems.append(parsed.problem(code, full, reason=f"{field}: {reason}"))
            else:
                problems.append(parsed.problem(code, full, field=field, reason=reason))
        return
    yield Located(record, collection, parsed, loc)


def origin(located: Located) -> tuple[str, int]:
    """(path, line) of the record's id in its file."""
    return located.file.path, located.id_line


def _where(located: Located) -> str:
    path, line = origin(located)
    return f"{path}:{line}"


def _collision(first: Located, second: Located) -> list[Problem]:
    """A repeated id, reported at both places, each naming the other, with a prefix that would make it unique."""
    record_id = first.record.id
    stem = Path(second.file.path).stem
    suggestion = f"{stem}-{record_id}"[:64].rstrip("-") if stem != record_id else f"{record_id}-2"
    return [
        second.problem(codes.DUPLICATE_ID, "id", id=record_id, other=_where(first), suggestion=suggestion),
        first.problem(codes.DUPLICATE_ID, "id", id=record_id, other=_where(second), suggestion=suggestion),
    ]


def file_records(parsed: ParsedFile, problems: list[Problem]) -> list[Located]:
    """The valid records of one file (a step that depends on nothing but the file, so its result can be cached)."""
    return list(_file_records(parsed, problems))


def unique_records(per_file: Iterable[list[Located]], problems: list[Problem]) -> dict[str, Located]:
    """Every valid record by id, in load order; a repeated id is reported and the later record left out."""
    found: dict[str, Located] = {}
    for located_records in per_file:
        add_unique(found, located_records, problems)
    return found


def add_unique(found: dict[str, Located], located_records: Iterable[Located], problems: list[Problem]) -> None:
    """One file's records added to `found` as `unique_records` adds them."""
    for located in located_records:
        record_id = located.record.id
        first = found.get(record_id)
        if first is not None:
            problems += _collision(first, located)
            continue
        found[record_id] = located


def validate_records(files: list[ParsedFile], problems: list[Problem]) -> dict[str, Located]:
    """Every valid record of the files by id, in load order (see `unique_records`)."""
    return unique_records((file_records(parsed, problems) for parsed in files), problems)
