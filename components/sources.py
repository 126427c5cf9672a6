"""Which records cite which source."""

from __future__ import annotations

import pandas as pd

from incidents.dataset import Dataset
from incidents.models import Source, Statement
from incidents.records import chronological
from incidents.review import marked
from incidents.vocabulary import reliability_grade


def citations(dataset: Dataset) -> dict[str, tuple[list[Statement], list[str]]]:
    """source id -> (statements whose chain runs through it, ids of other records that cite it)."""
    found: dict[str, tuple[list[Statement], list[str]]] = {}
    for statement in sorted(dataset.statements.values(), key=chronological):
        for source_id in dict.fromkeys(statement.via):
            found.setdefault(source_id, ([], []))[0].append(statement)
    for name in ("actors", "places", "incidents", "events", "discrepancies"):
        for record in dataset.collection(name).values():
            ids = list(getattr(record, "sources", []))
            if name == "places":
                ids += record.status_source
            for source_id in dict.fromkeys(ids):
                found.setdefault(source_id, ([], []))[1].append(record.id)
    return found


def source_table(sources: list[Source], cited: dict[str, tuple[list[Statement], list[str]]]) -> pd.DataFrame:
    """One row per source: grade, who published it, and how much rests on it."""
    rows = []
    for source in sources:
        statements, others = cited.get(source.id, ([], []))
        rows.append(
            {
                "Grade": reliability_grade(source.reliability),
                "Title": marked(source, source.title),
                "Publisher": source.publisher or "not named",
                "Kind": source.kind + (" (second-hand)" if source.second_hand else ""),
                "Published": source.published.isoformat() if source.published else "",
                "Statements": len(statements),
                "Other records": len(others),
                "Id": source.id,
            }
        )
    return pd.DataFrame(rows)
