"""Issue 23, findings 3, 4 and 10: the git history is read as data. A crafted commit subject cannot add a version,
pass a revision of its choosing to git or write a file anywhere; odd file names and symlinks in a commit are left
out; a blob listed many times is read once and a version's bytes are bounded; control characters in a subject
never reach the terminal.

Every repository here is built in tmp by the test (loopback only: no network, no remote)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from incidents.history import versions
from incidents.history.versions import Repo, find_repo, history, load_version
from incidents.load import pipeline
from tests.conftest import FIXTURES, ROOT
from tests.versions_repo import git

VALID = FIXTURES / "validation" / "valid"
HEX = set("0123456789abcdef")
# A subject that, split on \x1e and \x1f as the reader once did, is two commits: the second dated 2030, its "hash"
# a `:/regex` revision (which matches this very subject) ending in `../../../pwned`.
FORGED = "Innocent edit\x1e:/../../../pwned\x1f2030-01-01T00:00:00+00:00\x1fForged version"
ANSI = "Colour \x1b[31mred\x1b[0m and a bell\x07 and \x1b]0;title\x07"


@pytest.fixture
def hostile_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """(data directory, cache folder): three real versions, one with a forged subject, one with ANSI escapes."""
    cache = tmp_path / "a" / "cache"
    monkeypatch.setenv(versions.CACHE_ENV, str(cache))
    repo = tmp_path / "repo"
    data = repo / "data"
    shutil.copytree(VALID, data)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "First")
    actors = data / "actors.yaml"
    actors.write_text(actors.read_text(encoding="utf-8").replace("name: Land A\n", "name: Land A2\n", 1))
    git(repo, "commit", "-q", "-am", FORGED)
    actors.write_text(actors.read_text(encoding="utf-8").replace("name: Land A2\n", "name: Land A3\n", 1))
    git(repo, "commit", "-q", "-am", ANSI)
    return data, cache


def _recording(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    calls: list[tuple[str, ...]] = []
    real = Repo.git

    def git_call(self: Repo, *args: str, stdin: bytes | None = None) -> bytes:
        calls.append(args)
        return real(self, *args, stdin=stdin)

    monkeypatch.setattr(Repo, "git", git_call)
    return calls


def test_a_forged_subject_adds_no_version_and_writes_nothing(hostile_repo: tuple[Path, Path],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    data, cache = hostile_repo
    calls = _recording(monkeypatch)
    found = history(find_repo(data))
    assert len(found) == 3, found
    assert all(set(v.commit) <= HEX and len(v.commit) == 40 for v in found)
    assert not any(v.date.startswith("2030") for v in found)
    assert found[1].message.startswith("Innocent edit")  # the subject, whole, as the real commit's
    assert not (cache.parent / "pwned").exists() and not list(cache.parent.parent.rglob("pwned"))
    for args in calls:  # every revision git was given is a full object id
        if args[0] == "ls-tree":
            revision = args[args.index("--") - 1]
            assert set(revision) <= HEX and len(revision) == 40, args


def test_the_changes_page_shows_no_forged_version(hostile_repo: tuple[Path, Path]) -> None:
    from tests.conftest import open_app

    data, _cache = hostile_repo
    at = open_app("changes", data_dir=data)
    assert not at.exception, at.exception
    shown = "\n".join(str(element.value) for element in at.markdown)
    assert shown.count("**Version ") == 3 and "2030" not in shown and "\x1b" not in shown


def test_odd_names_and_symlinks_in_a_commit_are_left_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(versions.CACHE_ENV, str(tmp_path / "cache"))
    repo = tmp_path / "repo"
    data = repo / "data"
    shutil.copytree(VALID, data)
    incident = (data / "incidents" / "fixture-incident.yaml").read_bytes()
    (data / "incidents" / "fixture-incident.yaml").unlink()
    git(repo, "init", "-q", "-b", "main")
    (data / "incidents" / "ok.yaml").write_bytes(incident)
    # a name that is not UTF-8, and a symlink to a file outside the repository
    with open(os.path.join(os.fsencode(data / "incidents"), b"\xff.yaml"), "wb") as bad:
        bad.write(incident)
    os.symlink("/etc/hostname", data / "incidents" / "link.yaml")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "odd names")
    (version,) = history(find_repo(data))
    loaded = load_version(find_repo(data), version)
    folder = versions.cache_root() / version.version / "data" / "incidents"
    assert sorted(p.name for p in folder.iterdir()) == ["ok.yaml"]
    assert "fixture-incident" in loaded.incidents


def test_versions_prints_no_control_characters(hostile_repo: tuple[Path, Path]) -> None:
    data, cache = hostile_repo
    done = subprocess.run([sys.executable, "-m", "incidents", "versions", "--data-dir", str(data)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, versions.CACHE_ENV: str(cache)})
    assert done.returncode == 0, done.stderr
    assert "Colour" in done.stdout
    assert not any(ord(c) < 32 and c not in "\n" or 0x7f <= ord(c) < 0xa0 for c in done.stdout), repr(done.stdout)


def test_a_repeated_blob_is_read_once_and_a_version_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    monkeypatch.setenv(versions.CACHE_ENV, str(tmp_path / "cache"))
    limit = 1_000_000
    monkeypatch.setattr(versions, "MAX_TOTAL_BYTES", limit)
    monkeypatch.setattr(pipeline, "MAX_TOTAL_BYTES", limit)
    repo = tmp_path / "repo"
    data = repo / "data"
    shutil.copytree(VALID, data)
    blob = (b"# padding\n" * 20_000) + b"propositions: []\n"  # 200 KB, the same bytes in every file
    for index in range(20):
        (data / "incidents" / f"copy-{index:02}.yaml").write_bytes(blob)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "twenty copies of one blob")
    calls = _recording(monkeypatch)
    files = versions._files(find_repo(data), history(find_repo(data))[0].commit)
    read = [name for name, raw in files if raw is not None]
    assert sum(len(raw) for _name, raw in files if raw is not None) <= limit
    assert 0 < len([n for n in read if n.startswith("incidents/copy-")]) < 20
    batches = [args for args in calls if args[0] == "cat-file"]
    assert batches  # and each distinct blob was asked for once (`_blobs` dedupes): see the stdin check below
    dataset = load_version(find_repo(data), history(find_repo(data))[0])
    assert any(p.code == "TOTAL_TOO_LARGE" for p in pipeline.load_dataset(data, cache=None).problems)
    assert "fixture-incident" in dataset.incidents


def test_blobs_are_asked_for_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    blob = subprocess.run(["git", "-C", str(repo), "hash-object", "-w", "--stdin"], input=b"x: 1\n",
                          capture_output=True, check=True).stdout.decode().strip()
    asked: list[bytes] = []
    real = Repo.git

    def git_call(self: Repo, *args: str, stdin: bytes | None = None) -> bytes:
        if args[0] == "cat-file" and stdin is not None:
            asked.append(stdin)
        return real(self, *args, stdin=stdin)

    monkeypatch.setattr(Repo, "git", git_call)
    found = versions._blobs(Repo(repo, ""), [blob] * 40)
    assert found == {blob: b"x: 1\n"}
    assert asked == [f"{blob}\n".encode()]


def _draft_repo(tmp_path: Path) -> Path:
    """Version 1: the valid fixture without its incident; version 2 adds the incident file as a draft."""
    repo = tmp_path / "repo"
    data = repo / "data"
    shutil.copytree(VALID, data)
    incident = data / "incidents" / "fixture-incident.yaml"
    text = incident.read_text(encoding="utf-8")
    incident.unlink()
    (data / "incidents" / ".keep").write_text("")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "No incident yet")
    incident.write_text("review: draft\n" + text.replace("Fixture strike on Town X", "SECRET DRAFT TITLE"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "A draft incident")
    return data


@pytest.mark.parametrize(("hosted", "leaks"), [("1", False), ("", True)])
def test_the_hosted_feed_shows_no_draft(tmp_path: Path, hosted: str, leaks: bool) -> None:
    """Finding 2: `feed` under INCIDENTS_PUBLISHED_ONLY applies the published-only rule to every version (locally,
    the same feed names the draft: the test can see a leak)."""
    import xml.etree.ElementTree as ET

    data = _draft_repo(tmp_path)
    out = tmp_path / "changes.atom"
    env = {**os.environ, "INCIDENTS_PUBLISHED_ONLY": hosted, versions.CACHE_ENV: str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-m", "incidents", "feed", "--data-dir", str(data), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False, env=env)
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    ET.fromstring(text)
    assert ("fixture-incident" in text or "SECRET DRAFT" in text) is leaks, text
    assert ("published records only" in text) is not leaks


def test_control_characters_never_break_the_feed() -> None:
    """Finding 10: a subject or record text with controls still makes a feed that parses."""
    import xml.etree.ElementTree as ET

    from incidents.history.feed import atom
    from incidents.history.versions import Version

    hostile = "bell\x07 esc\x1b[31m nul\x00 c1\x85\x9b fffe\ufffe"
    feed = atom([Version("0123abcd", "a" * 40, "2026-01-01T00:00:00Z", hostile)], [None], "http://localhost:8501")
    root = ET.fromstring(feed)
    titles = [e.text or "" for e in root.iter() if e.tag.endswith("title")]
    assert any(t.startswith("Data version 0123abcd: bell") for t in titles)
    assert not any(ch in "".join(titles) for ch in "\x07\x1b\x00\x85\x9b\ufffe")
