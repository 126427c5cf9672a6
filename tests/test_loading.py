"""Loader and validator: every error class is reported with its location, and valid records survive."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from incidents.load.parse import all_files, fingerprint, fingerprint_digest
from incidents.load.pipeline import load_dataset
from incidents.model import codes
from incidents.model.codes import CODES
from incidents.model.dataset import COLLECTION_ORDER, Dataset
from incidents.model.records import ANY_RECORD
from incidents.model.registry import BY_KEY, COLLECTIONS, FILE_KINDS, REFERENCES, file_collections
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
    problem = next((p for p in matching if p.path.endswith(path)), matching[0])
    assert problem.path.endswith(path)
    assert (problem.line, problem.col) == (line, col), str(problem)
    assert str(problem).startswith(f"{problem.path}:{line}:{col}: {code} ")
    # The rest of the data still loads.
    assert "land-a" in dataset.actors


def test_an_id_collision_is_reported_at_both_places_with_a_prefix(tmp_path: Path) -> None:
    dataset = load_dataset(overlay("DUPLICATE_ID", tmp_path), today=TODAY)
    collisions = [p for p in dataset.errors if p.code == "DUPLICATE_ID"]
    assert len(collisions) == 2, [str(p) for p in collisions]
    first, second = sorted(collisions, key=lambda p: p.path)
    assert first.path != second.path
    # Each names the other place, and both suggest the same prefixed id.
    assert f"{Path(second.path).name}:" in first.message and f"{Path(first.path).name}:" in second.message
    assert "prefix one, e.g. 'zz-case-" in second.message


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
    before, digest = fingerprint(data_dir), fingerprint_digest(data_dir)
    assert fingerprint_digest(data_dir) == digest  # the same files, the same key
    (data_dir / "actors.yaml").write_text((data_dir / "actors.yaml").read_text() + "\n# edited\n")
    assert fingerprint(data_dir) != before
    assert fingerprint_digest(data_dir) != digest  # the app's cache key (app.py's load) follows the edit


def test_fingerprint_changes_when_a_file_is_written_back_with_its_old_size_and_time(tmp_path: Path) -> None:
    """The cache key must follow an edit that keeps the file's size and has its modification time put back."""
    data_dir = tmp_path / "data"
    shutil.copytree(VALID, data_dir)
    actors = data_dir / "actors.yaml"
    text = actors.read_text()
    status = actors.stat()
    before = fingerprint_digest(data_dir)
    changed = text.replace("a", "b", 1)
    assert changed != text and len(changed.encode()) == len(text.encode())
    time.sleep(0.01)  # a change time later than the first, on file systems with a coarse clock
    actors.write_text(changed)
    os.utime(actors, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert (actors.stat().st_size, actors.stat().st_mtime_ns) == (status.st_size, status.st_mtime_ns)
    assert fingerprint_digest(data_dir) != before


def test_fingerprint_covers_the_files_all_files_lists(tmp_path: Path) -> None:
    """The same files as `all_files` (strays, nested folders, a link to a folder, not the documentation), each once."""
    data_dir = tmp_path / "data"
    shutil.copytree(VALID, data_dir)
    (data_dir / "incidents" / "deep" / "deeper").mkdir(parents=True)
    (data_dir / "incidents" / "deep" / "deeper" / "stray.yaml").write_text("x: 1\n")
    (data_dir / "README.md").write_text("not a record\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (data_dir / "linked").symlink_to(elsewhere, target_is_directory=True)
    (data_dir / "broken.yaml").symlink_to(tmp_path / "missing.yaml")
    listed = {str(path) for path in all_files(data_dir) if path.exists()}
    keyed = [name for name, *_status in fingerprint(data_dir)]
    assert sorted(keyed) == sorted(listed) and len(keyed) == len(set(keyed))
    assert str(data_dir / "incidents" / "deep" / "deeper" / "stray.yaml") in keyed
    assert str(data_dir / "linked") in keyed and str(data_dir / "README.md") not in keyed


def test_c_loader_is_available() -> None:
    assert hasattr(yaml, "CSafeLoader")


# --- the problem codes and the collection registry ----------------------------------------------------------------

# The reference table written out by hand (it was hand-written before the registry derived it from the models'
# `Ref` marks; the evidence model added source derivations, carriers, quotes' sources, exclusions and answers,
# the parties a proposition accuses, and the sources and discrepancies that settle a discrepancy).
FORMER_REFERENCES = {
    "actors": (("parent", "actors"), ("sources", "sources")),
    "sources": (
        ("republishes", "sources"),
        ("rewrites", "sources"),
        ("affiliation.party", "actors"),  # issue 22
        ("affiliation.references", "sources"),
    ),
    "places": (
        ("within", "places"),
        ("sources", "sources"),
        ("status_source", "sources"),
        ("status_changes.*.sources", "sources"),
    ),
    "incident": (
        ("places.*.place", "places"),
        ("sources", "sources"),
    ),
    "events": (
        ("place", "places"),
        ("actors", "actors"),
        ("reported_in", "statements"),
        ("sources", "sources"),
        ("incident", "incident"),
    ),
    "statements": (
        ("speaker", "actors"),
        ("quotes.*.source", "sources"),
        ("via", "sources"),
        ("carried_by", "sources"),
        ("responds_to", "statements"),
        ("restates", "statements"),  # issue 22
        ("restates_speaker", "actors"),
        ("stances.*.proposition", "propositions"),
        ("incidents", "incident"),
    ),
    "propositions": (
        ("excludes", "propositions"),
        ("answers", "propositions"),
        ("against", "actors"),
        ("incident", "incident"),
    ),
    "discrepancies": (
        ("concerns", "*"),
        ("sources", "sources"),
        ("resolved_by", "sources"),
        ("superseded_by", "discrepancies"),
        ("incident", "incident"),
    ),
}
FORMER_FILE_COLLECTIONS = {
    "actors": ("actors",),
    "sources": ("sources",),
    "places": ("places",),
    "incident": ("incident", "events", "statements", "propositions", "discrepancies"),
}


def test_derived_references_equal_the_former_table() -> None:
    # Compared as sets: the derived table follows field order (Place lists status_source before sources).
    assert {key: set(refs) for key, refs in REFERENCES.items()} == {
        key: set(refs) for key, refs in FORMER_REFERENCES.items()
    }
    targets = {target for refs in REFERENCES.values() for _path, target in refs}
    assert targets <= {*BY_KEY, ANY_RECORD}


def test_registry_collections_follow_the_file_models() -> None:
    assert {kind: tuple(c.key for c in file_collections(kind)) for kind in FILE_KINDS} == FORMER_FILE_COLLECTIONS
    assert COLLECTION_ORDER == tuple(key for keys in FORMER_FILE_COLLECTIONS.values() for key in keys)
    # The dataset has one typed attribute per collection, named as in the registry, in the same order.
    report = ("problems", "version", "digest", "files", "origins", "spans", "derived")
    attributes = [f.name for f in dataclasses.fields(Dataset) if f.name not in report]
    assert attributes == [c.name for c in COLLECTIONS]
    assert BY_KEY["incident"].name == "incidents" and BY_KEY["discrepancies"].singular == "discrepancy"


def test_validate_prints_counts_of_every_collection() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "incidents", "validate", str(VALID)], cwd=ROOT, capture_output=True, text=True
    )
    summary = result.stderr.strip().splitlines()[-1]
    assert summary.startswith("0 error(s), 1 warning(s); valid records: 3 actors, 2 sources, 1 places, 1 incident,")
    assert summary.endswith("2 statements, 1 propositions, 0 discrepancies")


