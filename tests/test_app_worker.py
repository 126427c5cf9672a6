"""The views' worker process (`incidents.views.worker_process`, which the app's `components.worker_process` runs
before it stores the chronological table): after the load and its snapshot, it stores the filters' columns of the
dataset the app shows, so a server whose first load ran in it reads them back as a restarted
one does instead of building them (68 MB less at 1,000 incidents)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

import incidents.views.worker_process as app_worker
from incidents.load.filecache import FileCache
from incidents.load.incremental import Loader
from incidents.load.review import for_mode
from incidents.synth import generate
from incidents.views import columns_store, filtering
from incidents.views.columnar import RecordColumns
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


@pytest.mark.parametrize("published", [False, True], ids=["local", "hosted"])
def test_the_apps_worker_stores_the_columns_of_the_dataset_the_app_shows(
        published: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(DATA, data_dir)  # it holds drafts: the hosted dataset's ids differ, and so does its key
    monkeypatch.setattr(columns_store, "MIN_RECORDS", 0)
    if published:
        monkeypatch.setenv("INCIDENTS_PUBLISHED_ONLY", "1")
    assert app_worker.main([str(data_dir), TODAY.isoformat()]) == 0
    read, built = _stored_columns(data_dir, published)
    assert read is not None, "the columns were not stored for the dataset the app shows"
    assert_equal_columns(read, built)
    other, _ = _stored_columns(data_dir, not published)
    assert other is None  # stored for that mode's dataset alone


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


def test_the_apps_worker_says_how_it_is_called(capsys: pytest.CaptureFixture[str]) -> None:
    assert app_worker.MODULE == app_worker.__name__  # the name `python -m` is given
    assert app_worker.main(["only-one-argument"]) == 2
    assert "python -m incidents.views.worker_process DATA_DIR" in capsys.readouterr().err


def test_columns_that_fail_leave_the_load_done(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """The snapshot is written before the columns are made: a failure there still exits 0, so the server restores
    the snapshot (and builds the columns) instead of loading every file again."""
    data_dir = tmp_path / "data"
    shutil.copytree(DATA, data_dir)
    monkeypatch.setattr(columns_store, "MIN_RECORDS", 0)

    def broken(*_args: object) -> None:
        raise MemoryError("no room for the columns")

    monkeypatch.setattr(app_worker, "RecordColumns", broken)
    assert app_worker.main([str(data_dir), TODAY.isoformat()]) == 0
    assert "no room for the columns" in capsys.readouterr().err
    read, _ = _stored_columns(data_dir, published=False)  # restored from the snapshot (asserted there)
    assert read is None
