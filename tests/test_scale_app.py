"""Pages on big data (issue 13): they send less. Aggregates above their thresholds, records back when narrowed,
tables that page through every row, and element counts that stay bounded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.paging import PAGE_ROWS
from incidents.load.pipeline import load_dataset
from incidents.model.dataset import Dataset
from incidents.views.binning import AGGREGATE_THRESHOLD, INCIDENT_ROWS_MAX
from incidents.views.mapping import MAP_GROUP_THRESHOLD
from tests.bigdata import write_copies
from tests.conftest import open_app

# 31 copies of the two March 2026 files: 62 incidents (above INCIDENT_ROWS_MAX), about 3,000 events and statements
# and 1,000 events (above both record thresholds). Copying every shipped file (34 now) made each page run past
# AppTest's 60 s.
COPIES = 31
MARCH_2026 = ("nakhchivan-2026-03-05", "nakhchivan-measures-2026-03")
MAX_ELEMENTS = 300


@pytest.fixture(scope="module")
def big_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # a week apart: the copies span 7 months, a range the timeline shows zoomed out (over 120 days)
    return write_copies(tmp_path_factory.mktemp("big") / "data", COPIES, MARCH_2026, spacing=7)


@pytest.fixture(scope="module")
def big(big_dir: Path) -> Dataset:
    dataset = load_dataset(big_dir)
    assert len(dataset.events) + len(dataset.statements) > AGGREGATE_THRESHOLD
    assert len(dataset.events) > MAP_GROUP_THRESHOLD
    return dataset


def elements(at: AppTest) -> int:
    """Every node of the page's element tree (containers and widgets included)."""

    def count(node: object) -> int:
        return 1 + sum(count(child) for child in getattr(node, "children", {}).values())

    return count(at._tree)


def run(page: str, data_dir: Path, params: dict | None = None, state: dict | None = None) -> AppTest:
    at = open_app(page, params, data_dir, state)
    assert not at.exception, [e.value for e in at.exception]
    return at


def charts(at: AppTest) -> dict[str, dict]:
    return {chart.key: json.loads(chart.proto.spec) for chart in at.get("plotly_chart")}


def page_through(at: AppTest, key: str, table_index: int, column: str = "Id") -> list[str]:
    """Every id of a paged table, collected page by page through its page picker."""
    picker = at.number_input(key=f"{key}-page")
    pages = int(picker.max)
    ids: list[str] = []
    for number in range(1, pages + 1):
        at.number_input(key=f"{key}-page").set_value(number).run()
        assert not at.exception
        frame = at.dataframe[table_index].value
        assert len(frame) <= PAGE_ROWS
        ids += list(frame[column])
    return ids


def test_timeline_over_the_whole_record_counts_incidents_per_kind(big_dir: Path, big: Dataset) -> None:
    """Zoomed out over many incidents (more than INCIDENT_ROWS_MAX): their counts per kind per bin, one figure."""
    at = run("timeline", big_dir)
    found = charts(at)
    assert set(found) == {"timeline_incident_bins"}
    spec = found["timeline_incident_bins"]
    assert spec["layout"]["meta"]["level"] == "incident-bins"
    assert sum(sum(t["y"]) for t in spec["data"]) == len(big.incidents) > INCIDENT_ROWS_MAX
    assert elements(at) < MAX_ELEMENTS


def test_timeline_aggregates_and_pages_with_few_elements(big_dir: Path, big: Dataset) -> None:
    at = run("timeline", big_dir, {"detail": "records"})
    found = charts(at)
    assert set(found) == {"timeline_bins"}  # one figure, no phone twin, no per-record markers
    spec = found["timeline_bins"]
    assert spec["layout"]["meta"]["aggregated"] is True
    assert all(len(t.get("customdata") or []) <= 40 for t in spec["data"])
    assert elements(at) < MAX_ELEMENTS
    # The chronological table pages: every record, each once, in pages of PAGE_ROWS.
    table = next(i for i, frame in enumerate(at.dataframe) if "Id" in frame.value.columns)
    ids = page_through(at, "timeline-rows", table)
    assert sorted(ids) == sorted([*big.events, *big.statements])


def test_timeline_search_narrows_the_table(big_dir: Path) -> None:
    at = run("timeline", big_dir, {"detail": "records"})
    at.text_input(key="timeline-rows-search").set_value("-c7").run()
    table = next(frame.value for frame in at.dataframe if "Id" in frame.value.columns)
    assert len(table) and all(str(i).endswith("-c7") for i in table["Id"])


def test_records_come_back_when_the_dates_narrow(big_dir: Path) -> None:
    at = run("timeline", big_dir, {"from": "2026-03-05", "to": "2026-03-05"})
    found = charts(at)
    assert "timeline_bins" not in found and "timeline_chart" in found
    ids = {c[0] for t in found["timeline_chart"]["data"] for c in t.get("customdata") or []}
    assert ids and len(ids) <= AGGREGATE_THRESHOLD


