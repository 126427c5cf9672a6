"""The per-incident groups (incidents/model/groups.py) and what reads them: each group is what a scan of every record
gives, in file order; once they are made, comparing an incident, making its index row or the front page's brief
scans no whole collection again (that scan per incident made the front page take minutes at 1,000 incidents)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from incidents.evidence.comparison import Comparison, compare
from incidents.evidence.stances import dataset_exclusions
from incidents.load.filecache import FileCache
from incidents.load.incremental import Loader
from incidents.load.pipeline import load_dataset
from incidents.model import groups as groups_module
from incidents.model.dataset import Dataset
from incidents.model.groups import groups
from incidents.synth import generate
from incidents.views.incidents_index import Heading, IndexRow, headings, index_rows, kept_index_row
from incidents.views.overview import brief
from tests.conftest import FIXTURES, ROOT

TODAY = dt.date(2026, 12, 24)  # after the fixtures' retrieval dates


@pytest.fixture(scope="module", params=["shipped", "monitor", "synthetic"])
def dataset(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    if request.param == "shipped":
        folder = ROOT / "data"
    elif request.param == "monitor":
        folder = FIXTURES / "monitor"
    else:
        folder = tmp_path_factory.mktemp("synthetic")
        generate(folder, 12, seed=3)
    loaded = load_dataset(Path(folder))
    assert not loaded.errors, loaded.errors[:3]
    return loaded


def test_each_group_is_what_a_scan_gives_in_file_order(dataset: Dataset) -> None:
    grouped = groups(dataset)
    assert dataset.incidents, "the dataset has no incident to group"
    for incident_id in dataset.incidents:
        assert list(grouped.statements.get(incident_id, ())) == [
            s for s in dataset.statements.values() if incident_id in s.incidents
        ]
        assert list(grouped.events.get(incident_id, ())) == [
            e for e in dataset.events.values() if e.incident == incident_id
        ]
        assert list(grouped.propositions.get(incident_id, ())) == [
            p for p in dataset.propositions.values() if p.incident == incident_id
        ]
        assert list(grouped.discrepancies.get(incident_id, ())) == [
            d for d in dataset.discrepancies.values() if d.incident == incident_id
        ]
    for proposition_id in dataset.propositions:
        assert list(grouped.stances.get(proposition_id, ())) == [
            s for s in dataset.statements.values() if any(st.proposition == proposition_id for st in s.stances)
        ]
    assert list(grouped.file_order) == list(dataset.statements)
    assert groups(dataset) is grouped  # made once, kept with the dataset


COPIED = (
    "actors", "sources", "places", "incidents", "events", "statements", "propositions", "discrepancies", "problems",
    "version",
)


class _NoScans(dict[str, Any]):
    """A collection that may be looked up by id but never walked whole."""

    def values(self) -> Any:
        raise AssertionError("a whole collection was scanned")

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("a whole collection was walked")

    def items(self) -> Any:
        raise AssertionError("a whole collection was walked")


def _copy(dataset: Dataset) -> Dataset:
    """The same records in a new dataset, with nothing derived yet."""
    return Dataset(**{name: getattr(dataset, name) for name in COPIED})


def _unscannable(dataset: Dataset) -> Dataset:
    """The same dataset, its groups and exclusions made, whose statements, events, propositions and discrepancies
    raise when walked whole."""
    twin = _copy(dataset)
    groups(twin)  # made while the collections can still be walked
    dataset_exclusions(twin)
    for name in ("statements", "events", "propositions", "discrepancies"):
        setattr(twin, name, _NoScans(getattr(twin, name)))
    return twin


def test_comparing_one_incident_walks_no_whole_collection(dataset: Dataset) -> None:
    twin = _unscannable(dataset)
    for incident_id in dataset.incidents:
        made = compare(twin, incident_id)
        expected = compare(dataset, incident_id)
        assert isinstance(made, Comparison) and isinstance(expected, Comparison)
        assert made.rows == expected.rows
        assert made.statements == expected.statements
        assert list(made.statements) == list(expected.statements)  # the same order, too
        assert made.sources == expected.sources and made.other_statements == expected.other_statements
        assert kept_index_row(twin, incident_id) == kept_index_row(dataset, incident_id)


def test_headings_are_the_index_rows_first_fields_in_the_same_order(dataset: Dataset) -> None:
    rows = index_rows(dataset)
    heads = headings(dataset)
    assert [(h.id, h.title, h.date, h.start, h.year, h.kind) for h in heads] == [
        (r.id, r.title, r.date, r.start, r.year, r.kind) for r in rows
    ]
    # Every field of a heading, whatever fields it grows: a row starts with its incident's heading, as it is.
    names = [f.name for f in dataclasses.fields(Heading)]
    assert [f.name for f in dataclasses.fields(IndexRow)][: len(names)] == names
    assert [Heading(**{name: getattr(r, name) for name in names}) for r in rows] == heads


def test_the_brief_compares_only_the_incident_it_leads_with(dataset: Dataset) -> None:
    fresh = _copy(dataset)
    lead = brief(fresh)
    assert lead is not None
    kept_rows = [key for key in fresh.derived if isinstance(key, tuple) and key[0] == "index-row"]
    assert kept_rows == [("index-row", lead.row.id)]
    assert lead.row == next(r for r in index_rows(dataset) if r.id == lead.row.id)


def _edited(name: str, old: str, new: str | None) -> Callable[[Path], None]:
    """An edit of one fixture file: `old` replaced by `new`, or the file deleted when `new` is None."""
    def edit(data_dir: Path) -> None:
        path = data_dir / "incidents" / name
        if new is None:
            path.unlink()
            return
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new, 1))
    return edit


REGROUP_EDITS = [
    ("nothing", _edited("mx-drone-2019.yaml", "", "")),
    ("a statement's words", _edited("mx-drone-2019.yaml", "    incidents: [mx-drone-2019]\n",
                                    "    incidents: [mx-drone-2019]\n    note: Reworded.\n")),
    ("a statement names a second incident", _edited("mx-drone-2019.yaml", "    incidents: [mx-drone-2019]",
                                                    "    incidents: [mx-drone-2019, mx-drills-2021]")),
    ("a stance on another proposition", _edited("mx-drone-2019.yaml", "{proposition: mx19-bor-drones, stance: denies}",
                                                "{proposition: mx19-troops, stance: denies}")),
    ("an incident file deleted", _edited("mx-drills-2021.yaml", "", None)),
]


@pytest.mark.parametrize(("label", "edit"), REGROUP_EDITS, ids=[e[0] for e in REGROUP_EDITS])
def test_after_an_edit_the_groups_are_made_from_the_last_and_equal_grouping_all(
    label: str, edit: Callable[[Path], None], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(FIXTURES / "monitor", data_dir)
    monkeypatch.setenv("INCIDENTS_PARSE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(groups_module, "REGROUP_MAX_SHARE", 1.0)  # the fixture's files each hold a large share
    loader = Loader(data_dir, FileCache())
    loader.background = False
    groups(loader.load(TODAY))
    edit(data_dir)
    after = loader.load(TODAY)
    everything = groups_module._group_statements
    grouped_all: list[int] = []
    monkeypatch.setattr(groups_module, "_group_statements",
                        lambda found: grouped_all.append(1) or everything(found))  # type: ignore[func-returns-value]
    grouped = groups(after)
    assert grouped_all == []  # made from the last groups, not by grouping every statement
    by_incident, by_proposition = everything(after.statements.values())
    for made, want in ((grouped.statements, by_incident), (grouped.stances, by_proposition)):
        assert made.keys() == want.keys()
        for key, members in want.items():
            assert [s.id for s in made[key]] == [s.id for s in members], key  # file order
            assert all(a is b for a, b in zip(made[key], members, strict=True)), key  # this dataset's objects
    assert grouped.file_order == {i: n for n, i in enumerate(after.statements)}
