"""The incremental loader (`incidents.load.incremental`) and its snapshot: every load equals a full check, an edit
re-checks only the records it touches, and a restart on unchanged data is served from a signed snapshot."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest

from incidents.load import cachedir, memory, snapshot, warn
from incidents.load.filecache import FileCache
from incidents.load.incremental import Loader
from incidents.load.memory import QuietCollector
from incidents.load.pipeline import load_dataset
from incidents.load.review import hidden_ids
from incidents.model import codes
from incidents.model.dataset import Dataset
from incidents.model.registry import COLLECTIONS
from tests.conftest import DATA, FIXTURES, ROOT

MONITOR = FIXTURES / "monitor"
VALID = FIXTURES / "validation" / "valid"
TODAY = dt.date(2026, 12, 24)  # after the fixtures' retrieval dates


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parse cache and snapshots in the test's own folder."""
    monkeypatch.setenv("INCIDENTS_PARSE_CACHE", str(tmp_path / "cache"))


def assert_same(got: Dataset, want: Dataset) -> None:
    """Every record in the same order, the same report, origins, spans, files and version."""
    assert got.problems == want.problems
    for collection in COLLECTIONS:
        assert list(got.collection(collection.key).items()) == list(want.collection(collection.key).items())
    assert (got.origins, got.spans, got.files, got.version) == (want.origins, want.spans, want.files, want.version)


def loader(data_dir: Path) -> Loader:
    made = Loader(data_dir, FileCache())
    made.background = False  # the snapshot is on disk when load() returns
    return made


def referrers_in_text(dataset: Dataset, ids: set[str]) -> set[str]:
    """The records whose JSON names one of `ids` as a value (worked out without the loader's index)."""
    return {
        record.id
        for collection in COLLECTIONS
        for record in dataset.collection(collection.key).values()
        if any(f'"{i}"' in record.model_dump_json(exclude={"id"}) for i in ids)
    }


def ids_in(dataset: Dataset, path: Path) -> set[str]:
    """The ids of the records a file defines (the kept ones: the fixtures are valid)."""
    return {record_id for record_id, (where, _line) in dataset.origins.items() if Path(where).name == path.name}


def _replace(name: str, old: str, new: str) -> Callable[[Path], Path]:
    def edit(data_dir: Path) -> Path:
        path = data_dir / name
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new, 1))
        return path
    return edit


def _delete(name: str) -> Callable[[Path], Path]:
    def edit(data_dir: Path) -> Path:
        (data_dir / name).unlink()
        return data_dir / name
    return edit


# (what is edited, the edit, the ids whose reference answer changes: their referrers are re-checked too)
EDITS = [
    ("a summary reworded", _replace("incidents/mx-drone-2019.yaml", "Invented for tests.", "Invented for a test."),
     set()),
    ("an actor removed", _replace("actors.yaml", "  - {id: borduria-mfa,", "  - {id: borduria-mfa-gone,"),
     {"borduria-mfa", "borduria-mfa-gone"}),
    ("a date in the future", _replace("incidents/mx-drone-2019.yaml", "when: {start: 2019-04-11, precision: day}",
                                      "when: {start: 2099-04-11, precision: day}"), set()),
    ("an incident file deleted", _delete("incidents/mx-airspace-2025.yaml"), {"mx-airspace-2025"}),
    ("a record made invalid", _replace("places.yaml", "mx-strelsau", "mx strelsau"), {"mx-strelsau"}),
]


# Each step from the one before; the loader puts a file's records in as one dictionary while no id repeats, and
# record by record from a repeat on (`assembly.assemble`).
REPEAT_STEPS = [
    ("an id of an earlier file repeated", _replace("incidents/mx-embassy-2023.yaml", "id: mx23-complicit",
                                                   "id: mx19-troops")),
    ("a file's own id repeated", _replace("incidents/mx-drone-2019.yaml", "id: mx19-bor-denies",
                                          "id: mx19-bor-drones")),
    ("the first repeat undone", _replace("incidents/mx-embassy-2023.yaml", "id: mx19-troops", "id: mx23-complicit")),
    ("every repeat undone", _replace("incidents/mx-drone-2019.yaml", "  - id: mx19-bor-drones\n", "  - id: mx19-b\n")),
    ("a summary reworded", _replace("incidents/mx-drone-2019.yaml", "Invented for tests.", "Invented for a test.")),
]


