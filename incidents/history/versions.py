"""Data versions from the git history: which commits changed the record files, and the records at each of them.

Git knows the history; nothing here is computed by hand that git already knows. A version's files are read with
`git ls-tree` and `git cat-file --batch` (no checkout) into `.cache/versions/<version>/data/`, then loaded through
the same loader, validation and format migration as the shipped data, so the version id comes out of
`incidents.load.pipeline.data_version` exactly as it does for today's files. Reading is bounded: at most `MAX_FILES`
record files, each at most `incidents.load.parse.MAX_BYTES` (a larger blob counts as unreadable, as on disk).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from incidents.load.parse import MAX_BYTES, record_names
from incidents.load.pipeline import data_version, load_dataset
from incidents.model.dataset import Dataset
from incidents.model.registry import COLLECTIONS

MAX_FILES = 20_000
GIT_TIMEOUT = 60  # seconds for one git command
CACHE_ENV = "INCIDENTS_CACHE_DIR"
VERSION_ID = re.compile(r"[0-9a-f]{8}")


class NoHistory(Exception):
    """The data directory is not in a git repository, or git is missing: time travel is unavailable."""


@dataclass(frozen=True)
class Repo:
    """A data directory's repository: its top folder and the data directory's path inside it ('' or 'data/')."""

    top: Path
    prefix: str

    def git(self, *args: str, stdin: bytes | None = None) -> bytes:
        try:
            done = subprocess.run(
                ["git", "-C", str(self.top), *args], input=stdin, capture_output=True, timeout=GIT_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise NoHistory(f"git could not run: {error}") from error
        if done.returncode != 0:
            raise NoHistory(done.stderr.decode(errors="replace").strip() or f"git {args[0]} failed")
        return done.stdout


@dataclass(frozen=True)
class Version:
    """One data version: its id, the commit that made it, when, why, and its record counts per collection."""

    version: str
    commit: str
    date: str
    message: str
    counts: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def find_repo(data_dir: Path | str) -> Repo:
    """The repository holding `data_dir`; `NoHistory` when there is none (no `.git`, or no git)."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise NoHistory(f"{data_dir} is not a directory")
    probe = Repo(data_dir.resolve(), "")
    lines = probe.git("rev-parse", "--show-toplevel", "--show-prefix").decode().splitlines()
    top = Path(lines[0])
    prefix = lines[1] if len(lines) > 1 else ""
    return Repo(top, prefix)


def cache_root(repo: Repo) -> Path:
    """Where versions' files are written: `INCIDENTS_CACHE_DIR`, else `.cache/versions` at the repository's top."""
    configured = os.environ.get(CACHE_ENV)
    return Path(configured) if configured else repo.top / ".cache" / "versions"


def _tree(repo: Repo, commit: str) -> list[tuple[str, str, int]]:
    """The record files at a commit: (name relative to the data directory, blob id, size), in load order."""
    out = repo.git("ls-tree", "-r", "-l", "-z", commit, "--", repo.prefix or ".")
    blobs: dict[str, tuple[str, int]] = {}
    for entry in out.split(b"\0"):
        if not entry:
            continue
        meta, path = entry.decode(errors="replace").split("\t", 1)
        _mode, kind, blob, size = meta.split()
        if kind == "blob" and path.startswith(repo.prefix):
            blobs[path[len(repo.prefix):]] = (blob, int(size) if size.isdigit() else MAX_BYTES + 1)
    names = record_names(blobs)[:MAX_FILES]
    return [(name, *blobs[name]) for name, _kind in names]


def _blobs(repo: Repo, ids: list[str]) -> dict[str, bytes]:
    """Blob contents by id, in one `git cat-file --batch`."""
    if not ids:
        return {}
    out = repo.git("cat-file", "--batch", stdin="".join(f"{blob}\n" for blob in ids).encode())
    found: dict[str, bytes] = {}
    at = 0
    for blob in ids:
        header_end = out.index(b"\n", at)
        size = int(out[at:header_end].split()[2])
        found[blob] = out[header_end + 1:header_end + 1 + size]
        at = header_end + 1 + size + 1
    return found


