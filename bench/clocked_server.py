"""`streamlit run`, with the server's own clock on each script run: `python bench/clocked_server.py run app.py …`.

Bench-only (`make bench-e2e` starts every app through it, the bare app included). It appends one line per event
to the file named by `BENCH_RUN_LOG`: when a rerun request reaches the server, and when a run's `script_finished`
message is queued, each as `time.monotonic()` (one clock for every process on the machine). The benchmark takes a
rerun's server time from these, not from when the browser's websocket frames arrive: the browser reports a frame
only once its main thread is free, so a page whose last message follows a big deck read late by the time the
browser spent drawing it (on `/map` at 1,000 incidents, 0.3-0.4 s of every filter change).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import Any, TextIO

from streamlit.runtime.app_session import AppSession
from streamlit.web import cli

_lock = threading.Lock()


def _log(out: TextIO, event: str) -> None:
    moment = time.monotonic()  # before the lock: the moment the event happened, not when the line could be written
    with _lock:
        out.write(f"{moment:.6f} {event}\n")
        out.flush()


def install(path: str) -> TextIO:
    """Log rerun requests and finished runs of every session of this process to `path`; returns the log's file."""
    out = open(path, "a", encoding="utf-8")  # noqa: SIM115 - open for the server's whole life
    handle_backmsg, enqueue = AppSession.handle_backmsg, AppSession._enqueue_forward_msg

    def clocked_backmsg(self: AppSession, msg: Any) -> None:
        if msg.WhichOneof("type") == "rerun_script":
            _log(out, "rerun")
        handle_backmsg(self, msg)

    def clocked_enqueue(self: AppSession, msg: Any) -> None:
        enqueue(self, msg)
        if msg.WhichOneof("type") == "script_finished":
            _log(out, "finished")

    AppSession.handle_backmsg = clocked_backmsg  # type: ignore[method-assign]
    AppSession._enqueue_forward_msg = clocked_enqueue  # type: ignore[method-assign]
    return out


def server_script_s(path: str, since: float, until: float) -> float | None:
    """Seconds from the first rerun request after `since` to the last finished run before `until` (monotonic
    seconds), from a log `install` wrote; None when the log holds no such pair."""
    starts: list[float] = []
    ends: list[float] = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            moment_text, _, event = line.strip().partition(" ")
            try:
                moment = float(moment_text)
            except ValueError:
                continue
            if since <= moment <= until:
                (starts if event == "rerun" else ends if event == "finished" else []).append(moment)
    if not starts:
        return None
    finished = [moment for moment in ends if moment >= starts[0]]
    return max(finished) - starts[0] if finished else None


if __name__ == "__main__":
    # As `python -m streamlit` has it: the working directory first on the path, not bench/ (the floor apps import
    # the project's packages from the root).
    sys.path[0] = os.getcwd()
    install(os.environ["BENCH_RUN_LOG"])
    sys.argv = ["streamlit", *sys.argv[1:]]
    cli.main()
