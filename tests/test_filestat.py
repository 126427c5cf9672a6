"""A load reads again only the record files whose status changed since their last read (`incidents.load.filestat`),
and hashes the data version from the first file that changed; the result still equals a full load."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import pytest

from incidents.load import copies, filestat, incremental, parse
from incidents.load.filecache import FileCache
from incidents.load.filestat import StatusMemo, file_status
from incidents.load.incremental import Loader
from incidents.load.parse import data_files
from incidents.load.pipeline import load_dataset
from tests.conftest import FIXTURES
from tests.test_incremental import assert_same

MONITOR = FIXTURES / "monitor"
TODAY = dt.date(2026, 12, 24)
SETTLED_S = 0.2  # the tests' own: a file is remembered once its times are this old


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INCIDENTS_PARSE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(filestat, "SETTLED_S", SETTLED_S)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files the loader reads, in order."""
    seen: list[str] = []
    real = incremental.read_bounded

    def spy(path: Path, display: str, problems: list) -> bytes | None:
        seen.append(path.name)
        return real(path, display, problems)

    monkeypatch.setattr(incremental, "read_bounded", spy)
    return seen


def settle() -> None:
    time.sleep(SETTLED_S * 1.5)


def _rewrite(name: str, old: str, new: str, keep_mtime: bool = False) -> Callable[[Path], None]:
    def edit(data_dir: Path) -> None:
        path = data_dir / name
        text, mtime = path.read_text(), path.stat().st_mtime_ns
        assert old in text and (len(old) == len(new) or not keep_mtime)
        path.write_text(text.replace(old, new, 1))
        if keep_mtime:  # same size and modification time: only the change time tells
            os.utime(path, ns=(mtime, mtime))
    return edit


def _remove(name: str) -> Callable[[Path], None]:
    return lambda data_dir: (data_dir / name).unlink()


def _add(name: str, like: str) -> Callable[[Path], None]:
    def edit(data_dir: Path) -> None:
        text = (data_dir / like).read_text()
        (data_dir / name).write_text(text.replace("mx-embassy-2023", "mx-zz-2030"))
    return edit


# (what changed, the edit, the first file in load order that is read again: every later one is too)
EDITS = [
    ("nothing", lambda data_dir: None, None),
    ("a middle file reworded", _rewrite("places.yaml", "mx-strelsau", "mx-strelsav"), "places.yaml"),
    ("same size, its modification time put back", _rewrite("sources.yaml", "title:", "titel:", keep_mtime=True),
     "sources.yaml"),
    ("the last file edited", _rewrite("incidents/mx-embassy-2023.yaml", "Invented", "Made up"),
     "mx-embassy-2023.yaml"),
    ("a file added at the end", _add("incidents/mx-zz-2030.yaml", "incidents/mx-embassy-2023.yaml"),
     "mx-zz-2030.yaml"),
    ("the last file removed", _remove("incidents/mx-embassy-2023.yaml"), None),
    ("a middle file removed", _remove("incidents/mx-drills-2021.yaml"), "mx-drone-2019.yaml"),
]


@pytest.mark.parametrize(("label", "edit", "first_read"), EDITS, ids=[e[0] for e in EDITS])
def test_a_load_reads_from_the_first_changed_file_and_equals_a_full_load(
    label: str, edit: Callable[[Path], None], first_read: str | None, tmp_path: Path, reads: list[str]
) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(MONITOR, data_dir)
    settle()
    load = Loader(data_dir, FileCache(), snapshots=False)
    load.load(TODAY)
    assert len(reads) == len(data_files(data_dir))  # the first load reads every file
    edit(data_dir)
    settle()
    reads.clear()
    got = load.load(TODAY)
    order = [path.name for path, _kind in data_files(data_dir)]
    assert reads == (order[order.index(first_read):] if first_read else [])
    assert_same(got, load_dataset(data_dir, TODAY, cache=None))
    reads.clear()
    assert_same(load.load(TODAY), load_dataset(data_dir, TODAY, cache=None))  # and settled again: reads nothing
    assert reads == []


