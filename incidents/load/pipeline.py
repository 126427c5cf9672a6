"""Load and validate the YAML records: the stages in order, top to bottom, each in its own module.

1. read the files, bounded in size (`parse.read_bounded`);
2. parse each with positions, refusing files too large, too deep or with aliases (`parse`), through the per-file
   cache (`filecache`), which also keeps step 3's result;
3. validate each record against its model (`validate`, after `migrate`): one id each across files;
4. cross-file checks: references, dates and `parent` cycles, then drop the records that depend on a bad one
   (`references`);
5. warnings about the kept records (`warn`; published records a draft hides or cuts in hosted mode, `review`;
   weekdays that contradict their dates, `weekdays`; the sources' stored
   copies, `copies`) and about the files under the data directory the loader does not read (`warn`);
6. the `Dataset`: the kept records and the sorted report.

A stage takes what the one before produced and never calls back up (`.importlinter`'s load contract holds it).

Errors are data (frictionless-style): every problem becomes a located `Problem` made through `incidents.model.codes`,
collected into the dataset's report. Loading never raises on bad input, so the app can show every valid record
beside the report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from pathlib import Path

from incidents.load.copies import stored_copy_problems
from incidents.load.filecache import FILE_CACHE, FileCache, FileResult, compute
from incidents.load.memory import gc_paused
from incidents.load.parse import MAX_RECORDS, MAX_TOTAL_BYTES, data_files, display_path, read_bounded
from incidents.load.references import check_cycles, check_dates, check_references, drop_dependents
from incidents.load.review import hosted_problems
from incidents.load.validate import Located, unique_records
from incidents.load.warn import unread_files, warnings
from incidents.load.weekdays import weekday_mismatches
from incidents.model import codes
from incidents.model.dataset import Dataset
from incidents.model.registry import COLLECTIONS

__all__ = ["load_dataset"]


def data_version(files: Iterable[tuple[str, bytes | None]]) -> str:
    """The data version: the first 8 hex digits of a sha256 over each record file's relative name and bytes, in load
    order (`None` for a file that could not be read: it still changes the version, by its name alone). Share links
    and exports carry it, and `history.versions` works it out for past commits: it never changes meaning."""
    return version_of(_files_digest(files))


def _files_digest(files: Iterable[tuple[str, bytes | None]]) -> hashlib._Hash:
    digest = hashlib.sha256()
    for name, raw in files:
        add_to_version(digest, name, raw)
    return digest


def add_to_version(digest: hashlib._Hash, name: str, raw: bytes | None) -> None:
    """One file's part of `data_version` (the incremental loader keeps the digest's state before each file)."""
    digest.update(name.encode() + b"\0")  # piece by piece: joining them copied 43 MB at 1,000 incidents
    digest.update(raw if raw is not None else b"\1")
    digest.update(b"\0")


def version_of(digest: hashlib._Hash) -> str:
    return digest.hexdigest()[:8]


def stamp_version(dataset: Dataset, digest: hashlib._Hash) -> None:
    """The dataset's version (for people's links) and the whole digest it is cut from (for caches' keys)."""
    dataset.version, dataset.digest = version_of(digest), digest.hexdigest()


def parse_files(
    data_dir: Path, dataset: Dataset, cache: FileCache | None
) -> tuple[list[list[Located]], set[str]]:
    """Parse and validate every record file, each on its own (through `cache` when given); the dataset gets their
    names, their problems and the data version (a hash of their bytes). The valid records, file by file, and the
    ids of the records that failed validation."""
    hashed: list[tuple[str, bytes | None]] = []
    per_file: list[list[Located]] = []
    failed: set[str] = set()
    used: dict[str, FileResult] = {}
    total_bytes = total_records = 0
    for path, kind in data_files(data_dir):
        display = display_path(path)
        dataset.files.append(display)
        raw = read_bounded(path, display, dataset.problems)
        if raw is not None and total_bytes + len(raw) > MAX_TOTAL_BYTES:  # the rule `history.versions` applies too
            dataset.problems.append(codes.TOTAL_TOO_LARGE.at(
                display, 1, 1, total=f"{total_bytes / 2**20:,.1f} MB", limit=f"{MAX_TOTAL_BYTES // 2**20} MB"))
            raw = None
        hashed.append((path.relative_to(data_dir).as_posix(), raw))
        if raw is None:
            continue
        total_bytes += len(raw)
        result = cache.result(raw, display, kind, used) if cache is not None else compute(raw, display, kind)
        dataset.problems.extend(result.problems)
        if result.parsed is None:
            continue
        dataset.spans[display] = result.parsed.spans
        if total_records + len(result.records) > MAX_RECORDS:
            count = total_records + len(result.records)
            dataset.problems.append(codes.TOO_MANY_RECORDS.at(display, 1, 1, count=count, limit=MAX_RECORDS))
            continue
        total_records += len(result.records)
        per_file.append(result.records)
        failed |= result.parsed.failed_ids
    if cache is not None:
        cache.keep(used)
    stamp_version(dataset, _files_digest(hashed))
    return per_file, failed


def keep(dataset: Dataset, records: dict[str, Located], bad: set[str]) -> None:
    """Put every record that passed all checks into its collection."""
    collections = {c.key: dataset.collection(c.key) for c in COLLECTIONS}
    origins = dataset.origins
    for record_id, located in records.items():
        if record_id not in bad:
            collections[located.collection.key][record_id] = located.record
            origins[record_id] = (located.file.path, located.id_line)


def dataset_ids(dataset: Dataset) -> set[str]:
    """The ids of every record the dataset kept."""
    return {record_id for c in COLLECTIONS for record_id in dataset.collection(c.key)}


def load_dataset(data_dir: Path | str, today: dt.date | None = None, cache: FileCache | None = FILE_CACHE) -> Dataset:
    """Load every record file under `data_dir` and validate it. Never raises on bad data.

    `cache` (the process's own by default) skips parsing and validating the files whose bytes it has seen; pass
    None to do every file from scratch."""
    with gc_paused():  # 49,000 records and their facts: collections would rescan them all, again and again
        return _load(Path(data_dir), today or dt.date.today(), cache)


def _load(data_dir: Path, today: dt.date, cache: FileCache | None) -> Dataset:
    dataset = Dataset()
    problems = dataset.problems
    if not data_dir.is_dir():
        problems.append(codes.FILE_READ.at(str(data_dir), 1, 1, reason="data directory does not exist"))
        return dataset
    per_file, failed = parse_files(data_dir, dataset, cache)
    records = unique_records(per_file, problems)
    bad = check_references(records, failed, problems)
    bad |= check_dates(records, today, problems)
    bad |= check_cycles(records, problems)
    drop_dependents(records, bad, problems)
    keep(dataset, records, bad)
    problems += warnings(dataset, records)
    problems += hosted_problems(dataset, records)
    problems += weekday_mismatches(dataset, records)
    problems += stored_copy_problems(dataset, records, data_dir)
    problems += unread_files(data_dir)
    problems.sort(key=lambda p: (p.path, p.line, p.col, p.code))
    return dataset
