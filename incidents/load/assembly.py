"""A load's records put together from its files' results, and what changed since the last load
(`incidents.load.incremental`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from incidents.load.filecache import FileResult
from incidents.load.pipeline import keep
from incidents.load.validate import Located, add_unique
from incidents.model.dataset import Dataset, Problem
from incidents.model.records import Actor
from incidents.model.registry import COLLECTIONS


@dataclass(frozen=True)
class Assembled:
    """A load's records put together from its files' results (`assemble`)."""

    records: dict[str, Located]
    results: list[FileResult]
    whole: bool  # no id repeated, in a file or across files: every file went in as one dictionary


def assemble(results: list[FileResult], problems: list[Problem]) -> Assembled:
    """`unique_records` over the files' results, a file's dictionary at a time where its ids are new (C-level
    dictionary work: 50-60 ms a load record by record at 1,000 incidents)."""
    found: dict[str, Located] = {}
    whole = True
    for result in results:
        index = result.by_id
        if index is not None and found.keys().isdisjoint(index):
            found.update(index)
        else:
            whole = False
            add_unique(found, result.records, problems)
    return Assembled(found, results, whole)


def moved_ids(now: Assembled, before: Assembled | None, old_records: dict[str, Located]) -> set[str]:
    """The ids whose record is not the same object as in `old_records`. With no id repeated in either load, only
    the records of the files whose result changed can be: those alone are compared."""
    records = now.records
    if before is None or before.records is not old_records or not (now.whole and before.whole):
        return {i for i in records.keys() | old_records.keys() if records.get(i) is not old_records.get(i)}
    kept_results = {id(result) for result in before.results} & {id(result) for result in now.results}
    candidates: set[str] = set()
    for result in (*now.results, *before.results):
        if id(result) not in kept_results:
            candidates.update(result.by_id or ())
    return {i for i in candidates if records.get(i) is not old_records.get(i)}


def actors_of(assembled: Assembled) -> dict[str, Actor] | None:
    """The actors among the records, in order, from the files' own collections (None: let the check find them)."""
    if not assembled.whole:
        return None
    actors: dict[str, Actor] = {}
    for result in assembled.results:
        actors.update(cast("dict[str, Actor]", result.parts[0].get("actors", {})))
    return actors


def keep_assembled(dataset: Dataset, assembled: Assembled, bad: set[str]) -> None:
    """`pipeline.keep`, a file's collections at a time where none of its records is bad."""
    if not assembled.whole:
        keep(dataset, assembled.records, bad)
        return
    collections = {c.key: dataset.collection(c.key) for c in COLLECTIONS}
    origins = dataset.origins
    for result in assembled.results:
        parts, file_origins = result.parts
        if bad.isdisjoint(file_origins):
            for key, part in parts.items():
                collections[key].update(part)
            origins.update(file_origins)
            continue
        keep(dataset, result.by_id or {}, bad)  # the file's records one by one, into the same collections


def status_of(records: dict[str, Located], failed: set[str], record_id: str) -> tuple[str | None, bool]:
    """What a reference to `record_id` resolves to: the collection of the record it names (None when there is
    none), and whether a record of that id failed validation."""
    found = records.get(record_id)
    return (found.collection.key if found is not None else None), record_id in failed
