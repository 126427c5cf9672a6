"""The worker process's side of a cold load (`incidents.load.worker`): load the records and write their snapshot."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from incidents.load.incremental import Loader
from incidents.model.dataset import Dataset

USAGE = "usage: python -m {module} DATA_DIR YYYY-MM-DD"


def load(argv: Sequence[str], module: str = __name__) -> Dataset | int:
    """The child's load: `DATA_DIR` for `DAY`, its snapshot written before it returns; the dataset, or the exit
    status that says why not (after saying it on stderr)."""
    if len(argv) != 2:
        print(USAGE.format(module=module), file=sys.stderr)
        return 2
    loader = Loader(Path(argv[0]))
    loader.background = False  # the snapshot is written before the load returns, so before this process exits
    dataset = loader.load(dt.date.fromisoformat(argv[1]))
    if not (loader.stored or loader.from_snapshot):  # another process may have written it first
        print("no snapshot was written (the parse cache is off, or the snapshot was too large)", file=sys.stderr)
        return 1
    return dataset


def main(argv: Sequence[str]) -> int:
    """The child: load `DATA_DIR` for `DAY` and write the snapshot before exiting (status 0), or say why not."""
    loaded = load(argv)
    return loaded if isinstance(loaded, int) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