def _files(repo: Repo, commit: str) -> list[tuple[str, bytes | None]]:
    """A commit's record files and their bytes (`None` for one over the size bound, as the loader treats it)."""
    tree = _tree(repo, commit)
    contents = _blobs(repo, [blob for _name, blob, size in tree if size <= MAX_BYTES])
    return [(name, contents.get(blob) if size <= MAX_BYTES else None) for name, blob, size in tree]


def _commits(repo: Repo) -> list[tuple[str, str, str]]:
    """Commits that touched the data directory, newest first, along the first-parent line (what the branch itself
    showed; a merged branch counts by its merge): (hash, ISO date, subject)."""
    out = repo.git("log", "--first-parent", "--format=%H%x1f%cI%x1f%s%x1e", "--", repo.prefix or ".")
    text = out.decode(errors="replace")
    found = []
    for record in text.split("\x1e"):
        parts = record.strip().split("\x1f")
        if len(parts) == 3:
            found.append((parts[0], parts[1], parts[2]))
    return found


def extract(repo: Repo, commit: str, version: str) -> Path:
    """The data directory of a version, written once from git into the cache (atomically: another replica may race)."""
    target = cache_root(repo) / version / "data"
    if target.is_dir():
        return target
    target.parent.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{version}-", dir=target.parent.parent))
    for name, raw in _files(repo, commit):
        path = staging / "data" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        # An over-large blob is written as a sparse file of its size, so the loader refuses it as it would on disk.
        path.write_bytes(raw) if raw is not None else _sparse(path, MAX_BYTES + 1)
    try:
        staging.rename(target.parent)
    except OSError:  # another process wrote it first, or a half-written folder is in the way
        if not target.is_dir():
            shutil.rmtree(target.parent, ignore_errors=True)
            staging.rename(target.parent)
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _sparse(path: Path, size: int) -> None:
    with path.open("wb") as handle:
        handle.truncate(size)


def counts(dataset: Dataset) -> dict[str, int]:
    """Valid records per collection."""
    return {collection.name: len(dataset.collection(collection.name)) for collection in COLLECTIONS}


@lru_cache(maxsize=8)
def _load(data_dir: str) -> Dataset:
    return load_dataset(data_dir)


def load_version(repo: Repo, version: Version) -> Dataset:
    """The records of a version, read from git through the loader (cached per version). Never another version's
    records under its name: a cache that does not hash to the version raises."""
    dataset = _load(str(extract(repo, version.commit, version.version)))
    if dataset.version != version.version:
        raise NoHistory(f"the cached files of version {version.version} hash to {dataset.version}")
    return dataset


def _counts_cached(repo: Repo, commit: str, version: str) -> dict[str, int]:
    path = cache_root(repo) / version / "counts.json"
    try:
        return {str(key): int(value) for key, value in json.loads(path.read_text()).items()}
    except (OSError, ValueError, AttributeError):
        found = counts(_load(str(extract(repo, commit, version))))
        path.write_text(json.dumps(found))
        return found


@lru_cache(maxsize=100_000)
def _commit_version(repo: Repo, commit: str) -> str | None:
    """A commit's data version (None without record files). A commit never changes, so it is computed once and
    kept on disk (`<cache>/commits/<hash>`): a restarted replica does not read every version's files again."""
    path = cache_root(repo) / "commits" / commit
    try:
        known = path.read_text(encoding="ascii").strip()
        return known if VERSION_ID.fullmatch(known) else None
    except OSError:
        pass
    files = _files(repo, commit)
    version = data_version(files) if files else None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(version or "-", encoding="ascii")
    except OSError:  # a read-only cache only costs time
        pass
    return version


def history(repo: Repo) -> list[Version]:
    """Every data version, newest first. A version is a commit whose record files differ from the commit before it
    in the log: consecutive commits with the same files (a README edit, say) are one version, its oldest commit."""
    runs: list[tuple[str, str, str, str]] = []
    for commit, date, message in reversed(_commits(repo)):
        version = _commit_version(repo, commit)
        if version is None:  # the data directory held no record files yet (the geodata came first)
            continue
        if not runs or runs[-1][0] != version:
            runs.append((version, commit, date, message))
    return [
        Version(version, commit, date, message, _counts_cached(repo, commit, version))
        for version, commit, date, message in reversed(runs)
    ]
