"""A first load of large data in a worker process (`incidents.load.worker`), a restored loader making what the
first edit needs in the background (`Loader.prepare_for_edits`), and a loader that is never edited keeping none of
it (`for_edits`): each gives what a load in this process gives."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from pathlib import Path

import pytest

import components.worker_process as app_worker
import incidents.load.worker as worker
import incidents.load.worker_process as worker_process
from incidents.load.filecache import FileCache
from incidents.load.incremental import Loader, loader_for
from incidents.load.pipeline import load_dataset
from incidents.load.references import referrers
from tests.conftest import DATA, FIXTURES
from tests.test_incremental import TODAY, assert_same

MONITOR = FIXTURES / "monitor"


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parse cache and snapshots in the test's own folder (the worker inherits the variable)."""
    monkeypatch.setenv("INCIDENTS_PARSE_CACHE", str(tmp_path / "cache"))


def _copy(source: Path, tmp_path: Path) -> Path:
    data_dir = tmp_path / "data"
    shutil.copytree(source, data_dir)
    return data_dir


@pytest.mark.parametrize(("sizes", "min_bytes", "want"), [
    ([], None, False), ([10**9], None, False), ([5, 5], 10, True), ([5, 4], 10, False), ([], 0, True),
    ([worker.MIN_BYTES - 1], worker.MIN_BYTES, False), ([worker.MIN_BYTES], worker.MIN_BYTES, True),
])
def test_a_worker_only_from_its_size_on(sizes: list[int], min_bytes: int | None, want: bool) -> None:
    assert worker.worth_it(sizes, min_bytes) is want


@pytest.mark.parametrize("source", [DATA, MONITOR], ids=["shipped", "monitor"])
def test_a_first_load_in_a_worker_equals_one_in_this_process(source: Path, tmp_path: Path) -> None:
    data_dir = _copy(source, tmp_path)
    loader = Loader(data_dir, FileCache(), worker_min_bytes=1)
    got = loader.load(TODAY)
    assert loader.from_worker and loader.from_snapshot
    assert_same(got, load_dataset(data_dir, TODAY, cache=None))
    # ... and the next edit goes on incrementally from the restored checks
    incident = sorted((data_dir / "incidents").glob("*.yaml"))[0]
    incident.write_text(incident.read_text() + "\n# edited\n")
    assert_same(loader.load(TODAY), load_dataset(data_dir, TODAY, cache=None))
    assert not loader.from_worker
    assert loader.checks is not None and loader.checks.rechecked == {
        i for i, r in loader.checks.records.items() if r.file.path.endswith(incident.name)}


