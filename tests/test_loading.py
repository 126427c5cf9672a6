"""Loader and validator: every error class is reported with its location, and valid records survive."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from incidents.loading import fingerprint, load_dataset
from tests.conftest import DATA, FIXTURES, ROOT

VALID = FIXTURES / "validation" / "valid"
BROKEN = FIXTURES / "validation" / "broken"
TODAY = dt.date(2026, 11, 24)


def overlay(case: str, tmp_path: Path) -> Path:
    """The valid fixture with the files of one broken case laid over it."""
    target = tmp_path / case
    shutil.copytree(VALID, target)
    shutil.copytree(BROKEN / case, target, dirs_exist_ok=True)
    return target


def test_valid_fixture_is_clean() -> None:
    dataset = load_dataset(VALID, today=TODAY)
    assert dataset.errors == []
    assert set(dataset.statements) == {"st-claim", "st-denial"}
    # Records inherit the file's incident.
    assert dataset.events["ev-impact"].incident == "fixture-incident"
    assert dataset.statements["st-claim"].incidents == ["fixture-incident"]
    assert len(dataset.version) == 8


# code -> (file the problem is in, line, column) as a curator would look for it
EXPECTED = {
    "YAML_SYNTAX": ("incidents/zz-case.yaml", 4, 1),
    "DUPLICATE_KEY": ("incidents/zz-case.yaml", 4, 3),
    "SCHEMA": ("incidents/zz-case.yaml", 15, 11),
    "DUPLICATE_ID": ("incidents/zz-case.yaml", 2, 7),
    "BAD_URL": ("sources.yaml", 12, 10),
    "COORD_RANGE": ("places.yaml", 5, 10),
    "END_BEFORE_START": ("incidents/zz-case.yaml", 5, 9),
    "FUTURE_DATE": ("incidents/zz-case.yaml", 5, 17),
}


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_each_error_class_is_located(code: str, tmp_path: Path) -> None:
    data_dir = overlay(code, tmp_path)
    dataset = load_dataset(data_dir, today=TODAY)
    matching = [p for p in dataset.errors if p.code == code]
    assert matching, [str(p) for p in dataset.problems]
    path, line, col = EXPECTED[code]
    problem = matching[0]
    assert problem.path.endswith(path)
    assert (problem.line, problem.col) == (line, col), str(problem)
    assert str(problem).startswith(f"{problem.path}:{line}:{col}: {code} ")
    # The rest of the data still loads.
    assert "land-a" in dataset.actors


def test_unknown_references_of_every_kind_are_reported_together(tmp_path: Path) -> None:
    dataset = load_dataset(overlay("UNKNOWN_REF", tmp_path), today=TODAY)
    messages = [p.message for p in dataset.errors if p.code == "UNKNOWN_REF"]
    for fragment in (
        "unknown place 'atlantis'",
        "unknown actor 'nobody'",
        "unknown source 'no-such-source'",
        "unknown statement 'st-missing'",
        "unknown proposition 'p-missing'",
    ):
        assert any(fragment in m for m in messages), (fragment, messages)
    # Records with broken references are left out; the valid ones stay.
    assert "st-ghost" not in dataset.statements and "ev-nowhere" not in dataset.events
    assert "st-claim" in dataset.statements and "ref-incident" in dataset.incidents


def test_all_problems_in_one_run(tmp_path: Path) -> None:
    data_dir = overlay("UNKNOWN_REF", tmp_path)
    shutil.copytree(BROKEN / "COORD_RANGE", data_dir, dirs_exist_ok=True)
    shutil.copy(BROKEN / "FUTURE_DATE" / "incidents" / "zz-case.yaml", data_dir / "incidents" / "future.yaml")
    codes = {p.code for p in load_dataset(data_dir, today=TODAY).errors}
    assert {"UNKNOWN_REF", "COORD_RANGE", "FUTURE_DATE"} <= codes


def test_duplicate_key_names_both_lines(tmp_path: Path) -> None:
    dataset = load_dataset(overlay("DUPLICATE_KEY", tmp_path), today=TODAY)
    (problem,) = [p for p in dataset.errors if p.code == "DUPLICATE_KEY"]
    assert "'title'" in problem.message and "line 3" in problem.message


def test_invalid_reference_cascades_with_a_reason(write_data) -> None:
    data_dir = write_data(
        actors=(VALID / "actors.yaml").read_text(),
        sources=(VALID / "sources.yaml").read_text().replace("reliability: C", "reliability: Z"),
        places=(VALID / "places.yaml").read_text(),
        incidents={"fixture-incident.yaml": (VALID / "incidents" / "fixture-incident.yaml").read_text()},
    )
    dataset = load_dataset(data_dir, today=TODAY)
    assert "doc-2" not in dataset.sources
    assert "st-denial" not in dataset.statements  # it came via doc-2
    assert any(p.code == "SCHEMA" and "reliability" in p.message for p in dataset.errors)
    assert any(p.code == "INVALID_REF" and "'doc-2' has errors" in p.message for p in dataset.errors)


def test_records_pointing_at_a_left_out_record_go_too(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(VALID, data_dir)
    (data_dir / "actors.yaml").write_text(
        (data_dir / "actors.yaml").read_text().replace("parent: land-a", "parent: land-a\n    colour: red")
    )
    dataset = load_dataset(data_dir, today=TODAY)
    assert "land-a-mod" not in dataset.actors and "st-claim" not in dataset.statements
    assert "st-denial" not in dataset.statements  # it responds to st-claim
    invalid = [p for p in dataset.errors if p.code == "INVALID_REF"]
    assert any("'land-a-mod' has errors" in p.message for p in invalid)
    assert "land-b" in dataset.actors and "fixture-incident" in dataset.incidents


def test_warnings_do_not_fail_but_strict_does(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(VALID, data_dir)
    text = (data_dir / "sources.yaml").read_text().replace("    reliability: C\n", "")
    (data_dir / "sources.yaml").write_text(text)
    dataset = load_dataset(data_dir, today=TODAY)
    codes = {p.code for p in dataset.warnings}
    assert {"UNGRADED_SOURCE", "SINGLE_SOURCE"} <= codes
    assert dataset.errors == []
    run = [sys.executable, "-m", "incidents", "validate", str(data_dir)]
    assert subprocess.run(run, cwd=ROOT, capture_output=True).returncode == 0
    assert subprocess.run([*run, "--strict"], cwd=ROOT, capture_output=True).returncode == 1


def test_orphan_proposition_warns(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(VALID, data_dir)
    incident = data_dir / "incidents" / "fixture-incident.yaml"
    incident.write_text(incident.read_text() + "  - id: p-nobody\n    text: Nobody speaks to this\n")
    codes = [p.code for p in load_dataset(data_dir, today=TODAY).warnings]
    assert "ORPHAN_PROPOSITION" in codes


def test_cli_prints_located_lines_and_exit_codes(tmp_path: Path) -> None:
    broken = overlay("SCHEMA", tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "incidents", "validate", str(broken)], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert any(":15:11: SCHEMA " in line for line in result.stdout.splitlines()), result.stdout
    clean = subprocess.run([sys.executable, "-m", "incidents", "validate", str(VALID)], cwd=ROOT, capture_output=True)
    assert clean.returncode == 0


def test_shipped_data_validates() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "incidents", "validate", str(DATA)], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout
    dataset = load_dataset(DATA)
    assert dataset.incidents and dataset.statements and dataset.events


def test_loader_never_constructs_python_objects(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(VALID, data_dir)
    (data_dir / "actors.yaml").write_text("actors: !!python/object/apply:os.system ['echo pwned']\n")
    dataset = load_dataset(data_dir, today=TODAY)
    assert any(p.code == "YAML_SYNTAX" and p.path.endswith("actors.yaml") for p in dataset.errors)
    assert dataset.actors == {}


def test_non_utf8_and_empty_files_are_reported(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(VALID, data_dir)
    (data_dir / "places.yaml").write_bytes(b"places: \xff\xfe\n")
    (data_dir / "incidents" / "empty.yaml").write_text("")
    codes = {(Path(p.path).name, p.code) for p in load_dataset(data_dir, today=TODAY).errors}
    assert ("places.yaml", "FILE_READ") in codes and ("empty.yaml", "SCHEMA") in codes


def test_fingerprint_changes_when_a_file_changes(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(VALID, data_dir)
    before = fingerprint(data_dir)
    (data_dir / "actors.yaml").write_text((data_dir / "actors.yaml").read_text() + "\n# edited\n")
    assert fingerprint(data_dir) != before


def test_c_loader_is_available() -> None:
    assert hasattr(yaml, "CSafeLoader")
