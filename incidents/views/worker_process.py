"""The views' worker process (`incidents.load.worker`): the load and its snapshot, then the filters' columns, stored.
The app's worker (`components.worker_process`) runs this, then stores the chronological table too.

A server whose first load ran in the worker restores the records from the snapshot, as a restart does; built in the
server, the columns then took 94-95 MB of its memory at 1,000 incidents, read back from their store 27 MB
(bench/PROFILE.md, eighteenth pass). Built here instead, the server reads them back as a restarted one does.
The columns are those of the dataset the app shows (`review.for_mode`, the hosted mode read from the environment the
child inherits): any other would be stored under a key the server never asks for. A failure to make or store them
is not the load's: the snapshot is written, so the child still exits 0, and the server builds them as before.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import incidents.load.worker_process as load_worker
import incidents.views.columns_store as columns_store
from incidents.load.review import for_mode, published_only_from
from incidents.model.dataset import Dataset
from incidents.views.columnar import RecordColumns
from incidents.views.filtering import FilterIndex

MODULE = "incidents.views.worker_process"  # as `python -m` runs it (its `__name__` is then "__main__")


def main(argv: Sequence[str]) -> int:
    """The child: the load and its snapshot (`incidents.load.worker_process.load`), then the columns stored; the
    load's exit status."""
    loaded = load_and_store(argv, MODULE)
    return loaded if isinstance(loaded, int) else 0


def load_and_store(argv: Sequence[str], module: str) -> Dataset | int:
    """The load and its snapshot, then the columns stored: the dataset the app shows (for its mode), or the load's
    exit status when it failed. `module` is the child's own, for its usage line (`components.worker_process` stores
    more after this)."""
    loaded = load_worker.load(argv, module)
    if isinstance(loaded, int):
        return loaded
    shown = for_mode(loaded, published_only_from(os.environ))
    try:
        store_columns(shown)
    except Exception as error:  # noqa: BLE001 - the snapshot is written: the server restores it and builds them
        print(f"the columns were not stored: {error!r}", file=sys.stderr)
    return shown


def store_columns(dataset: Dataset) -> None:
    """Build and store the filters' columns of `dataset` when they are worth a file (`columns_store.MIN_RECORDS`)."""
    index = FilterIndex(dataset)
    if columns_store.worth_storing(index.events, index.statements):
        columns = RecordColumns(index.events, index.statements)
        if not columns_store.write(columns_store.store_key(dataset), columns, index.events, index.statements):
            print("the columns were not stored (the cache is off, or they were too large)", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
