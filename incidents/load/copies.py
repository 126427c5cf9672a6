"""Stored copies of sources (`local_copy`): where they are and their SHA-256, read in bounded time.

A `local_copy` is relative to the repository root, the data directory's parent. Copies may be kept outside the
repository (the shipped article's is), so a clean clone may not hold them.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from incidents.load.validate import Located
from incidents.model import codes
from incidents.model.dataset import Dataset, Problem

# A stored copy is a web page's text or a PDF; anything larger is not hashed (nor read) at all.
MAX_COPY_BYTES = 100 * 2**20
_CHUNK = 2**20


class CopyTooLarge(OSError):
    """The copy is over `MAX_COPY_BYTES`, so it is neither hashed nor read."""


def repository_root(data_dir: Path) -> Path:
    """The directory `local_copy` paths are relative to: the data directory's parent."""
    return data_dir.resolve().parent


def copy_path(data_dir: Path, local_copy: str) -> Path:
    """Where a `local_copy` value points."""
    return repository_root(data_dir) / local_copy


def relative_copy(data_dir: Path, path: Path) -> str:
    """The `local_copy` value for a file: its path from the repository root (`../` when it lies outside)."""
    return Path(os.path.relpath(path.resolve(), repository_root(data_dir))).as_posix()


def sha256_of(path: Path) -> str:
    """The file's SHA-256 in hex, read in chunks; `CopyTooLarge` past `MAX_COPY_BYTES`, `OSError` if unreadable."""
    if path.stat().st_size > MAX_COPY_BYTES:
        raise CopyTooLarge(f"{path} is larger than {MAX_COPY_BYTES // 2**20} MB")
    digest = hashlib.sha256()
    read = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            read += len(chunk)
            if read > MAX_COPY_BYTES:  # the file grew while we read it
                raise CopyTooLarge(f"{path} is larger than {MAX_COPY_BYTES // 2**20} MB")
            digest.update(chunk)
    return digest.hexdigest()


def read_copy(path: Path, limit: int = MAX_COPY_BYTES) -> str:
    """A stored copy's UTF-8 text; `CopyTooLarge` past `limit` bytes, `OSError` or `UnicodeDecodeError` otherwise."""
    with path.open("rb") as handle:
        raw = handle.read(limit + 1)
    if len(raw) > limit:
        raise CopyTooLarge(f"larger than {limit // 2**20} MB")
    return raw.decode("utf-8")


def stored_copy_problems(dataset: Dataset, records: dict[str, Located], data_dir: Path) -> list[Problem]:
    """Every source's stored copy checked: missing (warning), hash differs (error), no hash or unreadable (warning)."""
    problems = []
    for source in dataset.sources.values():
        if not source.local_copy:
            continue
        located = records[source.id]
        path = copy_path(data_dir, source.local_copy)
        shown = source.local_copy
        if not path.is_file():
            problems.append(located.problem(codes.STORED_COPY_MISSING, "local_copy", copy=shown))
            continue
        try:
            actual = sha256_of(path)
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