ISSUE_CODES = {
    "BAD_VALUE": "error",  # issue 23: values no program can hold, over-long texts, totals, unreadable versions
    "TEXT_TOO_LONG": "error",
    "TOTAL_TOO_LARGE": "error",
    "TOO_MANY_RECORDS": "error",
    "VERSION_SKIPPED": "warning",
    "YAML_SYNTAX": "error",
    "DUPLICATE_KEY": "error",
    "SCHEMA": "error",
    "DUPLICATE_ID": "error",
    "STANCE_VALUE": "error",
    "FIGURE_VALUE": "error",
    "UNKNOWN_REF": "error",
    "INVALID_REF": "error",
    "REF_CYCLE": "error",
    "BAD_URL": "error",
    "END_BEFORE_START": "error",
    "COORD_RANGE": "error",
    "FUTURE_DATE": "error",
    "FILE_READ": "error",
    # issue 14: bounded parsing and files the loader does not read
    "FILE_TOO_LARGE": "error",
    "YAML_ALIAS": "error",
    "YAML_TOO_DEEP": "error",
    "UNREAD_FILE": "warning",
    "MISPLACED_RECORDS": "warning",
    "NO_HISTORY": "error",
    "UNKNOWN_VERSION": "error",
    "SINGLE_SOURCE": "warning",
    "UNGRADED_SOURCE": "warning",
    "ORPHAN_PROPOSITION": "warning",
    # issue 11: curator tools
    "PLACEHOLDER": "warning",
    "STORED_COPY_MISSING": "warning",
    "STORED_COPY_HASH": "error",
    "STORED_COPY_UNHASHED": "warning",
    "STORED_COPY_UNREADABLE": "warning",
    "WEEKDAY_MISMATCH": "warning",
    "QUOTE_MISMATCH": "error",
    "QUOTE_COPY_UNREADABLE": "error",
    "QUOTE_NOT_CHECKED": "warning",
    # issue 24: warnings that are right
    "STATEMENT_NO_INCIDENT": "warning",
    "HOSTED_HIDES": "warning",
    "HOSTED_CUTS": "warning",
    # issue 22: affiliation and basis
    "BASIS_VALUE": "error",
    "AFFILIATION_INCOMPLETE": "error",
    "RESTATES_UNKNOWN": "error",
    "BASIS_MISSING": "warning",
}


