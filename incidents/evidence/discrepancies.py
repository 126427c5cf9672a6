"""Which records each discrepancy concerns, looked up the other way round: record id -> its discrepancies."""

from __future__ import annotations

from incidents.model.dataset import Dataset


def discrepancies_by_record(dataset: Dataset) -> dict[str, list[str]]:
    """Record id -> ids of the discrepancies that concern it, in the data's order."""
    found: dict[str, list[str]] = {}
    for discrepancy in dataset.discrepancies.values():
        for record_id in discrepancy.concerns:
            found.setdefault(record_id, []).append(discrepancy.id)
    return found
