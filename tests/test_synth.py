"""The synthetic data directory: deterministic, valid with 0 errors, and never written into the repository's data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from incidents.cli import main
from incidents.load.pipeline import load_dataset
from incidents.synth import REPO_DATA, RefusedDirectory, generate

TODAY = dt.date(2026, 12, 1)


def _tree(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    generate(tmp_path / "a", 5, seed=7)
    generate(tmp_path / "b", 5, seed=7)
    generate(tmp_path / "c", 5, seed=8)
    first = _tree(tmp_path / "a")
    assert first == _tree(tmp_path / "b")
    assert first != _tree(tmp_path / "c")
    assert set(first) >= {"actors.yaml", "places.yaml", "sources.yaml", "README.md"}
    assert len([name for name in first if name.startswith("incidents/")]) == 5


@pytest.mark.parametrize("incidents", [5, 50])
def test_valid_with_no_errors_and_the_expected_counts(tmp_path: Path, incidents: int) -> None:
    generate(tmp_path, incidents, seed=1)
    dataset = load_dataset(tmp_path, today=TODAY)
    assert [str(p) for p in dataset.errors] == []
    assert len(dataset.incidents) == incidents
    assert len(dataset.places) == 500
    assert 90 <= len(dataset.actors) <= 130
    assert len(dataset.statements) == 25 * incidents
    assert any(actor.parent and dataset.actors[actor.parent].parent for actor in dataset.actors.values())
    assert any(source.republishes for source in dataset.sources.values())
    assert any(source.rewrites for source in dataset.sources.values())
    assert any(place.status and place.status_changes for place in dataset.places.values())
    years = {incident.when.first_day.year for incident in dataset.incidents.values()}
    assert len(years) >= (4 if incidents >= 50 else 2)


def test_rerun_over_its_own_output_replaces_it(tmp_path: Path) -> None:
    generate(tmp_path, 5, seed=3)
    generate(tmp_path, 2, seed=3)
    assert len(list((tmp_path / "incidents").glob("*.yaml"))) == 2


@pytest.mark.parametrize("where", ["data", "data/incidents", "data/../data", "."])
def test_refuses_the_repository_data_directory(where: str) -> None:
    before = _tree(REPO_DATA)
    target = REPO_DATA.parent / where
    with pytest.raises(RefusedDirectory):
        generate(target, 1)
    assert _tree(REPO_DATA) == before


def test_refuses_a_folder_with_other_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(RefusedDirectory):
        generate(tmp_path, 1)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_command_refuses_data_with_a_message_and_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["synth", "--incidents", "1", "--out", str(REPO_DATA)]) == 2
    assert "refusing" in capsys.readouterr().err


def test_command_writes_and_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["synth", "--incidents", "2", "--out", str(tmp_path / "out"), "--seed", "4"]) == 0
    assert "2 incidents (seed 4)" in capsys.readouterr().out
    assert "fictional" in (tmp_path / "out" / "README.md").read_text()
