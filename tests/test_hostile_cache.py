"""Issue 23, finding 7: a cache is never trusted from the repository. The caches live outside the work tree, a
cache folder git tracks is not used, and an entry this machine did not sign is a miss (a planted entry cannot make
a draft show as published, nor a broken file validate clean)."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from incidents.history import versions
from incidents.load import cachedir, filecache
from incidents.load.filecache import FileCache, compute, encode, entry_key
from incidents.load.parse import display_path
from incidents.load.pipeline import load_dataset
from tests.conftest import FIXTURES, ROOT
from tests.versions_repo import git

VALID = FIXTURES / "validation" / "valid"


@pytest.fixture(autouse=True)
def _fresh_keys() -> None:
    cachedir.usable.cache_clear()
    cachedir.tracked_by_git.cache_clear()


def test_the_caches_live_outside_the_work_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(filecache.CACHE_ENV, raising=False)
    monkeypatch.delenv(versions.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert filecache.cache_dir() == tmp_path / "xdg" / "incidents-monitor" / "parse"
    assert versions.cache_root() == tmp_path / "xdg" / "incidents-monitor" / "versions"
    monkeypatch.delenv("XDG_CACHE_HOME")
    for folder in (filecache.cache_dir(), versions.cache_root()):
        assert folder is not None and not folder.resolve().is_relative_to(ROOT), folder


def test_a_test_run_keeps_to_caches_of_its_own() -> None:
    """conftest names the session's own cache folders: a test run (and the servers and workers it starts, which
    inherit the environment) never reads or writes a curator's caches (they had grown to gigabytes)."""
    home = cachedir.cache_home().resolve()
    for folder in (filecache.cache_dir(), versions.cache_root()):
        assert folder is not None and not folder.resolve().is_relative_to(home), folder


def _planted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path]:
    """A data folder whose incident is a draft with a syntax error, and a cache entry under its key that says it is
    a valid published record with text that is in no file; (data, incident file, cache folder)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(filecache.CACHE_ENV, str(folder))
    data = tmp_path / "data"
    shutil.copytree(VALID, data)
    incident = data / "incidents" / "fixture-incident.yaml"
    good = incident.read_bytes()
    forged = good.replace(b"Fixture strike on Town X", b"Text that is in no file")
    bad = b"review: draft\n" + good + b"\n  broken: [\n"
    incident.write_bytes(bad)
    display = display_path(incident)
    key = entry_key(bad, display, "incident")
    path = folder / key[:2] / f"{key}.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(encode(compute(forged, display, "incident")))  # unsigned, as a committed entry would be
    return data, incident, path


def test_a_planted_entry_is_a_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data, _incident, planted = _planted(tmp_path, monkeypatch)
    cache = FileCache()
    dataset = load_dataset(data, cache=cache)
    assert "fixture-incident" not in dataset.incidents
    assert any(p.code == "YAML_SYNTAX" for p in dataset.problems)
    assert cache.hits == 0
    # ... and one signed with another machine's key too
    other = cachedir.sign(b"k" * 32, planted.read_bytes().partition(b"\n")[2] or planted.read_bytes())
    planted.write_bytes(other)
    assert any(p.code == "YAML_SYNTAX" for p in load_dataset(data, cache=FileCache()).problems)


def test_a_cache_folder_git_tracks_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    folder = repo / ".cache" / "parse"
    folder.mkdir(parents=True)
    (folder / "planted.json").write_text("{}")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a committed cache")
    assert cachedir.usable(folder) is None
    monkeypatch.setenv(filecache.CACHE_ENV, str(folder))
    data = tmp_path / "data"
    shutil.copytree(VALID, data)
    load_dataset(data, cache=FileCache())
    assert sorted(p.name for p in folder.rglob("*")) == ["planted.json"]  # nothing written, nothing read
    monkeypatch.setenv(versions.CACHE_ENV, str(folder))
    assert not versions.cache_root().is_relative_to(repo)


def test_the_key_is_private_and_a_readable_key_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    key = cachedir.usable(folder)
    assert key is not None and len(key) == 32
    assert stat.S_IMODE((folder / cachedir.KEY_FILE).stat().st_mode) == 0o600
    os.chmod(folder / cachedir.KEY_FILE, 0o644)
    assert cachedir.machine_key(folder) is None
    assert cachedir.verified(key, cachedir.sign(key, b"body")) == b"body"
    assert cachedir.verified(key, cachedir.sign(b"x" * 32, b"body")) is None


def test_a_planted_commit_map_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The history's own cache (commit → version) is signed too: a planted map cannot rename a version."""
    cache = tmp_path / "vcache"
    monkeypatch.setenv(versions.CACHE_ENV, str(cache))
    repo = tmp_path / "repo"
    data = repo / "data"
    shutil.copytree(VALID, data)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "one")
    head = git(repo, "rev-parse", "HEAD").strip()
    cache.mkdir()
    (cache / "commits.json").write_text(f'{{"{head}": "deadbeef"}}')
    (found,) = versions.history(versions.find_repo(data))
    assert found.version != "deadbeef"


