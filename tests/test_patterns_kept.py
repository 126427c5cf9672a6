"""Each incident's accusations are kept across loads and worked out again only where an edit touched their inputs
(`incidents.evidence.patterns._Kept`): the result always equals a fresh computation."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

import incidents.evidence.patterns as patterns_module
from incidents.evidence.patterns import _accusations, accusations
from incidents.evidence.stances import dataset_exclusions
from incidents.load.incremental import Loader
from incidents.model.dataset import Dataset
from incidents.model.groups import Groups, groups
from incidents.synth import generate


def fresh(dataset: Dataset) -> list[patterns_module.Accusation]:
    found = _accusations(dataset, groups(dataset), dataset_exclusions(dataset), set(dataset.incidents))
    return sorted(found, key=lambda a: (a.incident_date, a.incident, a.accused, a.proposition))


@pytest.fixture
def worked_out(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """The incidents each call works out (not taken from what is kept)."""
    calls: list[set[str]] = []

    def recording(
        dataset: Dataset, grouped: Groups, rivals: Mapping[str, set[str]], wanted: set[str]
    ) -> list[patterns_module.Accusation]:
        calls.append(set(wanted))
        return _accusations(dataset, grouped, rivals, wanted)

    monkeypatch.setattr(patterns_module, "_KEPT", patterns_module._Kept())
    monkeypatch.setattr(patterns_module, "_accusations", recording)
    return calls


# (what the edit replaces in the last incident's file, whether the accusations change)
EDITS = [
    ("text: 'Fictional proposition 0:", "text: 'Edited fictional proposition 0:", True),
    ("title: Fictional incident", "title: Edited fictional incident", False),
]


@pytest.mark.parametrize(("old", "new", "changes"), EDITS)
def test_an_edit_works_out_only_its_incident_again(
    tmp_path: Path, worked_out: list[set[str]], old: str, new: str, changes: bool
) -> None:
    generate(tmp_path / "data", 8, seed=3)
    loader = Loader(tmp_path / "data", cache=None, snapshots=False)
    before = loader.load()
    first = accusations(before)
    assert first == fresh(before) and first, "the synthetic data must have accusations"
    assert worked_out == [set(before.incidents)]
    assert accusations(before) == first and worked_out[-1] == set(), "an unchanged dataset is taken from the kept"

    path = sorted((tmp_path / "data" / "incidents").glob("*.yaml"))[-1]
    body = path.read_text()
    assert old in body
    path.write_text(body.replace(old, new, 1))
    after = loader.load()
    edited = {i for i in after.incidents if path.stem.startswith(i.split("-")[0])}
    second = accusations(after)
    assert second == fresh(after)
    assert (second != first) == changes
    assert worked_out[-1] == edited, "only the edited file's incident is worked out again"


def test_other_actors_work_everything_out_again(tmp_path: Path, worked_out: list[set[str]]) -> None:
    generate(tmp_path / "data", 4, seed=3)
    loader = Loader(tmp_path / "data", cache=None, snapshots=False)
    dataset = loader.load()
    accusations(dataset)
    actors = tmp_path / "data" / "actors.yaml"
    actors.write_text(actors.read_text() + "\n")  # the same actors, read again: equal, so nothing is redone
    accusations(loader.load())
    assert worked_out[-1] == set()
    changed = actors.read_text().replace("name:", "name: Renamed", 1)
    actors.write_text(changed)
    renamed = loader.load()
    assert accusations(renamed) == fresh(renamed)
    assert worked_out[-1] == set(renamed.incidents)