def test_code_registry_has_every_code_with_its_severity() -> None:
    assert {name: code.severity for name, code in CODES.items()} == ISSUE_CODES
    for code in CODES.values():
        assert code.description.endswith(".") and code.template


@pytest.mark.parametrize("case", sorted(p.name for p in BROKEN.iterdir()))
def test_every_reported_problem_comes_from_the_registry(case: str, tmp_path: Path) -> None:
    dataset = load_dataset(overlay(case, tmp_path), today=TODAY)
    assert dataset.problems
    for problem in dataset.problems:
        assert problem.severity == CODES[problem.code].severity, str(problem)


def test_problems_are_made_only_by_codes() -> None:
    """`Problem(...)` is called in incidents/model/codes.py only, so no problem can carry a code outside the
    registry."""
    callers = []
    for path in sorted((ROOT / "incidents").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Problem":
                callers.append(path.name)
    assert callers == ["codes.py"]


def test_a_code_fills_its_template() -> None:
    problem = codes.DUPLICATE_KEY.at("a.yaml", 4, 3, key="title", first_line=3)
    assert str(problem) == (
        "a.yaml:4:3: DUPLICATE_KEY key 'title' repeats the one at line 3; YAML would silently keep only the last"
    )
    warning = codes.ORPHAN_PROPOSITION.at("b.yaml", 1, 2, id="p")
    assert str(warning).startswith("b.yaml:1:2: ORPHAN_PROPOSITION (warning)")
    with pytest.raises(KeyError):
        codes.UNKNOWN_REF.at("a.yaml", 1, 1, field="x")  # a template field left out is an error, not a blank


def test_codes_command_and_readme_list_every_code() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "incidents", "codes"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    rows = [line.split(None, 2) for line in result.stdout.splitlines()]
    assert sorted((name, severity) for name, severity, _ in rows) == sorted(ISSUE_CODES.items())
    assert all(description == CODES[name].description for name, _, description in rows)
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Problem codes") :]
    for name, code in CODES.items():
        assert f"| `{name}` | {code.severity} | {code.description} |" in section
