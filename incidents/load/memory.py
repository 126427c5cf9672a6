"""Python's cyclic garbage collector: paused while building many objects that make no cycles, and its full
collections moved to quiet moments."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import threading
import time
from collections.abc import Callable, Iterator

# After a freeze while something was frozen already (an edit), every frozen object is handed back to the collector
# this much later, in one collection, once no run has started for `QUIET_S` (or `MAX_WAIT_S` past its time).
RELEASE_DELAY_S = 20.0
_release_timer: QuietTimer | None = None
_release_lock = threading.Lock()
_freezes = 0  # freezes made by this process's loads


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's `malloc_trim`, or None where the C library has none (musl, macOS)."""
    try:
        trim: Callable[[int], int] | None = getattr(ctypes.CDLL(None), "malloc_trim", None)
    except OSError:
        return None
    return trim


_TRIM = _malloc_trim()


def return_free_memory() -> bool:
    """Hand the C allocator's free pages back to the system (glibc's `malloc_trim`); False where there is none.

    Large temporaries (a snapshot's encoded records, a rerun's serialised messages) are the C allocator's, and
    each thread that made them has its own arena, which keeps what was freed: after a snapshot's write at 1,000
    incidents the server held 30-60 MB it no longer used. Python's own small objects live in its arenas, which
    this does not touch. A few milliseconds, so only after background work and quiet collections."""
    if _TRIM is None:
        return False
    _TRIM(0)
    return True


