"""The chronological table kept on disk (`components.timeline.table_store`): stored by the app's worker
(`components.worker_process`) or after a build, read back equal to the table built from the models, and a miss for
anything else a file could hold, so the table is built as before."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import orjson
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]  # pyarrow ships no stubs
import pytest

import components.timeline.table as table
import components.timeline.table_store as table_store
import components.worker_process as app_worker
import incidents.views.columns_store as columns_store
from incidents.load.filecache import FileCache
from incidents.load.incremental import Loader
from incidents.load.pipeline import load_dataset
from incidents.load.review import for_mode
from incidents.model.dataset import Dataset
from incidents.synth import generate
from incidents.views.filtering import FilterValue, apply_filter
from incidents.views.timing import records_in_time_order
from tests.conftest import DATA

TODAY = dt.date(2026, 12, 6)
KEY = "k" * 64


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parse cache, snapshots, columns and tables in the test's own folder (a worker inherits the variable)."""
    monkeypatch.setenv("INCIDENTS_PARSE_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("INCIDENTS_PUBLISHED_ONLY", raising=False)


@pytest.fixture(scope="module")
def shipped() -> Dataset:
    return load_dataset(DATA, TODAY, cache=None)


def _built(dataset: Dataset, group: str = "hierarchy") -> tuple[pd.DataFrame, list[str]]:
    whole = apply_filter(dataset, FilterValue())
    return table._build_frame(dataset, whole, group), [r.id for r in records_in_time_order(whole)]


def _body(frame: pd.DataFrame, key: str = KEY) -> bytes:
    return b"".join(table_store.encode(key, frame))


def test_a_stored_table_reads_back_equal_to_the_built_one(shipped: Dataset) -> None:
    frame, ids = _built(shipped)
    back = table_store.decode(_body(frame), KEY, table.TABLE_COLUMNS, ids)
    assert back is not None
    pd.testing.assert_frame_equal(back, frame)


def _renamed(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns={"Quote": "Quotation"})


def _times_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(**{"From (UTC)": frame["From (UTC)"].astype(str)})


def _a_gap(frame: pd.DataFrame) -> pd.DataFrame:
    grade = frame["Grade"].astype(object)
    grade.iloc[0] = None
    return frame.assign(Grade=grade)


def _numbers(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(Kind=range(len(frame)))


def _zoned(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(**{"Until (UTC)": frame["Until (UTC)"].dt.tz_localize("UTC")})


def _reordered(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.iloc[::-1].reset_index(drop=True)


def _row_less(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.iloc[1:].reset_index(drop=True)


@pytest.mark.parametrize("change", [_renamed, _times_as_text, _a_gap, _numbers, _zoned, _reordered, _row_less],
                         ids=lambda change: change.__name__.strip("_"))
def test_a_stored_table_unlike_the_builders_is_a_miss(
        shipped: Dataset, change: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
    """Written under the right key with the right header, but not the table this code builds for these records."""
    frame, ids = _built(shipped)
    changed = change(frame)
    header = orjson.dumps({"format": table_store.FORMAT, "key": KEY, "columns": list(table.TABLE_COLUMNS)})
    stream = pa.BufferOutputStream()
    arrow = pa.Table.from_pandas(changed, preserve_index=False)
    with pa.ipc.new_stream(stream, arrow.schema) as writer:
        writer.write_table(arrow)
    assert table_store.decode(header + b"\n" + stream.getvalue().to_pybytes(), KEY, table.TABLE_COLUMNS, ids) is None


@pytest.mark.parametrize("damage", [
    lambda body: body.replace(KEY.encode(), b"x" * 64, 1),  # another key
    lambda body: body.replace(b'"format":1', b'"format":0', 1),  # another layout
    lambda body: body.replace(b'"Quote"', b'"Quoted"', 1),  # the header's columns
    lambda body: body[: len(body) // 2],  # cut short
    lambda body: body.split(b"\n", 1)[1],  # no header
    lambda body: b"[1,2]\n" + body.split(b"\n", 1)[1],  # a header that is no object
    lambda body: body.split(b"\n", 1)[0] + b"\nnot arrow",  # no stream
], ids=["key", "format", "columns", "cut", "no-header", "list-header", "no-stream"])
def test_a_damaged_body_is_a_miss(shipped: Dataset, damage: Callable[[bytes], bytes]) -> None:
    frame, ids = _built(shipped)
    assert table_store.decode(damage(_body(frame)), KEY, table.TABLE_COLUMNS, ids) is None


def test_other_records_are_a_miss(shipped: Dataset) -> None:
    frame, ids = _built(shipped)
    other = [*ids[:-1], "not-a-record"]
    assert table_store.decode(_body(frame), KEY, table.TABLE_COLUMNS, other) is None


def test_the_key_changes_with_the_grouping_and_the_records(shipped: Dataset) -> None:
    published = for_mode(shipped, True)  # the shipped data holds drafts: other ids
    forged = dataclasses.replace(shipped, digest="0" * 64)  # files made to share the version's 8 digits
    keys = {table_store.store_key(shipped, "hierarchy"), table_store.store_key(shipped, "country"),
            table_store.store_key(published, "hierarchy"), table_store.store_key(forged, "hierarchy")}
    assert len(keys) == 4
    assert table_store.store_key(shipped, "hierarchy") == table_store.store_key(shipped, "hierarchy")


def _fresh(data_dir: Path) -> Dataset:
    """The records as a new process would have them: loaded again, with nothing derived yet."""
    return load_dataset(data_dir, TODAY, cache=None)


def test_the_kept_table_is_read_from_the_store_and_not_built(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(columns_store, "MIN_RECORDS", 0)
    assert table.store_table(_fresh(DATA))
    expected, _ = _built(_fresh(DATA))

    def no_build(*_args: object) -> pd.DataFrame:
        raise AssertionError("built, not read from the store")

    monkeypatch.setattr(table, "_build_frame", no_build)
    dataset = _fresh(DATA)
    rows = table.timeline_rows(dataset, apply_filter(dataset, FilterValue()))
    pd.testing.assert_frame_equal(rows.full, expected)
    drone = table.timeline_frame(dataset, apply_filter(dataset, FilterValue(text="drone")))
    assert 0 < len(drone) < len(expected) and set(drone["Id"]) <= set(expected["Id"])


def test_a_built_table_is_stored_for_the_next_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(columns_store, "MIN_RECORDS", 0)
    written: list[object] = []
    real_save_later = table_store.save_later

    def kept_thread(dataset: Dataset, group: str, frame: pd.DataFrame) -> object:
        thread = real_save_later(dataset, group, frame)
        written.append(thread)
        return thread

    monkeypatch.setattr(table_store, "save_later", kept_thread)
    dataset = _fresh(DATA)
    built = table.timeline_frame(dataset, apply_filter(dataset, FilterValue()), "country")
    assert written and written[0] is not None
    written[0].join()  # type: ignore[attr-defined]  # a thread: save_later made one
    again, ids = _built(_fresh(DATA), "country")
    read = table_store.read(_fresh(DATA), "country", table.TABLE_COLUMNS, ids)
    assert read is not None
    pd.testing.assert_frame_equal(read, built)
    assert table_store.read(_fresh(DATA), "hierarchy", table.TABLE_COLUMNS, ids) is None  # another grouping


def test_a_small_table_is_not_stored() -> None:
    """The shipped data's 392 rows take milliseconds to build: no file."""
    dataset = _fresh(DATA)
    assert not table.store_table(dataset)
    assert table_store.save_later(dataset, "hierarchy", _built(dataset)[0]) is None
    folder = table_store.folder()
    assert folder is not None and not list(folder.glob("*.arrows"))


def test_a_loader_given_the_apps_worker_runs_it_and_the_table_is_read_back(tmp_path: Path) -> None:
    """The child as the app starts it (`components.records`), in its own process at the store's own threshold."""
    data_dir = tmp_path / "data"
    generate(data_dir, 56, seed=7)  # 56 incidents: past `MIN_RECORDS` events and statements
    loader = Loader(data_dir, FileCache(), worker_min_bytes=1, worker_module=app_worker.MODULE)
    dataset = loader.load(TODAY)
    assert loader.from_worker
    built, ids = _built(dataset)
    assert table_store.worth_storing(len(ids))
    read = table_store.read(dataset, "hierarchy", table.TABLE_COLUMNS, ids)
    assert read is not None
    pd.testing.assert_frame_equal(read, built)
