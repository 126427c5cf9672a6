"""Map builders, tested on the deck's JSON (never pixels) with the fixture in tests/fixtures/map/."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import math
import re
import typing
from pathlib import Path

import pydantic
import pydeck as pdk
import pytest
from pydeck.bindings.json_tools import serialize

from components import map as mapview
from components.map import jsontext
from incidents.evidence.stances import launch_claims
from incidents.load.pipeline import load_dataset
from incidents.model.dataset import Dataset
from incidents.model.records import CrossingStatus, Place
from incidents.model.vocabulary import CROSSING_STATES, crossing_state
from incidents.views import locations
from incidents.views.filtering import FilterValue, apply_filter
from incidents.views.geometry import distance_to_border_km, feature_containing, haversine_km, load_geo, point_in_polygon
from incidents.views.mapping import REGION_LABELS, region_bbox
from incidents.views.readouts import nakhchivan_city
from tests.conftest import FIXTURES, ROOT

FIXTURE = FIXTURES / "map"


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    data = load_dataset(FIXTURE)
    assert not data.errors, data.errors
    return data


@pytest.fixture(scope="module")
def geo():
    return load_geo(ROOT / "data" / "geo")


NO_FILTER = FilterValue()


def deck_json(dataset: Dataset, geo, value: FilterValue = NO_FILTER, **kwargs) -> dict:
    return json.loads(mapview.build_deck(dataset, apply_filter(dataset, value), geo, **kwargs).to_json())


def layer(spec: dict, layer_id: str) -> dict:
    found = [item for item in spec["layers"] if item["id"] == layer_id]
    assert len(found) == 1, [item["id"] for item in spec["layers"]]
    return found[0]


def rows(spec: dict, layer_id: str) -> list[dict]:
    data = layer(spec, layer_id)["data"]
    return [f["properties"] for f in data["features"]] if isinstance(data, dict) else data


EXPECTED_TYPES = {
    "water": "PolygonLayer",
    "countries": "GeoJsonLayer",
    "places": "ScatterplotLayer",
    "closures": "PathLayer",
    "border": "GeoJsonLayer",
    "gap": "PathLayer",
    "labels": "GeoJsonLayer",
    "gap-label": "TextLayer",
    "claims": "GeoJsonLayer",
    "claim-labels": "TextLayer",
    "crossings": "IconLayer",
    "events": "IconLayer",
    "selected": "IconLayer",
}


def test_layer_ids_and_types(dataset: Dataset, geo) -> None:
    spec = deck_json(dataset, geo)
    assert [(item["id"], item["@@type"]) for item in spec["layers"]] == list(EXPECTED_TYPES.items())
    # Every toggle has its deck layers and a legend entry.
    assert set(mapview.DECK_LAYERS) == set(mapview.LAYER_IDS)
    legend_layers = {entry.layer for entry in mapview.legend(dataset, apply_filter(dataset, FilterValue()), geo)}
    assert legend_layers == set(mapview.LAYER_IDS) - {"labels"}


def test_layer_toggles_draw_only_their_layers(dataset: Dataset, geo) -> None:
    spec = deck_json(dataset, geo, layers=("countries", "events"))
    assert [item["id"] for item in spec["layers"]] == ["water", "countries", "closures", "events", "selected"]
    assert deck_json(dataset, geo, layers=())["layers"] == []
    # The water backdrop is for the no-basemap map only.
    assert "water" not in [item["id"] for item in deck_json(dataset, geo, basemap=True)["layers"]]


def test_nakhchivan_polygon_is_told_apart_and_holds_the_city(dataset: Dataset, geo) -> None:
    features = {f["id"]: f for f in layer(deck_json(dataset, geo), "countries")["data"]["features"]}
    assert point_in_polygon(39.21, 45.41, features["AZE-nakhchivan"]["geometry"])
    assert not point_in_polygon(39.21, 45.41, features["AZE-mainland"]["geometry"])
    assert not point_in_polygon(40.41, 49.87, features["AZE-nakhchivan"]["geometry"])  # Baku is mainland
    exclave, mainland = features["AZE-nakhchivan"]["properties"], features["AZE-mainland"]["properties"]
    assert exclave["fill"] != mainland["fill"]
    assert exclave["width"] > mainland["width"]


def test_no_basemap_means_no_provider_and_no_url(dataset: Dataset, geo) -> None:
    text = mapview.build_deck(dataset, apply_filter(dataset, FilterValue()), geo).to_json()
    spec = json.loads(text)
    assert "mapProvider" not in spec
    assert spec["mapStyle"] == "__MAP_STYLE__"  # Streamlit's "no basemap" marker
    assert not re.search(r"https?://", text), re.search(r"https?://.{0,40}", text)
    assert layer(spec, "events")["iconAtlas"].startswith("data:image/svg+xml;base64,")


def test_basemap_is_carto_light(dataset: Dataset, geo) -> None:
    spec = deck_json(dataset, geo, basemap=True)
    assert spec["mapProvider"] == "carto"
    assert spec["mapStyle"] == "https://basemaps.cartocdn.com/gl/positron-gl-style/style.json"


def test_circle_radii_follow_precision_in_metres(dataset: Dataset, geo) -> None:
    spec = deck_json(dataset, geo)
    places = layer(spec, "places")
    assert places["radiusUnits"] == "meters"
    assert places["getRadius"] == "@@=r"
    assert places["getFillColor"] == f"@@=[{','.join(map(str, mapview.RGB['blue']))},a]"  # rows carry the alpha
    by_id = {row["place_id"]: row for row in places["data"]}
    assert set(by_id) == {"fx-airport", "fx-region", "fx-capital"}  # no crossing, no country-level place
    for place_id, row in by_id.items():
        place = dataset.places[place_id]
        assert row["r"] == place.precision_m
        assert row["pos"] == [place.lon, place.lat]
    # A vague place is mostly outline: its fill is fainter than a precise one's.
    assert by_id["fx-region"]["a"] < by_id["fx-airport"]["a"]


def test_event_markers_sit_on_their_place_and_fan_out(dataset: Dataset, geo) -> None:
    events = {row["rec"]: row for row in rows(deck_json(dataset, geo), "events")}
    assert set(events) == {"fx-crash", "fx-damage", "fx-injuries", "fx-withdrawal"}
    assert events["fx-crash"]["pos"] == events["fx-damage"]["pos"] == [45.4583, 39.1889]
    assert events["fx-crash"]["off"] != events["fx-damage"]["off"]  # both clickable
    assert events["fx-injuries"]["off"] == [0, 0]
    assert events["fx-crash"]["icon"] == mapview.ICON_ID["impact"]
    assert events["fx-withdrawal"]["icon"] == mapview.ICON_ID["diplomatic"]
    assert "Fixture capital · settlement, within 20,000 m" in events["fx-withdrawal"]["l3"]
    assert all(row["icon"] in mapview.ICON_MAPPING for row in events.values())
    # Every icon has its own short id, and the atlas is keyed by those ids.
    assert len(set(mapview.ICON_ID.values())) == len(mapview.ICON_ID)
    assert set(mapview.ICON_MAPPING) == set(mapview.ICON_ID.values())


@pytest.mark.parametrize(
    ("place_id", "icon", "status"),
    [("fx-crossing", "crossing-closed", "closed to trucks"), ("fx-open-crossing", "crossing-open", "open")],
)
def test_crossings_show_their_recorded_status(dataset: Dataset, geo, place_id: str, icon: str, status: str) -> None:
    crossings = {row["place_id"]: row for row in rows(deck_json(dataset, geo), "crossings")}
    assert crossings[place_id]["icon"] == mapview.ICON_ID[icon]
    assert crossings[place_id]["l2"] == f"Status: {status}"


def test_unlocated_border_closure_runs_along_its_border(dataset: Dataset, geo) -> None:
    closures = rows(deck_json(dataset, geo), "closures")
    assert {row["rec"] for row in closures} == {"fx-closure"}
    # The incident's crossings are on both sections, so both are drawn; every vertex is on the shipped border.
    assert len(closures) == 2
    for row in closures:
        lon, lat = row["path"][len(row["path"]) // 2]
        assert distance_to_border_km(geo, lat, lon) < 0.5
    hidden = mapview.unlocated_events(dataset, apply_filter(dataset, FilterValue()), geo)
    assert [e.id for e in hidden] == ["fx-intercept", "fx-launch"]


def test_filtered_out_records_are_absent(dataset: Dataset, geo) -> None:
    value = FilterValue(date_from=dt.date(2026, 3, 7))
    text = mapview.build_deck(dataset, apply_filter(dataset, value), geo).to_json()
    spec = json.loads(text)
    assert [row["rec"] for row in rows(spec, "events")] == ["fx-withdrawal"]
    assert rows(spec, "closures") == [] and rows(spec, "claims") == []
    for gone in ("fx-crash", "fx-damage", "fx-injuries", "fx-closure", "crashes"):
        assert gone not in text
    # Legend counts follow the same filter.
    counts = {e.label: e.count for e in mapview.legend(dataset, apply_filter(dataset, value), geo)}
    assert counts[mapview.EVENT_STYLES["diplomatic"].label] == 1
    assert mapview.EVENT_STYLES["impact"].label not in counts
    everything = {e.label: e.count for e in mapview.legend(dataset, apply_filter(dataset, FilterValue()), geo)}
    assert everything[mapview.EVENT_STYLES["impact"].label] == 3


def test_tooltip_is_a_constant_template(dataset: Dataset, geo) -> None:
    deck = mapview.build_deck(dataset, apply_filter(dataset, FilterValue()), geo)
    template = deck._tooltip["html"]
    assert template == mapview.TOOLTIP_HTML
    assert set(re.findall(r"{(\w+)}", template)) == set(mapview.TOOLTIP_FIELDS)
    record_texts = [e.title for e in dataset.events.values()] + [p.names.en for p in dataset.places.values()]
    assert not any(text in template for text in record_texts)
    assert "<b>crashes</b>" not in template
    # Record text lives only in the data, where the frontend escapes it; every pickable row fills every field.
    spec = json.loads(deck.to_json())
    assert any(row["title"] == "Drone <b>crashes</b> near {airport}" for row in rows(spec, "events"))
    for item in spec["layers"]:
        if item.get("pickable"):
            for row in rows(spec, item["id"]):
                assert all(isinstance(row.get(field), str) for field in mapview.TOOLTIP_FIELDS), item["id"]


def shown_tooltip(row: dict) -> str:
    """The tooltip as Streamlit's frontend fills it: each {field} in turn, replaced by its HTML-escaped value."""
    text = mapview.TOOLTIP_HTML
    for name in re.findall(r"{(\w+)}", mapview.TOOLTIP_HTML):
        text = text.replace("{" + name + "}", html.escape(str(row[name]), quote=True), 1)
    return text


