"""The server's warm-up: what the first reader would otherwise wait for, done as the server starts (`boot.py`).

The modules every page imports are imported before the server answers (one thread, one order: concurrent first
imports can deadlock). Then, in a thread, the records are loaded into Streamlit's resource cache and the front page's
record-wide findings are worked out on them (kept with the dataset): the unfiltered view, the "Selected record"
choices, the incidents' headings, what is open across the record. A reader who comes before it ends waits for the
same load: Streamlit runs a cached function once for concurrent callers. Once that is done (and `/ready` says so),
the filters' columns are made too, so that the first filter does not wait for them. Both are made again just after
each midnight: the records are checked against the day.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from starlette.requests import Request
from starlette.responses import PlainTextResponse
from streamlit.logger import get_logger

from components.preload import preload
from components.records import current, data_dir
from incidents.load.memory import defer_full_collections
from incidents.views.filtering import FilterValue, apply_filter, filter_index, record_choices
from incidents.views.incidents_index import headings
from incidents.views.overview import kept_patterns

# Streamlit's logger: its level and format follow the server's `logger.level`, so operators see the line.
LOG = get_logger(__name__)
THREAD_NAME = "records-warm-up"
NEW_DAY_THREAD_NAME = "records-new-day"
# After midnight (the machine's local time, as `records.today` reads the day): a new day checks every record again
# (2.7 s at 1,000 incidents), which the first reader of the day would otherwise wait for.
NEW_DAY_AFTER_S = 5.0
NEW_DAY_MIN_WAIT_S = 60.0  # a clock set back never makes the loop spin
_finished = threading.Event()  # set when the warm-up's thread has ended, loaded or not
# Streamlit warns about a cached call made outside a script run; the warm-up's are on purpose.
_CONTEXT_LOGGER = "streamlit.runtime.scriptrunner_utils.script_run_context"


class _OwnThreadWarnings(logging.Filter):
    """Drops the missing-script-context warning for the warm-up's thread alone."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.threadName not in (THREAD_NAME, NEW_DAY_THREAD_NAME)


def import_modules(root: Path) -> tuple[str, ...]:
    """Import every module the pages import (`components.preload`); the names imported."""
    return preload(root / "app_pages")


def warm_records() -> bool:
    """Load the records into the shared cache and work out the front page's record-wide findings; False when the
    load failed (the first reader's run loads again and shows the error where it belongs)."""
    started = time.perf_counter()
    try:
        dataset = current(data_dir())
        apply_filter(dataset, FilterValue())
        record_choices(dataset, None, None)
        headings(dataset)
        kept_patterns(dataset)
    except Exception:  # noqa: BLE001 - a warm-up must never take the server down
        LOG.exception("warm-up: the records did not load; the first reader will load them")
        return False
    LOG.info("warm-up: the records (version %s) ready in %.1f s", dataset.version, time.perf_counter() - started)
    return True


def warm_columns() -> bool:
    """Make the columns every filter reads (`FilterIndex.columns`: read back from the store, 0.07 s at 1,000
    incidents, or built and stored, 0.7 s), so the first filter does not wait for them; False when that failed."""
    try:
        filter_index(current(data_dir())).columns  # noqa: B018 - a cached property made now, for later readers
    except Exception:  # noqa: BLE001 - a warm-up must never take the server down
        LOG.exception("warm-up: the filters' columns were not made; the first filter will make them")
        return False
    return True


def _warm_then_finish() -> None:
    try:
        warmed = warm_records()
    finally:
        _finished.set()
    if warmed:  # after the readiness flag: a reader's first page need not wait for the columns
        warm_columns()


def seconds_to_next_day(now: dt.datetime) -> float:
    """Seconds from `now` to `NEW_DAY_AFTER_S` past the next midnight, at least `NEW_DAY_MIN_WAIT_S`."""
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), tzinfo=now.tzinfo)
    return max((midnight - now).total_seconds() + NEW_DAY_AFTER_S, NEW_DAY_MIN_WAIT_S)


def each_new_day(
    sleep: Callable[[float], None] = time.sleep, now: Callable[[], dt.datetime] = dt.datetime.now,
    days: int | None = None,
) -> None:
    """Warm the records and the columns just after each midnight (forever, or for `days` days): the records cache is
    keyed by the day, so the first reader of a new day would otherwise wait for every record to be checked again."""
    while days is None or days > 0:
        sleep(seconds_to_next_day(now()))
        if warm_records():
            warm_columns()
        days = None if days is None else days - 1


def finished() -> bool:
    """Whether the warm-up has ended (the records loaded, or the failure logged)."""
    return _finished.is_set()


async def readiness(_request: Request) -> PlainTextResponse:
    """`/ready` (boot.py): 200 once the warm-up has ended, 503 while it runs. A cluster's readiness probe sends
    readers to a restarted replica only when their first page need not wait for the load; a failed warm-up still
    ends, and the first reader loads the records as without one."""
    if finished():
        return PlainTextResponse("ready\n")
    return PlainTextResponse("warming up\n", status_code=503)


def start(root: Path) -> threading.Thread:
    """Import the modules now, then warm the records in a daemon thread (returned), and again after each midnight
    in another (`each_new_day`). Full collections are deferred first, as app.py defers them, so the warm-up's work
    runs under the app's collector."""
    defer_full_collections()
    import_modules(root)
    logging.getLogger(_CONTEXT_LOGGER).addFilter(_OwnThreadWarnings())
    thread = threading.Thread(target=_warm_then_finish, name=THREAD_NAME, daemon=True)
    thread.start()
    threading.Thread(target=each_new_day, name=NEW_DAY_THREAD_NAME, daemon=True).start()
    return thread
