"""The columnar filter (`incidents.views.columnar`, used by `filtering._select`) selects exactly what the loop over
models selected, on the shipped data, the monitor fixture and synthetic scale data, for a table of filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from incidents.load.incremental import Loader
from incidents.load.pipeline import load_dataset
from incidents.model.dataset import Dataset
from incidents.model.queries import chronological
from incidents.model.records import Event, Incident, Statement
from incidents.synth import generate
from incidents.views import columnar, filtering
from incidents.views.columnar import text_of
from incidents.views.filtering import FilterValue, View, _in_dates, apply_filter, filter_index, matches
from tests.bigdata import write_copies
from tests.conftest import DATA, FIXTURES

TODAY = dt.date(2026, 12, 24)


def loop_select(dataset: Dataset, value: FilterValue) -> View:
    """The filter as it was before the columns: every record through `matches` and a substring test."""
    index = filter_index(dataset)
    actor_set = dataset.actor_index.descendants(value.actors) if value.actors else None
    needle = value.text.casefold() if value.text else ""

    def wanted(record: Event | Statement) -> bool:
        return matches(dataset, record, value, actor_set) and (not needle or needle in text_of(record))

    events = [e for e in index.events if wanted(e)]
    statements = [s for s in index.statements if wanted(s)]
    incident_ids = {e.incident for e in events} | {i for s in statements for i in s.incidents}
    if value.is_default or (value.text and not value.actors and not value.kinds):
        incident_ids |= {
            i.id for i in dataset.incidents.values() if _in_dates(i, value) and (not needle or needle in text_of(i))
        }
    incidents: list[Incident] = sorted(
        (dataset.incidents[i] for i in incident_ids if i in dataset.incidents), key=chronological)
    place_ids = [e.place for e in events if e.place] + [role.place for i in incidents for role in i.places]
    places = [dataset.places[p] for p in dict.fromkeys(place_ids) if p in dataset.places]
    return View(events=events, statements=statements, incidents=incidents, places=places)


def filters(dataset: Dataset) -> list[FilterValue]:
    """A table of filter settings drawn from the data itself: every kind alone, the busiest actors (a state takes
    its bodies), date ranges of several widths, words of several lengths, and combinations."""
    index = filter_index(dataset)
    records = [*index.events, *index.statements]
    days = sorted({r.when.first_day for r in records})
    middle = days[len(days) // 2]
    actors = sorted(dataset.actors, key=lambda a: -len(dataset.actor_index.descendants([a])))[:3]
    values = [FilterValue()]
    values += [FilterValue(kinds=(kind,)) for kind in filtering.RECORD_KINDS]
    values += [FilterValue(actors=(actor,)) for actor in actors]
    values += [
        FilterValue(date_from=middle), FilterValue(date_to=middle), FilterValue(date_from=middle, date_to=middle),
        FilterValue(date_from=days[0], date_to=days[0]), FilterValue(date_from=dt.date(2100, 1, 1)),
    ]
    values += [FilterValue(text=word) for word in ("drone", "DRONE", "Iran", "é", "x", "no such words here", " ")]
    values += [
        FilterValue(actors=(actors[0],), kinds=("event", "claim"), text="a"),
        FilterValue(actors=tuple(actors[:2]), date_from=middle, text="the"),
        FilterValue(kinds=("denial",), date_to=middle),
        FilterValue(actors=("no-such-actor",)),
        FilterValue(kinds=("no-such-kind",)),
    ]
    return values


def _ids(view: View) -> tuple[list[str], ...]:
    return tuple([r.id for r in records] for records in (view.events, view.statements, view.incidents, view.places))


@pytest.fixture(scope="module", params=["shipped", "monitor", "synthetic", "copies"])
def dataset(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    if request.param == "shipped":
        return load_dataset(DATA, TODAY)
    if request.param == "monitor":
        return load_dataset(FIXTURES / "monitor", TODAY)
    if request.param == "copies":  # the scale tests' data: the shipped incidents copied, dates moved back
        return load_dataset(write_copies(tmp_path_factory.mktemp("big") / "data", 4), TODAY)
    out: Path = tmp_path_factory.mktemp("synth") / "data"
    generate(out, 12, seed=3)
    return load_dataset(out, TODAY)


def test_the_columnar_filter_equals_the_loop_over_models(dataset: Dataset) -> None:
    table = filters(dataset)
    assert len(table) > 20
    selected = 0
    for value in table:
        got, want = apply_filter(dataset, value), loop_select(dataset, value)
        assert _ids(got) == _ids(want), value
        assert all(a is b for a, b in zip(got.events, want.events, strict=True))  # the same models, not copies
        selected += bool(got.record_count) and got.record_count < dataset_size(dataset)
    assert selected >= 5  # the table narrows the records in several ways, not only all-or-nothing


def dataset_size(dataset: Dataset) -> int:
    return len(dataset.events) + len(dataset.statements)


def test_columns_are_built_once_per_dataset_and_not_for_the_default_view(dataset: Dataset) -> None:
    index = filter_index(dataset)
    index.__dict__.pop("columns", None)
    index._views.clear()
    apply_filter(dataset, FilterValue())
    assert "columns" not in index.__dict__  # the first page after a restart pays nothing for them
    apply_filter(dataset, FilterValue(text="drone"))
    built = index.columns
    apply_filter(dataset, FilterValue(text="border"))
    assert index.columns is built


def _table_columns(table: object) -> dict[str, list[object]]:
    return {name: list(getattr(table, name)) for name in (
        "kind", "first", "last", "low", "high", "text", "actor_rows", "actor_codes", "incident_rows",
        "incident_codes", "place_codes", "type_codes",
    )}


def test_the_text_column_holds_each_records_search_text() -> None:
    dataset = load_dataset(DATA)
    events, statements = list(dataset.events.values()), list(dataset.statements.values())
    columns = columnar.RecordColumns(events, statements)
    assert list(columns.events.text) == [text_of(record) for record in events]
    assert list(columns.statements.text) == [text_of(record) for record in statements]
    assert any(text != text.casefold() for record in statements for text in [record.quote or ""])  # some to fold


def _decoded(columns: columnar.RecordColumns, name: str) -> list[tuple[object, ...]]:
    """Each row of a table as values, not codes (spliced columns may number their codes otherwise)."""
    table = getattr(columns, name)
    actors: list[list[str]] = [[] for _ in range(table.size)]
    incidents: list[list[str]] = [[] for _ in range(table.size)]
    for rows, codes, values, into in ((table.actor_rows, table.actor_codes, columns.actors.values, actors),
                                      (table.incident_rows, table.incident_codes, columns.incidents.values, incidents)):
        for row, code in zip(rows.tolist(), codes.tolist(), strict=True):
            into[row].append(values[code])
    first_incident = [columns.incidents.values[c] if c >= 0 else None for c in table.first_incident.tolist()]
    return [
        (columns.kinds.values[table.kind[i]], table.first[i], table.last[i], table.low[i], table.high[i], table.text[i],
         tuple(actors[i]), tuple(incidents[i]), first_incident[i],
         columns.places.values[table.place_codes[i]] if table.place_codes[i] >= 0 else None,
         columns.types.values[table.type_codes[i]])
        for i in range(table.size)
    ]


def _edit_middle(old: str, new: str) -> Callable[[Path], None]:
    """An edit of the third of six incidents: its records lie between others in time order."""
    def edit(data_dir: Path) -> None:
        path = sorted((data_dir / "incidents").glob("*.yaml"))[2]
        body = path.read_text()
        assert old in body
        path.write_text(body.replace(old, new, 1))
    return edit


def _delete_first(data_dir: Path) -> None:
    sorted((data_dir / "incidents").glob("*.yaml"))[0].unlink()


SPLICE_EDITS = [
    ("words", _edit_middle("description: ", "description: Edited drone ")),
    ("a date moved", _edit_middle("    start: 2024-04-18\n    precision: day\n",
                                  "    start: 2024-04-20\n    precision: day\n")),
    ("a place and a type", _edit_middle("  type: impact\n  when:\n    start: 2024-04-18\n    precision: day\n"
                                        "  place: place-017\n",
                                        "  type: launch\n  when:\n    start: 2024-04-18\n    precision: day\n"
                                        "  place: place-406\n")),
    ("actors", _edit_middle("  actors:\n  - aze\n", "  actors:\n  - rus\n  - aze\n")),
    ("a file deleted", _delete_first),
]


@pytest.mark.parametrize(("label", "edit"), SPLICE_EDITS, ids=[e[0] for e in SPLICE_EDITS])
def test_columns_after_an_edit_are_spliced_from_the_last_and_equal_columns_built_afresh(
    label: str, edit: Callable[[Path], None], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate(tmp_path / "data", 6, seed=4)
    loader = Loader(tmp_path / "data", cache=None, snapshots=False)
    monkeypatch.setattr(filtering, "_LAST_COLUMNS", [])
    monkeypatch.setattr(filtering, "SPLICE_MAX_SHARE", 1.0)  # one file of six holds a large share of the records
    before = filtering.FilterIndex(loader.load(TODAY))
    assert before.columns.events.size and before.columns.statements.size
    edit(tmp_path / "data")
    after = filtering.FilterIndex(loader.load(TODAY))
    assert not after.dataset.errors, after.dataset.errors[:3]
    assert after._from_last is not None, "the columns were built, not spliced"
    spliced = after.columns
    monkeypatch.setattr(filtering, "_LAST_COLUMNS", [])
    fresh = filtering.FilterIndex(after.dataset)
    assert fresh._from_last is None
    for name in ("events", "statements"):
        records = getattr(after.dataset, name).values()
        assert [r.id for r in getattr(after, name)] == [r.id for r in sorted(records, key=chronological)]
        assert all(a is b for a, b in zip(getattr(after, name), getattr(fresh, name), strict=True))
        assert _decoded(spliced, name) == _decoded(fresh.columns, name)
        table = getattr(spliced, name)
        assert (np.diff(table.actor_rows) >= 0).all() and (np.diff(table.incident_rows) >= 0).all(), "row order"
    assert _decoded(spliced, "events") != _decoded(before.columns, "events"), "the edit must reach the columns"
    for value in filters(after.dataset):
        assert _ids(after.view(value)) == _ids(fresh.view(value)), value


def _take_cases() -> list[tuple[str, int, list[int]]]:
    """(label, rows before, take): row numbers of `before` then of the new rows (numbered from `before`'s end)."""
    return [
        ("nothing changed", 6, [0, 1, 2, 3, 4, 5]),
        ("rows replaced in the middle", 6, [0, 1, 6, 7, 4, 5]),
        ("a row moved", 6, [0, 2, 3, 1, 4, 5]),
        ("rows removed and added at the end", 6, [0, 1, 2, 6, 7, 8, 9]),
        ("everything new", 3, [3, 4]),
        ("nothing left", 3, []),
        ("more runs than are sliced", 200, [i for pair in zip(range(0, 200, 2), range(200, 300), strict=True)
                                            for i in pair]),
    ]


@pytest.mark.parametrize(("label", "size", "take"), _take_cases(), ids=[c[0] for c in _take_cases()])
def test_a_spliced_text_column_equals_taking_its_rows(label: str, size: int, take: list[int]) -> None:
    before = pd.Series([f"row {i}" for i in range(size)], dtype="string[pyarrow]")
    made = pd.Series([f"new {i}" for i in range(max(take, default=size) + 1 - size)], dtype="string[pyarrow]")
    rows = np.array(take, dtype=np.int64)
    want = pd.concat([before, made], ignore_index=True).take(rows).reset_index(drop=True)
    got = columnar._taken_text(before, made, rows)
    assert got.tolist() == want.tolist() and got.dtype == want.dtype and got.index.equals(want.index)
    assert got.str.contains("new", regex=False).tolist() == want.str.contains("new", regex=False).tolist()


def test_spliced_text_stays_in_few_chunks_over_many_edits() -> None:
    text = pd.Series([f"row {i}" for i in range(500)], dtype="string[pyarrow]")
    generator = np.random.default_rng(7)
    for edit in range(300):
        start = int(generator.integers(0, 495))
        rows = np.arange(500)
        rows[start:start + 3] = 500 + np.arange(3)
        made = pd.Series([f"edit {edit} {k}" for k in range(3)], dtype="string[pyarrow]")
        want = pd.concat([text, made], ignore_index=True).take(rows).reset_index(drop=True).tolist()
        text = columnar._taken_text(text, made, rows)
        assert text.tolist() == want
    assert text.array.__arrow_array__().num_chunks <= columnar.MAX_TEXT_RUNS
