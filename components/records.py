"""The records every session shares: one cached load per data version.

The load is here, not in app.py, so that the server can run it once as it starts (`boot.py`, `components.warmup`),
before the first reader asks: the first session then finds it in Streamlit's resource cache.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import streamlit as st

import components.worker_process as app_worker
import incidents.load.worker as worker
from incidents.load.incremental import loader_for
from incidents.load.parse import fingerprint_digest
from incidents.load.review import for_mode, published_only_from
from incidents.model.dataset import Dataset

ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The record directory: `INCIDENTS_DATA_DIR`, else `data/` (read at each run, as tests set it per app)."""
    return Path(os.environ.get("INCIDENTS_DATA_DIR", ROOT / "data"))


# cache_resource, not cache_data: the records are frozen and never mutated, and cache_data would unpickle a fresh
# copy on every rerun (about 0.5 s at 10,000 records). One version is kept: an edit's load replaces it (a second
# kept the last version's tables and figures alive for nothing).
@st.cache_resource(show_spinner="Loading records…", max_entries=1)
def load(data_dir: str, file_key: str, published: bool, day: str) -> Dataset:
    """Parsed and validated records; `file_key` (a digest of the files' names, sizes, modification and change
    times) makes a curator's edit show on rerun, and `day` (today, ISO) a new day's checks: a date after today is an
    error that leaves its record out, so a record dated tomorrow must appear on a long-running server once that day
    comes.
    With `published`, only what the hosted instance shows: every page, export and link is built from it.
    Through the directory's incremental loader: a restart on unchanged data is served from its snapshot, and an
    edit re-checks only what it touches (`incidents.load.incremental`). A first load of large data with no snapshot
    runs in a worker process that writes one, and stores the filters' columns and the chronological table
    (`components.worker_process`), so the server keeps what a restart keeps."""
    # A hosted instance is never edited: it neither makes what a first edit needs after a worker's load (about 50 MB
    # at 1,000 incidents) nor keeps it after a load that checked every record (each new day's, about 70 MB).
    edited = not published
    loader = loader_for(data_dir, worker_min_bytes=worker.MIN_BYTES, prepare_edits=edited, for_edits=edited,
                        worker_module=app_worker.MODULE)
    return for_mode(loader.load(dt.date.fromisoformat(day)), published)


def today() -> dt.date:
    """The day the records are checked against (the loader's own default: the machine's date)."""
    return dt.date.today()


def current(directory: Path) -> Dataset:
    """The records in `directory` as they are on disk now and checked against today (from the cache when no file
    changed and the day is the same since the last load). Hosted instances set INCIDENTS_PUBLISHED_ONLY=1 and show
    published records only; `make run` shows every record."""
    return load(str(directory), fingerprint_digest(directory), published_only_from(os.environ), today().isoformat())
