"""Which records cite which source."""

from __future__ import annotations

from incidents.loading import Dataset
from incidents.models import Statement


def citations(dataset: Dataset) -> dict[str, tuple[list[Statement], list[str]]]:
    """source id -> (statements whose chain runs through it, ids of other records that cite it)."""
    found: dict[str, tuple[list[Statement], list[str]]] = {}
    for statement in sorted(dataset.statements.values(), key=lambda s: (s.when.start_dt, s.id)):
        for source_id in dict.fromkeys(statement.via):
            found.setdefault(source_id, ([], []))[0].append(statement)
    for name in ("actors", "places", "incidents", "events", "discrepancies"):
        for record in dataset.collection(name).values():
            ids = list(getattr(record, "sources", []))
            if name == "places":
                ids += record.status_source
            if name == "incidents":
                ids += [s for c in record.casualties for s in c.sources]
            for source_id in dict.fromkeys(ids):
                found.setdefault(source_id, ([], []))[1].append(record.id)
    return found