def test_tooltips_read_as_before_the_short_field_names(dataset: Dataset, geo) -> None:
    spec = deck_json(dataset, geo)
    crash = next(row for row in rows(spec, "events") if row["rec"] == "fx-crash")
    assert shown_tooltip(crash) == (
        "<b>Drone &lt;b&gt;crashes&lt;/b&gt; near {airport}</b><div>When: 2026-03-05 (day)</div>"
        "<div>Fixture airport · near, within 3,000 m</div><div>Reported by: AZ Defence Ministry (reported)</div>"
    )
    region = next(row for row in rows(spec, "places") if row["place_id"] == "fx-region")
    assert shown_tooltip(region) == (
        "<b>Fixture region</b><div>Events here: 1</div>"
        "<div>Known region: within 76,000 m of the centre</div><div></div>"
    )
    crossing = next(row for row in rows(spec, "crossings") if row["place_id"] == "fx-crossing")
    assert shown_tooltip(crossing) == (
        "<b>Fixture crossing</b><div>Status: closed to trucks</div><div>Where: near, within 3,000 m</div>"
        "<div>Status per: Fixture article</div>"
    )


def test_claim_arc_from_claimed_country_labelled_with_claimant(dataset: Dataset, geo) -> None:
    spec = deck_json(dataset, geo)
    claims = rows(spec, "claims")
    assert [row["rec"] for row in claims] == ["fx-launch"]
    lines = layer(spec, "claims")["data"]["features"][0]["geometry"]["coordinates"]
    assert len(lines) == 1  # one impact site: the airport (crash + damage)
    arc = claims[0]
    start_lon, start_lat = lines[0][0]
    end_lon, end_lat = lines[0][-1]
    assert (end_lat, end_lon) == pytest.approx((39.1889, 45.4583), abs=1e-3)
    # The origin is only "Iran": just across the nearest stretch of the border, on Iran's side.
    assert feature_containing(geo, start_lat, start_lon) == "IRN"
    assert distance_to_border_km(geo, start_lat, start_lon) < 10
    assert "AZ Defence Ministry" in arc["l4"] and "disputed by: Iran" in arc["l4"]
    assert arc["l3"].startswith("From: Iran (the claim names only the country")
    assert "not at a known launch site" in arc["l3"]
    assert arc["title"].startswith("CLAIM")
    claims_layer = layer(spec, "claims")
    assert claims_layer["extensions"] == [{"@@type": "PathStyleExtension", "dash": True}]
    assert claims_layer["getLineColor"][3] < 255  # translucent
    assert rows(spec, "claim-labels")[0]["text"] == "claimed by Azerbaijan"