@contextlib.contextmanager
def gc_paused(freeze: bool = False) -> Iterator[None]:
    """Pause the cyclic GC while building: tens of thousands of new objects (records, rows) would otherwise set off
    collections that rescan every one already made (a load of 49,000 records took three times as long). What is
    built here makes no reference cycles, so reference counting frees it all the same. Another thread's pause that
    ends first turns the GC back on: that only costs speed, and it is never left off.

    `freeze`: what was built is kept for long (a loaded dataset), so it is moved out of the collector's sight
    (`gc.freeze`): the first collections after the pause otherwise scan all of it, several times, as it is promoted
    through the generations (a second at 49,000 records, paid by whatever the next page allocates; after an edit's
    load, a young collection of what it built, about 0.16 s of the edit's rerun at 1,000 incidents). `gc.freeze`
    takes every object alive, not only the new ones, and a frozen object in a reference cycle is never freed: an
    edit's load freezes the last version's derived tables and figures (pandas frames hold cycles), and the first
    load the script run it was made in, whose globals hold that first version. So every freeze after the process's
    first (an edit's load) has `release_frozen` give every frozen object back to the collector, `RELEASE_DELAY_S`
    later and once the app is quiet (a full collection, one to a few seconds at 1,000 incidents, off the readers'
    runs), then freeze what is left; before that, frozen cycles outlived their version: 30-100 MB more at every
    edit at 1,000 incidents."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
            _after_freeze()
        if was_enabled:
            gc.enable()


def release_frozen() -> None:
    """Give every frozen object back to the collector and collect: frees what froze inside a cycle. What is left
    is frozen again, as after the first load: otherwise every later full collection scans all of it (the release
    itself held the interpreter 2.6 s in a server at 1,000 incidents after a tour of the pages). The price: a
    cycle alive now that is dropped later (a view's tables, evicted) waits for the next edit's release."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _after_freeze() -> None:
    """Every freeze but the process's first schedules a release: each edit's freeze takes the last version's
    tables and figures with it, and only a release frees those that sit in cycles."""
    global _freezes
    with _release_lock:
        _freezes += 1
        first = _freezes == 1
    if not first:
        _release_later()


def _release_later() -> None:
    global _release_timer
    with _release_lock:
        if _release_timer is not None and _release_timer.is_alive():
            return  # one is due already
        _release_timer = QuietTimer(RELEASE_DELAY_S, release_frozen)


class QuietTimer:
    """`action(*args)` in a thread `delay_s` from now, once no run has started for `QUIET_S` (`QUIET`), or
    `MAX_WAIT_S` past its time under steady use: for background work that holds the interpreter for seconds (the
    release's collection, a snapshot's write), which would otherwise land on a reader's run. `cancel` stops it
    unless it has started; `join` waits until it has run or was cancelled."""

    def __init__(self, delay_s: float, action: Callable[..., object], *args: object) -> None:
        self._action, self._args = action, args
        self._due = time.monotonic() + delay_s
        self._lock = threading.Lock()
        self._finished = threading.Event()  # it ran, or it was cancelled before it started
        self._started = False
        with self._lock:  # a timer due at once re-arms under the lock, after this one is set
            self._timer = self._arm(delay_s)

    def _arm(self, delay_s: float) -> threading.Timer:
        timer = threading.Timer(delay_s, self._fire)
        timer.daemon = True
        timer.start()
        return timer

    def _fire(self) -> None:
        wait = QUIET.quiet_left()
        with self._lock:
            if self._finished.is_set():  # cancelled
                return
            if wait > 0 and time.monotonic() - self._due < MAX_WAIT_S:
                self._timer = self._arm(wait)
                return
            self._started = True
        try:
            self._action(*self._args)
            return_free_memory()  # what the action's temporaries took, back to the system
        finally:
            self._finished.set()

    def cancel(self) -> None:
        with self._lock:
            if not self._started:
                self._timer.cancel()
                self._finished.set()

    def is_alive(self) -> bool:
        return not self._finished.is_set()

    def join(self, timeout: float | None = None) -> bool:
        """True once it has run (or was cancelled before it started)."""
        return self._finished.wait(timeout)


class QuietCollector:
    """Python's full collections, moved off the readers' path: with the app's `runner.postScriptGC` off, the
    collector's own full collections still landed inside reruns (0.17-0.57 s each at 1,000 incidents, three in
    twenty AppTest reruns; bench/PROFILE.md). `defer_full_collections` makes them rare; this runs one once the
    app has been quiet for `quiet_s` (no run has `touch`ed it), or after `max_wait_s` of steady use, so memory is
    still reclaimed."""

    def __init__(self, quiet_s: float, max_wait_s: float, collect: Callable[[], object] = gc.collect) -> None:
        self.quiet_s, self.max_wait_s, self._collect = quiet_s, max_wait_s, collect
        self._lock = threading.Lock()
        self._last_touch = self._last_collect = time.monotonic()
        self._timer: threading.Timer | None = None
        self.collections = 0

    def touch(self) -> None:
        """A script run starts: the collection waits until the app is quiet again."""
        with self._lock:
            self._last_touch = time.monotonic()
            if self._timer is None:
                self._arm(self.quiet_s)

    def quiet_left(self) -> float:
        """Seconds until no run will have started for `quiet_s` (0 when it is quiet already)."""
        with self._lock:
            return max(self.quiet_s - (time.monotonic() - self._last_touch), 0.0)

    def _arm(self, delay: float) -> None:
        self._timer = threading.Timer(max(delay, 0.0), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        with self._lock:
            now = time.monotonic()
            quiet_for, waited = now - self._last_touch, now - self._last_collect
            if quiet_for < self.quiet_s and waited < self.max_wait_s:
                self._arm(min(self.quiet_s - quiet_for, self.max_wait_s - waited))
                return
            self._timer = None
        self._collect()
        return_free_memory()  # the runs' freed temporaries, in their threads' arenas
        with self._lock:
            self._last_collect = time.monotonic()
            self.collections += 1

    def cancel(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None


# A full collection at 1,000 incidents takes a few hundred milliseconds: wait this long after the last run.
QUIET_S = 3.0
MAX_WAIT_S = 60.0  # under steady use, one collection at least this often
QUIET = QuietCollector(QUIET_S, MAX_WAIT_S)
# The collector's own full collections: after this many young-generation ones (Python's default: 10).
DEFERRED_THRESHOLD = 1_000


def defer_full_collections() -> None:
    """Make Python's own full collections rare (QUIET collects instead); the young generations keep their
    defaults, and are cheap."""
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, DEFERRED_THRESHOLD)
