"""What a filter change no longer rebuilds: the timeline's table is taken from the rows kept per dataset, and the
map's claims are worked out once per view. Each is checked equal to a build from scratch, over filters that keep
everything, some and nothing, on the shipped data and a synthetic record of 12 incidents."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from components.map.legend import _read_located
from components.map.markers import Shared, event_layers
from components.map.rows import _grouped_claim_layers, _latest_moment
from components.timeline.table import TableRows, _build_frame, timeline_frame, timeline_rows
from incidents.evidence.stances import launch_claims
from incidents.load.incremental import Loader
from incidents.load.pipeline import load_dataset
from incidents.model.dataset import Dataset
from incidents.model.when import compute_window
from incidents.synth import generate
from incidents.views.binning import incident_spans, timeline_detail
from incidents.views.claim_arcs import _claim_origins, _claims, claim_origins, claims
from incidents.views.filtering import FilterValue, View, apply_filter, date_span, filter_index, kept_rows
from incidents.views.geometry import load_geo
from incidents.views.locations import latest_moment
from incidents.views.mapping import _place_counts, place_counts, view_event_rows
from incidents.views.timing import speaking_incidents
from tests.conftest import ROOT

FILTERS = [
    FilterValue(),
    FilterValue(text="drone"),
    FilterValue(text="border"),
    FilterValue(kinds=("event",)),
    FilterValue(kinds=("denial", "claim")),
    FilterValue(date_from=dt.date(2026, 3, 5), date_to=dt.date(2026, 3, 8)),
    FilterValue(text="no record says this 4f2a"),
]


@pytest.fixture(scope="module", params=["shipped", "synthetic", "synthetic, edited"])
def dataset(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    if request.param == "shipped":
        return load_dataset(ROOT / "data")
    folder = tmp_path_factory.mktemp("synthetic")
    generate(folder, 12, seed=5)
    if request.param == "synthetic":
        return load_dataset(Path(folder))
    return _edited(folder)


def _edited(folder: Path) -> Dataset:
    """The synthetic data after an edit of one incident in the middle of the record: its columns are spliced from
    the last dataset's (`filtering._LAST_COLUMNS`), so every test here holds them to the models too."""
    loader = Loader(folder, cache=None, snapshots=False)
    filter_index(loader.load()).columns  # noqa: B018 - the columns the edit's are made from
    path = sorted((folder / "incidents").glob("*.yaml"))[5]
    body = path.read_text()
    path.write_text(body.replace("description: ", "description: Edited drone border ", 2))
    edited = loader.load()
    assert not edited.errors and filter_index(edited)._from_last is not None, "the columns were not spliced"
    return edited


@pytest.mark.parametrize("value", FILTERS, ids=repr)
@pytest.mark.parametrize("group", ["hierarchy", "country"])
def test_a_views_timeline_rows_are_those_built_for_it(dataset: Dataset, value: FilterValue, group: str) -> None:
    view = apply_filter(dataset, value)
    taken = timeline_frame(dataset, view, group)
    built = _build_frame(dataset, view, group)
    assert len(taken) == view.record_count
    # An empty frame built from scratch has no rows to give its time columns a unit; the kept rows keep theirs.
    pd.testing.assert_frame_equal(taken, built, check_dtype=bool(view.record_count))


@pytest.mark.parametrize("value", FILTERS, ids=repr)
def test_a_views_table_rows_are_positions_in_the_kept_frame_and_give_its_rows(dataset: Dataset, value: FilterValue
                                                                               ) -> None:
    view = apply_filter(dataset, value)
    rows = timeline_rows(dataset, view)
    assert rows.full is timeline_rows(dataset, apply_filter(dataset, FilterValue())).full  # no copy per view
    frame = rows.frame()
    assert len(rows) == len(frame) == view.record_count
    for start, stop in [(0, 100), (100, 200), (max(0, len(frame) - 3), len(frame) + 50), (len(frame), len(frame) + 9)]:
        pd.testing.assert_frame_equal(rows.take(start, stop), frame.iloc[start:stop])


@pytest.mark.parametrize("value", FILTERS, ids=repr)
def test_a_views_table_rows_show_the_views_records_and_no_other(dataset: Dataset, value: FilterValue) -> None:
    """`TableRows.shows` (which selected ids the timeline's cards keep) agrees with the view's own records, for the
    view's rows, a search of them and a frame of the view's own."""
    view = apply_filter(dataset, value)
    in_view = {r.id for r in view.events} | {r.id for r in view.statements}
    every = [*dataset.events, *dataset.statements, "not-a-record"]
    rows = timeline_rows(dataset, view)
    own = TableRows(_build_frame(dataset, view, "hierarchy"))
    for record_id in every:
        assert rows.shows(record_id) is (record_id in in_view), record_id
        assert own.shows(record_id) is (record_id in in_view), record_id
    found = rows.matching("drone")
    shown = set(found.frame()["Id"])
    assert {i for i in every if found.shows(i)} == shown <= in_view


