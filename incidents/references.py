"""Steps 3 and 4 of loading: check what each valid record refers to (and its dates), then drop dependents.

A record with an unknown reference, a future date or a `parent` cycle is left out; so is every record that refers
to a left-out one, so every reference the app shows resolves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from incidents import codes
from incidents.dataset import Problem
from incidents.models import ANY_RECORD, Actor, Record
from incidents.parse import Loc, loc_text
from incidents.registry import BY_KEY, REFERENCES
from incidents.validate import Located

LIST_ITEMS = "*"


def field_values(obj: Any, dotted: str, loc: Loc) -> Iterator[tuple[Loc, str]]:
    """Ids found at a dotted path ('*' walks a list), with their locations."""
    head, _, rest = dotted.partition(".")
    if head == LIST_ITEMS:
        for index, item in enumerate(obj or []):
            yield from field_values(item, rest, (*loc, index))
        return
    value = getattr(obj, head, None)
    if rest:
        yield from field_values(value, rest, (*loc, head))
    elif isinstance(value, str):
        yield (*loc, head), value
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, str):
                yield (*loc, head, index), item


def record_references(located: Located) -> Iterator[tuple[Loc, str, str]]:
    """(location, id, target collection key) of every reference a record makes, in field order (`Located.refs`)."""
    for ref_path, target in REFERENCES[located.collection.key]:
        for ref_loc, ref in field_values(located.record, ref_path, located.loc):
            yield ref_loc, ref, target


def _target_word(target: str) -> str:
    return "record" if target == ANY_RECORD else BY_KEY[target].singular


def check_references(records: dict[str, Located], failed: set[str], problems: list[Problem]) -> set[str]:
    """Report references to unknown records (or to ones that failed validation); returns the ids that make them."""
    bad: set[str] = set()
    for record_id, located in records.items():
        for ref_loc, ref, target in located.refs:
            found = records.get(ref)
            if found is not None and (target == ANY_RECORD or found.collection.key == target):
                continue
            field = loc_text(ref_loc)
            if ref in failed:
                problems.append(located.file.problem(codes.INVALID_REF, ref_loc, field=field, ref=ref))
            else:
                what = _target_word(target)
                problems.append(located.file.problem(codes.UNKNOWN_REF, ref_loc, field=field, what=what, ref=ref))
            bad.add(record_id)
    return bad


def record_dates(value: Any, loc: Loc) -> Iterator[tuple[Loc, dt.date]]:
    """Every date below a value (a datetime's day), with its location (`Located.dates`)."""
    if isinstance(value, dt.date):
        yield loc, value if not isinstance(value, dt.datetime) else value.date()
    elif isinstance(value, Record):
        for name in type(value).model_fields:
            yield from record_dates(getattr(value, name), (*loc, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from record_dates(item, (*loc, index))


def check_dates(records: dict[str, Located], today: dt.date, problems: list[Problem]) -> set[str]:
    """Report dates after today; returns the ids of the records that hold them."""
    bad: set[str] = set()
    for record_id, located in records.items():
        for date_loc, value in located.dates:
            if value > today:
                field = loc_text(date_loc)
                problems.append(located.file.problem(codes.FUTURE_DATE, date_loc, field=field, date=value, today=today))
                bad.add(record_id)
    return bad


def check_cycles(records: dict[str, Located], problems: list[Problem]) -> set[str]:
    """Report actors that are their own ancestors through `parent`; returns their ids."""
    actors = {record_id: r.record for record_id, r in records.items() if isinstance(r.record, Actor)}
    bad: set[str] = set()
    for record_id, actor in actors.items():
        seen = {record_id}
        parent = actor.parent
        while parent is not None and parent in actors:
            if parent in seen:
                problems.append(records[record_id].problem(codes.REF_CYCLE, "parent", id=record_id))
                bad.add(record_id)
                break
            seen.add(parent)
            parent = actors[parent].parent
    return bad


def drop_dependents(records: dict[str, Located], bad: set[str], problems: list[Problem]) -> None:
    """Add to `bad` every record that refers to a bad one, until none is left, reporting the first such reference."""
    changed = True
    while changed:
        changed = False
        for record_id, located in records.items():
            if record_id in bad:
                continue
            for ref_loc, ref, _target in located.refs:
                if ref in bad:
                    problems.append(located.file.problem(codes.INVALID_REF, ref_loc, field=loc_text(ref_loc), ref=ref))
                    bad.add(record_id)
                    changed = True
                    break