@pytest.mark.parametrize(
    ("parties", "label"),
    [
        (["Azerbaijan"], "claimed by Azerbaijan"),
        (["Azerbaijan", "EU", "Israel", "UN", "Media", "United States"],
         "claimed by Azerbaijan,\nEU, Israel, UN, Media,\nUnited States"),
        (["Islamic Revolutionary Guard Corps"], "claimed by Islamic\nRevolutionary Guard\nCorps"),
    ],
)
def test_claim_label_wraps_for_a_phone(parties: list[str], label: str) -> None:
    from components.map.rows import CLAIM_LABEL_LINE, claim_label

    assert claim_label(parties) == label
    assert all(len(line) <= CLAIM_LABEL_LINE for line in label.split("\n"))


def test_claim_arc_needs_a_claiming_statement_in_the_filter(dataset: Dataset, geo) -> None:
    spec = deck_json(dataset, geo, FilterValue(kinds=("denial",)))
    assert rows(spec, "claims") == []
    spec = deck_json(dataset, geo, FilterValue(kinds=("claim",)))
    assert len(rows(spec, "claims")) == 1
    assert rows(spec, "events") == []  # the claim is shown; the events it reports are filtered out


def test_selection_is_ringed_and_drawn_on_top(dataset: Dataset, geo) -> None:
    spec = deck_json(dataset, geo, selected=["fx-injuries"])
    assert rows(spec, "events")[-1]["rec"] == "fx-injuries"
    ring = layer(spec, "selected")["data"]
    assert [(r["pos"], r["icon"]) for r in ring] == [([45.487, 39.305], mapview.ICON_ID["ring"])]
    assert layer(deck_json(dataset, geo), "selected")["data"] == []
    # A fanned-out marker's ring follows the marker's pixel offset.
    spec = deck_json(dataset, geo, selected=["fx-damage"])
    damage = next(r for r in rows(spec, "events") if r["rec"] == "fx-damage")
    assert layer(spec, "selected")["data"][0]["off"] == damage["off"] != [0, 0]


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        # Objects, not indices (indices go stale).
        (
            {"selection": {"indices": {"events": [7]}, "objects": {"events": [{"rec": "fx-crash"}]}}},
            {"rec": "fx-crash"},
        ),
        # GeoJSON features carry their fields in `properties`.
        (
            {"selection": {"objects": {"closures": [{"type": "Feature", "properties": {"rec": "fx-closure"}}]}}},
            {"rec": "fx-closure"},
        ),
        ({"selection": {"indices": {}, "objects": {}}}, None),
        (None, None),
    ],
)
def test_selected_object_reads_objects_not_indices(state, expected) -> None:
    assert mapview.selected_object(state) == expected


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"rec": "fx-crash"}, ("fx-crash", "fx-incident")),
        ({"rec": "fx-claim"}, ("fx-claim", "fx-incident")),
        ({"place_id": "fx-crossing"}, (None, "fx-incident")),
        ({"place_id": "fx-iran"}, (None, None)),
        ({"rec": "no-such-record"}, (None, None)),
    ],
)
def test_selection_ids_find_the_incident(dataset: Dataset, row: dict, expected: tuple) -> None:
    assert mapview.selection_ids(dataset, row) == expected


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        ((), (44.7754, 38.392, 48.8759, 39.7699)),  # the exclave and the border alone (derived.json's frame_bbox)
        (("city-baku",), (44.7754, 38.392, 49.87, 40.41)),
        (("city-tehran",), (44.7754, 35.69, 51.39, 39.7699)),
        (REGION_LABELS, (44.7754, 35.69, 51.39, 40.41)),  # + Baku, Tehran and the Caspian's label
        (("no-such-label",), (44.7754, 38.392, 48.8759, 39.7699)),
    ],
)
def test_region_bbox(geo, labels: tuple[str, ...], expected: tuple[float, ...]) -> None:
    assert region_bbox(geo, labels) == pytest.approx(expected, abs=0.01)


