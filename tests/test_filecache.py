"""The per-file parse cache: never serves stale records, ignores damaged entries and entries of other code, and a
load through it equals a load without it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import orjson
import pytest

from incidents.load import filecache, validate
from incidents.load.filecache import FileCache
from incidents.load.pipeline import load_dataset
from incidents.model.dataset import Dataset
from incidents.model.registry import COLLECTIONS
from incidents.synth import generate

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 12, 6)  # the shipped data holds records of 6 December (issues 25, 26)


@pytest.fixture(autouse=True)
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(filecache.CACHE_ENV, str(folder))
    return folder


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


def _records(dataset: Dataset) -> dict[str, dict[str, Any]]:
    return {c.key: dict(dataset.collection(c.key)) for c in COLLECTIONS}


def _same(cached: Dataset, fresh: Dataset) -> None:
    assert cached.problems == fresh.problems
    assert _records(cached) == _records(fresh)
    assert cached.version == fresh.version and cached.files == fresh.files
    for key, collection in _records(fresh).items():  # exports leave out unset fields: those must agree too
        for record_id, record in collection.items():
            assert _records(cached)[key][record_id].model_fields_set == record.model_fields_set


def _incident_file(data: Path) -> Path:
    return max((data / "incidents").glob("*.yaml"), key=lambda path: path.stat().st_size)  # the richest file


def test_shipped_data_same_with_and_without_cache(data: Path) -> None:
    fresh = load_dataset(data, TODAY, cache=None)
    memory = FileCache()
    _same(load_dataset(data, TODAY, cache=memory), fresh)  # computed, written to disk
    assert memory.misses == len(fresh.files) and memory.hits == 0
    from_disk = FileCache()
    _same(load_dataset(data, TODAY, cache=from_disk), fresh)  # read back from disk
    assert from_disk.hits == len(fresh.files) and from_disk.misses == 0
    _same(load_dataset(data, TODAY, cache=from_disk), fresh)  # from memory


def test_synthetic_data_same_with_and_without_cache(tmp_path: Path) -> None:
    generate(tmp_path / "synth", 6, seed=2)
    fresh = load_dataset(tmp_path / "synth", TODAY, cache=None)
    load_dataset(tmp_path / "synth", TODAY, cache=FileCache())
    cache = FileCache()
    _same(load_dataset(tmp_path / "synth", TODAY, cache=cache), fresh)
    assert cache.misses == 0


def test_a_problem_in_a_cached_file_keeps_its_position(data: Path) -> None:
    path = data / "actors.yaml"
    path.write_text(path.read_text().replace("parent: aze\n", "parent: nobody\n", 1))
    fresh = load_dataset(data, TODAY, cache=None)
    assert any(p.code == "UNKNOWN_REF" and p.line > 1 for p in fresh.problems)
    load_dataset(data, TODAY, cache=FileCache())
    _same(load_dataset(data, TODAY, cache=FileCache()), fresh)


@pytest.mark.parametrize("change", ["edit", "rename", "delete"])
def test_changes_are_picked_up(data: Path, change: str) -> None:
    cache = FileCache()
    load_dataset(data, TODAY, cache=cache)
    path = _incident_file(data)
    before = load_dataset(data, TODAY, cache=None)
    gone = {i for i, place in before.origins.items() if Path(place[0]).resolve() == path.resolve()}
    assert gone
    if change == "edit":
        path.write_text(path.read_text().replace("title: ", "title: Edited ", 1))
    elif change == "rename":
        path.rename(path.with_name("renamed.yaml"))
    else:
        path.unlink()
    for loader in (cache, FileCache()):  # the same process, and a restart reading the disk
        cached = load_dataset(data, TODAY, cache=loader)
        _same(cached, load_dataset(data, TODAY, cache=None))
    if change == "edit":
        assert any(i.title.startswith("Edited ") for i in cached.incidents.values())
    elif change == "rename":
        assert any(f.endswith("renamed.yaml") for f in cached.files)
    else:
        # Every record of the deleted file is gone; the other files' records stay.
        kept = {i for c in ("incidents", "events", "statements") for i in cached.collection(c)}
        assert not gone & kept and len(cached.sources) == len(before.sources)


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.json"))


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"version": 1}', b"[1, 2, 3]", "truncate"])
def test_a_damaged_entry_is_ignored_and_rewritten(data: Path, cache_folder: Path, damage: bytes | str) -> None:
    fresh = load_dataset(data, TODAY, cache=None)
    load_dataset(data, TODAY, cache=FileCache())
    entries = _entries(cache_folder)
    assert len(entries) == len(fresh.files)
    for entry in entries:
        body = entry.read_bytes()
        entry.write_bytes(body[: len(body) // 2] if isinstance(damage, str) else damage)
    cache = FileCache()
    _same(load_dataset(data, TODAY, cache=cache), fresh)
    assert cache.misses == len(fresh.files)
    assert FileCache().result(_incident_file(data).read_bytes(), "x", "incident", {}) is not None


def test_an_entry_with_bad_records_is_not_trusted(data: Path, cache_folder: Path) -> None:
    """An entry is data: records in it are validated again, so one that no model accepts is a miss."""
    load_dataset(data, TODAY, cache=FileCache())
    for entry in _entries(cache_folder):
        entry.write_bytes(entry.read_bytes().replace(b'\\"id\\":\\"', b'\\"id\\":\\"BAD ID '))
    cache = FileCache()
    _same(load_dataset(data, TODAY, cache=cache), load_dataset(data, TODAY, cache=None))
    assert cache.misses > 0


def test_entries_of_another_code_version_are_not_used(
    data: Path, cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_dataset(data, TODAY, cache=FileCache())
    before = set(_entries(cache_folder))
    monkeypatch.setattr(filecache, "CODE_VERSION", "another-version")
    cache = FileCache()
    load_dataset(data, TODAY, cache=cache)
    assert cache.hits == 0 and cache.misses == len(before)
    assert set(_entries(cache_folder)) > before  # written anew, under keys of the new version


def test_an_old_entry_under_the_new_key_is_not_used(data: Path, cache_folder: Path) -> None:
    """Even an entry found under the right key is refused when it says it was written by other code."""
    load_dataset(data, TODAY, cache=FileCache())
    for entry in _entries(cache_folder):
        version = filecache.CODE_VERSION.encode()
        entry.write_bytes(entry.read_bytes().replace(version, b"0" * len(version), 1))
    cache = FileCache()
    load_dataset(data, TODAY, cache=cache)
    assert cache.hits == 0


def test_code_version_follows_the_code() -> None:
    assert filecache.CODE_VERSION == filecache._code_version()
    assert len(filecache.CODE_VERSION) == 16


def test_the_code_version_covers_every_module_of_the_package() -> None:
    hashed = {path.relative_to(filecache.ROOT).as_posix() for path in filecache.code_modules()}
    assert {"model/records.py", "model/when.py", "load/validate.py", "text.py"} <= hashed
    assert hashed == {p.relative_to(filecache.ROOT).as_posix() for p in filecache.ROOT.rglob("*.py")
                      if "__pycache__" not in p.parts}


@pytest.mark.parametrize("module", ["model/records.py", "load/validate.py", "text.py", "views/columnar.py"])
def test_a_change_to_any_module_changes_the_code_version(tmp_path: Path, module: str) -> None:
    """The models decide what a file validates to: a change to one must not leave the old entries in use."""
    package = tmp_path / "incidents"
    shutil.copytree(filecache.ROOT, package, ignore=shutil.ignore_patterns("__pycache__"))
    before = filecache._code_version(package)
    assert before == filecache.CODE_VERSION
    with (package / module).open("a", encoding="utf-8") as changed:
        changed.write("\n# changed\n")
    assert filecache._code_version(package) != before


def test_off_writes_nothing(data: Path, cache_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(filecache.CACHE_ENV, "off")
    load_dataset(data, TODAY, cache=FileCache())
    assert not cache_folder.exists()


def test_an_entry_keeps_each_records_facts_for_the_cross_file_checks(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = _incident_file(data).read_bytes()
    computed = filecache.compute(raw, "data/incidents/x.yaml", "incident")
    decoded = filecache.decode(filecache.encode(computed))
    assert decoded is not None and len(decoded.records) == len(computed.records) > 20
    facts = ("id_line", "refs", "dates", "text_flags")
    fresh = filecache.compute(raw, "data/incidents/x.yaml", "incident")  # nothing asked of it yet
    expected = [[getattr(made, name) for name in facts] for made in fresh.records]
    # Read back as text, made into lists only when asked, and from that text: never worked out from the record.
    assert all(isinstance(r.__dict__["stored_facts"], str) and "refs" not in r.__dict__ for r in decoded.records)
    monkeypatch.setattr(validate, "record_references", _never)
    monkeypatch.setattr(validate, "record_dates", _never)
    assert [[getattr(stored, name) for name in facts] for stored in decoded.records] == expected
    assert any(r.refs for r in decoded.records) and any(r.dates for r in decoded.records)
    assert {r.id_line for r in decoded.records} != {1}
    # Stored again unread, the same text goes back: an unchanged record costs no facts when a snapshot is written.
    again = filecache.decode(filecache.encode(decoded))
    assert again is not None
    assert [r.__dict__["stored_facts"] for r in again.records] == [r.__dict__["stored_facts"] for r in decoded.records]
    assert [[getattr(stored, name) for name in facts] for stored in again.records] == expected


def _never(*_args: object) -> list[object]:
    raise AssertionError("worked out from the record, not read from the stored facts")


@pytest.mark.parametrize(
    "facts", ["[1]", '["7",0,"[[],[]]"]', '[1,4,"[[],[]]"]', '[1,true,"[[],[]]"]', '[1,0,[[],[]]]', "7"]
)
def test_damaged_facts_make_the_entry_a_miss(data: Path, facts: str) -> None:
    raw = _incident_file(data).read_bytes()
    body = filecache.encode(filecache.compute(raw, "x", "incident"))
    entry = orjson.loads(body)
    entry["records"][0][3] = orjson.loads(facts)
    assert filecache.decode(orjson.dumps(entry)) is None


@pytest.mark.parametrize("text", ["not json", "[[]]", '{"a":1}', '[[["x"]],[[[0],"5 May"]]]'])
def test_unreadable_stored_facts_are_worked_out_from_the_record(data: Path, text: str) -> None:
    """Well placed but not what was written (the entry is signed, so only a bug writes this): each fact falls back
    to the record itself, and the checks see the same facts."""
    raw = _incident_file(data).read_bytes()
    body = filecache.encode(filecache.compute(raw, "x", "incident"))
    entry = orjson.loads(body)
    for row in entry["records"]:
        row[3][2] = text
    decoded = filecache.decode(orjson.dumps(entry))
    fresh = filecache.compute(raw, "x", "incident")
    assert decoded is not None
    for stored, made in zip(decoded.records, fresh.records, strict=True):
        assert (stored.refs, stored.dates, stored.text_flags) == (made.refs, made.dates, made.text_flags)
        assert stored.ref_ids() == [ref for _loc, ref, _target in made.refs]


def test_the_index_of_references_reads_stored_facts_without_keeping_them(data: Path) -> None:
    """A restored server's first edit indexes who references whom from every record's stored facts: the ids are
    read, the decoded references are not kept on the records (125 MB at 1,000 incidents)."""
    from incidents.load.references import referrers

    raw = _incident_file(data).read_bytes()
    fresh = filecache.compute(raw, "x", "incident")
    decoded = filecache.decode(filecache.encode(fresh))
    assert decoded is not None and any(made.refs for made in fresh.records)
    restored = {r.record.id: r for r in decoded.records}
    index = referrers(restored)
    assert index == referrers({r.record.id: r for r in fresh.records})
    # Keyed by the records' own id strings, not by decoded copies that would pin the memory decoding used.
    assert any(key in restored for key in index)
    assert all(key is restored[key].record.id for key in index if key in restored)
    assert not any("refs" in r.__dict__ for r in decoded.records)
    assert [r.ref_ids() for r in decoded.records] == [[ref for _l, ref, _t in r.refs] for r in fresh.records]


def test_stored_positions_are_held_compressed_and_read_on_first_use(data: Path) -> None:
    raw = _incident_file(data).read_bytes()
    parsed = filecache.compute(raw, "x", "incident").parsed
    assert parsed is not None and len(parsed.marks) > 100
    rows = {"\x1f".join(map(str, loc)): [m.line, m.column] for loc, m in parsed.marks.items()}
    lazy = filecache.LazyMarks(orjson.dumps(rows))
    assert len(lazy.compressed()) * 4 < len(orjson.dumps(rows))  # held compressed until a problem asks
    again = filecache.LazyMarks(lazy.compressed(), compressed=True)
    assert {loc: (m.line, m.column) for loc, m in again.items()} == {
        loc: (m.line, m.column) for loc, m in parsed.marks.items()
    }


def test_a_parsed_file_keeps_its_positions_compressed(data: Path) -> None:
    """A file parsed from scratch holds its positions as the cache and a snapshot store them, not a `yaml.Mark`
    per node: a snapshot writes those bytes as they are (encoding them again took most of each write)."""
    from incidents.load import parse

    raw = _incident_file(data).read_bytes()
    result = filecache.compute(raw, "x", "incident")
    marks = result.parsed.marks if result.parsed is not None else None
    assert isinstance(marks, filecache.LazyMarks)
    assert filecache.compressed_marks(marks) is marks.compressed()
    problems: list[Any] = []
    plain = parse.parse_file(raw, "x", "incident", problems)
    assert plain is not None and not isinstance(plain.marks, filecache.LazyMarks)
    expected = {loc: (m.line, m.column) for loc, m in plain.marks.items()}
    assert {loc: (m.line, m.column) for loc, m in marks.items()} == expected
    # The ids' lines were worked out from the parse's own positions, before they were packed.
    assert [r.__dict__.get("id_line") for r in result.records] == [
        expected[(*r.loc, "id")][0] + 1 for r in result.records]
    again = filecache.decode(filecache.encode(result))
    assert again is not None and again.parsed is not None
    assert {loc: (m.line, m.column) for loc, m in again.parsed.marks.items()} == expected


@pytest.mark.parametrize("stored", ["damaged", "too large", "not a mapping"])
def test_damaged_positions_read_as_none(stored: str) -> None:
    import zlib

    body = {
        "damaged": b"not zlib at all",
        "too large": zlib.compress(b" " * (filecache.LazyMarks.MAX_JSON + 10) + b"{}", 9),
        "not a mapping": zlib.compress(b"[1, 2]"),
    }[stored]
    marks = filecache.LazyMarks(body, compressed=True)
    assert len(marks) == 0 and ("id",) not in marks  # problems in that file are located at 1:1