def test_map_draws_one_circle_per_place_with_its_count(big_dir: Path, big: Dataset) -> None:
    at = run("map", big_dir)
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    layers = {layer["id"]: layer for layer in deck["layers"]}
    rows = layers["events"]["data"]
    expected: dict[str, int] = {}
    for event in big.events.values():
        if event.place and big.places.get(event.place) and big.places[event.place].lat is not None:
            expected[event.place] = expected.get(event.place, 0) + 1
    assert {row["place_id"]: int(row["n"]) for row in rows} == expected
    # The count drawn on each circle, at its position, and nothing else (the tooltip is the circles')
    assert layers["event-counts"]["data"] == [{"pos": row["pos"], "n": row["n"]} for row in rows]
    assert len(at.get("deck_gl_json_chart")[0].proto.json) < 200_000
    assert any("number of events at the place" in m.value for m in at.markdown)
    summary = next(m.value for m in at.markdown if m.value.startswith("The map shows"))
    assert f"{sum(expected.values())} events in the circles at places" in summary and "event markers" not in summary
    assert elements(at) < MAX_ELEMENTS


def test_a_clicked_circle_lists_its_events_a_page_at_a_time(big_dir: Path, big: Dataset) -> None:
    place = "nakhchivan-airport"
    selection = {"selection": {"indices": {"events": [0]}, "objects": {"events": [{"place_id": place}]}}}
    at = run("map", big_dir, state={"map_chart": selection})
    here = sorted(e.id for e in big.events.values() if e.place == place)
    assert len(here) > PAGE_ROWS or len(here) > 12
    table = next(i for i, frame in enumerate(at.dataframe) if "Event" in frame.value.columns)
    if len(here) > PAGE_ROWS:
        ids = page_through(at, "map-place", table)
    else:
        ids = list(at.dataframe[table].value["Id"])
    assert sorted(ids) == here
    assert elements(at) < MAX_ELEMENTS


def test_sources_page_stays_small_and_searches_citing_statements(big_dir: Path, big: Dataset) -> None:
    citing: dict[str, int] = {}
    for statement in big.statements.values():
        for source_id in set(statement.via):
            citing[source_id] = citing.get(source_id, 0) + 1
    # The most cited source of the table's first page (the picker offers that page's sources: issue 22's reference
    # records pushed the most cited of all, a second-hand agency, to the second page).
    first_page = sorted(big.sources.values(), key=lambda s: (s.second_hand, s.kind, s.id))[:PAGE_ROWS]
    on_page = {s.id for s in first_page} & citing.keys()
    cited = max(on_page, key=lambda source_id: (citing[source_id], source_id))
    at = run("sources", big_dir, state={"source_pick": cited})
    assert elements(at) < MAX_ELEMENTS
    # The page lists every statement that cites it: in its chain or as a carrier (components.sources.citations).
    statements = sorted(s.id for s in big.statements.values() if cited in (*s.via, *s.carried_by))
    assert len(statements) > PAGE_ROWS
    # One lazy table (AppTest keeps every table eager, so all its rows are here), with the server-side search the
    # lazy frame lacks: no page picker.
    table = next(i for i, frame in enumerate(at.dataframe) if "Statement" in frame.value.columns)
    assert sorted(at.dataframe[table].value["Id"]) == statements
    assert not [w for w in at.number_input if w.key == "source-citing-page"]
    at.text_input(key="source-citing-search").set_value(statements[-1]).run()
    found = at.dataframe[table].value
    assert statements[-1] in list(found["Id"]) and len(found) < len(statements)
    assert all(statements[-1] in row for row in found["Id"])  # ids are the only column that could hold an id
    assert any(f"{len(found)} statements matching, {len(statements)} in all" in c.value for c in at.caption)


def test_grouped_map_draws_claims_as_one_ring_per_claimed_origin_and_arcs_when_narrowed(big_dir: Path) -> None:
    def layers(at: AppTest) -> dict[str, dict]:
        return {layer["id"]: layer for layer in json.loads(at.get("deck_gl_json_chart")[0].proto.json)["layers"]}

    def claims_layer(at: AppTest) -> list[dict]:
        return layers(at)["claims"]["data"]["features"]

    at = run("map", big_dir)
    grouped = claims_layer(at)
    assert layers(at)["claim-labels"]["data"] == []  # hundreds of labels would overlap into a blot
    assert grouped and {f["geometry"]["type"] for f in grouped} == {"Point"}
    origins = [tuple(f["geometry"]["coordinates"]) for f in grouped]
    assert len(origins) == len(set(origins))  # one ring per origin
    assert all(f["properties"]["title"].startswith("CLAIMED ORIGIN, not fact") for f in grouped)
    launches = sum(int(f["properties"]["title"].split(": ")[1].split()[0]) for f in grouped)
    assert launches >= COPIES  # every copy's claimed launch is counted at its origin

    narrowed = run("map", big_dir, {"from": "2026-03-05", "to": "2026-03-05"})
    narrow = claims_layer(narrowed)
    assert narrow and {f["geometry"]["type"] for f in narrow} == {"MultiLineString"}
    assert layers(narrowed)["claim-labels"]["data"]


def test_patterns_cards_come_a_page_at_a_time(big_dir: Path, big: Dataset) -> None:
    """The phone's cards (one per accusation) are paged like the tables: every accusation once, PAGE_ROWS a page."""
    from incidents.evidence.patterns import patterns

    found = patterns(big)
    assert len(found.accusations) > PAGE_ROWS
    at = run("patterns", big_dir)
    pages = int(at.number_input(key="patterns-cards-page").max)
    seen: list[str] = []
    for number in range(1, pages + 1):
        at.number_input(key="patterns-cards-page").set_value(number).run()
        assert not at.exception
        cards = [c.value for c in at.caption if c.value.startswith("First answer\\:")]  # md-escaped
        assert 0 < len(cards) <= PAGE_ROWS
        seen += cards
    assert len(seen) == len(found.accusations)
