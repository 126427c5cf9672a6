"""Issue 23, finding 1: a value Python cannot hold (an impossible date, an integer of thousands of digits, as a
value, a mapping key or a list item) is a located BAD_VALUE in every reader, never a traceback; the other files
load, and the history reader reports an old version holding one instead of failing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from incidents.load.parse import display_path
from incidents.load.pipeline import load_dataset
from tests.conftest import FIXTURES, ROOT, open_app

VALID = FIXTURES / "validation" / "valid"
INCIDENT = VALID / "incidents" / "fixture-incident.yaml"
HUGE = "9" * 5000

# (case, what replaces `first_published: 2026-03-07` in the valid incident, line and column of the bad value)
CASES = [
    ("feb-30", "first_published: 2026-02-30", (12, 20)),
    ("month-13", "first_published: 2026-13-45", (12, 20)),
    ("bad-hour", "first_published: 2026-03-07T25:00:00Z", (12, 20)),
    ("huge-int", f"first_published: {HUGE}", (12, 20)),
    ("beyond-int64", f"first_published: {2**70}", (12, 20)),
    ("sexagesimal", "first_published: 1" + ":59" * 5000, (12, 20)),
    ("infinite", "first_published: !!float 1e999", (12, 20)),
    ("date-key", "first_published: 2026-03-07\n  2026-02-30: x", (13, 3)),
    ("int-key", f"first_published: 2026-03-07\n  ? {HUGE}\n  : x", (13, 5)),
    ("list-item", "first_published: [2026-03-07, 2026-02-30]", (12, 33)),
    ("unusual-node", "first_published: !!set {2026-02-30}", (12, 27)),
    ("unusual-key", "first_published: !!omap [a: 1]\n  2026-02-30: x", (13, 3)),
]


def hostile_copy(tmp_path: Path, replacement: str) -> tuple[Path, Path]:
    data_dir = tmp_path / "data"
    shutil.copytree(VALID, data_dir)
    path = data_dir / "incidents" / "fixture-incident.yaml"
    text = path.read_text(encoding="utf-8")
    assert "  first_published: 2026-03-07\n" in text
    path.write_text(text.replace("first_published: 2026-03-07", replacement, 1), encoding="utf-8")
    return data_dir, path


@pytest.mark.parametrize(("case", "replacement", "where"), CASES, ids=[c[0] for c in CASES])
def test_the_loader_locates_the_value(tmp_path: Path, case: str, replacement: str, where: tuple[int, int]) -> None:
    data_dir, path = hostile_copy(tmp_path, replacement)
    dataset = load_dataset(data_dir, cache=None)
    bad = [str(p) for p in dataset.problems if p.code == "BAD_VALUE"]
    assert bad and bad[0].startswith(f"{display_path(path)}:{where[0]}:{where[1]}: BAD_VALUE"), dataset.problems
    assert {"land-a", "land-b"} <= set(dataset.actors) and "town-x" in dataset.places  # the other files load
    assert "fixture-incident" not in dataset.incidents


def _cli(*argv: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "incidents", *argv], cwd=cwd, capture_output=True, text=True,
                          timeout=60, check=False)


@pytest.mark.parametrize(
    "replacement", ["first_published: 2026-02-30", f"first_published: {{? {HUGE} : 1}}"], ids=["date", "int-key"]
)
def test_every_command_reports_it_without_a_traceback(tmp_path: Path, replacement: str) -> None:
    data_dir, path = hostile_copy(tmp_path, replacement)
    for argv in (["validate", str(data_dir)], ["find", "--data-dir", str(data_dir), "fixture"],
                 ["check-quotes", "--data-dir", str(data_dir)], ["fmt", "--check", "--data-dir", str(data_dir)]):
        done = _cli(*argv)
        output = done.stdout + done.stderr
        assert "Traceback" not in output, (argv, output)
        if argv[0] in ("validate", "fmt"):
            assert "BAD_VALUE" in output and f"{display_path(path)}:12:" in output, (argv, output)


def test_every_page_renders_beside_it(tmp_path: Path) -> None:
    data_dir, _path = hostile_copy(tmp_path, "first_published: 2026-02-30")
    for page in ("overview", "timeline", "map", "claims", "sources", "about"):
        at = open_app(page, data_dir=data_dir)
        assert not at.exception, (page, at.exception)


def test_an_old_version_with_an_impossible_date_is_reported_not_fatal(tmp_path: Path) -> None:
    from incidents.history.versions import find_repo, history, load_version
    from tests.versions_repo import git

    data_dir, path = hostile_copy(tmp_path, "first_published: 2026-02-30")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "bad date")
    path.write_text(INCIDENT.read_text(encoding="utf-8"), encoding="utf-8")
    git(tmp_path, "commit", "-q", "-am", "fixed")
    versions = history(find_repo(data_dir))
    assert len(versions) == 2
    old = load_version(find_repo(data_dir), versions[1])
    assert any(p.code == "BAD_VALUE" for p in old.problems)
    assert "land-a" in old.actors
    at = open_app("changes", data_dir=data_dir)
    assert not at.exception, at.exception
