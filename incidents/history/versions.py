"""Data versions from the git history: which commits changed the record files, and the records at each of them.

Git knows the history; nothing here is computed by hand that git already knows. A version's files are read with
`git ls-tree` and `git cat-file --batch` (no checkout) into `<cache>/<version>/data/`, then loaded through the same
loader, validation and format migration as the shipped data, so the version id comes out of
`incidents.load.pipeline.data_version` exactly as it does for today's files.

The history is read as data, never as text to split: `git log -z` with NUL-separated fields, and a field is used
only when it is what git itself writes there (a full hex object id, an ISO date). A revision passed to git is a
validated object id, a path comes only after `--`, and a file is written only under a record file's name that
`record_names` accepts and `SAFE_NAME` allows, inside a folder this process created. Reading is bounded: at most
`MAX_FILES` record files, each at most `MAX_BYTES`, at most `MAX_TOTAL_BYTES` in all (counting a blob listed
twice twice, as the loader would read it twice), and each distinct blob is read once. A version that cannot be
read is reported (`history(..., skipped=)`) and skipped; the others are listed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from incidents.load import cachedir
from incidents.load.filecache import CODE_VERSION
from incidents.load.parse import MAX_BYTES, MAX_TOTAL_BYTES, record_names
from incidents.load.pipeline import data_version, load_dataset
from incidents.model.dataset import Dataset
from incidents.model.registry import COLLECTIONS

MAX_FILES = 20_000
MAX_SUBJECT = 1_000  # characters of a commit subject kept
GIT_TIMEOUT = 60  # seconds for one git command
CACHE_ENV = "INCIDENTS_CACHE_DIR"
VERSION_ID = re.compile(r"[0-9a-f]{8}")
OBJECT_ID = re.compile(rb"[0-9a-f]{40}(?:[0-9a-f]{24})?")  # sha1 or sha256, as git writes them
COMMIT_DATE = re.compile(rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})")
# Each part of a record file's name as written into the cache: no `..`, no hidden file, no separator.
SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,200}")
FILE_MODES = (b"100644", b"100755")  # regular files: a symlink (120000) or a submodule is never read


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


def cache_root() -> Path:
    """Where versions' files are written: `INCIDENTS_CACHE_DIR`, else `versions` in the user's cache folder
    (`incidents.load.cachedir`), never in the work tree. A folder git tracks is not used: a private temporary one
    is (for this process only)."""
    configured = os.environ.get(CACHE_ENV)
    root = Path(configured) if configured else cachedir.cache_home() / "versions"
    return root if cachedir.usable(root) is not None else _private_root()


@lru_cache(maxsize=1)
def _private_root() -> Path:
    return Path(tempfile.mkdtemp(prefix="incidents-versions-"))


def _object_id(raw: bytes) -> str:
    """A full hex object id as git wrote it; anything else means the output is not git's own (NoHistory)."""
    if not OBJECT_ID.fullmatch(raw):
        raise NoHistory(f"git printed {raw[:80]!r} where an object id belongs")
    return raw.decode("ascii")


def _tree(repo: Repo, commit: str) -> list[tuple[str, str, int]]:
    """The record files at a commit: (name relative to the data directory, blob id, size), in load order. Only
    regular files whose names are UTF-8 and safe (`SAFE_NAME`) are listed; any other entry is left out."""
    out = repo.git("ls-tree", "-r", "-l", "-z", _object_id(commit.encode()), "--", repo.prefix or ".")
    blobs: dict[str, tuple[str, int]] = {}
    prefix = repo.prefix.encode()
    for entry in out.split(b"\0"):
        meta, tab, raw_path = entry.partition(b"\t")
        parts = meta.split()
        if not tab or len(parts) != 4 or parts[0] not in FILE_MODES or parts[1] != b"blob":
            continue
        if not raw_path.startswith(prefix):
            continue
        try:
            name = raw_path[len(prefix):].decode("utf-8")
        except UnicodeDecodeError:
            continue  # a name the loader could not print either: not a record file
        if not all(SAFE_NAME.fullmatch(part) for part in name.split("/")):
            continue
        size = int(parts[3]) if parts[3].isdigit() and len(parts[3]) < 19 else MAX_BYTES + 1
        blobs[name] = (_object_id(parts[2]), size)
    names = record_names(blobs)[:MAX_FILES]
    return [(name, *blobs[name]) for name, _kind in names]


