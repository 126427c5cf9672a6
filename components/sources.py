"""Which records cite which source, and where each source's text comes from (its syndication)."""

from __future__ import annotations

import pandas as pd

from incidents.load.review import marked
from incidents.model.dataset import Dataset
from incidents.model.provenance import origins, syndication
from incidents.model.queries import chronological, speaker_name
from incidents.model.records import Source, Statement
from incidents.model.vocabulary import reliability_grade


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


def carried_by(dataset: Dataset) -> dict[str, list[str]]:
    """source id -> the sources that republish or rewrite it (the reverse of `republishes`/`rewrites`)."""
    found: dict[str, list[str]] = {}
    for source in dataset.sources.values():
        for parent in dict.fromkeys([*source.republishes, *source.rewrites]):
            found.setdefault(parent, []).append(source.id)
    return found


def origin_text(dataset: Dataset, source: Source) -> str:
    """'its own' when the source is an origin, else the ids its text comes from at the end of its chains."""
    found = sorted(origins(dataset, source.id))
    return "its own" if found == [source.id] else ", ".join(found)


def source_table(
    sources: list[Source], cited: dict[str, tuple[list[Statement], list[str]]], dataset: Dataset | None = None
) -> pd.DataFrame:
    """One row per source: grade, who published it, how much rests on it and, with `dataset`, its syndication
    (what it republishes or rewrites, and where its text comes from)."""
    rows = []
    for source in sources:
        statements, others = cited.get(source.id, ([], []))
        row = {
            "Grade": reliability_grade(source.reliability),
            "Title": marked(source, source.title),
            "Publisher": source.publisher or "not named",
            "Kind": source.kind + (" (second-hand)" if source.second_hand else ""),
            "Published": source.published.isoformat() if source.published else "",
            "Statements": len(statements),
            "Other records": len(others),
            "Id": source.id,
        }
        if dataset is not None:
            row["Republishes"] = ", ".join(source.republishes)
            row["Rewrites"] = ", ".join(source.rewrites)
            row["Text comes from"] = origin_text(dataset, source)
        rows.append(row)
    return pd.DataFrame(rows)


def citing_table(dataset: Dataset, statements: list[Statement]) -> pd.DataFrame:
    """The statements that cite a source, one row each, in time order (paged on the page)."""
    return pd.DataFrame(
        {
            "When": [s.when.label() for s in statements],
            "Speaker": [speaker_name(dataset, s) for s in statements],
            "Statement": [marked(s, s.paraphrase) for s in statements],
            "Id": [s.id for s in statements],
        },
        columns=["When", "Speaker", "Statement", "Id"],
    )


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
