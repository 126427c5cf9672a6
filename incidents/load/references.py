"""Steps 3 and 4 of loading: check what each valid record refers to (and its dates), then drop dependents.

A record with an unknown reference, a future date or a `parent` cycle is left out; so is every record that refers
to a left-out one, so every reference the app shows resolves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from incidents.load.parse import loc_text
from incidents.load.validate import Located
from incidents.model import codes
from incidents.model.dataset import Problem
from incidents.model.records import ANY_RECORD, Actor
from incidents.model.registry import BY_KEY


def _target_word(target: str) -> str:
    return "record" if target == ANY_RECORD else BY_KEY[target].singular


def check_references(
    records: dict[str, Located], failed: set[str], problems: list[Problem], ids: Iterable[str] | None = None
) -> set[str]:
    """Report references to unknown records (or to ones that failed validation); returns the ids that make them.
    `ids` checks only those records (an incremental load's re-check; each record's result depends only on it and on
    what its references resolve to)."""
    bad: set[str] = set()
    for record_id in records if ids is None else ids:
        located = records[record_id]
        for ref_loc, ref, target in located.refs:
            found = records.get(ref)
            if found is not None and (target == ANY_RECORD or found.collection.key == target):
                continue
            field = loc_text(ref_loc)
            if ref in failed:
                problems.append(located.file.problem(codes.INVALID_REF, ref_loc, field=field, ref=ref))
            elif ref_loc[-2:-1] == ("restates",) or ref_loc[-1:] == ("restates",):
                problems.append(located.file.problem(codes.RESTATES_UNKNOWN, ref_loc, field=field, ref=ref))
            else:
                what = _target_word(target)
                problems.append(located.file.problem(codes.UNKNOWN_REF, ref_loc, field=field, what=what, ref=ref))
            bad.add(record_id)
    return bad


def check_dates(
    records: dict[str, Located], today: dt.date, problems: list[Problem], ids: Iterable[str] | None = None
) -> set[str]:
    """Report dates after today; returns the ids of the records that hold them (`ids`: only those records)."""
    bad: set[str] = set()
    for record_id in records if ids is None else ids:
        located = records[record_id]
        for date_loc, value in located.dates:
            if value > today:
                field = loc_text(date_loc)
                problems.append(located.file.problem(codes.FUTURE_DATE, date_loc, field=field, date=value, today=today))
                bad.add(record_id)
    return bad


def check_cycles(
    records: dict[str, Located], problems: list[Problem], actors: Mapping[str, Actor] | None = None
) -> set[str]:
    """Report actors that are their own ancestors through `parent`; returns their ids. `actors`: the actors among
    `records`, in their order, when the caller has them."""
    if actors is None:
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


def referrers(records: Mapping[str, Located]) -> dict[str, set[str]]:
    """Referenced id -> the ids of the records that reference it."""
    found: dict[str, set[str]] = {}
    for record_id, located in records.items():
        for ref in located.ref_ids():
            found.setdefault(index_key(records, ref), set()).add(record_id)
    return found


def index_key(records: Mapping[str, Located], ref: str) -> str:
    """The key a referenced id has in the referrers index: the record's own id string where there is one. The
    index outlives the load, and a decoded copy kept as a key would pin the memory its decoding used."""
    target = records.get(ref)
    return target.record.id if target is not None else ref


def drop_dependents(
    records: dict[str, Located], bad: set[str], problems: list[Problem],
    referenced_by: Mapping[str, set[str]] | None = None,
) -> None:
    """Add to `bad` every record that refers to a bad one, directly or through others, reporting each at its first
    reference (in field order) to a left-out record. Walks back from the bad records along `referenced_by` (made
    here when not given), so the work is the bad records' dependents, not the whole set."""
    index = referenced_by if referenced_by is not None else referrers(records)
    dependents: set[str] = set()
    stack = list(bad)
    while stack:
        for record_id in index.get(stack.pop(), ()):
            if record_id in records and record_id not in bad and record_id not in dependents:
                dependents.add(record_id)
                stack.append(record_id)
    bad |= dependents
    for record_id in sorted(dependents):
        located = records[record_id]
        ref_loc, ref = next((loc, ref) for loc, ref, _target in located.refs if ref in bad)
        problems.append(located.file.problem(codes.INVALID_REF, ref_loc, field=loc_text(ref_loc), ref=ref))
