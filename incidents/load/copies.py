"""Stored copies of sources (`local_copy`): where they are and their SHA-256, read in bounded time.

A `local_copy` is relative to the repository root, the data directory's parent. Copies may be kept outside the
repository: in `shared/sources/` beside it (the project's read-only source documents, where the shipped corpus lives)
or in the curators' page archive (`INCIDENTS_ARCHIVE_DIR`, else the XDG data directory's `incidents-monitor/archive`,
which `python -m incidents archive` fills), so a clean clone may not hold them.

A `local_copy` is confined (issue 23): a relative path that stays inside one of those three folders, through no
symlink, to a regular file (no FIFO, device or folder); anything else is refused without being opened,
so a record cannot make `validate` hash, or `check-quotes` print, any file the process can read.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

from incidents.load.filestat import StatusMemo, file_status
from incidents.load.validate import Located
from incidents.model import codes
from incidents.model.dataset import Dataset, Problem

# A stored copy is a web page's text or a PDF; anything larger is not hashed (nor read) at all.
MAX_COPY_BYTES = 100 * 2**20
_CHUNK = 2**20


ARCHIVE_ENV = "INCIDENTS_ARCHIVE_DIR"


class CopyTooLarge(OSError):
    """The copy is over `MAX_COPY_BYTES`, so it is neither hashed nor read."""


class CopyRefused(OSError):
    """The `local_copy` leaves the repository and the archive directory, goes through a symlink, or is not a
    regular file: it is not opened."""


def repository_root(data_dir: Path) -> Path:
    """The directory `local_copy` paths are relative to: the data directory's parent."""
    return data_dir.resolve().parent


def archive_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The curators' page archive (`incidents.curate.archive` writes it): `INCIDENTS_ARCHIVE_DIR`, else the XDG data
    directory's `incidents-monitor/archive`."""
    env = os.environ if environ is None else environ
    if env.get(ARCHIVE_ENV):
        return Path(env[ARCHIVE_ENV])
    base = env.get("XDG_DATA_HOME") or str(Path(env.get("HOME") or Path.home()) / ".local" / "share")
    return Path(base) / "incidents-monitor" / "archive"


def copy_folders(data_dir: Path) -> tuple[Path, ...]:
    """The folders a `local_copy` may point into: the repository, `shared/sources` beside it, the page archive."""
    root = repository_root(data_dir)
    return root, root.parent / "shared" / "sources", archive_dir().resolve()


def copy_path(data_dir: Path, local_copy: str) -> Path:
    """Where a `local_copy` value points, once confined; `CopyRefused` (an OSError) when it may not be read."""
    root = repository_root(data_dir)
    if not local_copy or "\0" in local_copy or Path(local_copy).is_absolute():
        raise CopyRefused(f"{local_copy!r} is not a path relative to the repository root")
    lexical = Path(os.path.normpath(root / local_copy))
    if not any(lexical.is_relative_to(folder) for folder in copy_folders(data_dir)):
        raise CopyRefused(f"{local_copy!r} is outside the repository, shared/sources beside it and the page archive")
    if Path(os.path.realpath(lexical)) != lexical:
        raise CopyRefused(f"{local_copy!r} goes through a symbolic link")
    return lexical


def _open_regular(path: Path) -> BinaryIO:
    """The file opened for reading, never following a final symlink nor blocking on a FIFO; `CopyRefused` for
    anything but a regular file."""
    handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise CopyRefused(f"{path.name} is not a regular file")
        return os.fdopen(handle, "rb")
    except BaseException:
        os.close(handle)
        raise


def relative_copy(data_dir: Path, path: Path) -> str:
    """The `local_copy` value for a file: its path from the repository root (`../` when it lies outside)."""
    return Path(os.path.relpath(path.resolve(), repository_root(data_dir))).as_posix()


def sha256_of(path: Path) -> str:
    """The file's SHA-256 in hex, read in chunks; `CopyTooLarge` past `MAX_COPY_BYTES`, `OSError` if unreadable."""
    with _open_regular(path) as handle:
        if os.fstat(handle.fileno()).st_size > MAX_COPY_BYTES:
            raise CopyTooLarge(f"{path} is larger than {MAX_COPY_BYTES // 2**20} MB")
        digest = hashlib.sha256()
        read = 0
        while chunk := handle.read(_CHUNK):
            read += len(chunk)
            if read > MAX_COPY_BYTES:  # the file grew while we read it
                raise CopyTooLarge(f"{path} is larger than {MAX_COPY_BYTES // 2**20} MB")
            digest.update(chunk)
    return digest.hexdigest()


def _hashed(path: Path, hashes: StatusMemo[str] | None) -> str:
    if hashes is None:
        return sha256_of(path)
    read_at, status = time.time_ns(), file_status(str(path))
    known = hashes.get(str(path), status)
    if known is None:
        known = sha256_of(path)
        hashes.put(str(path), status, known, read_at)
    return known


def read_copy(path: Path, limit: int = MAX_COPY_BYTES) -> str:
    """A stored copy's UTF-8 text; `CopyTooLarge` past `limit` bytes, `OSError` or `UnicodeDecodeError` otherwise."""
    with _open_regular(path) as handle:
        raw = handle.read(limit + 1)
    if len(raw) > limit:
        raise CopyTooLarge(f"larger than {limit // 2**20} MB")
    return raw.decode("utf-8")


def stored_copy_problems(
    dataset: Dataset, records: dict[str, Located], data_dir: Path, hashes: StatusMemo[str] | None = None
) -> list[Problem]:
    """Every source's stored copy checked: missing (warning), hash differs (error), no hash or unreadable (warning).
    `hashes` (the incremental loader's) keeps each copy's hash by its file status: an unchanged copy is not read."""
    problems = []
    for source in dataset.sources.values():
        if not source.local_copy:
            continue
        located = records[source.id]
        shown = source.local_copy
        try:
            path = copy_path(data_dir, source.local_copy)
        except CopyRefused as exc:  # nothing is opened or even looked up
            problems.append(located.problem(codes.STORED_COPY_UNREADABLE, "local_copy", copy=shown, reason=exc))
            continue
        if not path.exists():  # a FIFO or a folder exists, and is refused as unreadable below
            problems.append(located.problem(codes.STORED_COPY_MISSING, "local_copy", copy=shown))
            continue
        try:
            actual = _hashed(path, hashes)
        except OSError as exc:  # CopyTooLarge is an OSError too
            problems.append(located.problem(codes.STORED_COPY_UNREADABLE, "local_copy", copy=shown, reason=exc))
            continue
        if source.sha256 is None:
            problems.append(located.problem(codes.STORED_COPY_UNHASHED, "local_copy", copy=shown, actual=actual))
        elif source.sha256 != actual:
            problems.append(
                located.problem(codes.STORED_COPY_HASH, "sha256", copy=shown, actual=actual, recorded=source.sha256)
            )
    return problems