def test_a_view_of_foreign_records_is_built_not_taken(dataset: Dataset) -> None:
    whole = apply_filter(dataset, FilterValue())
    some = whole.events[:3]
    stranger = some[0].model_copy(update={"id": "not-in-this-dataset"}) if some else None
    view = View(events=[*some[1:], stranger] if stranger else [], statements=whole.statements[:2])
    pd.testing.assert_frame_equal(timeline_frame(dataset, view), _build_frame(dataset, view, "hierarchy"))


@pytest.mark.parametrize("value", FILTERS, ids=repr)
def test_a_views_claims_are_worked_out_once_and_equal_a_fresh_build(dataset: Dataset, value: FilterValue) -> None:
    geo = load_geo(ROOT / "data" / "geo")
    view = apply_filter(dataset, value)
    assert claims(dataset, view) == _claims(dataset, view)
    assert claims(dataset, view) is claims(dataset, view)
    assert claim_origins(dataset, view, geo) == _claim_origins(dataset, view, geo)
    assert claim_origins(dataset, view, geo) is claim_origins(dataset, view, geo)
    other = load_geo(ROOT / "data" / "geo")  # another geo keeps its own, never this one's
    assert claim_origins(dataset, view, other) is not claim_origins(dataset, view, geo)
    assert claim_origins(dataset, view, other) == claim_origins(dataset, view, geo)
    assert place_counts(dataset, view) == _place_counts(dataset, view)


@pytest.mark.parametrize("value", [*FILTERS, FilterValue(actors=("irn",)), FilterValue(date_from=dt.date(2030, 1, 1))],
                         ids=repr)
def test_a_filtered_views_span_from_the_columns_equals_its_records_span(dataset: Dataset, value: FilterValue) -> None:
    view = apply_filter(dataset, value)
    from_models = date_span([*view.events, *view.statements])
    assert view.span == from_models
    if value.is_default:
        return
    assert "date-span" in view.derived, "a filtered view comes with its span (from the columns)"
    assert (from_models is None) == (view.record_count == 0)


@pytest.mark.parametrize("value", FILTERS, ids=repr)
def test_a_views_markers_from_the_kept_pieces_equal_markers_built_afresh(dataset: Dataset, value: FilterValue) -> None:
    view = apply_filter(dataset, value)
    picked = [e.id for e in view.events[:2]]
    kept_shared, fresh_shared = Shared(), Shared()
    kept = event_layers(dataset, view, picked, kept_shared)
    # Copies are not the dataset's own records, so each piece is built anew from the record.
    copies = View(events=[e.model_copy() for e in view.events], statements=view.statements)
    fresh = event_layers(dataset, copies, picked, fresh_shared)
    assert [layer.text for layer in kept] == [layer.text for layer in fresh]
    assert kept_shared.counts == fresh_shared.counts and kept_shared.positions == fresh_shared.positions
    assert [e.id for e in kept_shared.unlocated or []] == [e.id for e in fresh_shared.unlocated or []]
    if any(e.place in dataset.places for e in view.events):
        assert "map-event-pieces" in dataset.derived


@pytest.mark.parametrize("value", [*FILTERS, FilterValue(actors=("irn",)), FilterValue(date_from=dt.date(2030, 1, 1))],
                         ids=repr)
def test_a_filtered_views_spans_and_range_from_the_columns_equal_those_from_its_records(
    dataset: Dataset, value: FilterValue
) -> None:
    view = apply_filter(dataset, value)
    # The same records with no columns behind them: the spans and the range are worked out from the models.
    plain = View(events=view.events, statements=view.statements, incidents=view.incidents, places=view.places)
    assert kept_rows(plain) is None
    filter_index(dataset).columns  # noqa: B018 - made, as a filter or the warm-up makes them: every view reads them
    assert kept_rows(view) is not None
    assert incident_spans(dataset, view) == incident_spans(dataset, plain)
    for detail in ("auto", "records"):
        assert timeline_detail(dataset, view, value, detail) == timeline_detail(dataset, plain, value, detail)
    if view.record_count and view.incidents:
        assert sum(span.records for span in incident_spans(dataset, view)) >= 1, "the counts must be exercised"


@pytest.mark.parametrize("value", [*FILTERS, FilterValue(actors=("irn",)), FilterValue(actors=("aze",))], ids=repr)
def test_a_views_claims_from_the_datasets_launch_claims_equal_those_of_its_own_statements(
    dataset: Dataset, value: FilterValue
) -> None:
    view = apply_filter(dataset, value)
    launches = [event for event in dataset.events.values() if event.type == "launch"]
    direct = launch_claims(dataset, launches, view.statements)
    found = _claims(dataset, view)
    assert [(c.launch.id, [s.id for s in c.claiming], [s.id for s in c.disputing]) for c in found] == [
        (p.launch.id, [s.id for s in p.claiming], [s.id for s in p.disputing]) for p in direct
    ]


@pytest.mark.parametrize("value", [*FILTERS, FilterValue(actors=("irn",))], ids=repr)
def test_a_filtered_views_latest_moment_from_the_columns_equals_its_records(
    dataset: Dataset, value: FilterValue
) -> None:
    view = apply_filter(dataset, value)
    assert _latest_moment(view) == latest_moment([*view.events, *view.statements])


