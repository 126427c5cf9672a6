"""Exports of the filtered view (incidents/views/export.py) and their sidebar buttons (components/exports.py).

Runs on the invented fixture in tests/fixtures/export/data, never on the curated data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from components.context import AppContext
from components.exports import export_buttons
from incidents.load.pipeline import load_dataset
from incidents.model.dataset import Dataset
from incidents.model.registry import BY_NAME, FILE_KINDS
from incidents.views.export import select, to_csv_zip, to_geojson, to_json
from incidents.views.filtering import FilterValue, apply_filter

DATA = Path(__file__).parent / "fixtures" / "export" / "data"

FILTERS = {
    "none": FilterValue(),
    "iran-after-5-march": FilterValue(date_from=dt.date(2026, 3, 5), actors=("irn",)),
    "later-incident": FilterValue(date_from=dt.date(2026, 3, 10)),
    "denials": FilterValue(kinds=("denial",)),
    "events-only": FilterValue(kinds=("event",), date_to=dt.date(2026, 3, 5)),
    "text": FilterValue(text="airport"),
    "nothing": FilterValue(date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 1, 2)),
    "selection": FilterValue(actors=("aze-mfa",), incident="nakhchivan-2026-03-05", record="st-mfa-claim"),
}


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    loaded = load_dataset(DATA)
    assert not loaded.errors, loaded.errors
    return loaded


@pytest.fixture(scope="module")
def yaml_coordinates() -> dict[str, list[float]]:
    """[lon, lat] of every place, read from the YAML text itself (not through the models)."""
    places = yaml.safe_load((DATA / "places.yaml").read_text(encoding="utf-8"))["places"]
    return {place["id"]: [place["lon"], place["lat"]] for place in places}


def _zip_tables(data: bytes) -> tuple[dict, dict[str, list[dict[str, str]]]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        meta = json.loads(archive.read("_meta.json"))
        tables = {
            name.removesuffix(".csv"): list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
            for name in archive.namelist()
            if name.endswith(".csv")
        }
    return meta, tables


# --- GeoJSON ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FILTERS)
def test_geojson_has_one_feature_per_located_record(dataset: Dataset, yaml_coordinates, name: str) -> None:
    value = FILTERS[name]
    view = apply_filter(dataset, value)
    collection = json.loads(to_geojson(dataset, value).data)

    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    places = [f for f in features if f["properties"]["kind"] == "place"]
    events = [f for f in features if f["properties"]["kind"] == "event"]
    assert len(places) + len(events) == len(features)
    assert [f["id"] for f in places] == [p.id for p in view.places]
    assert [f["id"] for f in events] == [e.id for e in view.events if e.place]
    for feature in features:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        place_id = feature["id"] if feature["properties"]["kind"] == "place" else feature["properties"]["place"]
        # Exactly the YAML's numbers, longitude first (RFC 7946).
        assert feature["geometry"]["coordinates"] == yaml_coordinates[place_id]
        assert feature["properties"]["precision"] == dataset.places[place_id].geo_precision


def test_geojson_properties_and_metadata(dataset: Dataset) -> None:
    value = FILTERS["iran-after-5-march"]
    collection = json.loads(to_geojson(dataset, value, link="http://host/map?actor=irn").data)
    by_id = {f["id"]: f["properties"] for f in collection["features"]}

    airport = by_id["nakhchivan-airport"]
    assert airport["kind"] == "place" and airport["place_kind"] == "airport"
    assert airport["names_fa"] == "فرودگاه نخجوان"
    assert airport["precision"] == "exact" and airport["precision_m"] == 500
    assert "unused-place" not in by_id  # no selected record refers to it

    meta = collection["metadata"]  # a foreign member (RFC 7946 §6.1)
    assert meta["data_version"] == dataset.version
    assert meta["filter"] == value.describe() == "2026-03-05 to …; actors irn"
    assert meta["query"] == {"from": ["2026-03-05"], "actor": ["irn"]}
    assert meta["query_string"] == "from=2026-03-05&actor=irn"
    assert meta["link"] == "http://host/map?actor=irn"
    assert meta["features"] == len(collection["features"])


def test_geojson_event_sits_at_its_place(dataset: Dataset, yaml_coordinates) -> None:
    collection = json.loads(to_geojson(dataset, FilterValue(text="airport building")).data)
    (event,) = [f for f in collection["features"] if f["properties"]["kind"] == "event"]
    assert event["id"] == "ev-airport-damage"
    assert event["geometry"]["coordinates"] == yaml_coordinates["nakhchivan-airport"]
    props = event["properties"]
    assert props["when_start"] == "2026-03-05T10:30:00+04:00"
    assert props["when_precision"] == "hour"
    assert props["precision"] == "exact"
    assert props["place_name"] == "Nakhchivan International Airport"


# --- CSV ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FILTERS)
def test_csv_row_counts_match_the_filter(dataset: Dataset, name: str) -> None:
    value = FILTERS[name]
    view = apply_filter(dataset, value)
    selection = select(dataset, view)
    meta, tables = _zip_tables(to_csv_zip(dataset, value).data)

    assert set(BY_NAME) <= set(tables)
    assert [row["id"] for row in tables["events"]] == [e.id for e in view.events]
    assert [row["id"] for row in tables["statements"]] == [s.id for s in view.statements]
    assert [row["id"] for row in tables["incidents"]] == [i.id for i in view.incidents]
    assert [row["id"] for row in tables["places"]] == [p.id for p in view.places]
    for collection, records in selection.collections():
        assert len(tables[collection]) == len(records) == meta["counts"][collection]
        assert meta["tables"][f"{collection}.csv"]["rows"] == len(records)
    assert len(tables["statement_stances"]) == sum(len(s.stances) for s in view.statements)
    assert len(tables["incident_places"]) == sum(len(i.places) for i in view.incidents)
    assert len(tables["statement_figures"]) == sum(len(s.figures) for s in view.statements)
    assert len(tables["statement_quotes"]) == sum(len(s.quotes) for s in view.statements)


def test_csv_flattening_and_escaping(dataset: Dataset) -> None:
    _, tables = _zip_tables(to_csv_zip(dataset, FilterValue()).data)
    statements = {row["id"]: row for row in tables["statements"]}
    quotes = {row["statement"]: row for row in tables["statement_quotes"]}
    threat = statements["st-aliyev-threat"]
    assert quotes["st-aliyev-threat"]["text"] == dataset.statements["st-aliyev-threat"].quote  # commas, quotes survive
    assert threat["when_start"] == "2026-03-05" and threat["when_precision"] == "day"
    assert statements["st-irn-falseflag"]["via"] == "bbc-report; article-1"  # lists joined, order kept
    assert statements["st-aze-assurance"]["when_start"] == ""
    assert statements["st-aze-assurance"]["when_end"] == "2026-03-06"
    # Untrusted text that a spreadsheet would run as a formula is defused.
    assert quotes["st-aze-assurance"]["text"].startswith("'- its territory")
    places = {row["id"]: row for row in tables["places"]}
    assert places["school-near-airport"]["location_note"].startswith("'=HYPERLINK")
    assert places["nakhchivan-airport"]["names_az"] == "Naxçıvan Beynəlxalq Hava Limanı"
    assert places["nakhchivan-ar"]["lat"] == "39.0"
    actors = {row["id"]: row for row in tables["actors"]}
    assert actors["aze-mfa"]["aliases_az"] == "Xarici İşlər Nazirliyi; XİN"
    stances = tables["statement_stances"]
    assert {"statement": "st-gs-denial", "proposition": "p-iran-launched", "stance": "denies", "note": ""} in stances


def test_csv_zip_metadata_and_name(dataset: Dataset) -> None:
    value = FILTERS["iran-after-5-march"]
    export = to_csv_zip(dataset, value)
    assert export.name == f"incidents_{dataset.version}_2026-03-05_end.zip"
    assert export.mime == "application/zip"
    meta, _ = _zip_tables(export.data)
    assert meta["data_version"] == dataset.version
    assert meta["filter"] == value.describe()
    assert meta["query"] == {"from": ["2026-03-05"], "actor": ["irn"]}
    assert to_csv_zip(dataset, value).data == export.data  # same data and filter, same bytes


# --- JSON ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FILTERS)
def test_json_validates_back_through_the_models(dataset: Dataset, name: str) -> None:
    value = FILTERS[name]
    selection = select(dataset, apply_filter(dataset, value))
    document = json.loads(to_json(dataset, value).data)

    assert list(document) == ["metadata", *BY_NAME]
    for collection, records in selection.collections():
        model = BY_NAME[collection].model
        rebuilt = [model.model_validate(item) for item in document[collection]]
        assert rebuilt == records  # the same validated records, field for field
    # The file-level models the YAML is checked against accept the same lists.
    FILE_KINDS["actors"].model.model_validate({"actors": document["actors"]})
    FILE_KINDS["places"].model.model_validate({"places": document["places"]})
    FILE_KINDS["sources"].model.model_validate({"sources": document["sources"]})
    assert "null" not in json.dumps({k: v for k, v in document.items() if k != "metadata"})


def test_json_metadata_and_name(dataset: Dataset) -> None:
    value = FilterValue(date_from=dt.date(2026, 3, 5), date_to=dt.date(2026, 3, 6), kinds=("claim", "denial"))
    export = to_json(dataset, value, link="http://localhost:8501/claims?from=2026-03-05")
    assert export.name == f"incidents_{dataset.version}_2026-03-05_2026-03-06.json"
    meta = json.loads(export.data)["metadata"]
    assert meta["data_version"] == dataset.version
    assert meta["filter"] == "2026-03-05 to 2026-03-06; kinds claim, denial"
    assert meta["query"] == {"from": ["2026-03-05"], "to": ["2026-03-06"], "kind": ["claim", "denial"]}
    assert meta["link"] == "http://localhost:8501/claims?from=2026-03-05"
    assert meta["data_last_updated"] == "2026-03-13"


def test_every_reference_in_an_export_resolves_inside_it(dataset: Dataset) -> None:
    document = json.loads(to_json(dataset, FILTERS["iran-after-5-march"]).data)
    ids = {name: {record["id"] for record in document[name]} for name in BY_NAME}
    for event in document["events"]:
        assert set(event["sources"]) <= ids["sources"] and set(event["actors"]) <= ids["actors"]
    for statement in document["statements"]:
        assert statement["speaker"] in ids["actors"] and set(statement["via"]) <= ids["sources"]
        assert {s["proposition"] for s in statement["stances"]} <= ids["propositions"]
    for actor in document["actors"]:
        assert actor.get("parent") is None or actor["parent"] in ids["actors"]
    assert "irn" in ids["actors"] and "irn-general-staff" in ids["actors"]
    assert "unrelated-body" not in ids["actors"] and "unused-source" not in ids["sources"]


def test_selection_is_the_view_not_more(dataset: Dataset) -> None:
    """`incident` and `rec` highlight in the app; they do not narrow (or widen) an export."""
    with_selection = json.loads(to_json(dataset, FILTERS["selection"]).data)
    without = json.loads(to_json(dataset, FilterValue(actors=("aze-mfa",))).data)
    assert {k: v for k, v in with_selection.items() if k != "metadata"} == {
        k: v for k, v in without.items() if k != "metadata"
    }
    assert [e["id"] for e in without["events"]] == ["ev-diplomats"]
    assert [s["id"] for s in without["statements"]] == ["st-mfa-claim"]


# --- The sidebar buttons ------------------------------------------------------------------------------------------


def test_export_buttons_build_the_exports_on_call(dataset: Dataset) -> None:
    value = FILTERS["denials"]
    context = AppContext(dataset=dataset, filter=value, view=apply_filter(dataset, value))
    buttons = export_buttons(context, link="http://localhost:8501/?kind=denial")
    assert [b.file_name for b in buttons] == [
        f"incidents_{dataset.version}_start_end.zip",
        f"incidents_{dataset.version}_start_end.json",
        f"incidents_{dataset.version}_start_end.geojson",
    ]
    built = {b.key: b.build() for b in buttons}
    assert built["export_json"] == to_json(dataset, value, link="http://localhost:8501/?kind=denial").data
    assert json.loads(built["export_geojson"])["metadata"]["filter"] == "kinds denial"
    assert zipfile.ZipFile(io.BytesIO(built["export_csv"])).testzip() is None


def _render_exports_script() -> None:
    import os

    from components.context import AppContext
    from components.exports import render_exports
    from incidents.load.pipeline import load_dataset
    from incidents.views.filtering import FilterValue, apply_filter

    dataset = load_dataset(os.environ["EXPORT_FIXTURE"])
    value = FilterValue(actors=("irn",))
    render_exports(AppContext(dataset=dataset, filter=value, view=apply_filter(dataset, value)))


def test_render_exports_defers_the_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """Streamlit registers a callable `data` as a deferred file: nothing is built until the click."""
    monkeypatch.setenv("EXPORT_FIXTURE", str(DATA))
    at = AppTest.from_function(_render_exports_script, default_timeout=30)
    at.run()
    assert not at.exception
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == ["CSV tables (zip)", "JSON records", "GeoJSON (map)"]
    for button in buttons:
        assert button.proto.deferred_file_id and not button.proto.url
        assert button.proto.ignore_rerun
