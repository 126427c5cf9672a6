"""AppTest runs of the map page on the fixture in tests/fixtures/map/."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block, Node

from components.map import initial_view_state
from incidents.views.geometry import load_geo
from tests.conftest import FIXTURES, ROOT, open_app

FIXTURE = FIXTURES / "map"


def open_map(params: dict[str, list[str] | str] | None = None) -> AppTest:
    at = open_app("map", params, FIXTURE)
    assert not at.exception, [e.value for e in at.exception]
    return at


def spec(at: AppTest) -> dict:
    charts = at.get("deck_gl_json_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.json)


def layer_rows(at: AppTest, layer_id: str) -> list[dict]:
    found = [item for item in spec(at)["layers"] if item["id"] == layer_id]
    assert found, layer_id
    data = found[0]["data"]
    return [f["properties"] for f in data["features"]] if isinstance(data, dict) else data


def texts_in(node: Node) -> str:
    """Markdown, caption and button text under a block, Markdown escapes removed."""
    if isinstance(node, Block):
        return "\n".join(texts_in(child) for child in node.children.values())
    if node.type in ("markdown", "caption"):
        return node.value.replace("\\", "")
    if node.type == "button":
        return str(node.label).replace("\\", "")
    return ""


def detail(at: AppTest) -> str:
    def find(node: Node) -> Block | None:
        if isinstance(node, Block):
            if getattr(node.proto, "id", "").endswith("-map_detail"):
                return node
            for child in node.children.values():
                hit = find(child)
                if hit is not None:
                    return hit
        return None

    block = find(at.main)
    assert block is not None, "no detail container"
    return texts_in(block)


def distance_tables(at: AppTest) -> list:
    return [d.value for d in at.get("dataframe") if "To Iranian border (km)" in d.value.columns]


def test_map_draws_every_located_record_by_default() -> None:
    at = open_map()
    assert {row["rec"] for row in layer_rows(at, "events")} == {"fx-crash", "fx-damage", "fx-injuries", "fx-withdrawal"}
    assert spec(at)["mapStyle"] == "__MAP_STYLE__"
    assert "Click a marker" in detail(at)
    assert distance_tables(at) == []


def test_filter_in_the_url_draws_only_matching_records() -> None:
    at = open_map({"from": "2026-03-07"})
    assert [row["rec"] for row in layer_rows(at, "events")] == ["fx-withdrawal"]
    assert layer_rows(at, "closures") == []
    assert layer_rows(at, "claims") == []
    legend = "\n".join(m.value for m in at.markdown)
    assert "Diplomatic action — **1**" in legend
    assert "Impact" not in legend

    at = open_map({"kind": "denial"})
    assert layer_rows(at, "events") == [] and layer_rows(at, "claims") == []


def test_injected_selection_shows_the_detail_card() -> None:
    at = open_map()
    row = next(r for r in layer_rows(at, "events") if r["rec"] == "fx-crash")
    at.session_state["map_chart"] = {"selection": {"indices": {"events": [0]}, "objects": {"events": [row]}}}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    card = detail(at)
    assert "Drone <b>crashes</b> near {airport}" in card
    assert "Iran fired the drones." in card  # the statement that reports it
    assert "Fixture article" in card  # its source
    assert "Airport building damaged" in card  # the other record at this place, as a button
    distances = distance_tables(at)
    assert len(distances) == 1
    assert list(distances[0]["Record"]) == ["fx-crash"]


def test_selection_from_the_url_rings_the_marker_and_fits() -> None:
    at = open_map({"incident": "fx-incident", "rec": "fx-withdrawal"})
    assert "Diplomats withdrawn" in detail(at)
    ring = layer_rows(at, "selected")
    assert len(ring) == 1
    fit = next(b for b in at.button if "Fit to selection" in str(b.label))
    assert not fit.disabled
    fit.click().run()
    view = spec(at)["initialViewState"]
    assert view["latitude"] == pytest.approx(35.6961, abs=0.05)
    assert view["longitude"] == pytest.approx(51.4231, abs=0.05)
    # A second fit must change every key a hair, or the chart would keep a hand-made pan.
    next(b for b in at.button if "Fit to selection" in str(b.label)).click().run()
    again = spec(at)["initialViewState"]
    for key in ("latitude", "longitude", "zoom"):
        assert again[key] != view[key] and again[key] == pytest.approx(view[key], abs=2e-3), key
    next(b for b in at.button if "Reset view" in str(b.label)).click().run()
    reset = spec(at)["initialViewState"]
    assert reset["latitude"] == pytest.approx(initial_view_state(load_geo(ROOT / "data" / "geo"))["latitude"], abs=1e-3)


def test_layer_and_basemap_toggles_go_in_the_link() -> None:
    at = open_map({"layers": ["countries", "events"], "basemap": "true"})
    assert [item["id"] for item in spec(at)["layers"]] == ["countries", "closures", "events", "selected"]
    assert spec(at)["mapProvider"] == "carto"
    assert any("outside service" in i.value for i in at.info)
    link = at.sidebar.code[-1].value
    assert "layers=countries" in link and "layers=events" in link and "basemap=true" in link


def test_figures_table_is_on_the_page() -> None:
    at = open_map()
    figures = [d.value for d in at.get("dataframe") if "Source says" in d.value.columns]
    assert len(figures) == 1
    assert "“the nearly 700-km border with Iran”" in set(figures[0]["Source says"])
    captions = "\n".join(c.value for c in at.caption)
    assert "Natural Earth 1:10m" in captions.replace("\\", "")


def keyed(at: AppTest, key: str) -> Block:
    """A container rendered with `key=` (its proto id ends with the key)."""

    def walk(node: Node) -> list[Block]:
        if not isinstance(node, Block):
            return []
        found = [node] if getattr(node.proto, "id", "").endswith("-" + key) else []
        return found + [b for child in node.children.values() for b in walk(child)]

    matches = walk(at.main)
    assert matches, key
    return matches[0]


@pytest.mark.parametrize(
    ("params", "lines"),
    [({}, ["Impact, crash, damage or injury — **3**", "Diplomatic action — **1**"]), ({"layers": ""}, [])],
    ids=["all-layers", "no-layers"],
)
def test_legend_for_both_screens_and_the_maps_text_summary(params: dict[str, str], lines: list[str]) -> None:
    at = open_map(params)
    if lines:
        wide, narrow = texts_in(keyed(at, "wide-map-legend")), texts_in(keyed(at, "narrow-map-legend"))
        for line in lines:
            assert line in wide  # two columns on a wide screen
            assert line in narrow  # one column, in an expander, on a phone
        assert [e.label for e in at.expander if e.label == "Legend"] == ["Legend"]
    summary = next(m.value for m in at.markdown if m.value.startswith("The map shows"))
    assert ("event markers" in summary) == bool(lines)
    assert any("Every record of this view" in link.proto.label for link in at.get("page_link"))


# --- the map across the record (issue 27 point 4) ----------------------------------------------------------------
def _open_on(data_dir, params: dict[str, str] | None = None) -> AppTest:
    at = open_app("map", params, data_dir)
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize(
    "incident",
    ["mx-embassy-2023", "mx-drone-2019"],  # the fixture's incidents with places
)
def test_incident_in_the_link_frames_the_map_on_its_places(incident: str) -> None:
    """`incident=` frames the map on that incident's places with their precision circles; none frames the region."""
    from components.map import view_for_selection
    from incidents.load.pipeline import load_dataset

    data = FIXTURES / "monitor"
    geo = load_geo(ROOT / "data" / "geo")
    dataset = load_dataset(data)
    expected = view_for_selection(dataset, geo, [incident])
    assert expected is not None
    view = spec(_open_on(data, {"incident": incident}))["initialViewState"]
    for key in ("latitude", "longitude", "zoom"):
        assert view[key] == pytest.approx(expected[key], abs=2e-3), key
    region = spec(_open_on(data))["initialViewState"]
    assert region["zoom"] == pytest.approx(initial_view_state(geo)["zoom"], abs=2e-3)
    assert region["zoom"] < view["zoom"]  # the region is wider than any one incident's places


def test_every_incidents_places_are_drawn_with_their_precision() -> None:
    """Across the record: each incident in view has its located places on the map, each a circle of its precision."""
    from incidents.load.pipeline import load_dataset

    data = FIXTURES / "monitor"
    dataset = load_dataset(data)
    rows = layer_rows(_open_on(data), "places")
    drawn = {row["place_id"]: row for row in rows}
    wanted = {role.place for incident in dataset.incidents.values() for role in incident.places}
    assert wanted and wanted <= set(drawn)
    for place_id in wanted:
        assert drawn[place_id]["r"] == dataset.places[place_id].precision_m
