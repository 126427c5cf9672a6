"""Issue 23, findings 13 and 14: a `local_copy` is confined to the repository or the archive directory, to regular
files through no symlink; symlinks under data/ are reported and never followed."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from incidents.load.pipeline import load_dataset
from tests.conftest import FIXTURES, ROOT

VALID = FIXTURES / "validation" / "valid"
SECRET = "secret-outside-the-repository TOP_SECRET_KEY"


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path]:
    """(data directory, a secret file outside the repository, which is tmp_path/repo)."""
    data = tmp_path / "repo" / "data"
    shutil.copytree(VALID, data)
    secret = tmp_path / "outside.txt"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    return data, secret


def with_copy(data: Path, local_copy: str) -> None:
    sources = data / "sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8").replace(
        "    url: https://example.org/one\n", f"    url: https://example.org/one\n    local_copy: '{local_copy}'\n", 1),
        encoding="utf-8")
    statement = data / "incidents" / "fixture-incident.yaml"
    statement.write_text(statement.read_text(encoding="utf-8").replace(
        "    paraphrase: Land B fired the drone.\n",
        "    paraphrase: Land B fired the drone.\n    quotes:\n      - {text: \"secret outside\", language: en}\n",
        1), encoding="utf-8")


def hostile_copies(data: Path, secret: Path) -> dict[str, str]:
    repo = data.parent
    os.symlink(secret, repo / "link.txt")
    os.mkfifo(repo / "fifo.txt")
    return {
        "absolute": str(secret),
        "dot-dot": os.path.relpath(secret, repo),
        "deep-dot-dot": "stored/../../outside.txt",
        "symlink": "link.txt",
        "fifo": "fifo.txt",
        "proc": "../" * 12 + "proc/self/environ",
    }


@pytest.mark.parametrize("case", ["absolute", "dot-dot", "deep-dot-dot", "symlink", "fifo", "proc"])
def test_a_copy_outside_is_refused_unread(setup: tuple[Path, Path], case: str) -> None:
    data, secret = setup
    with_copy(data, hostile_copies(data, secret)[case])
    digest = hashlib.sha256(secret.read_bytes()).hexdigest()
    env = {**os.environ, "INCIDENTS_PARSE_CACHE": "off"}
    for argv in (["validate", str(data)], ["check-quotes", "--data-dir", str(data)]):
        done = subprocess.run([sys.executable, "-m", "incidents", *argv], cwd=ROOT, capture_output=True, text=True,
                              timeout=60, check=False, env=env)  # a FIFO that were opened would hang: the timeout
        output = done.stdout + done.stderr
        assert digest not in output and "TOP_SECRET" not in output and "PATH=" not in output, (argv, output)
        assert "Traceback" not in output
        expected = "STORED_COPY_UNREADABLE" if argv[0] == "validate" else "QUOTE_COPY_UNREADABLE"
        assert expected in output, (argv, output)


def test_a_copy_inside_the_repository_is_read(setup: tuple[Path, Path]) -> None:
    data, _secret = setup
    (data.parent / "stored").mkdir()
    (data.parent / "stored" / "copy.txt").write_text("secret outside\n", encoding="utf-8")
    with_copy(data, "stored/copy.txt")
    dataset = load_dataset(data, cache=None)
    assert [p.code for p in dataset.problems if p.code.startswith("STORED_COPY")] == ["STORED_COPY_UNHASHED"]


def test_symlinks_under_data_are_reported_not_followed(setup: tuple[Path, Path]) -> None:
    data, secret = setup
    secret.write_text("TOP_SECRET_KEY: 1\nactors: []\n", encoding="utf-8")
    os.symlink(secret, data / "incidents" / "link.yaml")
    os.symlink(secret, data / "places.yml")
    dataset = load_dataset(data, cache=None)
    shown = "\n".join(map(str, dataset.problems))
    assert "TOP_SECRET_KEY" not in shown and "actors" not in shown.lower().replace("actors.yaml", ""), shown
    linked = [p for p in dataset.problems if "symbolic link" in p.message]
    assert {Path(p.path).name for p in linked} == {"link.yaml", "places.yml"}
    assert all(p.code == "UNREAD_FILE" for p in linked)
    assert "fixture-incident" in dataset.incidents