def test_initial_view_frames_the_region(geo) -> None:
    """With no incident selected the map shows the exclave, the border, Baku, Tehran and the southern Caspian."""
    from components.map.deck import PHONE_FIT_WIDTH
    from incidents.views.geometry import _TILE_PX, _merc_y

    state = mapview.initial_view_state(geo)
    assert 37.0 < state["latitude"] < 39.0 and 47.0 < state["longitude"] < 49.0
    assert 4.5 <= state["zoom"] <= 7.0
    # Every point of the region is inside the frame even on a phone (PHONE_FIT_WIDTH x CHART_HEIGHT at that zoom).
    world = _TILE_PX * 2 ** state["zoom"]
    half_w = PHONE_FIT_WIDTH / 2 / world * 360
    half_h = mapview.CHART_HEIGHT / 2 / world * 2 * math.pi
    min_lon, min_lat, max_lon, max_lat = region_bbox(geo)
    assert state["longitude"] - half_w <= min_lon and max_lon <= state["longitude"] + half_w
    centre = _merc_y(state["latitude"])
    assert centre - half_h <= _merc_y(min_lat) and _merc_y(max_lat) <= centre + half_h
    spec = json.loads(mapview.build_deck(Dataset(), apply_filter(Dataset(), FilterValue()), geo).to_json())
    assert spec["initialViewState"]["zoom"] == pytest.approx(state["zoom"], abs=1e-3)


