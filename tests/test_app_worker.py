"""The workers' processes: the views' (`incidents.views.worker_process`) stores the filters' columns of the dataset
the app shows after the load and its snapshot, and the app's (`components.worker_process`) runs it, then stores the
chronological table; a server whose first load ran in it reads both back as a restarted one does instead of
building them (68 MB and 26 MB less at 1,000 incidents)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

import components.timeline.table_store as table_store
import components.worker_process as components_worker
import incidents.views.worker_process as app_worker
from components.timeline.table import TABLE_COLUMNS, _build_frame
from incidents.load.filecache import FileCache
from incidents.load.incremental import Loader
from incidents.load.review import for_mode
from incidents.synth import generate
from incidents.views import columns_store, filtering
from incidents.views.columnar import RecordColumns
from incidents.views.timing import records_in_time_order
from tests.conftest import DATA
from tests.test_columns_store import assert_equal_columns

TODAY = dt.date(2026, 12, 6)


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parse cache, snapshots and columns in the test's own folder (a worker inherits the variable); no last columns
    to splice from."""
    monkeypatch.setenv("INCIDENTS_PARSE_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("INCIDENTS_PUBLISHED_ONLY", raising=False)
    monkeypatch.setattr(filtering, "_LAST_COLUMNS", [])


def _stored_columns(data_dir: Path, published: bool) -> tuple[RecordColumns | None, RecordColumns]:
    """What a server restored from the snapshot reads from the store for the dataset it shows, and those columns
    built."""
    loader = Loader(data_dir, FileCache())
    dataset = for_mode(loader.load(TODAY), published)
    assert loader.from_snapshot
    index = filtering.FilterIndex(dataset)
    return (columns_store.read(dataset, index.events, index.statements),
            RecordColumns(index.events, index.statements))


def _stored_table(data_dir: Path, published: bool) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    """What a restored server reads from the table store for the dataset it shows, and that table built."""
    loader = Loader(data_dir, FileCache())
    dataset = for_mode(loader.load(TODAY), published)
    assert loader.from_snapshot
    whole = filtering.apply_filter(dataset, filtering.FilterValue())
    ids = [record.id for record in records_in_time_order(whole)]
    return table_store.read(dataset, "hierarchy", TABLE_COLUMNS, ids), _build_frame(dataset, whole, "hierarchy")


@pytest.mark.parametrize("published", [False, True], ids=["local", "hosted"])
def test_the_apps_worker_stores_the_columns_and_table_of_the_dataset_the_app_shows(
        published: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(DATA, data_dir)  # it holds drafts: the hosted dataset's ids differ, and so does its key
    monkeypatch.setattr(columns_store, "MIN_RECORDS", 0)
    if published:
        monkeypatch.setenv("INCIDENTS_PUBLISHED_ONLY", "1")
    assert components_worker.main([str(data_dir), TODAY.isoformat()]) == 0
    read, built = _stored_columns(data_dir, published)
    assert read is not None, "the columns were not stored for the dataset the app shows"
    assert_equal_columns(read, built)
    table, built_table = _stored_table(data_dir, published)
    assert table is not None, "the table was not stored for the dataset the app shows"
    pd.testing.assert_frame_equal(table, built_table)
    # Stored for that mode's dataset alone.
    assert _stored_columns(data_dir, not published)[0] is None
    assert _stored_table(data_dir, not published)[0] is None


def test_a_loader_given_the_apps_worker_runs_it_and_the_columns_are_read_back(tmp_path: Path) -> None:
    """The child as the app starts it, in its own process at the store's own threshold (no setting of this test's
    reaches it but the environment)."""
    data_dir = tmp_path / "data"
    generate(data_dir, 56, seed=7)  # 56 incidents: past `MIN_RECORDS` events and statements
    loader = Loader(data_dir, FileCache(), worker_min_bytes=1, worker_module=app_worker.MODULE)
    dataset = loader.load(TODAY)
    assert loader.from_worker
    index = filtering.FilterIndex(dataset)
    assert columns_store.worth_storing(index.events, index.statements)
    read = columns_store.read(dataset, index.events, index.statements)
    assert read is not None
    assert_equal_columns(read, RecordColumns(index.events, index.statements))


WORKERS = [app_worker, components_worker]  # the views' worker, and the app's, which runs it and stores the table


@pytest.mark.parametrize("worker", WORKERS, ids=lambda worker: worker.MODULE)
def test_a_worker_says_how_it_is_called(worker: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    assert worker.MODULE == worker.__name__  # the name `python -m` is given
    assert worker.main(["only-one-argument"]) == 2
    assert f"python -m {worker.MODULE} DATA_DIR" in capsys.readouterr().err


def _no_columns(data_dir: Path) -> bool:
    read, _ = _stored_columns(data_dir, published=False)  # restored from the snapshot (asserted there)
    return read is None


def _no_table(data_dir: Path) -> bool:
    return _stored_table(data_dir, published=False)[0] is None


FAILURES = [
    (app_worker, "RecordColumns", "no room for the columns", _no_columns),
    (components_worker, "store_table", "no room for the table", _no_table),
]


@pytest.mark.parametrize(("worker", "part", "error", "not_stored"), FAILURES, ids=[f[1] for f in FAILURES])
def test_a_stored_part_that_fails_leaves_the_load_done(
        worker: ModuleType, part: str, error: str, not_stored: Callable[[Path], bool], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The snapshot is written before the columns and the table are made: a failure there still exits 0, so the
    server restores the snapshot (and builds what failed) instead of loading every file again."""
    data_dir = tmp_path / "data"
    shutil.copytree(DATA, data_dir)
    monkeypatch.setattr(columns_store, "MIN_RECORDS", 0)

    def broken(*_args: object) -> None:
        raise MemoryError(error)

    monkeypatch.setattr(worker, part, broken)
    assert worker.main([str(data_dir), TODAY.isoformat()]) == 0
    assert error in capsys.readouterr().err
    assert not_stored(data_dir)
