"""Which records cite which source."""

from __future__ import annotations

import pandas as pd

from incidents.dataset import Dataset
from incidents.models import Source, Statement
from incidents.provenance import syndication
from incidents.records import chronological
from incidents.review import marked
from incidents.vocabulary import reliability_grade


def citations(dataset: Dataset) -> dict[str, tuple[list[Statement], list[str]]]:
    """source id -> (statements whose chain runs through it, ids of other records that cite it)."""
    found: dict[str, tuple[list[Statement], list[str]]] = {}
    for statement in sorted(dataset.statements.values(), key=chronological):
        for source_id in dict.fromkeys([*statement.via, *statement.carried_by]):
            found.setdefault(source_id, ([], []))[0].append(statement)
    for name in ("actors", "places", "incidents", "events", "discrepancies"):
        for record in dataset.collection(name).values():
            ids = list(getattr(record, "sources", []))
            if name == "places":
                ids += [*record.status_source, *(s for change in record.status_changes for s in change.sources)]
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


def _names(dataset: Dataset, ids: tuple[str, ...]) -> str:
    return "; ".join(sorted({dataset.sources[i].publisher or dataset.sources[i].title for i in ids}))


def syndication_table(dataset: Dataset) -> pd.DataFrame:
    """One row per origin that others carry: who carries it as is, who rewrites it, and how many pages that makes."""
    rows = []
    for group in syndication(dataset):
        origin = dataset.sources[group.origin]
        rows.append(
            {
                "Origin": origin.publisher or origin.title,
                "Grade": reliability_grade(origin.reliability),
                "Pages": group.size,
                "Carried as is by": _names(dataset, group.carriers),
                "Rewritten by": _names(dataset, group.rewriters),
                "Origin id": origin.id,
            }
        )
    return pd.DataFrame(rows, columns=["Origin", "Grade", "Pages", "Carried as is by", "Rewritten by", "Origin id"])
