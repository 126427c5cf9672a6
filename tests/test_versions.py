"""Data versions from git, and the semantic diff: on a temporary repository with known changes, and on this
repository's own oldest data version (read through the format migration)."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from incidents.cli import main
from incidents.history.changes import diff, to_markdown
from incidents.history.versions import Version, cache_root, find_repo, history, load_version
from incidents.load.migrate import file_format
from incidents.load.pipeline import load_dataset
from incidents.model.dataset import Dataset
from tests.versions_repo import DROPPED_STATEMENT, ROOT


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_versions_json_lists_the_history_newest_first(repo_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "versions", "--format", "json", "--data-dir", str(repo_data))
    assert status == 0
    versions = json.loads(out)["versions"]
    # The README-only commit is not a version: two versions, the revision first.
    assert [v["message"] for v in versions] == [
        "Injured revised to 6; fourth drone resolved; accusation dropped", "First version: the shipped data",
    ]
    assert versions[1]["version"] == load_dataset(ROOT / "data").version  # the same hash as the loader's
    assert versions[0]["version"] == load_dataset(repo_data).version
    assert versions[0]["counts"]["statements"] == versions[1]["counts"]["statements"] - 1
    assert set(versions[0]) == {"version", "commit", "date", "message", "counts"}
    assert {"incidents", "events", "statements", "sources"} <= set(versions[0]["counts"])


def test_diff_json_names_the_known_changes(repo_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new, old = [v.version for v in history(find_repo(repo_data))]
    status, out, _ = run(capsys, "diff", old, new, "--format", "json", "--data-dir", str(repo_data))
    assert status == 0
    found = json.loads(out)
    assert (found["old"], found["new"]) == (old, new)
    (figure,) = found["figures"]
    assert (figure["quantity"], figure["old"], figure["new"], figure["statement"]) == (
        "injured", "4", "6", "prosecutor-injured",
    )
    # The revision names the sources of the statement that revised it: its chain, as the data gives it.
    assert figure["sources"] == list(load_dataset(repo_data).statements["prosecutor-injured"].via)
    (discrepancy,) = found["discrepancies"]
    assert (discrepancy["id"], discrepancy["old"], discrepancy["new"], discrepancy["event"]) == (
        "fourth-drone", "open", "resolved", "resolved",
    )
    (proposition,) = found["propositions"]
    assert (proposition["id"], proposition["old_status"], proposition["new_status"]) == (
        "israeli-intel", "contested", "one-sided",
    )
    changes = {(r["collection"], r["id"]): r for r in found["records"]}
    assert changes[("statements", DROPPED_STATEMENT)]["change"] == "removed"
    assert changes[("statements", "prosecutor-injured")]["fields"] == [
        {"field": "figures[0].value", "old": 4.0, "new": 6.0}
    ]
    assert {f["field"] for f in changes[("discrepancies", "fourth-drone")]["fields"]} == {
        "status", "resolved_by", "resolved_on",
    }


def test_diff_markdown_and_the_same_version(repo_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new, old = [v.version for v in history(find_repo(repo_data))]
    status, out, _ = run(capsys, "diff", old, new, "--data-dir", str(repo_data))
    assert status == 0 and "4 → 6" in out and "Discrepancy resolved: `fourth-drone`" in out
    status, out, _ = run(capsys, "diff", new, new, "--data-dir", str(repo_data))
    assert status == 0 and "No change to the records." in out


def test_unknown_version_and_no_history(repo_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "diff", "deadbeef", "0badf00d", "--data-dir", str(repo_data))
    assert status == 1 and "UNKNOWN_VERSION" in err and "'deadbeef'" in err
    bare = tmp_path / "data"
    shutil.copytree(repo_data, bare)  # no .git above it
    status, _, err = run(capsys, "versions", "--data-dir", str(bare))
    assert status == 1 and f"{bare}:1:1: NO_HISTORY" in err


def test_oldest_version_of_this_repository_loads_through_the_migration() -> None:
    repo = find_repo(ROOT / "data")
    oldest = history(repo)[-1]
    dataset = load_version(repo, oldest)
    assert dataset.version == oldest.version
    assert dataset.errors == []
    assert dataset.incidents and dataset.statements
    files = sorted((cache_root() / oldest.version / "data" / "incidents").glob("*.yaml"))
    assert files and file_format(yaml.safe_load(files[0].read_text(encoding="utf-8"))) == 1


@pytest.fixture(scope="module")
def shipped() -> Dataset:
    return load_dataset(ROOT / "data")


def _edited(dataset: Dataset, collection: str, record_id: str, **update: object) -> Dataset:
    edited = copy.copy(dataset)
    records = dict(dataset.collection(collection))
    if update.get("remove"):
        del records[record_id]
    else:
        records[record_id] = records[record_id].model_copy(update=update)
    setattr(edited, collection, records)
    edited.version = "00000001"
    return edited


@pytest.mark.parametrize(
    ("collection", "record_id", "update", "expected"),
    [
        ("events", "security-council", {"title": "Renamed"}, ("changed", "title")),
        ("sources", "article-2026-03-06", {"remove": True}, ("removed", None)),
        ("places", next(iter(load_dataset(ROOT / "data").places)), {"remove": True}, ("removed", None)),
        ("propositions", "israeli-intel", {"text": "Changed."}, ("changed", "text")),
    ],
)
def test_record_changes(shipped: Dataset, collection: str, record_id: str, update: dict[str, object],
                        expected: tuple[str, str | None]) -> None:
    change = diff(shipped, _edited(shipped, collection, record_id, **update))
    (record,) = [r for r in change.records if r.id == record_id]
    assert (record.collection, record.change) == (collection, expected[0])
    assert [f.field for f in record.fields] == ([expected[1]] if expected[1] else [])
    assert f"`{record_id}`" in to_markdown(change)
    assert diff(shipped, shipped).empty


def test_touching_keeps_only_that_incident(repo_data: Path) -> None:
    repo = find_repo(repo_data)
    new, old = history(repo)
    change = diff(load_version(repo, old), load_version(repo, new))
    assert change.figures, "the fixture history revises a figure"
    incident = change.figures[0].incident  # the data holds several incidents; take the one the revision is in
    assert change.touching(incident).figures == tuple(f for f in change.figures if f.incident == incident)
    assert change.touching("no-such-incident").empty


def test_feed_is_atom_with_one_entry_per_version(repo_data: Path) -> None:
    import xml.etree.ElementTree as ET

    from incidents.history.feed import ATOM, atom

    repo = find_repo(repo_data)
    versions = history(repo)
    diffs = [diff(load_version(repo, versions[1]), load_version(repo, versions[0])), None]
    feed = ET.fromstring(atom(versions, diffs, "https://monitor.example.org"))
    ns = {"a": ATOM}
    assert feed.tag == f"{{{ATOM}}}feed"
    for tag in ("id", "title", "updated"):
        assert (feed.findtext(f"a:{tag}", namespaces=ns) or "").strip()
    entries = feed.findall("a:entry", ns)
    assert len(entries) == len(versions)
    for entry, item in zip(entries, versions, strict=True):
        assert all((entry.findtext(f"a:{tag}", namespaces=ns) or "").strip() for tag in ("id", "title", "updated"))
        (link,) = entry.findall("a:link", ns)
        assert link.get("href") == f"https://monitor.example.org/?v={item.version}"
    summary = entries[0].findtext("a:summary", namespaces=ns) or ""
    assert "4 → 6" in summary and "\\" not in summary  # plain text: no Markdown escapes in a feed reader


@pytest.mark.parametrize(
    "hostile", ["a\n\n[link](https://evil.example)", "x`y <script>alert(1)</script>", "**bold**\n\n# heading"]
)
def test_markdown_keeps_record_text_inert(hostile: str) -> None:
    from incidents.history.changes import DataDiff, DiscrepancyChange, FieldChange, RecordChange, markdown_lines

    change = DataDiff("00000001", "00000002", records=(
        RecordChange("events", "e1", "changed", ("i",), (FieldChange("title", hostile, "ok"),)),
    ), discrepancies=(DiscrepancyChange("d1", "i", hostile, "open", "resolved"),))
    text = "\n".join(markdown_lines(change))
    assert "\n\n" not in text  # a blank line would end a list item and its code span
    outside_code = re.sub(r"(?<!\\)`[^`\n]*`", "", text)  # code spans show their text literally
    assert not re.search(r"(?<!\\)(\]\(|<|\*\*)", outside_code)  # links, tags and bold only escaped


def test_feed_command_writes_the_feed(repo_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import xml.etree.ElementTree as ET

    from incidents.history.feed import ATOM

    out = tmp_path / "static" / "changes.atom"
    status, _, err = run(capsys, "feed", "--out", str(out), "--url", "https://m.example.org/", "--data-dir",
                         str(repo_data))
    assert status == 0 and f"{out}: 2 entries" in err
    links = [e.get("href") for e in ET.parse(out).getroot().iterfind(f"{{{ATOM}}}entry/{{{ATOM}}}link")]
    assert links == [f"https://m.example.org/?v={v.version}" for v in history(find_repo(repo_data))]


def test_a_broken_cache_is_rewritten_not_shown_under_the_versions_name(repo_data: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INCIDENTS_CACHE_DIR", str(tmp_path / "cache"))
    repo = find_repo(repo_data)
    old = history(repo)[-1]
    shutil.rmtree(tmp_path / "cache" / old.version / "data")  # a half-written folder: counts, no data/
    from incidents.history.versions import NoHistory, _load

    _load.cache_clear()
    assert load_version(repo, old).version == old.version
    edited = tmp_path / "cache" / old.version / "data" / "actors.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    _load.cache_clear()
    # Files that do not hash to the version are written again from git (issue 23: a cache is never trusted) ...
    assert load_version(repo, old).version == old.version
    assert "# edited" not in edited.read_text(encoding="utf-8")
    # ... and if git's own files do not hash to it either, the version is refused, never shown under that name.
    _load.cache_clear()
    with pytest.raises(NoHistory, match="hash to"):
        load_version(repo, Version("0badc0de", old.commit, old.date, old.message))


@pytest.mark.parametrize(("old", "new", "shown"), [
    ("a" * 200 + " was two", "a" * 200 + " was four", ("was two", "was four")),
    ("short", "longer", ("`short`", "`longer`")),
    ("x" * 300, "y", ("`" + "x" * 120 + "…`", "`y`")),
])
def test_long_values_are_cut_where_they_differ(old: str, new: str, shown: tuple[str, str]) -> None:
    from incidents.history.changes import DataDiff, FieldChange, RecordChange, markdown_lines

    change = DataDiff("1", "2", records=(RecordChange("events", "e", "changed", (), (FieldChange("note", old, new),)),))
    line = markdown_lines(change)[1]
    before, after = line.split(" → ")
    assert shown[0] in before and shown[1] in after


def _v(version: str) -> Version:
    return Version(version, "c" * 40, "2026-12-01T00:00:00+00:00", f"made {version}")


@pytest.mark.parametrize(("requested", "current", "history_ids", "state", "newer"), [
    (None, "aaaaaaaa", ["aaaaaaaa"], "current", 0),
    ("aaaaaaaa", "aaaaaaaa", ["aaaaaaaa", "bbbbbbbb"], "current", 0),
    ("bbbbbbbb", "aaaaaaaa", ["aaaaaaaa", "bbbbbbbb", "cccccccc"], "old", 1),
    ("cccccccc", "aaaaaaaa", ["aaaaaaaa", "bbbbbbbb", "cccccccc"], "old", 2),
    ("aaaaaaaa", "dddddddd", ["aaaaaaaa", "bbbbbbbb"], "old", 1),  # uncommitted edits count as a newer version
    ("0badf00d", "aaaaaaaa", ["aaaaaaaa"], "unknown", 0),
    ("bbbbbbbb", "aaaaaaaa", None, "unavailable", 0),
])
def test_resolve(requested: str | None, current: str, history_ids: list[str] | None, state: str, newer: int) -> None:
    from incidents.history.timetravel import resolve

    found = resolve(requested, current, None if history_ids is None else [_v(i) for i in history_ids])
    assert (found.state, found.newer) == (state, newer)
    assert (found.version.version if found.version else None) == (requested if state == "old" else None)


def test_an_old_version_is_checked_against_the_day_asked_for(repo_data: Path) -> None:
    """A date after today leaves its record out, so an old version loaded the day before a record's date lacks
    it, and the same version loaded on a later day has it (not the first day's load, kept)."""
    repo = find_repo(repo_data)
    oldest = history(repo)[-1]
    before_the_strike = load_version(repo, oldest, today=dt.date(2026, 3, 4))
    later = load_version(repo, oldest, today=dt.date(2026, 12, 6))
    assert any(p.code == "FUTURE_DATE" for p in before_the_strike.errors)
    assert not any(p.code == "FUTURE_DATE" for p in later.errors)
    assert len(before_the_strike.statements) < len(later.statements)
    assert load_version(repo, oldest, today=dt.date(2026, 3, 4)) is before_the_strike  # one load per day