def _entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.bin"))


def _read_cases(tmp: Path) -> list[tuple[str, Path | None, str, int, bytes | None]]:
    """(label, folder, name, max bytes, the body read back) after writing b"body" as `a.bin` into `tmp`."""
    return [
        ("the entry itself", tmp, "a.bin", 4, b"body"),
        ("larger than the bound", tmp, "a.bin", 3, None),
        ("no such entry", tmp, "b.bin", 4, None),
        ("the cache off", None, "a.bin", 4, None),
    ]


def test_a_signed_entry_reads_back_only_within_its_bound(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    assert cachedir.write_entry(folder, "a.bin", lambda: b"body", 4, 3)
    assert not cachedir.write_entry(folder, "big.bin", lambda: b"body!", 4, 3)  # over the bound: not written
    assert _entries(folder) == ["a.bin"]
    for label, where, name, bound, want in _read_cases(folder):
        assert cachedir.read_entry(where, name, bound) == want, label
    (folder / "c.bin").write_bytes(b"body")  # written by no one with this machine's key
    assert cachedir.read_entry(folder, "c.bin", 4) is None


SPOILT_ENTRIES: list[tuple[str, Callable[[bytes], bytes]]] = [
    ("a byte of the body changed", lambda b: b[:-1] + b"X"),
    ("a byte appended", lambda b: b + b"!"),
    ("cut short", lambda b: b[:-1]),
    ("the signature line one character short", lambda b: b[1:]),
    ("no newline after the signature", lambda b: b.replace(b"\n", b" ", 1)),
    ("the signature alone", lambda b: b.split(b"\n", 1)[0] + b"\n"),
    ("empty", lambda b: b""),
]


@pytest.mark.parametrize(("label", "spoil"), SPOILT_ENTRIES, ids=[s[0] for s in SPOILT_ENTRIES])
def test_a_spoilt_entry_reads_back_as_nothing(label: str, spoil: Callable[[bytes], bytes], tmp_path: Path) -> None:
    """`read_entry` refuses what `verified` refuses: every change to a signed entry's bytes."""
    folder = tmp_path / "cache"
    assert cachedir.write_entry(folder, "a.bin", lambda: b"head\nbody", 20, 3)
    stored = (folder / "a.bin").read_bytes()
    assert cachedir.read_entry(folder, "a.bin", 20) == b"head\nbody"
    (folder / "a.bin").write_bytes(spoil(stored))
    key = cachedir.usable(folder)
    assert key is not None
    assert cachedir.verified(key, spoil(stored)) is None, label
    assert cachedir.read_entry(folder, "a.bin", 20) is None, label


def test_an_entry_written_in_parts_is_the_entry_of_their_join(tmp_path: Path) -> None:
    # A snapshot is written as its parts, never joined: stored, signed and read back as one body.
    folder = tmp_path / "cache"
    assert cachedir.write_entry(folder, "parts.bin", lambda: [b"he", b"ad\n", b"", b"body"], 9, 3)
    assert cachedir.write_entry(folder, "whole.bin", lambda: b"head\nbody", 9, 3)
    assert (folder / "parts.bin").read_bytes() == (folder / "whole.bin").read_bytes()
    assert cachedir.read_entry(folder, "parts.bin", 9) == b"head\nbody"
    assert not cachedir.write_entry(folder, "big.bin", lambda: [b"head\n", b"body!"], 9, 3)  # the parts' total
    assert not (folder / "big.bin").exists()


def test_writing_keeps_the_newest_entries_and_clears_old_temporary_files(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    left, fresh = folder / "left.tmp", folder / "fresh.tmp"
    left.write_bytes(b"")
    fresh.write_bytes(b"")
    old = os.stat(left).st_mtime - cachedir.STALE_TMP_S - 60
    os.utime(left, (old, old))
    for n in range(5):
        assert cachedir.write_entry(folder, f"{n}.bin", lambda: b"body", 4, 2)
        os.utime(folder / f"{n}.bin", ns=(n * 10**9, n * 10**9))  # in writing order whatever the clock's grain
    assert _entries(folder) == ["3.bin", "4.bin"]
    assert not left.exists() and fresh.exists()
    assert not cachedir.write_entry(None, "x.bin", lambda: b"body", 4, 2)