def _blobs(repo: Repo, ids: list[str]) -> dict[str, bytes]:
    """Blob contents by id, each distinct blob once, in one `git cat-file --batch`; a header that is not the blob
    asked for ends the reading (what was read is kept)."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    out = repo.git("cat-file", "--batch", stdin="".join(f"{blob}\n" for blob in wanted).encode())
    found: dict[str, bytes] = {}
    at = 0
    for blob in wanted:
        header_end = out.find(b"\n", at)
        if header_end < 0:
            break
        header = out[at:header_end].split()
        if len(header) != 3 or header[0] != blob.encode() or header[1] != b"blob" or not header[2].isdigit():
            break
        size = int(header[2])
        found[blob] = out[header_end + 1:header_end + 1 + size]
        at = header_end + 1 + size + 1
    return found


def _files(repo: Repo, commit: str) -> list[tuple[str, bytes | None]]:
    """A commit's record files and their bytes (`None` for one over `MAX_BYTES`, or past `MAX_TOTAL_BYTES` in all,
    as the loader treats them on disk)."""
    tree = _tree(repo, commit)
    total = 0
    accepted: list[bool] = []
    for _name, _blob, size in tree:
        fits = size <= MAX_BYTES and total + size <= MAX_TOTAL_BYTES
        total += size if fits else 0
        accepted.append(fits)
    contents = _blobs(repo, [blob for (_name, blob, _size), ok in zip(tree, accepted, strict=True) if ok])
    return [(name, contents.get(blob) if ok else None) for (name, blob, _size), ok in zip(tree, accepted, strict=True)]


def _commits(repo: Repo) -> list[tuple[str, str, str]]:
    """Commits that touched the data directory, newest first, along the first-parent line (what the branch itself
    showed; a merged branch counts by its merge): (hash, ISO date, subject). Read as NUL-separated fields; a
    subject cannot hold a NUL, and the hash and the date must be what git writes there."""
    out = repo.git("log", "--first-parent", "-z", "--format=%H%x00%cI%x00%s", "--", repo.prefix or ".")
    fields = out.split(b"\0")
    found = []
    for at in range(0, len(fields) - 2, 3):
        commit, date, subject = fields[at:at + 3]
        if not COMMIT_DATE.fullmatch(date):
            raise NoHistory(f"git printed {date[:80]!r} where a commit date belongs")
        found.append((_object_id(commit), date.decode("ascii"), subject.decode(errors="replace")[:MAX_SUBJECT]))
    return found


def _version_dir(version: str) -> Path:
    if not VERSION_ID.fullmatch(version):  # computed by `data_version`, never read from git: a bug if it fails
        raise NoHistory(f"not a version id: {version!r}")
    return cache_root() / version


def _write_tree(version: str, files: list[tuple[str, bytes | None]]) -> Path:
    """Write a version's files into the cache (atomically: another replica may race); the data directory."""
    target = _version_dir(version) / "data"
    target.parent.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{version}-", dir=target.parent.parent))
    for name, raw in files:
        path = staging / "data" / name
        if not path.resolve().is_relative_to(staging.resolve()):  # `_tree` allows no such name: never write there
            continue
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


def extract(repo: Repo, commit: str, version: str, files: list[tuple[str, bytes | None]] | None = None) -> Path:
    """The data directory of a version, written once from git into the cache (from `files` when they were read
    already: each version's blobs are read once)."""
    target = _version_dir(version) / "data"
    if target.is_dir():
        return target
    return _write_tree(version, files if files is not None else _files(repo, commit))


def _sparse(path: Path, size: int) -> None:
    with path.open("wb") as handle:
        handle.truncate(size)


def counts(dataset: Dataset) -> dict[str, int]:
    """Valid records per collection."""
    return {collection.name: len(dataset.collection(collection.name)) for collection in COLLECTIONS}