def test_repeated_ids_coming_and_going_equal_a_full_check(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(MONITOR, data_dir)
    load = loader(data_dir)
    load.load(TODAY)
    repeats = []
    for _label, edit in REPEAT_STEPS:
        edit(data_dir)
        got = load.load(TODAY)
        assert_same(got, load_dataset(data_dir, TODAY, cache=None))
        repeats.append(sum(p.code == codes.DUPLICATE_ID.name for p in got.problems))
    assert repeats == [2, 4, 2, 0, 0]


EVIDENCE = FIXTURES / "evidence"
# (the warning, the edit that makes it in one file): each stays in its unchanged file while another is edited.
WARNING_EDITS = [
    ("UNGRADED_SOURCE", _replace("sources.yaml", "    reliability: C\n    republishes: [ev-agency]\n",
                                 "    republishes: [ev-agency]\n")),
    ("BASIS_MISSING", _replace("incidents/orlen-2026.yaml", "    basis: observed\n    basis_note: Its correspondent in "
                               "Orlen saw them (invented).\n", "")),
    ("PLACEHOLDER", _replace("incidents/orlen-2026.yaml", "Tarsany denies imposing a curfew.",
                             "Tarsany denies imposing a curfew, TODO check the date.")),
    ("STATEMENT_NO_INCIDENT", _replace("incidents/orlen-2026.yaml", "  - id: ev-agency-own\n    incidents: "
                                       "[ev-orlen-2026]\n", "  - id: ev-agency-own\n")),
    ("ORPHAN_PROPOSITION", _replace("incidents/orlen-2026.yaml", "      - {proposition: ev-curfew, stance: denies}\n",
                                    "      - {proposition: ev-windows, stance: denies}\n")),
]


@pytest.mark.parametrize(("code", "edit"), WARNING_EDITS, ids=[e[0] for e in WARNING_EDITS])
def test_a_files_warnings_stay_while_another_file_is_edited(
    code: str, edit: Callable[[Path], Path], tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(EVIDENCE, data_dir)
    load = loader(data_dir)
    assert not any(p.code == code for p in load.load(TODAY).problems)
    edit(data_dir)
    made = load.load(TODAY)
    assert_same(made, load_dataset(data_dir, TODAY, cache=None))
    assert any(p.code == code for p in made.problems)
    other = data_dir / "incidents" / "other-2026.yaml"
    other.write_text(other.read_text().replace("Another invented incident", "Another made-up incident"))
    kept = load.load(TODAY)
    assert_same(kept, load_dataset(data_dir, TODAY, cache=None))
    assert [p for p in kept.problems if p.code == code] == [p for p in made.problems if p.code == code]


@pytest.mark.parametrize(("label", "edit", "changed"), EDITS, ids=[e[0] for e in EDITS])
def test_an_edit_rechecks_only_what_it_touches_and_equals_a_full_check(
    label: str, edit: Callable[[Path], Path], changed: set[str], tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(MONITOR, data_dir)
    load = loader(data_dir)
    before = load.load(TODAY)
    assert_same(before, load_dataset(data_dir, TODAY, cache=None))
    path = edit(data_dir)
    after = load.load(TODAY)
    assert_same(after, load_dataset(data_dir, TODAY, cache=None))
    own = ids_in(after, path) | ({i for i in load.checks.records if load.checks.records[i].file.path.endswith(
        path.name)} if path.exists() else set())
    expected = (own | referrers_in_text(before, changed)) & load.checks.records.keys()
    assert load.checks.rechecked == expected
    assert len(load.checks.rechecked) < len(load.checks.records)  # not everything


@pytest.mark.parametrize("first", ["parsed", "from the parse cache"])
def test_a_full_check_does_not_keep_every_records_decoded_facts(first: str, tmp_path: Path) -> None:
    """After a full check the records keep their stored facts' text, not the decoded references and dates, nor
    the texts of a record neither flag asks for (about 100 MB at 1,000 incidents); the next edit still equals a
    full check."""
    data_dir = tmp_path / "data"
    shutil.copytree(MONITOR, data_dir)
    if first == "from the parse cache":
        Loader(data_dir, FileCache(), snapshots=False).load(TODAY)  # fills the parse cache on disk
    load = Loader(data_dir, FileCache(), snapshots=False)
    load.load(TODAY)
    assert load.checks is not None
    records = list(load.checks.records.values())
    assert records and all(isinstance(r.__dict__.get("stored_facts"), str) for r in records)
    assert not any("refs" in r.__dict__ or "dates" in r.__dict__ for r in records)
    assert not any("texts" in r.__dict__ for r in records if r.text_flags == (False, False))
    edited = data_dir / "sources.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("title:", "title: Edited", 1), encoding="utf-8")
    assert_same(load.load(TODAY), load_dataset(data_dir, TODAY, cache=None))


@pytest.mark.parametrize("first", ["parsed", "from the parse cache"])
def test_a_full_check_holds_one_records_decoded_facts_at_a_time(first: str, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Each record's references and dates are dropped as soon as it is checked (and, parsed, as soon as its file's
    entry is written), so the next record's decoding reuses their memory: decoded all at once and dropped at the
    end, they left 140 MB of gaps at 1,000 incidents between what the load keeps."""
    import incidents.load.incremental as incremental

    data_dir = tmp_path / "data"
    shutil.copytree(MONITOR, data_dir)
    if first == "from the parse cache":
        Loader(data_dir, FileCache(), snapshots=False).load(TODAY)
    checked = incremental.check_references
    held: list[int] = []

    def counting(records: dict, failed: set[str], problems: list, ids: list[str] | None = None) -> set[str]:
        held.append(sum("refs" in r.__dict__ or "dates" in r.__dict__ for r in records.values()))
        return checked(records, failed, problems, ids)

    monkeypatch.setattr(incremental, "check_references", counting)
    load = Loader(data_dir, FileCache(), snapshots=False)
    load.load(TODAY)
    assert load.checks is not None and len(held) == len(load.checks.records) > 10
    assert max(held) == 0  # at each record's check, no record before it still holds its decoded facts


def test_nothing_changed_rechecks_nothing_and_a_new_day_rechecks_all(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(MONITOR, data_dir)
    load = loader(data_dir)
    load.load(TODAY)
    load.load(TODAY)
    assert load.checks.rechecked == set()
    tomorrow = TODAY + dt.timedelta(days=1)
    assert_same(load.load(tomorrow), load_dataset(data_dir, tomorrow, cache=None))
    assert load.checks.rechecked == set(load.checks.records)


@pytest.mark.parametrize("source", [DATA, MONITOR, VALID], ids=["shipped", "monitor", "validation"])
def test_a_restart_on_unchanged_data_is_served_from_the_snapshot(source: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(source, data_dir)
    first = loader(data_dir)
    full = first.load(TODAY)
    assert not first.from_snapshot
    restart = loader(data_dir)
    assert_same(restart.load(TODAY), full)
    assert restart.from_snapshot
    # ... and the next edit goes on incrementally from it
    incident = sorted((data_dir / "incidents").glob("*.yaml"))[0]
    incident.write_text(incident.read_text() + "\n# edited\n")
    assert_same(restart.load(TODAY), load_dataset(data_dir, TODAY, cache=None))
    assert not restart.from_snapshot
    assert restart.checks.rechecked == {i for i, r in restart.checks.records.items() if r.file.path.endswith(
        incident.name)}


def _stored_snapshot() -> tuple[Path, bytes, bytes]:
    """The one snapshot written: its file, this machine's key and its verified body."""
    folder = snapshot.folder()
    assert folder is not None
    (stored,) = folder.glob("*.json")
    key = cachedir.usable(folder) or b""
    body = cachedir.verified(key, stored.read_bytes())
    assert body is not None
    return stored, key, body


@pytest.mark.parametrize("chunk", [1, 7])
def test_a_snapshot_in_sections_restores_every_collection(chunk: int, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Each collection's records are stored in sections of `CHUNK_RECORDS`, validated one section at a time: every
    record comes back in its own collection and order, however many sections each collection has."""
    monkeypatch.setattr(snapshot, "CHUNK_RECORDS", chunk)
    data_dir = tmp_path / "data"
    shutil.copytree(DATA, data_dir)
    full = loader(data_dir).load(TODAY)
    _, _, body = _stored_snapshot()
    sections = orjson.loads(body[:body.find(b"\n")])["arrays"]
    assert len(sections) > 2 and all(len(kept) > 1 for kept in sections.values()), "sections of one record each"
    restart = loader(data_dir)
    assert_same(restart.load(TODAY), full)
    assert restart.from_snapshot


@pytest.mark.parametrize(("label", "sections"), [
    ("not a list", 7), ("a dict", {"a": [0, 1]}), ("past the end", [[0, 10**9]]), ("negative", [[-5, 3]]),
    ("too few records", []), ("not JSON records", [[0, 1]]),
])
def test_a_signed_snapshot_with_crafted_sections_is_a_miss(label: str, sections: object, tmp_path: Path) -> None:
    """A snapshot signed with this machine's key whose sections are wrong (not a list, outside the body, too few
    records, bytes that are not records) is a miss: the load checks the files again and equals a full one."""
    data_dir = tmp_path / "data"
    shutil.copytree(MONITOR, data_dir)
    full = loader(data_dir).load(TODAY)
    stored, key, body = _stored_snapshot()
    end = body.find(b"\n")
    header = orjson.loads(body[:end])
    header["arrays"][next(iter(header["arrays"]))] = sections
    stored.write_bytes(cachedir.sign(key, orjson.dumps(header) + body[end:]))
    restart = loader(data_dir)
    assert_same(restart.load(TODAY), full)
    assert not restart.from_snapshot, label


@pytest.mark.parametrize(
    ("label", "change"),
    [
        ("another day", lambda data_dir: None),
        ("another file", lambda data_dir: (data_dir / "places.yaml").write_text(
            (data_dir / "places.yaml").read_text() + "\n")),
    ],
)
def test_a_snapshot_is_keyed_on_the_day_and_every_file(label: str, change, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(MONITOR, data_dir)
    loader(data_dir).load(TODAY)
    change(data_dir)
    day = TODAY + dt.timedelta(days=1) if label == "another day" else TODAY
    restart = loader(data_dir)
    assert_same(restart.load(day), load_dataset(data_dir, day, cache=None))
    assert not restart.from_snapshot


@pytest.mark.parametrize("damage", ["edited", "other key", "truncated"])
def test_a_snapshot_not_written_here_is_a_miss(damage: str, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(MONITOR, data_dir)
    loader(data_dir).load(TODAY)
    folder = snapshot.folder()
    assert folder is not None
    [stored] = list(folder.glob("*.json"))
    raw = stored.read_bytes()
    if damage == "edited":  # a record changed without the key: the HMAC no longer matches
        stored.write_bytes(raw.replace(b"Strelsau", b"Zenda"))
    elif damage == "other key":  # signed with a key that is not this folder's
        mac, _, body = raw.partition(b"\n")
        stored.write_bytes(cachedir.sign(b"k" * 32, body))
    else:
        stored.write_bytes(raw[: len(raw) // 2])
    restart = loader(data_dir)
    dataset = restart.load(TODAY)
    assert not restart.from_snapshot
    assert_same(dataset, load_dataset(data_dir, TODAY, cache=None))
    assert all("Zenda" not in i.title for i in dataset.incidents.values())


def test_snapshots_are_bounded_in_number(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(VALID, data_dir)
    for day in range(snapshot.KEPT + 2):
        loader(data_dir).load(TODAY + dt.timedelta(days=day))
    folder = snapshot.folder()
    assert folder is not None and len(list(folder.glob("*.json"))) == snapshot.KEPT


def test_snapshot_off_with_the_parse_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INCIDENTS_PARSE_CACHE", "off")
    data_dir = tmp_path / "data"
    shutil.copytree(VALID, data_dir)
    loader(data_dir).load(TODAY)
    assert snapshot.folder() is None
    assert not list(tmp_path.rglob("snapshot"))


def test_changed_bytes_of_equal_records_still_change_the_version(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(VALID, data_dir)
    load = loader(data_dir)
    first = load.load(TODAY)
    (data_dir / "places.yaml").write_text((data_dir / "places.yaml").read_text() + "# a comment\n")
    second = load.load(TODAY)
    assert second.version != first.version
    assert dataclasses.replace(second, version=first.version).problems == first.problems


# (sources as id -> (republishes, rewrites)): chains, a diamond, a cycle, an unknown parent
ORIGIN_CASES = [
    ("chain", {"a": ([], []), "b": (["a"], []), "c": (["b"], [])}),
    ("diamond", {"a": ([], []), "x": ([], []), "b": (["a"], []), "c": (["a"], ["x"]), "d": (["b"], ["c"])}),
    ("cycle", {"a": (["b"], []), "b": (["a"], []), "c": (["a"], []), "d": ([], []), "e": (["c"], ["d"])}),
    ("unknown parent", {"a": (["gone"], []), "b": (["a"], [])}),
]


@pytest.mark.parametrize(("label", "sources"), ORIGIN_CASES, ids=[c[0] for c in ORIGIN_CASES])
def test_all_origins_equals_walking_each_source(label: str, sources: dict[str, tuple[list[str], list[str]]]) -> None:
    from incidents.model.provenance import all_origins, origins
    from incidents.model.records import Source

    dataset = Dataset()
    for source_id, (republishes, rewrites) in sources.items():
        dataset.sources[source_id] = Source.model_construct(id=source_id, republishes=republishes, rewrites=rewrites)
    found = all_origins(dataset)
    assert found == {source_id: origins(dataset, source_id) for source_id in sources}
    assert any(found.values())  # the cases have origins to find (a cycle's own sources have none)


def test_loader_for_keeps_one_loader_per_directory_and_only_the_last_few(tmp_path: Path) -> None:
    from incidents.load.incremental import LOADERS_KEPT, loader_for

    folders = [tmp_path / f"d{i}" for i in range(LOADERS_KEPT + 1)]
    first = loader_for(folders[0])
    assert loader_for(folders[0]) is first
    for folder in folders[1:]:
        loader_for(folder)
    assert loader_for(folders[0]) is not first  # the least recently used was let go, with the load it held
    assert loader_for(folders[-1]) is loader_for(folders[-1])


@pytest.mark.parametrize(("freeze", "rows"), [(False, 150_000), (True, 150_000), (True, 1_000)])
def test_a_load_moves_what_it_built_out_of_the_collectors_sight(freeze: bool, rows: int) -> None:
    gc.unfreeze()
    with memory.gc_paused(freeze=freeze):
        built = [[i] for i in range(rows)]  # lists are always tracked by the collector
    frozen = gc.get_freeze_count()
    gc.unfreeze()
    assert gc.isenabled() and len(built) == rows
    assert frozen >= rows if freeze else frozen == 0


@pytest.fixture
def release_at_once(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The release after an edit due at once, with no earlier test's release pending."""
    monkeypatch.setattr(memory, "RELEASE_DELAY_S", 0.0)
    if memory._release_timer is not None:  # an earlier test's edit left one due later
        memory._release_timer.cancel()
    monkeypatch.setattr(memory, "_release_timer", None)
    monkeypatch.setattr(memory, "_freezes", 0)  # as in a new process: its first load's freeze releases nothing
    # The app stays busy until `_released` says it is quiet: the release waits for that (an AppTest earlier in
    # this process may have touched the app's own collector).
    monkeypatch.setattr(memory, "QUIET", _Busy())
    gc.unfreeze()
    yield
    gc.unfreeze()  # the next tests start with nothing frozen


class _Busy:
    """The app's collector as the release asks it: runs keep starting until `quiet` is set."""

    def __init__(self) -> None:
        self.quiet = threading.Event()

    def quiet_left(self) -> float:
        return 0.0 if self.quiet.is_set() else 0.02


def _released() -> None:
    """Let the app go quiet, wait for the scheduled release (it re-arms while the app is busy), then busy again."""
    busy = memory.QUIET
    assert isinstance(busy, _Busy)
    busy.quiet.set()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        timer = memory._release_timer
        assert timer is not None, "no release was scheduled"
        timer.join(10)
        if memory._release_timer is timer:
            break
    busy.quiet.clear()


@pytest.mark.usefixtures("release_at_once")
def test_an_edit_does_not_keep_the_last_versions_cycles(tmp_path: Path) -> None:
    """What a page built for the last version (pandas frames hold reference cycles) is freed after an edit's load,
    once its release has run: a frozen object in a cycle never is (this grew the server by 30-100 MB at every edit
    at 1,000 incidents)."""
    import weakref

    data_dir = tmp_path / "data"
    shutil.copytree(VALID, data_dir)
    loader = Loader(data_dir, snapshots=False)
    loader.load(dt.date(2026, 3, 20))

    class Derived:
        pass

    derived = Derived()
    derived.self = derived  # type: ignore[attr-defined]  # a cycle, as a frame's caches make
    alive = weakref.ref(derived)
    edited = data_dir / "sources.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    loader.load(dt.date(2026, 3, 20))
    del derived
    _released()
    gc.collect()
    assert alive() is None, f"the last version's cycle outlived the edit ({gc.get_freeze_count()} objects frozen)"


@pytest.mark.usefixtures("release_at_once")
def test_a_freeze_after_a_freeze_hands_the_frozen_back_to_the_collector() -> None:
    """The first load froze a cycle (the script run it was made in); an edit's load, which freezes too, has every
    frozen object given back and collected later (here at once)."""
    import weakref

    class Run:
        pass

    run = Run()
    run.self = run  # type: ignore[attr-defined]  # a script run's globals: a cycle, alive while the load runs
    alive = weakref.ref(run)
    with memory.gc_paused(freeze=True):
        built = [[i] for i in range(1_000)]
    assert gc.get_freeze_count() > 1_000 and memory._release_timer is None
    del run, built
    gc.collect()
    assert alive() is not None  # frozen inside a cycle: the collector does not see it
    with memory.gc_paused(freeze=True):
        small = [[1]]
    assert small
    _released()
    # The cycle is freed, and what is left is frozen again: later full collections skip it, as after a first load.
    assert alive() is None and gc.get_freeze_count() > 1_000
    # The next edit, after a release: its freeze is released too.
    run = Run()
    run.self = run  # type: ignore[attr-defined]
    alive, first_release = weakref.ref(run), memory._release_timer
    with memory.gc_paused(freeze=True):
        small = [[2]]
    del run
    assert memory._release_timer is not first_release, "no release after the edit that followed a release"
    _released()
    gc.collect()
    assert alive() is None, "the edit after a release kept the last version's cycle"


@pytest.mark.parametrize(("age_s", "kept"), [(10, True), (cachedir.STALE_TMP_S + 60, False)])
def test_an_unfinished_write_is_cleared_once_stale(age_s: int, kept: bool, tmp_path: Path) -> None:
    import os
    import time

    data_dir = tmp_path / "data"
    shutil.copytree(VALID, data_dir)
    folder = snapshot.folder()
    assert folder is not None
    folder.mkdir(parents=True)
    left = folder / "abc.tmp"
    left.write_bytes(b"half")
    os.utime(left, (time.time() - age_s, time.time() - age_s))
    loader(data_dir).load(TODAY)
    assert left.exists() == kept


def _runs_then_quiet(collector: QuietCollector, runs: int, happened: list[float]) -> float:
    """`runs` script runs 0.1 s apart (nothing may happen meanwhile), then up to 5 s for `happened` to fill;
    returns when the last run started."""
    for _ in range(runs):
        collector.touch()
        time.sleep(0.1)
    last_touch = time.monotonic() - 0.1
    assert not happened, "it ran while runs kept starting"
    deadline = time.monotonic() + 5
    while not happened and time.monotonic() < deadline:
        time.sleep(0.02)
    return last_touch


def _quiet(quiet_s: float, max_wait_s: float) -> tuple[QuietCollector, list[float]]:
    times: list[float] = []
    return QuietCollector(quiet_s, max_wait_s, collect=lambda: times.append(time.monotonic())), times


@pytest.mark.usefixtures("release_at_once")
def test_an_edits_release_waits_until_the_app_is_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    """The release holds the interpreter for its whole collection, so it waits for a quiet moment as the app's
    full collections do: runs that keep starting hold it back, and it runs once they stop."""
    released: list[float] = []
    monkeypatch.setattr(memory, "release_frozen", lambda: released.append(time.monotonic()))
    quiet, _ = _quiet(0.5, 30.0)
    monkeypatch.setattr(memory, "QUIET", quiet)
    with memory.gc_paused(freeze=True):
        pass
    with memory.gc_paused(freeze=True):  # an edit's load: its release is due at once
        pass
    last_touch = _runs_then_quiet(quiet, 8, released)
    quiet.cancel()
    assert len(released) == 1 and released[0] - last_touch >= 0.49


def test_a_snapshot_write_waits_until_the_app_is_quiet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The write holds the interpreter for seconds at scale: due at once here, it waits while runs keep starting,
    and a newer load's write replaces it (only the newest is written)."""
    data_dir = tmp_path / "data"
    shutil.copytree(VALID, data_dir)
    written: list[tuple[float, str]] = []
    monkeypatch.setattr(snapshot, "write", lambda key, *_rest: written.append((time.monotonic(), key)) or True)
    quiet, _ = _quiet(0.5, 30.0)
    monkeypatch.setattr(memory, "QUIET", quiet)
    load = Loader(data_dir, FileCache())
    load.SNAPSHOT_DELAY_S = 0.0
    quiet.touch()
    load.load(TODAY)
    first = load._timer
    edited = data_dir / "sources.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    load.load(TODAY)
    for _ in range(6):
        quiet.touch()
        time.sleep(0.1)
    last_touch = time.monotonic() - 0.1
    assert not written, "written while runs kept starting"
    assert first is not None and load._timer is not None and load._timer is not first
    assert first.join(1) and load._timer.join(5)
    quiet.cancel()
    assert len(written) == 1 and written[0][0] - last_touch >= 0.49
    assert written[0][1] == load._stored_key  # the newest load's


@pytest.mark.parametrize("quiet_s", [0.0, 0.3])
def test_a_quiet_timer_cancelled_before_it_starts_never_runs(quiet_s: float, monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[int] = []
    quiet, _ = _quiet(quiet_s, 30.0)
    monkeypatch.setattr(memory, "QUIET", quiet)
    quiet.touch()
    timer = memory.QuietTimer(0.05, ran.append, 1)
    kept = memory.QuietTimer(0.05, ran.append, 2)
    timer.cancel()
    assert timer.join(1) and not timer.is_alive()
    assert kept.join(5) and not kept.is_alive()
    quiet.cancel()
    assert ran == [2]


def test_a_full_collection_waits_until_the_app_is_quiet() -> None:
    """Runs that keep touching it hold the collection back; once they stop, it runs once, `quiet_s` later."""
    collector, times = _quiet(1.0, 30.0)  # a second: a busy machine's stalls between the touches are shorter
    started = time.monotonic()
    last_touch = _runs_then_quiet(collector, 5, times)
    time.sleep(0.5)
    assert len(times) == 1 and times[0] - last_touch >= 0.99 and times[0] - started >= 1.4


def test_steady_use_still_collects_by_the_longest_wait() -> None:
    collector, times = _quiet(1.0, 0.6)
    end = time.monotonic() + 1.5
    while time.monotonic() < end:
        collector.touch()
        time.sleep(0.05)
    collector.cancel()
    assert 1 <= len(times) <= 3, times


def test_the_app_defers_the_collectors_own_full_collections() -> None:
    before = gc.get_threshold()
    try:
        memory.defer_full_collections()
        assert gc.get_threshold() == (before[0], before[1], memory.DEFERRED_THRESHOLD)
    finally:
        gc.set_threshold(*before)
    assert "defer_full_collections()" in (ROOT / "app.py").read_text(encoding="utf-8")


def test_an_edit_reads_the_references_of_only_the_records_that_name_a_hidden_one(tmp_path: Path) -> None:
    """The hosted view's warnings after an edit equal a full check's, and take the referrers index: a published
    record that names no unpublished one keeps its references undecoded (at 1,000 incidents every published
    record's were decoded again on each edit)."""
    data_dir = tmp_path / "data"
    shutil.copytree(DATA, data_dir)
    load = loader(data_dir)
    load.load(TODAY)
    edited = data_dir / "incidents" / "nakhchivan-2026-03-05.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("title:", "title: Edited", 1), encoding="utf-8")
    after = load.load(TODAY)
    assert_same(after, load_dataset(data_dir, TODAY, cache=None))
    hosted = [p for p in after.problems if p.code in (codes.HOSTED_HIDES.name, codes.HOSTED_CUTS.name)]
    assert hosted, "the shipped data has drafts that published records name"
    assert load.checks is not None
    hidden = hidden_ids(after)
    naming = {i for i, located in load.checks.records.items() if hidden & set(located.ref_ids())}
    untouched = load.checks.records.keys() - load.checks.rechecked - naming
    decoded = {i for i in untouched if "refs" in load.checks.records[i].__dict__}
    assert untouched and not decoded


SECOND_ASSERTION = """  - id: mx23-gazette-drones
    speaker: ruritania-mfa
    kind: claim
    when: {start: 2019-04-12, precision: day}
    paraphrase: Ruritania repeated that Bordurian drones struck Strelsau.
    via: [mx-gazette]
    incidents: [mx-drone-2019]
    stances:
      - {proposition: mx19-bor-drones, stance: asserts}
"""

# (what is edited, the edit, whether the origins change: then every statement is judged again)
SINGLE_SOURCE_EDITS = [
    ("a claim gains a second document",
     _replace("incidents/mx-drone-2019.yaml", "    via: [mx-wire]\n    incidents: [mx-drone-2019]\n",
              "    via: [mx-wire]\n    carried_by: [mx-gazette]\n    incidents: [mx-drone-2019]\n"), False),
    ("another file asserts the same proposition",
     _replace("incidents/mx-embassy-2023.yaml", "statements:\n", "statements:\n" + SECOND_ASSERTION), False),
    ("a claim's proposition changed",
     _replace("incidents/mx-drone-2019.yaml", "{proposition: mx19-bor-drones, stance: asserts}",
              "{proposition: mx19-troops, stance: asserts}"), False),
    ("a claim becomes a denial", _replace("incidents/mx-drills-2021.yaml", "kind: accusation", "kind: denial"), False),
    ("an incident file deleted", _delete("incidents/mx-detention-2025.yaml"), False),
    ("a source republishes another",
     _replace("sources.yaml", "    reliability: C\n", "    reliability: C\n    republishes: [mx-wire]\n"), True),
]


@pytest.mark.parametrize(("label", "edit", "new_origins"), SINGLE_SOURCE_EDITS, ids=[e[0] for e in SINGLE_SOURCE_EDITS])
def test_after_an_edit_single_source_warnings_are_judged_again_only_where_touched(
    label: str, edit: Callable[[Path], Path], new_origins: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(MONITOR, data_dir)
    load = loader(data_dir)
    load.load(TODAY)
    edit(data_dir)
    judged: list[str] = []
    for name in ("_judge_all", "_judge_changed"):
        real = getattr(warn, name)
        monkeypatch.setattr(warn, name, lambda *args, _real=real, _name=name: judged.append(_name) or _real(*args))  # type: ignore[func-returns-value]
    after = load.load(TODAY)
    assert judged == (["_judge_all"] if new_origins else ["_judge_changed"])
    full = load_dataset(data_dir, TODAY, cache=None)
    assert_same(after, full)
    assert [p for p in after.problems if p.code == "SINGLE_SOURCE"] != [
        p for p in load_dataset(MONITOR, TODAY, cache=None).problems if p.code == "SINGLE_SOURCE"
    ], "the edit changed no single-source warning: it tests nothing"


def test_the_c_allocators_free_pages_go_back_after_background_work_and_quiet_collections(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After a timer's action (a snapshot's write, a release) and after a quiet collection, the C allocator's free
    pages are handed back (a snapshot's write left 30-60 MB behind at 1,000 incidents); in order, after the work."""
    assert memory.return_free_memory() is True  # glibc, as Debian's Python and the image have
    happened: list[str] = []
    monkeypatch.setattr(memory, "return_free_memory", lambda: happened.append("trim") or True)
    quiet, _ = _quiet(0.0, 30.0)
    monkeypatch.setattr(memory, "QUIET", quiet)
    timer = memory.QuietTimer(0.0, happened.append, "write")
    assert timer.join(5)
    assert happened == ["write", "trim"]
    collector = QuietCollector(0.05, 30.0, collect=lambda: happened.append("collect"))
    collector.touch()
    deadline = time.monotonic() + 5
    while collector.collections == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert happened == ["write", "trim", "collect", "trim"]