def test_fit_to_selection(dataset: Dataset, geo) -> None:
    airport = mapview.view_for_selection(dataset, geo, ["fx-crash"])
    assert airport["latitude"] == pytest.approx(39.1889, abs=0.01)
    assert airport["longitude"] == pytest.approx(45.4583, abs=0.01)
    incident = mapview.view_for_selection(dataset, geo, ["fx-incident"])
    assert incident["zoom"] < airport["zoom"]  # the incident reaches Tehran
    # The frame fits a phone's map (PHONE_FIT_WIDTH), not only a desktop's: no place is cut off at 390 px.
    from components.map.deck import PHONE_FIT_WIDTH
    from incidents.views.mapping import selection_places

    world = 512 * 2 ** incident["zoom"]
    half_w = PHONE_FIT_WIDTH / 2 / world * 360
    incident_places = selection_places(dataset, geo, ["fx-incident"])
    assert incident_places
    for place in incident_places:
        assert incident["longitude"] - half_w <= place.lon <= incident["longitude"] + half_w, place.id
    assert mapview.view_for_selection(dataset, geo, ["fx-intercept"]) is None  # not located
    assert mapview.view_for_selection(dataset, geo, ["fx-launch"]) == mapview.view_for_selection(
        dataset, geo, ["fx-airport"]
    )
    spec = deck_json(dataset, geo, view_state=airport)
    assert spec["initialViewState"]["latitude"] == pytest.approx(airport["latitude"], abs=1e-4)


