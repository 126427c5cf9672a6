"""Review before publishing: which records a hosted instance shows, and what waits for review.

A record is `draft`, `in-review` or `published` (`incidents.model.fields.Entry.review`). Hosted instances set
`INCIDENTS_PUBLISHED_ONLY=1` (deploy/serve.py, the Dockerfile, deploy/k8s/) and show `published_only(dataset)`:
the published records, less every one that depends on a hidden record, with references to hidden records cut, so
no draft's id, title or text reaches a page, an export, a link or the briefing. `make run` shows everything and
marks what is not yet published.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel

from incidents.load.parse import loc_text
from incidents.load.validate import Located
from incidents.model import codes
from incidents.model.dataset import Dataset, Problem
from incidents.model.fields import Entry
from incidents.model.registry import BY_MODEL, COLLECTIONS, REFERENCES

# The one switch of hosted mode; every hosted configuration sets it (tests/test_review.py checks they do).
PUBLISHED_ONLY_ENV = "INCIDENTS_PUBLISHED_ONLY"
PUBLISHED = "published"

Policy = Literal["drop", "cut", "cut-keep-one"]
# What a reference to a hidden record does to the record (or the nested item: a stance, a quote) that makes it:
#   drop          the record or item goes too (it would be about the hidden record, or meaningless without it);
#   cut           only the reference goes;
#   cut-keep-one  the reference goes, and the record too when no id of that field is left (its required sources).
# Paths are those of `incidents.model.registry.REFERENCES`; a test checks every reference has a policy.
POLICIES: dict[tuple[str, str], Policy] = {
    ("actors", "parent"): "cut",  # the actor heads its own chain
    ("actors", "sources"): "cut",
    ("sources", "republishes"): "cut",
    ("sources", "rewrites"): "cut",
    # Issue 22: an affiliation resting on a hidden party or reference goes (the source stays, unassessed).
    ("sources", "affiliation.party"): "drop",
    ("sources", "affiliation.references"): "drop",
    ("places", "within"): "cut",
    ("places", "status_source"): "cut",
    ("places", "status_changes.*.sources"): "cut-keep-one",  # the status change goes without a source
    ("places", "sources"): "cut-keep-one",
    ("incident", "places.*.place"): "drop",  # the place role goes
    ("incident", "sources"): "cut-keep-one",
    ("events", "place"): "cut",  # the event is shown as not located
    ("events", "actors"): "cut",
    ("events", "reported_in"): "cut",
    ("events", "sources"): "cut-keep-one",
    ("events", "incident"): "drop",
    ("statements", "speaker"): "drop",
    ("statements", "quotes.*.source"): "cut",
    ("statements", "via"): "drop",  # a chain with a hidden link cannot be traced
    ("statements", "carried_by"): "cut",
    ("statements", "responds_to"): "cut",
    ("statements", "restates"): "cut",
    ("statements", "restates_speaker"): "cut",
    ("statements", "stances.*.proposition"): "drop",  # the stance goes
    ("statements", "incidents"): "cut-keep-one",  # a statement about hidden incidents only goes
    ("propositions", "excludes"): "cut",
    ("propositions", "answers"): "cut",
    ("propositions", "against"): "cut",
    ("propositions", "incident"): "drop",
    ("discrepancies", "concerns"): "drop",  # its description would be about the hidden record
    ("discrepancies", "sources"): "cut-keep-one",
    ("discrepancies", "resolved_by"): "cut-keep-one",
    ("discrepancies", "superseded_by"): "drop",
    ("discrepancies", "incident"): "drop",
}
_ITEMS = ".*."


def published_only_from(environ: Mapping[str, str]) -> bool:
    """Whether the environment asks for hosted mode: `INCIDENTS_PUBLISHED_ONLY` set to 1, true or yes."""
    return environ.get(PUBLISHED_ONLY_ENV, "").strip().lower() in ("1", "true", "yes")


def _prune(obj: BaseModel, path: str, policy: Policy, hidden: set[str]) -> BaseModel | None:
    """`obj` without its references at `path` to hidden ids, per `policy`; None when `obj` itself must go."""
    head, sep, rest = path.partition(_ITEMS)
    if sep:  # a list of nested models: prune each item, dropping the items that must go
        items = getattr(obj, head)
        kept = [found for item in items if (found := _prune(item, rest, policy, hidden)) is not None]
        return obj if len(kept) == len(items) else obj.model_copy(update={head: kept})
    head, dot, rest = path.partition(".")
    if dot:  # one optional nested model (a source's affiliation): it goes when it must, never its record
        nested = getattr(obj, head)
        if nested is None:
            return obj
        found = _prune(nested, rest, policy, hidden)
        return obj if found is nested else obj.model_copy(update={head: found})
    value = getattr(obj, head)
    if isinstance(value, list):
        left = [ref for ref in value if ref not in hidden]
        if len(left) == len(value):
            return obj
        if policy == "drop" or (policy == "cut-keep-one" and not left):
            return None
        return obj.model_copy(update={head: left})
    if value is None or value not in hidden:
        return obj
    return None if policy == "drop" else obj.model_copy(update={head: None})


def prune_record(record: Entry, collection_key: str, hidden: set[str]) -> Entry | None:
    """The record with its references to hidden records dropped or cut; None when the record must go too."""
    found: BaseModel | None = record
    for path, _target in REFERENCES[collection_key]:
        if found is None:
            return None
        found = _prune(found, path, POLICIES[(collection_key, path)], hidden)
    assert found is None or isinstance(found, Entry)
    return found


def hidden_ids(dataset: Dataset) -> set[str]:
    """Every record a hosted instance leaves out: the unpublished ones and, until none is left, their dependents."""
    hidden = {r.id for c in COLLECTIONS for r in dataset.collection(c.key).values() if r.review != PUBLISHED}
    changed = bool(hidden)  # all published (the usual hosted case): nothing can depend on a hidden record
    while changed:
        changed = False
        for collection in COLLECTIONS:
            for record_id, record in dataset.collection(collection.key).items():
                if record_id not in hidden and prune_record(record, collection.key, hidden) is None:
                    hidden.add(record_id)
                    changed = True
    return hidden


def _private(problem: Problem, spans: dict[str, list[tuple[int, bool, str]]], hidden: set[str]) -> bool:
    """Whether the problem lies inside a record hosted mode does not show (unpublished, valid or not, or hidden as a
    dependent), or before the first record of a file whose records are all such."""
    rows = spans.get(problem.path)
    if not rows:
        return False
    starts = [line for line, _shown, _id in rows]
    at = bisect.bisect_right(starts, problem.line) - 1
    chosen = [rows[at]] if at >= 0 else rows  # a file-level problem: private only when every record is
    return all(not shown or record_id in hidden for _line, shown, record_id in chosen)


def hosted_problems(
    dataset: Dataset, records: dict[str, Located], referenced_by: Mapping[str, set[str]] | None = None
) -> list[Problem]:
    """Published records that the hosted view leaves out or cuts because they name an unpublished record (or one that
    is left out in its turn), each naming the record it names. Nothing when every record is published.

    `referenced_by` (id -> the ids of the records that reference it, or a superset; the incremental loader keeps
    one): only the records that reference a hidden id have their references read. Without it every published
    record's are, which after an edit at 1,000 incidents decoded 49,000 records' references again."""
    hidden = hidden_ids(dataset)
    if not hidden:
        return []
    naming: set[str] | None = None
    if referenced_by is not None:
        naming = set().union(*(referenced_by.get(record_id, ()) for record_id in hidden))
    problems = []
    for collection in COLLECTIONS:
        for record_id, record in dataset.collection(collection.key).items():
            names_none = naming is not None and record_id not in naming
            if record.review != PUBLISHED or record_id not in records or names_none:
                continue
            located = records[record_id]
            named = [(loc, ref) for loc, ref, _target in located.refs if ref in hidden]
            if not named:
                continue
            left_out = record_id in hidden
            # The references whose loss alone leaves the record out are the cause; the others are cut.
            causes = {ref for _loc, ref in named if left_out and prune_record(record, collection.key, {ref}) is None}
            if left_out and not causes:  # several references together (the last source of a list) leave it out
                causes = {ref for _loc, ref in named}
            for loc, ref in named:
                code = codes.HOSTED_HIDES if ref in causes else codes.HOSTED_CUTS
                target = _entry(dataset, ref)
                state = target.review if target is not None and target.review != PUBLISHED else "itself left out"
                problems.append(located.file.problem(
                    code, loc, kind=collection.singular, id=record_id, field=loc_text(loc[len(located.loc):]),
                    ref=ref, state=state,
                ))
    return problems


def _entry(dataset: Dataset, record_id: str) -> Entry | None:
    for collection in COLLECTIONS:
        found = dataset.collection(collection.key).get(record_id)
        if found is not None:
            return found
    return None


def published_only(dataset: Dataset) -> Dataset:
    """The dataset as a hosted instance shows it: published records only, nothing that names a hidden one.

    A problem inside an unpublished record (one that failed validation too), or inside a record hidden as a
    dependent, is left out of the report; a problem elsewhere that names a hidden id is shown with the id replaced
    (`REDACTED`), so the report says what is wrong without naming the draft.
    """
    hidden = hidden_ids(dataset)
    unpublished_failed = {i for rows in dataset.spans.values() for _line, shown, i in rows if i and not shown}
    if not hidden and not unpublished_failed:
        return dataset
    kept = Dataset(version=dataset.version, digest=dataset.digest)
    for collection in COLLECTIONS:
        target = kept.collection(collection.key)
        for record_id, record in dataset.collection(collection.key).items():
            if record_id not in hidden:
                target[record_id] = prune_record(record, collection.key, hidden)
    kept.origins = {i: where for i, where in dataset.origins.items() if i not in hidden}
    shown_paths = {path for path, _line in kept.origins.values()}
    hidden_paths = {dataset.origins[i][0] for i in hidden if i in dataset.origins} - shown_paths
    kept.files = [path for path in dataset.files if path not in hidden_paths]
    # Ids are [a-z0-9-]: a hidden id counts only as a whole word, never inside a longer id.
    private = hidden | unpublished_failed
    words = "|".join(re.escape(i) for i in sorted(private, key=len, reverse=True))
    pattern = re.compile(rf"(?<![a-z0-9-])(?:{words})(?![a-z0-9-])") if words else None
    kept.problems = [
        _redacted(p, pattern) for p in dataset.problems
        if p.path not in hidden_paths and not _private(p, dataset.spans, hidden)
    ]
    return kept


REDACTED = "(a record not shown here)"


def _redacted(problem: Problem, pattern: re.Pattern[str] | None) -> Problem:
    if pattern is None or not pattern.search(problem.message):
        return problem
    return dataclasses.replace(problem, message=pattern.sub(REDACTED, problem.message))


def for_mode(dataset: Dataset, published: bool) -> Dataset:
    """The dataset hosted mode (`published`) or local mode shows."""
    return published_only(dataset) if published else dataset


def unpublished(dataset: Dataset) -> list[Entry]:
    """The records that wait for review (draft or in-review), in the order of their files and lines."""
    records = [r for c in COLLECTIONS for r in dataset.collection(c.key).values() if r.review != PUBLISHED]
    return sorted(records, key=lambda r: dataset.origins.get(r.id, ("", 0)))


def review_queue(dataset: Dataset) -> list[str]:
    """`path:line  kind id  state` for every record waiting for review."""
    lines = []
    for record in unpublished(dataset):
        path, line = dataset.origins.get(record.id, ("?", 0))
        lines.append(f"{path}:{line}  {BY_MODEL[type(record)].singular} {record.id}  {record.review}")
    return lines


def review_mark(record: Entry) -> str:
    """'Draft' or 'In review' for a record not yet published; '' for a published one."""
    return {"draft": "Draft", "in-review": "In review"}.get(record.review, "")


def marked(record: Entry, text: str) -> str:
    """`text` with the record's review mark in front ('[Draft] …'); unchanged for a published record."""
    mark = review_mark(record)
    return f"[{mark}] {text}" if mark else text


def review_notice(dataset: Dataset) -> str | None:
    """'3 records are drafts and 1 is in review; the hosted instance does not show them.'; None if all published."""
    states = [r.review for c in COLLECTIONS for r in dataset.collection(c.key).values()]
    drafts, in_review = states.count("draft"), states.count("in-review")
    if not drafts and not in_review:
        return None
    parts = []
    if drafts:
        parts.append(f"{drafts} record is a draft" if drafts == 1 else f"{drafts} records are drafts")
    if in_review:
        verb = "is" if in_review == 1 else "are"
        noun = "" if drafts else (" record" if in_review == 1 else " records")
        parts.append(f"{in_review}{noun} {verb} in review")
    pronoun = "it" if drafts + in_review == 1 else "them"
    return f"{' and '.join(parts)}; the hosted instance does not show {pronoun}."