@pytest.mark.parametrize(("label", "make"), [
    ("below the size", lambda d: Loader(d, FileCache(), worker_min_bytes=10**12)),
    ("no size given", lambda d: Loader(d, FileCache())),
    ("no parse cache", lambda d: Loader(d, None, worker_min_bytes=1)),
    ("no snapshots", lambda d: Loader(d, FileCache(), snapshots=False, worker_min_bytes=1)),
])
def test_no_worker_where_none_is_wanted_or_none_could_help(label: str, make: object, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = _copy(MONITOR, tmp_path)
    started: list[Path] = []
    monkeypatch.setattr(worker, "prime", lambda d, _today, _module=None: started.append(d) or False)
    loader = make(data_dir)  # type: ignore[operator]  # the table's factories
    assert_same(loader.load(TODAY), load_dataset(data_dir, TODAY, cache=None))
    assert (started, loader.from_worker) == ([], False), label


def test_no_worker_after_the_first_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit builds on the last load in this process: only a loader's first load may go to a worker."""
    data_dir = _copy(MONITOR, tmp_path)
    loader = Loader(data_dir, FileCache(), worker_min_bytes=1)
    loader.load(TODAY)
    started: list[Path] = []
    monkeypatch.setattr(worker, "prime", lambda d, _today, _module=None: started.append(d) or False)
    incident = sorted((data_dir / "incidents").glob("*.yaml"))[0]
    incident.write_text(incident.read_text() + "\n# edited\n")
    loader.load(TODAY)
    assert started == [] and not loader.from_worker


@pytest.mark.parametrize("failure", ["no such module", "exits with an error", "too slow"])
def test_a_failed_worker_leaves_the_load_to_this_process(failure: str, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    data_dir = _copy(MONITOR, tmp_path)
    if failure == "no such module":
        monkeypatch.setattr(worker, "CHILD_MODULE", "incidents.load.no_such_module")
    elif failure == "exits with an error":  # the child's day is not a date
        real_command = worker.command
        monkeypatch.setattr(worker, "command",
                            lambda d, today, module=None: [*real_command(d, today, module)[:-1], "not-a-day"])
    else:
        monkeypatch.setattr(worker, "TIMEOUT_S", 0.01)
    loader = Loader(data_dir, FileCache(), worker_min_bytes=1)
    with caplog.at_level(logging.WARNING, logger=worker.__name__):
        got = loader.load(TODAY)
    assert_same(got, load_dataset(data_dir, TODAY, cache=None))
    assert not loader.from_worker and not loader.from_snapshot
    said = " ".join(record.getMessage() for record in caplog.records)
    assert "loading in this process" in said
    if failure == "no such module":
        assert "No module named incidents.load.no_such_module" in said  # the tail of the child's errors
    elif failure == "exits with an error":
        assert "not-a-day" in said
    else:
        assert "took over" in said


def test_a_file_changed_while_the_worker_read_is_loaded_here_as_this_load_read_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker's snapshot is of the files as it read them; its key is another, so the load goes on in this
    process with the bytes it had read."""
    data_dir = _copy(MONITOR, tmp_path)
    before = load_dataset(data_dir, TODAY, cache=None)
    incident = sorted((data_dir / "incidents").glob("*.yaml"))[0]
    real_prime = worker.prime

    def edit_then_prime(directory: Path, today: dt.date, module: str | None = None) -> bool:
        incident.write_text(incident.read_text() + "\n# edited while the worker ran\n")
        return real_prime(directory, today, module)

    monkeypatch.setattr(worker, "prime", edit_then_prime)
    loader = Loader(data_dir, FileCache(), worker_min_bytes=1)
    got = loader.load(TODAY)
    assert not loader.from_worker and not loader.from_snapshot
    assert (got.version, got.problems) == (before.version, before.problems)


def test_the_worker_process_says_how_it_is_called(capsys: pytest.CaptureFixture[str]) -> None:
    assert worker_process.main(["only-one-argument"]) == 2
    assert "usage:" in capsys.readouterr().err


def test_the_worker_process_fails_when_it_cannot_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("INCIDENTS_PARSE_CACHE", "off")
    assert worker_process.main([str(_copy(MONITOR, tmp_path)), TODAY.isoformat()]) == 1
    assert "no snapshot was written" in capsys.readouterr().err


def test_loader_for_keeps_the_first_callers_settings(tmp_path: Path) -> None:
    made = loader_for(tmp_path, FileCache(), worker_min_bytes=worker.MIN_BYTES, prepare_edits=True)
    assert (made.worker_min_bytes, made.prepare_edits) == (worker.MIN_BYTES, True)
    assert loader_for(tmp_path, made.cache) is made


@pytest.mark.parametrize(("published", "prepared"), [(False, True), (True, False)])
def test_the_apps_records_ask_for_a_worker_and_prepare_edits_unless_hosted(
        published: bool, prepared: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`components.records` loads through a loader that uses the worker at `MIN_BYTES`, and prepares the first edit
    and keeps what edits need, only where edits happen (not on a hosted instance)."""
    from components import records

    data_dir = _copy(MONITOR, tmp_path)
    asked: list[dict[str, object]] = []
    real = records.loader_for

    def recording(where: str, **settings: object) -> Loader:
        asked.append(settings)
        return real(where, FileCache(), **settings)  # type: ignore[arg-type]  # the settings as the app gave them

    monkeypatch.setattr(records, "loader_for", recording)
    records.load.clear()
    try:
        records.load(str(data_dir), f"key-{published}", published, TODAY.isoformat())
    finally:
        records.load.clear()
    assert asked == [{"worker_min_bytes": worker.MIN_BYTES, "prepare_edits": prepared, "for_edits": prepared,
                      "worker_module": app_worker.MODULE}]


@pytest.mark.parametrize("source", [DATA, MONITOR], ids=["shipped", "monitor"])
def test_after_a_workers_load_the_first_edit_is_prepared_and_equals_a_full_load(
        source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = _copy(source, tmp_path)
    monkeypatch.setattr(Loader, "EDITS_DELAY_S", 0.0)
    prepared = Loader(data_dir, FileCache(), worker_min_bytes=1, prepare_edits=True)
    prepared.load(TODAY)
    assert prepared.from_worker
    plain = Loader(data_dir, FileCache())  # restored from the snapshot the worker wrote
    plain.load(TODAY)
    assert plain.from_snapshot and plain._preparing is None
    assert plain.checks is not None and not plain.checks.referenced_by
    assert prepared._preparing is not None and prepared._preparing.join(timeout=30)
    checks = prepared.checks
    assert checks is not None and checks.referenced_by == referrers(checks.records) and checks.referenced_by
    assert len(prepared._warnings._by_result) == len(checks.units)  # the warnings' memo holds every file's
    assert checks.single_source.table is not None
    incident = sorted((data_dir / "incidents").glob("*.yaml"))[-1]
    incident.write_text(incident.read_text().replace("summary: ", "summary: Edited. ", 1))
    want = load_dataset(data_dir, TODAY, cache=None)
    assert_same(prepared.load(TODAY), want)
    assert_same(plain.load(TODAY), want)
    assert prepared.checks is not None and plain.checks is not None
    assert prepared.checks.rechecked == plain.checks.rechecked


@pytest.mark.parametrize(("label", "first_load", "settings"), [
    ("a restart from a snapshot", "in this process", {"prepare_edits": True}),
    ("a hosted worker's load", "in a worker", {"worker_min_bytes": 1}),
])
def test_nothing_is_prepared_for_a_restart_nor_for_a_hosted_load(
        label: str, first_load: str, settings: dict[str, object], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A restart from a snapshot makes what an edit needs at its first edit, as before; a hosted instance (which
    asks for no preparation) never edits. Neither holds the 50 MB for nothing."""
    data_dir = _copy(MONITOR, tmp_path)
    monkeypatch.setattr(Loader, "EDITS_DELAY_S", 0.0)
    if first_load == "in this process":
        first = Loader(data_dir, FileCache())
        first.background = False
        first.load(TODAY)
    loader = Loader(data_dir, FileCache(), **settings)  # type: ignore[arg-type]  # the table's settings
    loader.load(TODAY)
    assert loader.from_snapshot, label
    assert loader._preparing is None, label
    assert loader.checks is not None and not loader.checks.referenced_by, label


def test_a_preparation_after_a_newer_load_does_nothing(tmp_path: Path) -> None:
    """A load since the restore (a new day's checks everything again) has its own checks: the old ones are left."""
    data_dir = _copy(MONITOR, tmp_path)
    first = Loader(data_dir, FileCache())
    first.background = False
    first.load(TODAY)
    restart = Loader(data_dir, FileCache())
    dataset = restart.load(TODAY)
    stale = restart.checks
    assert stale is not None and restart.from_snapshot
    restart.load(TODAY + dt.timedelta(days=1))
    assert restart.checks is not stale
    assert not restart.prepare_for_edits(stale, dataset, set())
    assert not stale.referenced_by
    assert not restart.prepare_for_edits(restart.checks, dataset, set())  # a full check made its index


@pytest.mark.parametrize("new_day", [False, True], ids=["first load", "new day"])
def test_a_loader_never_edited_keeps_no_edit_memos_and_still_edits_as_a_full_load(
        new_day: bool, tmp_path: Path) -> None:
    """After a check of every record (a first load here, or a new day's), a loader not for edits holds what a
    restore holds: no referrers index, no warnings' memos. An edit after that makes them again and equals a full
    load, re-checking what a loader that kept them re-checks."""
    data_dir = _copy(MONITOR, tmp_path)
    hosted = Loader(data_dir, FileCache(), snapshots=False, for_edits=False)
    kept = Loader(data_dir, FileCache(), snapshots=False)
    day = TODAY + dt.timedelta(days=1) if new_day else TODAY
    for loader in (hosted, kept):
        loader.load(TODAY)
        loader.load(day)
    assert hosted.checks is not None and kept.checks is not None
    assert hosted.checks.referenced_by == {} and hosted.checks.single_source.table is None
    assert hosted._warnings._by_result == {}
    assert kept.checks.referenced_by == referrers(kept.checks.records) and kept.checks.referenced_by
    assert kept.checks.single_source.table is not None and kept._warnings._by_result
    incident = sorted((data_dir / "incidents").glob("*.yaml"))[-1]
    incident.write_text(incident.read_text().replace("summary: ", "summary: Edited. ", 1))
    want = load_dataset(data_dir, day, cache=None)
    assert_same(hosted.load(day), want)
    assert_same(kept.load(day), want)
    assert hosted.checks.rechecked == kept.checks.rechecked and hosted.checks.rechecked
    assert hosted.checks.referenced_by == {}  # dropped again after the edit's check


def test_loader_for_passes_for_edits(tmp_path: Path) -> None:
    assert loader_for(tmp_path, FileCache(), for_edits=False).for_edits is False