def _plain(view: View) -> View:
    """The same records with no columns behind them: what is read from the columns is worked out from the models."""
    return View(events=view.events, statements=view.statements, incidents=view.incidents, places=view.places)


@pytest.mark.parametrize("value", [*FILTERS, FilterValue(actors=("irn",))], ids=repr)
def test_a_filtered_views_map_counts_and_claims_from_the_columns_equal_those_from_its_records(
    dataset: Dataset, value: FilterValue
) -> None:
    view = apply_filter(dataset, value)
    plain = _plain(view)
    filter_index(dataset).columns  # noqa: B018 - made, as a filter or the warm-up makes them: every view reads them
    assert view_event_rows(dataset, view) is not None
    assert view_event_rows(dataset, plain) is None
    assert _place_counts(dataset, view) == _place_counts(dataset, plain)
    counts, unlocated = _read_located(dataset, view)
    plain_counts, plain_unlocated = _read_located(dataset, plain)
    assert counts == plain_counts
    assert [event.id for event in unlocated] == [event.id for event in plain_unlocated]
    assert _claims(dataset, view) == _claims(dataset, plain)


def test_the_map_counts_compared_above_are_not_empty(dataset: Dataset) -> None:
    """The comparisons above must see places with several types, unlocated events and claims, or they say nothing."""
    view = apply_filter(dataset, FilterValue(text="e"))  # nearly every record, through the columns
    assert view_event_rows(dataset, view) is not None
    found = _place_counts(dataset, view)
    assert any(len(entry.types) > 1 for entry in found) and any(entry.first != entry.last for entry in found)
    assert _read_located(dataset, view)[1], "some events have no located place"
    assert any(claim.disputing for claim in _claims(dataset, view))


@pytest.mark.parametrize("value", FILTERS, ids=repr)
def test_the_grouped_claim_layer_from_kept_words_equals_one_built_with_none_kept(
    dataset: Dataset, value: FilterValue
) -> None:
    geo = load_geo(ROOT / "data" / "geo")
    for other in FILTERS:  # every view's words and origins are kept with the dataset now
        _grouped_claim_layers(dataset, apply_filter(dataset, other), geo)
    kept = _grouped_claim_layers(dataset, apply_filter(dataset, value), geo)
    saved = {key: dataset.derived.pop(key) for key in
             ("claim-site-words", "speaker-top-labels", ("launch-origins", geo)) if key in dataset.derived}
    assert len(saved) == 3, "the layer keeps its words and origins with the dataset"
    try:
        fresh = _grouped_claim_layers(dataset, _plain(apply_filter(dataset, value)), geo)
    finally:
        dataset.derived.update(saved)
    assert kept[0].text == fresh[0].text and kept[1] == fresh[1]


@pytest.mark.parametrize("value", [*FILTERS, FilterValue(actors=("irn",)), FilterValue(actors=("aze",))], ids=repr)
def test_a_filtered_views_speaking_incidents_from_the_columns_equal_those_from_its_statements(
    dataset: Dataset, value: FilterValue
) -> None:
    view = apply_filter(dataset, value)
    assert speaking_incidents(view) == speaking_incidents(_plain(view))


def test_the_first_incident_column_is_each_statements_first_named_incident(dataset: Dataset) -> None:
    index = filter_index(dataset)
    table, names = index.columns.statements, index.columns.incidents.values
    expected = [s.incidents[0] if s.incidents else None for s in index.statements]
    assert [names[code] if code >= 0 else None for code in table.first_incident.tolist()] == expected


def test_the_shipped_data_has_statements_naming_two_incidents() -> None:
    """What makes the first-incident comparisons above test the order of a statement's incidents."""
    assert any(len(statement.incidents) > 1 for statement in load_dataset(ROOT / "data").statements.values())


def test_the_view_of_every_record_reads_the_columns_once_they_are_made() -> None:
    dataset = load_dataset(ROOT / "data")
    view = apply_filter(dataset, FilterValue())
    assert kept_rows(view) is None  # the first page after a restart makes no columns for it
    columns = filter_index(dataset).columns
    kept = kept_rows(view)
    assert kept is not None and kept[0] is columns and kept[1].all() and kept[2].all()
    assert (len(kept[1]), len(kept[2])) == (len(view.events), len(view.statements)) != (0, 0)
    assert kept_rows(view) is kept  # kept with the view


def test_the_tables_frame_leaves_no_time_window_on_the_records() -> None:
    """The chronological table's frame of every record works each window out without keeping it on the record (kept,
    the windows and the gaps they left among the freed rows cost 41 MB at 1,000 incidents)."""
    dataset = load_dataset(ROOT / "data", cache=None)  # models of its own: the parse cache shares them across loads
    view = apply_filter(dataset, FilterValue())
    frame = _build_frame(dataset, view, "hierarchy")
    assert len(frame) == view.record_count > 0
    records = [*view.events, *view.statements]
    assert not any("window" in record.when.__dict__ for record in records)
    first = min(records, key=lambda r: (r.when.start_dt, r.id))
    assert frame["From (UTC)"].iloc[0] == pd.Timestamp(compute_window(first.when).start)
