"""The columns kept on disk (`incidents.views.columns_store`): read back equal to the columns built, used by the
first filter of a new process on the same records, and a miss (then built again) for any other records, order, code
or file."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from incidents.load import filecache
from incidents.load.incremental import Loader
from incidents.load.pipeline import load_dataset
from incidents.load.review import published_only
from incidents.model.dataset import Dataset
from incidents.synth import generate
from incidents.views import columnar, columns_store, filtering
from incidents.views.columnar import RecordColumns, Table
from incidents.views.filtering import FilterValue
from tests.conftest import DATA, FIXTURES
from tests.test_columnar import _decoded, _edit_middle

TODAY = dt.date(2026, 12, 24)
_FIELDS = [f.name for f in dataclasses.fields(Table)]


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A parse cache of the test's own, columns stored at any size, no last columns to splice from."""
    monkeypatch.setenv("INCIDENTS_PARSE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(columns_store, "MIN_RECORDS", 0)
    monkeypatch.setattr(filtering, "_LAST_COLUMNS", [])
    return tmp_path / "cache" / columns_store.FOLDER


def assert_equal_columns(got: RecordColumns, want: RecordColumns) -> None:
    for name in RecordColumns.CODE_NAMES:
        assert getattr(got, name).values == getattr(want, name).values, name
    for got_table, want_table in ((got.events, want.events), (got.statements, want.statements)):
        for name in _FIELDS:
            if name == "text":
                pd.testing.assert_series_equal(got_table.text, want_table.text)
            else:
                assert np.array_equal(getattr(got_table, name), getattr(want_table, name)), name


def _synthetic(tmp: Path) -> Dataset:
    generate(tmp / "synth", 4, seed=5)
    return load_dataset(tmp / "synth", TODAY)


DATASETS: list[tuple[str, Callable[[Path], Dataset]]] = [
    ("shipped", lambda _tmp: load_dataset(DATA, TODAY)),
    ("monitor fixture", lambda _tmp: load_dataset(FIXTURES / "monitor", TODAY)),
    ("synthetic", _synthetic),
]


@pytest.mark.parametrize(("label", "make"), DATASETS, ids=[d[0] for d in DATASETS])
def test_stored_columns_read_back_equal_to_the_columns_built(
    label: str, make: Callable[[Path], Dataset], store: Path, tmp_path: Path
) -> None:
    dataset = make(tmp_path)
    index = filtering.FilterIndex(dataset)
    built = index.columns
    assert index.store_writer is not None
    index.store_writer.join()
    assert len(list(store.glob("*.arrows"))) == 1
    read = columns_store.read(dataset, index.events, index.statements)
    assert read is not None
    assert_equal_columns(read, built)
    assert read.events.size == len(dataset.events) and read.statements.size == len(dataset.statements)


def test_the_first_filter_of_a_new_process_reads_the_stored_columns_and_selects_the_same(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _synthetic(tmp_path)
    index = filtering.FilterIndex(first)
    assert index.columns.statements.size == len(first.statements)
    assert index.store_writer is not None
    index.store_writer.join()
    values = [FilterValue(text="drone"), FilterValue(kinds=("denial",)), FilterValue(date_from=dt.date(2024, 6, 1))]
    want = [[r.id for r in index.view(v).events + index.view(v).statements] for v in values]

    monkeypatch.setattr(filtering, "_LAST_COLUMNS", [])  # as in a new process
    again = load_dataset(tmp_path / "synth", TODAY)

    def no_build(self: RecordColumns, records: object) -> Table:
        raise AssertionError("the columns were built, not read")

    monkeypatch.setattr(RecordColumns, "_table", no_build)
    fresh = filtering.FilterIndex(again)
    got = [[r.id for r in fresh.view(v).events + fresh.view(v).statements] for v in values]
    assert got == want and any(got)
    assert fresh.store_writer is None  # nothing to write: it was read


def _moved(dataset: Dataset) -> Dataset:
    return dataclasses.replace(dataset, version=dataset.version + "x")


def _one_statement_fewer(dataset: Dataset) -> Dataset:
    statements = dict(dataset.statements)
    statements.pop(next(iter(statements)))
    return dataclasses.replace(dataset, statements=statements)


def _hosted(dataset: Dataset) -> Dataset:
    hidden = published_only(dataset)
    assert hidden is not dataset, "the fixture must hide something in hosted mode"
    return hidden


def _same_version_other_bytes(dataset: Dataset) -> Dataset:
    """Files made to share the 8 digits of the version: only the whole digest tells them apart."""
    return dataclasses.replace(dataset, digest="0" * 64)


KEY_CHANGES: list[tuple[str, Callable[[Dataset], Dataset]]] = [
    ("another data version", _moved),
    ("the same 8-digit version, another whole digest", _same_version_other_bytes),
    ("a record fewer (a date after today, a hidden record)", _one_statement_fewer),
    ("the hosted mode's records", _hosted),
]


@pytest.mark.parametrize(("label", "change"), KEY_CHANGES, ids=[k[0] for k in KEY_CHANGES])
def test_other_records_have_another_key_and_miss(
    label: str, change: Callable[[Dataset], Dataset], store: Path
) -> None:
    dataset = load_dataset(DATA, TODAY)
    index = filtering.FilterIndex(dataset)
    assert index.columns.events.size == len(dataset.events)
    assert index.store_writer is not None
    index.store_writer.join()
    other = change(dataset)
    assert columns_store.store_key(other) != columns_store.store_key(dataset)
    other_index = filtering.FilterIndex(other)
    assert columns_store.read(other, other_index.events, other_index.statements) is None
    assert columns_store.read(dataset, index.events, index.statements) is not None


def test_another_code_version_has_another_key(monkeypatch: pytest.MonkeyPatch) -> None:
    dataset = load_dataset(FIXTURES / "monitor", TODAY)
    before = columns_store.store_key(dataset)
    monkeypatch.setattr(columns_store, "CODE_VERSION", filecache.CODE_VERSION + "x")
    assert columns_store.store_key(dataset) != before


def _encoded() -> tuple[str, filtering.FilterIndex, bytes]:
    dataset = load_dataset(DATA, TODAY)
    index = filtering.FilterIndex(dataset)
    key = columns_store.store_key(dataset)
    return key, index, columns_store.encode(key, RecordColumns(index.events, index.statements), index.events,
                                            index.statements)


def _set(table_name: str, name: str, value: int) -> Callable[[RecordColumns], None]:
    def change(columns: RecordColumns) -> None:
        table = getattr(columns, table_name)
        values = getattr(table, name).copy()
        values[0] = value
        setattr(columns, table_name, dataclasses.replace(table, **{name: values}))
    return change


def _codes_twice(columns: RecordColumns) -> None:
    columns.kinds.values.append(columns.kinds.values[0])


BYTE_SPOILS: list[tuple[str, Callable[[bytes], bytes]]] = [
    ("another format", lambda b: b.replace(b'"format":1', b'"format":99', 1)),
    ("another key", lambda b: b.replace(b'"key":"', b'"key":"0', 1)),
    ("cut short", lambda b: b[:-10]),
    ("no header line", lambda b: b.replace(b"\n", b" ", 1)),
]


@pytest.mark.parametrize(("label", "spoil"), BYTE_SPOILS, ids=[b[0] for b in BYTE_SPOILS])
def test_a_body_spoilt_in_its_bytes_is_a_miss(label: str, spoil: Callable[[bytes], bytes]) -> None:
    key, index, body = _encoded()
    assert columns_store.decode(body, key, index.events, index.statements) is not None
    assert columns_store.decode(spoil(body), key, index.events, index.statements) is None


COLUMN_SPOILS: list[tuple[str, Callable[[RecordColumns], None]]] = [
    ("a kind code past its table", _set("events", "kind", 10_000)),
    ("a type code below 0", _set("events", "type_codes", -1)),
    ("a place code below -1", _set("events", "place_codes", -2)),
    ("a first day before day 1", _set("statements", "first", 0)),
    ("an actor row past the table", _set("statements", "actor_rows", 10**9)),
    ("an incident code past its table", _set("events", "incident_codes", 10**6)),
    ("exploded rows out of order", _set("events", "actor_rows", 10)),
    ("a code value twice", _codes_twice),
]


@pytest.mark.parametrize(("label", "spoil"), COLUMN_SPOILS, ids=[c[0] for c in COLUMN_SPOILS])
def test_columns_out_of_their_tables_bounds_are_a_miss(label: str, spoil: Callable[[RecordColumns], None]) -> None:
    key, index, body = _encoded()
    columns = columns_store.decode(body, key, index.events, index.statements)
    assert columns is not None
    assert len(index.events) > 10 and columns.events.actor_rows[1] < 10  # so row 10 first is out of order
    spoil(columns)
    spoilt = columns_store.encode(key, columns, index.events, index.statements)
    assert columns_store.decode(spoilt, key, index.events, index.statements) is None


def test_columns_stored_for_another_order_are_a_miss() -> None:
    key, index, body = _encoded()
    swapped = [index.events[1], index.events[0], *index.events[2:]]
    assert columns_store.decode(body, key, swapped, index.statements) is None


def test_a_file_this_machine_did_not_sign_is_a_miss_and_the_columns_are_built(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = load_dataset(DATA, TODAY)
    index = filtering.FilterIndex(dataset)
    built = index.columns
    assert index.store_writer is not None
    index.store_writer.join()
    [path] = store.glob("*.arrows")
    stored = path.read_bytes()
    path.write_bytes(stored.replace(b"\n", b"\n ", 1))  # the body changed, its signature not
    assert columns_store.read(dataset, index.events, index.statements) is None
    monkeypatch.setattr(filtering, "_LAST_COLUMNS", [])  # as in a new process
    again = filtering.FilterIndex(dataset)
    assert_equal_columns(again.columns, built)
    assert again.store_writer is not None  # built, so stored again
    again.store_writer.join()
    assert columns_store.read(dataset, index.events, index.statements) is not None


def test_at_most_kept_stores_remain(store: Path, tmp_path: Path) -> None:
    dataset = load_dataset(FIXTURES / "monitor", TODAY)
    index = filtering.FilterIndex(dataset)
    for n in range(columns_store.KEPT + 2):
        assert columns_store.write(f"{n:064d}", index.columns, index.events, index.statements)
    assert len(list(store.glob("*.arrows"))) == columns_store.KEPT


def test_small_data_and_an_off_cache_store_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = load_dataset(FIXTURES / "monitor", TODAY)
    monkeypatch.setenv("INCIDENTS_PARSE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(filtering, "_LAST_COLUMNS", [])
    index = filtering.FilterIndex(dataset)
    assert len(index.events) + len(index.statements) < columns_store.MIN_RECORDS
    assert index.columns.statements.size == len(dataset.statements)
    assert index.store_writer is None
    monkeypatch.setattr(columns_store, "MIN_RECORDS", 0)
    monkeypatch.setenv("INCIDENTS_PARSE_CACHE", "off")
    assert columns_store.write_later(dataset, index.columns, index.events, index.statements) is None
    assert columns_store.read(dataset, index.events, index.statements) is None
    assert not (tmp_path / "cache" / columns_store.FOLDER).exists()


def test_the_columns_module_keeps_its_code_names_in_step_with_its_tables() -> None:
    columns = RecordColumns([], [])
    assert all(isinstance(getattr(columns, name), columnar.Codes) for name in RecordColumns.CODE_NAMES)


def test_an_edit_after_a_restart_splices_from_the_columns_read_back(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate(tmp_path / "data", 6, seed=4)
    monkeypatch.setattr(filtering, "SPLICE_MAX_SHARE", 1.0)  # one file of six holds a large share of the records
    first = filtering.FilterIndex(Loader(tmp_path / "data", cache=None, snapshots=False).load(TODAY))
    assert first.columns.events.size
    assert first.store_writer is not None
    first.store_writer.join()
    monkeypatch.setattr(filtering, "_LAST_COLUMNS", [])  # a new process
    loader = Loader(tmp_path / "data", cache=None, snapshots=False)
    restarted = filtering.FilterIndex(loader.load(TODAY))
    assert restarted.columns is not None and restarted.store_writer is None  # read back
    _edit_middle("description: ", "description: Edited drone ")(tmp_path / "data")
    after = filtering.FilterIndex(loader.load(TODAY))
    assert after._from_last is not None and after._from_last.columns is restarted.columns
    spliced = after.columns
    monkeypatch.setattr(filtering, "_LAST_COLUMNS", [])
    fresh = filtering.FilterIndex(after.dataset)
    monkeypatch.setattr(columns_store, "MIN_RECORDS", 10**9)  # built, not read
    for name in ("events", "statements"):
        assert _decoded(spliced, name) == _decoded(fresh.columns, name)
    assert _decoded(spliced, "events") != _decoded(restarted.columns, "events")


def test_a_load_gives_the_whole_digest_its_version_is_cut_from(tmp_path: Path) -> None:
    """Loaded in full, restored from the snapshot, after an edit and shown hosted: the 64-digit digest of the files,
    its first 8 the version; another file's bytes another digest."""
    data = tmp_path / "data"
    generate(data, 3, seed=2)
    full = load_dataset(data, TODAY, cache=None)
    assert len(full.digest) == 64 and full.digest.startswith(full.version)
    shipped = load_dataset(DATA, TODAY)
    hosted = published_only(shipped)  # the shipped data holds drafts: a dataset of its own
    assert hosted is not shipped and hosted.digest == shipped.digest and len(shipped.digest) == 64
    loader = Loader(data, filecache.FileCache())
    loader.background = False
    assert loader.load(TODAY).digest == full.digest
    restored = Loader(data, filecache.FileCache())
    assert restored.load(TODAY).digest == full.digest and restored.from_snapshot
    path = sorted((data / "incidents").glob("*.yaml"))[0]
    path.write_text(path.read_text().replace("description: ", "description: Edited ", 1))
    edited = restored.load(TODAY)
    assert edited.digest != full.digest and edited.digest.startswith(edited.version)
    assert edited.digest == load_dataset(data, TODAY, cache=None).digest
