"""Pausing Python's cyclic garbage collector while building many objects that make no cycles."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

# A pause that built fewer new objects than this (a curator's one-file edit builds a few thousand) freezes nothing.
FREEZE_AT = 100_000
# After such a pause, what an earlier one froze is handed back to the collector this much later, in one collection.
RELEASE_DELAY_S = 20.0
_release_timer: threading.Timer | None = None
_release_lock = threading.Lock()


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
    figures (pandas frames hold cycles), which then outlived it: 30-100 MB more at every edit at 1,000 incidents.
    The first large load still froze the script run it was made in, whose globals hold that first version: after a
    later pause that froze nothing (an edit), `release_frozen` gives every frozen object back to the collector once,
    `RELEASE_DELAY_S` later (a full collection, about a second at 1,000 incidents, off the edit's own rerun)."""
    was_enabled = gc.isenabled()
    gc.disable()
    start = gc.get_count()[0]
    try:
        yield
    finally:
        # While the collector is off, the youngest generation's count grows with every container object made.
        if freeze and gc.get_count()[0] - start >= FREEZE_AT:
            gc.freeze()
        elif freeze and gc.get_freeze_count():
            _release_later()
        if was_enabled:
            gc.enable()


def release_frozen() -> None:
    """Give every frozen object back to the collector and collect: frees what froze inside a cycle."""
    gc.unfreeze()
    gc.collect()


def _release_later() -> None:
    global _release_timer
    with _release_lock:
        if _release_timer is not None and _release_timer.is_alive():
            return  # one is due already
        _release_timer = threading.Timer(RELEASE_DELAY_S, release_frozen)
        _release_timer.daemon = True
        _release_timer.start()
