"""The sources table's syndication columns and the detail's chain (components/sources.py), on the evidence fixture."""

from __future__ import annotations

import pytest

from components.sources import carried_by, citations, citing_table, source_table
from incidents.load.pipeline import load_dataset
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(FIXTURES / "evidence")


@pytest.mark.parametrize(
    ("source_id", "republishes", "rewrites", "origin"),
    [
        ("ev-agency", "", "", "its own"),
        ("ev-reprint", "ev-agency", "", "ev-agency"),
        ("ev-rewrite", "", "ev-agency", "ev-agency"),
        ("ev-gazette", "", "", "its own"),
    ],
)
def test_syndication_columns(dataset, source_id: str, republishes: str, rewrites: str, origin: str) -> None:
    table = source_table(list(dataset.sources.values()), citations(dataset), dataset)
    row = table[table["Id"] == source_id].iloc[0]
    assert (row["Republishes"], row["Rewrites"], row["Text comes from"]) == (republishes, rewrites, origin)


def test_carried_by_is_the_reverse_of_the_chains(dataset) -> None:
    assert sorted(carried_by(dataset)["ev-agency"]) == ["ev-reprint", "ev-rewrite"]
    assert "ev-gazette" not in carried_by(dataset)


def test_citing_table_has_a_row_per_citing_statement(dataset) -> None:
    cited = citations(dataset)
    source_id, (statements, _) = next((k, v) for k, v in cited.items() if v[0])
    frame = citing_table(dataset, statements)
    assert list(frame["Id"]) == [s.id for s in statements]
    assert list(frame.columns) == ["When", "Speaker", "Statement", "Id"]