def test_a_file_written_just_before_a_load_is_read_again_at_the_next(tmp_path: Path, reads: list[str],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Racily clean: its status may not change if it is written again within the clock's resolution."""
    monkeypatch.setattr(filestat, "SETTLED_S", 60.0)
    data_dir = tmp_path / "data"
    shutil.copytree(MONITOR, data_dir)
    load = Loader(data_dir, FileCache(), snapshots=False)
    load.load(TODAY)
    reads.clear()
    load.load(TODAY)
    assert len(reads) == len(data_files(data_dir))


def test_a_new_day_keeps_the_unchanged_files_results(tmp_path: Path, reads: list[str]) -> None:
    """A new day re-checks every record, but a file's own parse does not depend on the day."""
    data_dir = tmp_path / "data"
    shutil.copytree(MONITOR, data_dir)
    settle()
    load = Loader(data_dir, FileCache(), snapshots=False)
    load.load(TODAY)
    reads.clear()
    tomorrow = TODAY + dt.timedelta(days=400)
    assert_same(load.load(tomorrow), load_dataset(data_dir, tomorrow, cache=None))
    assert reads == []


def _status_after(path: Path, change: str) -> filestat.Status | None:
    if change == "rewritten, same size":
        mtime = path.stat().st_mtime_ns
        path.write_text("b" * 10)
        os.utime(path, ns=(mtime, mtime))
    elif change == "grown":
        path.write_text("a" * 11)
    elif change == "replaced by another file":
        other = path.with_name("other")
        other.write_text("a" * 10)
        other.replace(path)
    elif change == "removed":
        path.unlink()
    return file_status(str(path))


@pytest.mark.parametrize(("change", "kept"), [
    ("none", True), ("rewritten, same size", False), ("grown", False), ("replaced by another file", False),
    ("removed", False),
])
def test_a_memo_answers_only_while_the_status_is_the_same(change: str, kept: bool, tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_text("a" * 10)
    memo: StatusMemo[str] = StatusMemo(settled_s=0.0)
    status = file_status(str(path))
    memo.put(str(path), status, "value", read_at_ns=time.time_ns() + 1)
    time.sleep(0.01)  # a new change time is later than the first
    assert (memo.get(str(path), _status_after(path, change)) == "value") is kept


@pytest.mark.parametrize(("age_s", "kept"), [(0.0, False), (0.5, False), (5.0, True)])
def test_a_memo_keeps_only_settled_files(age_s: float, kept: bool, tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_text("a")
    status = file_status(str(path))
    assert status is not None
    memo: StatusMemo[str] = StatusMemo(settled_s=1.0)
    memo.put(str(path), status, "value", read_at_ns=max(status[3], status[4]) + int(age_s * 1e9))
    assert (memo.get(str(path), status) == "value") is kept


def test_a_memo_is_bounded_and_forgets_unlisted_files(tmp_path: Path) -> None:
    memo: StatusMemo[int] = StatusMemo(settled_s=0.0, max_entries=3)
    status = (1, 2, 3, 4, 5)
    later = time.time_ns()
    for number in range(5):
        memo.put(f"f{number}", status, number, read_at_ns=later)
    assert len(memo) == 3 and memo.get("f0", status) is None and memo.get("f4", status) == 4
    memo.retain({"f3"})
    assert len(memo) == 1 and memo.get("f3", status) == 3
    assert memo.get("f3", (1, 2, 3, 4, 6)) is None and memo.get("f3", None) is None


def test_an_unchanged_stored_copy_is_not_hashed_again_and_a_changed_one_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "repo" / "data"
    shutil.copytree(FIXTURES / "validation" / "valid", data_dir)
    copy = tmp_path / "repo" / "copies" / "one.txt"
    copy.parent.mkdir()
    copy.write_text("the page as it was\n")
    recorded = hashlib.sha256(copy.read_bytes()).hexdigest()
    sources = data_dir / "sources.yaml"
    sources.write_text(sources.read_text().replace(
        "    url: https://example.org/one\n",
        f"    url: https://example.org/one\n    local_copy: copies/one.txt\n    sha256: {recorded}\n", 1))
    hashed: list[str] = []
    real = copies.sha256_of
    monkeypatch.setattr(copies, "sha256_of", lambda path: hashed.append(path.name) or real(path))
    settle()
    load = Loader(data_dir, FileCache(), snapshots=False)
    assert not [p for p in load.load(TODAY).problems if p.code.startswith("STORED_COPY")]
    assert hashed == ["one.txt"]
    load.load(TODAY)
    assert hashed == ["one.txt"]  # its status unchanged: not read again
    mtime = copy.stat().st_mtime_ns
    copy.write_text("the page as it WAS\n")  # the same size, its modification time put back
    os.utime(copy, ns=(mtime, mtime))
    settle()
    got = load.load(TODAY)
    assert hashed == ["one.txt", "one.txt"]
    assert [p.code for p in got.problems if p.code.startswith("STORED_COPY")] == ["STORED_COPY_HASH"]
    assert_same(got, load_dataset(data_dir, TODAY, cache=None))


@pytest.mark.parametrize("name", ["a.yaml", "x/.yaml", "x/b.", "x/b.tar.yml", "x/b", ".hidden", "a/b.c/d", "a..yaml",
                                  "x/y.YAML", "x/y.yml"])
def test_a_names_suffix_is_pathlibs(name: str) -> None:
    assert parse._suffix(name) == PurePosixPath(name).suffix


def test_the_listing_holds_regular_record_files_only(tmp_path: Path) -> None:
    """Links, FIFOs, folders and other suffixes are left out (`warn.unread_files` names them); a kind's folder
    that is itself a link is listed, as before the listing used `os.scandir`."""
    data_dir = tmp_path / "data"
    shutil.copytree(MONITOR, data_dir)
    incidents = data_dir / "incidents"
    os.symlink(incidents / "mx-drone-2019.yaml", incidents / "link.yaml")
    os.symlink(data_dir / "places.yaml", data_dir / "sources.yml")
    os.mkfifo(incidents / "fifo.yaml")
    (incidents / "folder.yaml").mkdir()
    (incidents / "notes.txt").write_text("x")
    (incidents / ".yaml").write_text("x")
    want = [
        (data_dir / name, kind) for name, kind in
        [("actors.yaml", "actors"), ("sources.yaml", "sources"), ("places.yaml", "places")]
    ] + [(path, "incident") for path in sorted(incidents.glob("mx-*.yaml"))]
    assert data_files(data_dir) == want
    moved = tmp_path / "kept-elsewhere"
    incidents.rename(moved)
    incidents.symlink_to(moved, target_is_directory=True)
    assert data_files(data_dir) == want
