"""Load and validate the YAML records: a short pipeline of steps, each in its own module.

1. parse each file with positions (`incidents.parse`);
2. validate each record against its model, one id each (`incidents.validate`);
3. check references, dates and `parent` cycles, then drop the records that depend on a bad one
   (`incidents.references`);
4. warn about the kept records (`incidents.warn`).

Errors are data (frictionless-style): every problem becomes a located `Problem` made through `incidents.codes`,
collected into the dataset's report. Loading never raises on bad input, so the app can show every valid record
beside the report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

from incidents import codes
from incidents.dataset import Dataset
from incidents.parse import ParsedFile, data_files, fingerprint, parse_file
from incidents.references import check_cycles, check_dates, check_references, drop_dependents
from incidents.validate import Located, validate_records
from incidents.warn import warnings

__all__ = ["data_files", "fingerprint", "load_dataset"]


def _display(path: Path) -> str:
    """The path as reports print it: relative to the working directory when it lies below it."""
    return os.path.relpath(path) if not path.is_absolute() or str(path).startswith(os.getcwd()) else str(path)


def parse_files(data_dir: Path, dataset: Dataset) -> list[ParsedFile]:
    """Parse every record file; the dataset gets their names and the data version (a hash of their bytes)."""
    digest = hashlib.sha256()
    parsed_files: list[ParsedFile] = []
    for path, kind in data_files(data_dir):
        display = _display(path)
        dataset.files.append(display)
        try:
            digest.update(path.relative_to(data_dir).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
        except OSError:
            pass
        parsed = parse_file(path, display, kind, dataset.problems)
        if parsed is not None:
            parsed_files.append(parsed)
    dataset.version = digest.hexdigest()[:8]
    return parsed_files


def keep(dataset: Dataset, records: dict[str, Located], bad: set[str]) -> None:
    """Put every record that passed all checks into its collection."""
    for record_id, located in records.items():
        if record_id not in bad:
            dataset.collection(located.collection.key)[record_id] = located.record


def load_dataset(data_dir: Path | str, today: dt.date | None = None) -> Dataset:
    """Load every record file under `data_dir` and validate it. Never raises on bad data."""
    data_dir = Path(data_dir)
    today = today or dt.date.today()
    dataset = Dataset()
    problems = dataset.problems
    if not data_dir.is_dir():
        problems.append(codes.FILE_READ.at(str(data_dir), 1, 1, reason="data directory does not exist"))
        return dataset
    files = parse_files(data_dir, dataset)
    records = validate_records(files, problems)
    failed = {record_id for parsed in files for record_id in parsed.failed_ids}
    bad = check_references(records, failed, problems)
    bad |= check_dates(records, today, problems)
    bad |= check_cycles(records, problems)
    drop_dependents(records, bad, problems)
    keep(dataset, records, bad)
    problems += warnings(dataset, records)
    problems.sort(key=lambda p: (p.path, p.line, p.col, p.code))
    return dataset