def test_distance_readouts(dataset: Dataset, geo) -> None:
    impacts = mapview.impact_events(dataset, ["fx-incident"])
    assert [e.id for e in impacts] == ["fx-crash", "fx-damage"]
    table = mapview.distance_readouts(dataset, geo, impacts)
    first = table.iloc[0]
    to_border = distance_to_border_km(geo, 39.1889, 45.4583)
    to_city = haversine_km(39.1889, 45.4583, *nakhchivan_city(geo))
    assert first["To Iranian border (km)"] == pytest.approx(to_border, abs=0.06)
    assert first["To Nakhchivan city (km)"] == pytest.approx(to_city, abs=0.06)
    assert first["Border range (km)"] == f"{to_border - 3:.1f}–{to_border + 3:.1f}"
    assert 5 < to_border < 15 and 3 < to_city < 6
    # A place known only within 76 km: the range starts at zero rather than pretending.
    vague = mapview.distance_readouts(dataset, geo, [dataset.events["fx-injuries"]]).iloc[0]
    assert vague["City range (km)"].startswith("0.0–")


def test_figures_table_puts_computed_beside_source(geo) -> None:
    table = mapview.figures_table(geo)
    by_label = {row["Figure"]: row for row in table.to_dict("records")}
    border = by_label["Azerbaijan–Iran border, total"]
    assert border["Computed"] == f"{geo.figure('aze_irn_border_total')['computed']:,} km"
    assert border["Source figure"] == "700 km" and "nearly 700" in border["Source says"]
    gap_figure = geo.figure("nakhchivan_gap")
    gap = by_label[gap_figure["label"]]
    assert "about 40 km" in gap["Source says"] and gap["Computed"] == f"{gap_figure['computed']:,} km"
    share = by_label[geo.figure("nakhchivan_share")["label"]]
    assert "about 6 per cent" in share["Source says"]
    # The three figures the article gives come first.
    assert list(table["Source figure"][:3]) == ["700 km", "40 km", "6 %"]
    assert "Natural Earth 1:10m" in mapview.scale_note(geo)


def test_gap_is_drawn_with_the_border_group(dataset: Dataset, geo) -> None:
    fig = geo.figure("nakhchivan_gap")
    spec = deck_json(dataset, geo, layers=("countries", "border"))
    ids = [item["id"] for item in spec["layers"]]
    assert ids == ["water", "countries", "border", "gap", "gap-label"]
    # The measured segment runs between the end points the build stored, Nakhchivan side first.
    segment, *ticks = rows(spec, "gap")
    assert segment["path"] == fig["points"]
    assert len(fig["points"]) == 2 and all(len(p) == 2 for p in fig["points"])
    assert fig["points"][0][0] < fig["points"][1][0]  # the exclave lies west of the mainland
    assert haversine_km(*fig["points"][0][::-1], *fig["points"][1][::-1]) == pytest.approx(fig["computed"], abs=0.5)
    # One tick across each end, centred on it.
    assert len(ticks) == 2
    for tick, end in zip(ticks, fig["points"], strict=True):
        mid = [(tick["path"][0][i] + tick["path"][1][i]) / 2 for i in (0, 1)]
        assert mid == pytest.approx(end, abs=2e-4)
    # Label: the computed figure, the data's scale and the source's own wording of its figure.
    (label,) = rows(spec, "gap-label")
    assert f"{fig['computed']:g} km at its narrowest" in label["text"]
    assert "1:10m" in label["text"]
    assert "about 40 km" in label["text"] and "about 40 km" in fig["source_text"]
    # Tooltip fields only (the constant template), filled from figures.json.
    assert all(isinstance(segment[f], str) for f in mapview.TOOLTIP_FIELDS)
    assert fig["source_text"] in segment["l3"]
    # Off with the border group; a legend line with it.
    assert not {"gap", "gap-label"} & {item["id"] for item in deck_json(dataset, geo, layers=("countries",))["layers"]}
    legend = mapview.legend(dataset, apply_filter(dataset, FilterValue()), geo, ("border",))
    width = f"{fig['computed']:g} km"
    assert any("Narrowest gap" in e.label and width in e.label and "about 40 km" in e.label for e in legend)
    assert not any("gap" in e.label for e in mapview.legend(dataset, apply_filter(dataset, FilterValue()), geo, ()))


