"""A cold load in a worker process, so a long-running server keeps only what a restart keeps.

A load that parses and checks every file leaves the process larger than the same records restored from a snapshot:
at 1,000 incidents 703 MB against 476-509 MB after the first page (bench/PROFILE.md, fourteenth pass). The parse's
temporaries are freed among objects that live on, inside Python's arenas, and the process cannot give that memory
back; the checks' memos it builds at once are more. So when there is no snapshot for large data, a child process
runs the load and writes the snapshot (`python -m incidents.load.worker_process DATA_DIR DAY`; the app's child,
`components.worker_process`, also stores the filters' columns and the timeline's table), exits, and the server
restores from it as a restart does. Anything that stops the child (an error, a kill, `TIMEOUT_S`, a file changed
meanwhile so that its snapshot has another key) leaves the server to load in-process, as before.

Only for data of `MIN_BYTES` or more: below that the memory at stake is small, and the child's start (its imports,
about 0.5 s) would be a large share of the load. The child inherits the environment and the working directory, so
it reads the same files and writes to the same cache (`INCIDENTS_PARSE_CACHE`) under the same key.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

MIN_BYTES = 8 * 2**20  # the record files' total; the shipped data is under 2 MB, 1,000 synthetic incidents 43 MB
TIMEOUT_S = 1800.0  # 1,000 incidents take about a minute on a quiet machine and over five at a load of 6-9
STDERR_KEPT = 4000  # the tail of the child's error output that goes to the log
PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # the folder holding `incidents/`, for the child's import path
CHILD_MODULE = "incidents.load.worker_process"
_log = logging.getLogger(__name__)


def worth_it(file_sizes: Iterable[int], min_bytes: int | None) -> bool:
    """Whether a first load of files of these sizes runs in a worker: never when `min_bytes` is None."""
    return min_bytes is not None and sum(file_sizes) >= min_bytes


def command(data_dir: Path, today: dt.date, module: str | None = None) -> list[str]:
    """The child's command line: this interpreter, the child's module (`CHILD_MODULE` unless another is given, one
    that does more after the load, as the app's `components.worker_process`), the data directory and the day (an
    argument list, never a shell string)."""
    return [sys.executable, "-m", module or CHILD_MODULE, str(data_dir), today.isoformat()]


def _environment() -> dict[str, str]:
    paths = [str(PACKAGE_ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def prime(data_dir: Path, today: dt.date, module: str | None = None) -> bool:
    """Run the load of `data_dir` for `today` in a child process (`module`) that writes its snapshot; True when the
    child exited cleanly. A failure is logged with the tail of the child's error output, never raised."""
    timeout_s = TIMEOUT_S
    with tempfile.TemporaryFile() as errors:
        try:
            done = subprocess.run(command(data_dir, today, module), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=errors, env=_environment(), timeout=timeout_s, check=False)
        except subprocess.TimeoutExpired:  # run() has killed the child and waited for it
            _log.warning("the load's worker process took over %.0f s; loading in this process", timeout_s)
            return False
        except OSError as exc:
            _log.warning("the load's worker process did not start (%s); loading in this process", exc)
            return False
        if done.returncode == 0:
            return True
        errors.seek(max(0, errors.seek(0, os.SEEK_END) - STDERR_KEPT))
        tail = errors.read().decode("utf-8", errors="replace")
        _log.warning("the load's worker process exited with %s; loading in this process:\n%s", done.returncode, tail)
        return False
