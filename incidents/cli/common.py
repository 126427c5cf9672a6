"""What the command modules share: where the data is, and the records indexed as curators wrote them."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from incidents.curate.records_index import RecordIndex, index_records


def data_dir() -> Path:
    """The data directory: `INCIDENTS_DATA_DIR`, or `data`, as the app reads it."""
    return Path(os.environ.get("INCIDENTS_DATA_DIR", "data"))


def indexed(data_dir: Path) -> RecordIndex:
    """The records of a data directory with their positions, for commands that read files as curators wrote them;
    the files that cannot be parsed are reported on stderr, and the rest are indexed."""
    index = index_records(data_dir)
    for problems in index.problems.values():
        for problem in problems:
            print(problem, file=sys.stderr)
    return index
