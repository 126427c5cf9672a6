"""Big test data the way issue 13 measured it: the shipped incident file copied with renamed ids, each copy's
dates moved back one day more. Written into a temporary directory, never into data/."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Collection
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import DATA

RECORD_LISTS = ("events", "statements", "propositions", "discrepancies")
VOCABULARY_KEYS = frozenset({"type", "kind", "status", "role", "precision", "strength"})


def _ids(document: dict[str, Any]) -> set[str]:
    """The ids the incident file defines (its incident and the records under it)."""
    ids = {document["incident"]["id"]}
    for name in RECORD_LISTS:
        ids.update(record["id"] for record in document.get(name) or [])
    return ids


def _shifted(value: Any, renames: dict[str, str], days: int) -> Any:
    """`value` with the file's own ids renamed and every date and time moved back `days` days."""
    if isinstance(value, dict):
        # A vocabulary value may spell the same as an id (event type 'retaliation-order'): kept as it is.
        return {key: item if key in VOCABULARY_KEYS else _shifted(item, renames, days) for key, item in value.items()}
    if isinstance(value, list):
        return [_shifted(item, renames, days) for item in value]
    if isinstance(value, str):
        return renames.get(value, value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value - dt.timedelta(days=days)
    return value


def write_copies(target: Path, copies: int, stems: Collection[str] | None = None, spacing: int = 1) -> Path:
    """A data directory at `target` with the shipped actors, sources and places and `copies` of each shipped incident
    file (or only of those named in `stems`: the record grows, and a test sized for one size of data keeps it), copy
    n moved back n × `spacing` days."""
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("incidents"))
    (target / "incidents").mkdir()
    for source in sorted((DATA / "incidents").glob("*.yaml")):
        if stems is not None and source.stem not in stems:
            continue
        document = yaml.load(source.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        ids = _ids(document)
        for copy in range(copies):
            renames = {i: f"{i}-c{copy}" for i in ids} if copy else {}
            shifted = _shifted(document, renames, copy * spacing)
            text = yaml.dump(shifted, Dumper=yaml.CSafeDumper, allow_unicode=True)
            (target / "incidents" / f"{source.stem}-c{copy}.yaml").write_text(text, encoding="utf-8")
    return target
