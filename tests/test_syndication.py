"""Who carries whom: origins, their carriers and rewriters, counted from the sources' republishes and rewrites."""

from __future__ import annotations

import pytest

from components.sources import syndication_table
from incidents.model.dataset import Dataset
from incidents.model.provenance import OriginGroup, syndication
from incidents.model.records import Source


def dataset_of(links: dict[str, tuple[list[str], list[str]]]) -> Dataset:
    dataset = Dataset()
    for source_id, (republishes, rewrites) in links.items():
        dataset.sources[source_id] = Source(
            id=source_id, title=f"Title {source_id}", publisher=f"Outlet {source_id}",
            republishes=republishes, rewrites=rewrites,
        )
    return dataset


@pytest.mark.parametrize(
    ("links", "groups"),
    [
        ({"a": ([], []), "b": ([], [])}, []),  # nobody carries anybody
        (
            {"agency": ([], []), "p1": (["agency"], []), "p2": (["agency"], []), "p3": ([], ["agency"])},
            [OriginGroup("agency", ("p1", "p2"), ("p3",))],
        ),
        (  # a relay of a relay counts under the first origin; a page citing two agencies is under both
            {"ag1": ([], []), "ag2": ([], []), "relay": (["ag1"], []), "p": (["relay", "ag2"], [])},
            [OriginGroup("ag1", ("p", "relay"), ()), OriginGroup("ag2", ("p",), ())],
        ),
        ({"x": (["y"], []), "y": (["x"], [])}, []),  # a cycle has no origin outside it
    ],
)
def test_syndication_groups(links: dict[str, tuple[list[str], list[str]]], groups: list[OriginGroup]) -> None:
    assert syndication(dataset_of(links)) == groups


def test_table_names_the_carriers_by_outlet() -> None:
    dataset = dataset_of({"ap": ([], []), "f": ([], ["ap"]), "b": (["ap"], []), "c": (["ap"], [])})
    table = syndication_table(dataset)
    assert table.to_dict("records") == [
        {
            "Origin": "Outlet ap", "Grade": "ungraded", "Pages": 3, "Carried as is by": "Outlet b; Outlet c",
            "Rewritten by": "Outlet f", "Origin id": "ap",
        }
    ]