@lru_cache(maxsize=8)
def _load(data_dir: str, today: dt.date) -> Dataset:
    return load_dataset(data_dir, today)


def load_version(repo: Repo, version: Version, today: dt.date | None = None) -> Dataset:
    """The records of a version, read from git through the loader (cached per version and day). Never another
    version's records under its name: cached files that do not hash to the version are written again from git, and
    if they still do not, this raises.

    Checked against `today` (the machine's date by default), as the current records are: a date after it is an
    error that leaves its record out, so a long-running server shows an old version's records dated the next day
    once that day comes, instead of keeping the first day's check."""
    day = today or dt.date.today()
    dataset = _load(str(extract(repo, version.commit, version.version)), day)
    if dataset.version != version.version:
        _load.cache_clear()
        shutil.rmtree(_version_dir(version.version), ignore_errors=True)
        dataset = _load(str(extract(repo, version.commit, version.version)), day)
    if dataset.version != version.version:
        raise NoHistory(f"the cached files of version {version.version} hash to {dataset.version}")
    return dataset


def _read_signed(path: Path) -> object:
    """A JSON entry of the cache that this machine signed, written by this code; else None."""
    key = cachedir.usable(cache_root())
    try:
        body = cachedir.verified(key, path.read_bytes()) if key is not None else None
        entry = json.loads(body) if body is not None else None
    except (OSError, ValueError):
        return None
    return entry.get("value") if isinstance(entry, dict) and entry.get("code") == CODE_VERSION else None


def _write_signed(path: Path, value: object) -> None:
    key = cachedir.usable(cache_root())
    if key is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        staging.write_bytes(cachedir.sign(key, json.dumps({"code": CODE_VERSION, "value": value}).encode()))
        staging.replace(path)
    except OSError:  # a read-only cache only costs time
        pass


Files = list[tuple[str, bytes | None]]


def _counts_cached(repo: Repo, commit: str, version: str, files: Files | None) -> dict[str, int]:
    path = _version_dir(version) / "counts.json"
    known = _read_signed(path)
    if isinstance(known, dict) and all(isinstance(v, int) for v in known.values()):
        return {str(key): value for key, value in known.items()}
    found = counts(_load(str(extract(repo, commit, version, files)), dt.date.today()))
    _write_signed(path, found)
    return found


def _known_versions() -> dict[str, str]:
    """Each commit's data version ("-" without record files), as computed before (a commit never changes, so a
    restarted replica does not read every version's files again); signed, so a planted map is ignored."""
    known = _read_signed(cache_root() / "commits.json")
    if not isinstance(known, dict):
        return {}
    return {c: v for c, v in known.items() if isinstance(v, str) and (v == "-" or VERSION_ID.fullmatch(v))}


def history(repo: Repo, skipped: list[str] | None = None) -> list[Version]:
    """Every data version, newest first. A version is a commit whose record files differ from the commit before it
    in the log: consecutive commits with the same files (a README edit, say) are one version, its oldest commit.

    A commit whose files cannot be read or loaded is skipped, with why in `skipped` (`<commit>: <reason>`)."""
    known = _known_versions()
    learnt = False
    runs: list[tuple[str, str, str, str, list[tuple[str, bytes | None]] | None]] = []
    for commit, date, message in reversed(_commits(repo)):
        files = None
        version: str | None = known.get(commit)
        if version is None:
            try:
                files = _files(repo, commit)
            except NoHistory as error:
                if skipped is not None:
                    skipped.append(f"{commit}: {error}")
                continue
            version = data_version(files) if files else "-"
            known[commit] = version
            learnt = True
        if version == "-":  # the data directory held no record files yet (the geodata came first)
            continue
        if not runs or runs[-1][0] != version:
            runs.append((version, commit, date, message, files))
    if learnt:
        _write_signed(cache_root() / "commits.json", known)
    found = []
    for version, commit, date, message, files in reversed(runs):
        try:
            found.append(Version(version, commit, date, message, _counts_cached(repo, commit, version, files)))
        except Exception as error:  # noqa: BLE001 - one version must never take the history (and every page) down
            if skipped is not None:
                skipped.append(f"{commit}: {type(error).__name__}: {error}")
    return found
