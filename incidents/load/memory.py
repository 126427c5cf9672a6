"""Pausing Python's cyclic garbage collector while building many objects that make no cycles."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

# A pause that built fewer new objects than this (a curator's one-file edit builds a few thousand) freezes nothing.
FREEZE_AT = 100_000


@contextlib.contextmanager
def gc_paused(freeze: bool = False) -> Iterator[None]:
    """Pause the cyclic GC while building: tens of thousands of new objects (records, rows) would otherwise set off
    collections that rescan every one already made (a load of 49,000 records took three times as long). What is
    built here makes no reference cycles, so reference counting frees it all the same. Another thread's pause that
    ends first turns the GC back on: that only costs speed, and it is never left off.

    `freeze`: what was built is kept for long (a loaded dataset), so it is moved out of the collector's sight
    (`gc.freeze`): the first collections after the pause otherwise scan all of it, several times, as it is promoted
    through the generations (a second at 49,000 records, paid by whatever the next page allocates). Only a pause that
    built at least `FREEZE_AT` objects freezes: `gc.freeze` takes every object alive, not only the new ones, and a
    frozen object in a reference cycle is never freed. An edit's load froze the last version's derived tables and
    figures (pandas frames hold cycles), which then outlived it: 30-100 MB more at every edit at 1,000 incidents."""
    was_enabled = gc.isenabled()
    gc.disable()
    start = gc.get_count()[0]
    try:
        yield
    finally:
        # While the collector is off, the youngest generation's count grows with every container object made.
        if freeze and gc.get_count()[0] - start >= FREEZE_AT:
            gc.freeze()
        if was_enabled:
            gc.enable()
