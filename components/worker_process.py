"""The app's worker process (`incidents.load.worker`): the load, its snapshot and the filters' columns
(`incidents.views.worker_process`), then the chronological table of every record (`components.timeline.table_store`).

Built in the server, that table took 0.52 s and 56 MB of its memory at 1,000 incidents; read back from its store,
0.10 s and 30 MB (bench/PROFILE.md, nineteenth pass). Built here, the server reads it back as a restarted one
does. It is the table of the default grouping, the one a reader's first `/timeline` shows. A failure to make or store
it is not the load's: the child still exits 0, and the server builds the table as before.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import incidents.views.worker_process as views_worker
from components.timeline.table import store_table

MODULE = "components.worker_process"  # as `python -m` runs it (its `__name__` is then "__main__")


def main(argv: Sequence[str]) -> int:
    """The child: the load, its snapshot and the columns (`incidents.views.worker_process.load_and_store`), then
    the table stored; the load's exit status."""
    loaded = views_worker.load_and_store(argv, MODULE)
    if isinstance(loaded, int):
        return loaded
    try:
        if not store_table(loaded):
            print("the table was not stored (too few rows, the cache off, or too large)", file=sys.stderr)
    except Exception as error:  # noqa: BLE001 - the snapshot is written: the server restores it and builds the table
        print(f"the table was not stored: {error!r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