def test_gap_label_follows_figures_json(geo) -> None:
    """The label is built from figures.json, not written in: another figure gives another label."""
    fig = {**geo.figure("nakhchivan_gap"), "computed": 31.4, "source_figure": 45, "source_text": "nearly 45 km across"}
    other = dataclasses.replace(geo, figures=[fig])
    assert mapview.gap_label(other) == "31.4 km at its narrowest (1:10m)\nsource: “nearly 45 km”"


def test_compact_json_is_pydecks_json_made_smaller(dataset: Dataset, geo) -> None:
    deck = mapview.build_deck(dataset, apply_filter(dataset, FilterValue()), geo)
    compact = deck.to_json()
    raw = [item.id for item in deck.layers if isinstance(item.data, mapview.RawJSON)]
    assert set(raw) == {"events", "selected", "places", "claims"}  # the big layers come pre-written
    # pydeck's own JSON of the same deck, with those layers' data as plain Python objects, says the same.
    for item in deck.layers:
        if isinstance(item.data, mapview.RawJSON):
            item.data = item.data.value()
    assert json.loads(compact) == json.loads(serialize(deck))
    assert len(compact) < len(serialize(deck)) / 2


def test_shipped_data_builds(geo) -> None:
    """The real data (curated concurrently) builds without error; no exact counts asserted."""
    data = load_dataset(Path(ROOT / "data"))
    spec = json.loads(mapview.build_deck(data, apply_filter(data, FilterValue()), geo).to_json())
    assert {item["id"] for item in spec["layers"]} == set(EXPECTED_TYPES)


# --- the hand-written JSON, against pydeck's own serialisation ---------------------------------------------


def pydeck_json(data) -> object:
    """What pydeck itself sends for these rows (a layer's data, serialised)."""
    return json.loads(serialize(pdk.Deck(layers=[pdk.Layer("IconLayer", data, id="x")])))["layers"][0]["data"]


@pytest.mark.parametrize(("lon", "lat"), [(45.45831, 39.188912), (5.1, -0.000004), (-120.123456, 10.0), (0.0, 90.0)])
def test_positions_keep_at_least_five_decimals(lon: float, lat: float) -> None:
    decoded = json.loads(jsontext.pos_json(lon, lat))
    assert decoded == pytest.approx([lon, lat], abs=0.5e-5)
    assert decoded == pydeck_json([{"p": decoded}])[0]["p"]


def test_marker_place_and_ring_rows_are_the_json_of_their_fields() -> None:
    """Rows written as text decode to the same objects pydeck would send for the same dicts."""
    pos, off = jsontext.pos_json(45.4583, 39.1889), "[13,0]"
    title = 'Drone "<b>crashes</b>" near {airport} \\ Нахчыван'
    marker = jsontext.marker_head(pos, "i", off) + jsontext.marker_tail(
        "fx-crash", title, jsontext.json_str("When: 2026-03-05"), jsontext.json_str("Here"), jsontext.json_str("By")
    )
    place = jsontext.place_row(pos, 3000, 12, "fx-airport", title, 2, jsontext.json_str("Known near"))
    ring = jsontext.ring_row(pos, off, "r")
    expected = [
        {"pos": [45.4583, 39.1889], "icon": "i", "off": [13, 0], "rec": "fx-crash", "title": title,
         "l2": "When: 2026-03-05", "l3": "Here", "l4": "By"},
        {"pos": [45.4583, 39.1889], "r": 3000, "a": 12, "place_id": "fx-airport", "title": title,
         "l2": "Events here: 2", "l3": "Known near", "l4": ""},
        {"pos": [45.4583, 39.1889], "off": [13, 0], "icon": "r"},
    ]
    assert jsontext.json_array([marker, place, ring]).value() == pydeck_json(expected)
    assert jsontext.json_array([]).value() == pydeck_json([]) == []


