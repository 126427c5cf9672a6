"""Load and validate the YAML records: a short pipeline of steps, each in its own module.

1. parse each file with positions, refusing files too large, too deep or with aliases (`incidents.parse`);
2. validate each record against its model, one id each (`incidents.validate`);
3. check references, dates and `parent` cycles, then drop the records that depend on a bad one
   (`incidents.references`);
4. warn about the kept records (`incidents.warn`; weekdays that contradict their dates, `incidents.weekdays`),
   check the sources' stored copies (`incidents.copies`), and warn about the files under the data directory the
   loader does not read (`incidents.warn`).

Errors are data (frictionless-style): every problem becomes a located `Problem` made through `incidents.codes`,
collected into the dataset's report. Loading never raises on bad input, so the app can show every valid record
beside the report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from pathlib import Path

from incidents import codes
from incidents.copies import stored_copy_problems
from incidents.dataset import Dataset
from incidents.filecache import FILE_CACHE, FileCache, FileResult, compute
from incidents.memory import gc_paused
from incidents.parse import data_files, display_path, fingerprint, read_bounded
from incidents.references import check_cycles, check_dates, check_references, drop_dependents
from incidents.validate import Located, origin, unique_records
from incidents.warn import unread_files, warnings
from incidents.weekdays import weekday_mismatches

__all__ = ["data_files", "fingerprint", "load_dataset"]


def data_version(files: Iterable[tuple[str, bytes | None]]) -> str:
    """The data version: the first 8 hex digits of a sha256 over each record file's relative name and bytes, in load
    order (`None` for a file that could not be read: it still changes the version, by its name alone)."""
    digest = hashlib.sha256()
    for name, raw in files:
        digest.update(name.encode() + b"\0" + (raw if raw is not None else b"\1") + b"\0")
    return digest.hexdigest()[:8]


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
    for path, kind in data_files(data_dir):
        display = display_path(path)
        dataset.files.append(display)
        raw = read_bounded(path, display, dataset.problems)
        hashed.append((path.relative_to(data_dir).as_posix(), raw))
        if raw is None:
            continue
        result = cache.result(raw, display, kind, used) if cache is not None else compute(raw, display, kind)
        dataset.problems.extend(result.problems)
        if result.parsed is not None:
            per_file.append(result.records)
            failed |= result.parsed.failed_ids
    if cache is not None:
        cache.keep(used)
    dataset.version = data_version(hashed)
    return per_file, failed


def keep(dataset: Dataset, records: dict[str, Located], bad: set[str]) -> None:
    """Put every record that passed all checks into its collection."""
    for record_id, located in records.items():
        if record_id not in bad:
            dataset.collection(located.collection.key)[record_id] = located.record
            dataset.origins[record_id] = origin(located)


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
    problems += weekday_mismatches(dataset, records)
    problems += stored_copy_problems(dataset, records, data_dir)
    problems += unread_files(data_dir)
    problems.sort(key=lambda p: (p.path, p.line, p.col, p.code))
    return dataset