@pytest.mark.parametrize("origin", [(38.9, 45.6), (38.9, 145.6)])  # short and fixed number formats
def test_arcs_json_is_bowed_paths_to_each_target(origin: tuple[float, float]) -> None:
    targets = [(39.1889, 45.4583), (39.305, 45.487)] if origin[1] < 100 else [(39.1889, 145.4583)]
    lines = json.loads(jsontext.arcs_json(origin, targets))
    assert len(lines) == len(targets)
    for line, (lat, lon) in zip(lines, targets, strict=True):
        assert len(line) == jsontext.ARC_STEPS + 1
        assert line[0] == pytest.approx([origin[1], origin[0]], abs=1e-3)
        assert line[-1] == pytest.approx([lon, lat], abs=1e-3)
        # Bowed: the middle point is off the straight chord.
        chord_middle = [(origin[1] + lon) / 2, (origin[0] + lat) / 2]
        assert line[len(line) // 2] != pytest.approx(chord_middle, abs=1e-3)
    assert json.loads(jsontext.arcs_json(origin, [])) == []


def test_feature_collection_text_is_the_geojson_pydeck_would_send() -> None:
    features = [({"rec": "a", "title": "ö <b>"}, "[[[45.1,39.2],[45.3,39.4]]]"), ({"rec": "b"}, "[]")]
    expected = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": p, "geometry": {"type": "MultiLineString", "coordinates": json.loads(c)}}
            for p, c in features
        ],
    }
    assert jsontext.multiline_feature_collection(features).value() == expected == pydeck_json(expected)


# --- domain answers the map draws -------------------------------------------------------------------------


@pytest.mark.parametrize("status", list(CROSSING_STATES))
def test_every_crossing_status_has_a_state_and_a_style(status: str) -> None:
    assert CROSSING_STATES[status] in mapview.CROSSING_STYLES
    assert crossing_state(status) == CROSSING_STATES[status]


def test_crossing_statuses_are_the_models_vocabulary() -> None:
    assert set(typing.get_args(CrossingStatus)) == set(CROSSING_STATES)
    assert crossing_state(None) == "unknown"


@pytest.mark.parametrize(("status", "valid"), [("closed to trucks", True), ("open", True), ("halted for now", False)])
def test_place_status_rejects_free_text(dataset: Dataset, status: str, valid: bool) -> None:
    fields = {**dataset.places["fx-crossing"].model_dump(), "status": status}
    if valid:
        assert Place.model_validate(fields).status == status
    else:
        with pytest.raises(pydantic.ValidationError):
            Place.model_validate(fields)


def test_launch_claims_say_who_asserts_and_who_disputes(dataset: Dataset) -> None:
    view = apply_filter(dataset, FilterValue())
    (position,) = launch_claims(dataset, [dataset.events["fx-launch"]], view.statements)
    assert position.launch.id == "fx-launch"
    assert [s.id for s in position.claiming] == ["fx-claim"]
    assert position.disputing and all(s.id != "fx-claim" for s in position.disputing)
    # Without an asserting statement in the view there is no position (and no arc).
    denials = apply_filter(dataset, FilterValue(kinds=("denial",)))
    assert launch_claims(dataset, [dataset.events["fx-launch"]], denials.statements) == []


def test_border_distances_of_crossings_are_computed_once_per_point(dataset: Dataset, geo, monkeypatch) -> None:
    calls = []
    real = locations.distance_to_border_km
    monkeypatch.setattr(locations, "distance_to_border_km", lambda *args: calls.append(args) or real(*args))
    locations._borders_near.cache_clear()
    view = apply_filter(dataset, FilterValue())
    mapview.build_deck(dataset, view, geo)
    first = len(calls)
    assert first > 0
    mapview.legend(dataset, view, geo)
    mapview.unlocated_events(dataset, view, geo)
    mapview.build_deck(dataset, view, geo)
    assert len(calls) == first  # the legend, the unlocated list and a rerun reuse them
