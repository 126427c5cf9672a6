"""AppTest runs of the timeline page: filters narrow the lanes, injected selections show cards, params are safe."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from incidents.load.pipeline import load_dataset
from incidents.views.binning import incident_spans, span_text
from incidents.views.filtering import FilterValue, apply_filter
from tests.conftest import FIXTURES, open_app

DATA = FIXTURES / "timeline"
INCIDENT = "fixture-2026-03-05"


def open_timeline(params: dict[str, list[str]] | None = None, data_dir: Path | None = DATA, state: dict | None = None):
    at = open_app("timeline", params, data_dir, state)
    assert not at.exception, [e.value for e in at.exception]
    return at


def chart_specs(at: AppTest) -> dict[str, dict]:
    """The wide chart and its phone twin, by key; the page renders both and the stylesheet shows one."""
    charts = {chart.key: json.loads(chart.proto.spec) for chart in at.get("plotly_chart")}
    assert set(charts) == {"timeline_chart", "timeline_chart_phone"}
    return charts


def chart_spec(at: AppTest) -> dict:
    return chart_specs(at)["timeline_chart"]


def test_phone_chart_has_the_same_records_and_a_compact_layout() -> None:
    at = open_timeline()
    wide, phone = chart_specs(at)["timeline_chart"], chart_specs(at)["timeline_chart_phone"]
    assert chart_ids(phone) == chart_ids(wide) and chart_ids(wide)
    assert phone["layout"]["meta"]["compact"] is True and "compact" not in wide["layout"]["meta"]
    assert phone["layout"]["yaxis"]["showticklabels"] is False
    headers = [a["text"] for a in phone["layout"]["annotations"] if a.get("xref") == "paper"]
    assert headers == [f"<b>{label}</b>" for label in wide["layout"]["meta"]["lane_labels"]]
    assert phone["layout"]["legend"]["orientation"] == phone["layout"]["legend2"]["orientation"] == "v"
    # The text alternative beside the chart names the count and the span.
    records = len(chart_ids(wide))
    assert f"The timeline chart shows {records} records" in page_text(at)


def chart_ids(spec: dict) -> set[str]:
    return {c[0] for t in spec["data"] if t.get("customdata") for c in t["customdata"]}


def page_text(at: AppTest) -> str:
    """Visible text of the page, Markdown escapes removed."""
    parts = [e.value for kind in ("markdown", "caption", "warning", "subheader", "info") for e in at.get(kind)]
    return "\n".join(parts).replace("\\", "")


def test_an_iranian_body_leaves_only_irans_lane() -> None:
    at = open_timeline({"actor": ["irn-general-staff"]})
    spec = chart_spec(at)
    assert spec["layout"]["meta"]["lane_labels"] == ["Iran"]
    assert chart_ids(spec) == {"ev-launch", "st-denial"}
    # Few records: each row names its record under the lane's header.
    ticks = spec["layout"]["yaxis"]["ticktext"]
    assert len(ticks) == 3 and "<b>Iran</b>" in ticks[0]
    assert set(ticks[1:]) == {"Four drones launched toward Nakhchivan", "IR General Staff · denial"}


def test_without_params_every_lane_and_record_shows() -> None:
    at = open_timeline()
    spec = chart_spec(at)
    assert sorted(spec["layout"]["meta"]["lane_labels"]) == ["Azerbaijan", "BBC", "Iran", "Unattributed events"]
    assert "AZ Foreign Ministry · claim" in spec["layout"]["yaxis"]["ticktext"]
    assert len(chart_ids(spec)) == 11
    text = page_text(at)
    assert "First report: AZ Foreign Ministry's claim" in text
    assert "IR General Staff's denial came about 6 h after" in text
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == 11
    assert at.get("download_button")[0].label == "Download this table as CSV"


# The wide chart and the phone chart (the same traces): a selection in either shows the cards.
@pytest.mark.parametrize("chart_key", ["timeline_chart", "timeline_chart_phone"])
def test_injected_chart_selection_shows_record_cards(chart_key: str) -> None:
    selection = {
        "selection": {
            "points": [
                {"customdata": ["st-denial", INCIDENT], "curve_number": 0, "point_index": 0},
                {"customdata": ["ev-impact", INCIDENT], "curve_number": 1, "point_index": 0},
            ],
            "point_indices": [0, 0],
            "box": [],
            "lasso": [],
        }
    }
    at = open_timeline(state={chart_key: selection})
    text = page_text(at)
    assert "2 record(s) selected in the chart" in text
    assert "Iran's general staff denied launching a drone toward Azerbaijan." in text  # the statement card
    assert "Grade C3" in text  # reliability of the nearest source + credibility
    assert "Drone hits near the airport building" in text  # the event card
    # ev-impact carries a discrepancy: its note is right there.
    assert any("Discrepancy (calendar)" in w.value for w in at.warning)
    assert "5 March 2026 fell on a Thursday" in text


def test_injected_table_row_selection_shows_its_card() -> None:
    at = open_timeline(state={"timeline_table": {"selection": {"rows": [0], "columns": [], "cells": []}}})
    first_id = at.dataframe[0].value.iloc[0]["Id"]
    assert "1 record(s) selected in the table" in page_text(at)
    assert first_id == "ev-impact"
    assert "Drone hits near the airport building" in page_text(at)


def test_rec_in_the_link_shows_its_card() -> None:
    at = open_timeline({"rec": ["st-false-flag"], "incident": [INCIDENT]})
    text = page_text(at)
    assert "selected by the link (rec)" in text
    assert "Israeli false-flag operation" in text


def test_group_param_regroups_lanes_and_joins_the_share_link() -> None:
    at = open_timeline({"group": ["country"]})
    spec = chart_spec(at)
    assert "GBR" in spec["layout"]["meta"]["lane_labels"]
    assert spec["layout"]["meta"]["group"] == "country"
    links = [c.value for c in at.sidebar.get("code")]
    assert any("group=country" in link for link in links), links


def test_default_group_stays_out_of_the_link() -> None:
    at = open_timeline()
    links = [c.value for c in at.sidebar.get("code")]
    assert links and not any("group=" in link for link in links)


@pytest.mark.parametrize(
    "params",
    [
        {"group": ["nonsense"]},
        {"from": ["2026-03-06"], "to": ["2026-03-06"]},
        {"kind": ["denial"], "q": ["<script>alert(1)</script>"]},
        {"rec": ["no-such-record"], "incident": ["nope"]},
        {"from": ["2030-01-01"]},
    ],
)
def test_odd_params_never_raise(params: dict[str, list[str]]) -> None:
    at = open_timeline(params)
    assert at.get("plotly_chart") or any("No events or statements match" in i.value for i in at.info)


def test_date_filter_sets_the_visible_window() -> None:
    at = open_timeline({"from": ["2026-03-05"], "to": ["2026-03-06"]})
    assert chart_spec(at)["layout"]["xaxis"]["range"] == ["2026-03-05 00:00:00", "2026-03-07 00:00:00"]


def test_real_data_renders_with_and_without_params() -> None:
    """The shipped data (curated concurrently): no exception; over the whole record (2021–2026) one row per incident,
    and with detail=records the chart holds every filtered record."""
    at = open_timeline(data_dir=None)
    keys = {chart.key for chart in at.get("plotly_chart")}
    assert keys == {"timeline_incidents", "timeline_incidents_phone"}
    # March 2026 alone: fewer records than the bin threshold, so detail=records draws each one
    at = open_timeline({"detail": "records", "from": "2026-03-01", "to": "2026-03-31"}, data_dir=None)
    if at.get("plotly_chart"):
        spec = chart_spec(at)
        caption = next(c.value for c in at.caption if " records · filter" in c.value)
        assert len(chart_ids(spec)) == int(caption.split()[0])
    at = open_timeline({"actor": ["irn"], "group": ["actor"]}, data_dir=None)
    assert not at.exception


def test_many_records_say_why_rows_carry_no_labels(tmp_path: Path) -> None:
    """Above the row-label limit the chart labels lanes only, and the page says so."""
    import shutil

    import yaml

    from components.timeline import ROW_LABEL_MAX

    data_dir = tmp_path / "data"
    shutil.copytree(DATA, data_dir)
    source = yaml.safe_load((DATA / "incidents" / f"{INCIDENT}.yaml").read_text(encoding="utf-8"))
    incident = {**source["incident"], "id": "fixture-many", "title": "Many statements (fixture)"}
    statements = [
        {
            "id": f"st-many-{index}",
            "speaker": "aze-mfa",
            "kind": "claim",
            "when": {"start": f"2026-03-08T{index % 24:02d}:00:00+04:00", "precision": "hour"},
            "paraphrase": f"Statement {index}.",
            "via": ["article"],
        }
        for index in range(ROW_LABEL_MAX)
    ]
    document = {"incident": incident, "events": [], "statements": statements}
    (data_dir / "incidents" / "fixture-many.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    at = open_timeline(data_dir=data_dir)
    spec = chart_spec(at)
    assert len(chart_ids(spec)) == ROW_LABEL_MAX + 11
    assert spec["layout"]["meta"]["row_labels"] is False
    assert spec["layout"]["yaxis"]["ticktext"] == spec["layout"]["meta"]["lane_labels"]
    assert any(f"More than {ROW_LABEL_MAX} records" in c.value for c in at.caption)
    # With the default fixture (11 records) the rows are labelled and the page says nothing about it.
    at = open_timeline()
    assert chart_spec(at)["layout"]["meta"]["row_labels"] is True
    assert not any("More than" in c.value for c in at.caption)


# --- across the record: incidents as spans when zoomed out -----------------------------------------------------
MONITOR = FIXTURES / "monitor"


def test_zoomed_out_the_timeline_draws_one_row_per_incident() -> None:
    at = open_timeline(data_dir=MONITOR)
    charts = {chart.key: json.loads(chart.proto.spec) for chart in at.get("plotly_chart")}
    assert set(charts) == {"timeline_incidents", "timeline_incidents_phone"}
    spec = charts["timeline_incidents"]
    dataset = load_dataset(MONITOR)
    oldest_first = sorted(dataset.incidents, key=lambda i: dataset.incidents[i].when.start_dt)
    assert spec["layout"]["meta"]["incidents"] == oldest_first
    marked = [c[1] for t in spec["data"] if t.get("customdata") for c in t["customdata"]]
    assert sorted(marked) == sorted(dataset.incidents)  # every incident clickable, once
    assert "The timeline shows 5 incidents" in page_text(at)
    # The text names the days that hold incidents, not the padded window around them.
    spans = incident_spans(dataset, apply_filter(dataset, FilterValue()))
    assert f"over {span_text(spans[0].first_day, max(s.last_day for s in spans))}," in page_text(at)
    # The response lags are the most recent incident's that has statements (2025's airspace closure has none).
    assert "No statements match the filters." not in page_text(at)
    assert "Shown for FICTIONAL: Borduria detains" in page_text(at)


def test_a_clicked_incident_narrows_the_dates_and_shows_its_records() -> None:
    """The click's state (the callback sets it; AppTest does not fire chart callbacks), then the page it gives."""
    from components.timeline.spans import span_selection_state

    at = open_timeline(data_dir=MONITOR)
    spec = json.loads(next(c for c in at.get("plotly_chart") if c.key == "timeline_incidents").proto.spec)
    custom = next(c for t in spec["data"] if t.get("customdata") for c in t["customdata"] if c[1] == "mx-drills-2021")
    event = {"selection": {"points": [{"customdata": custom}]}}
    state = span_selection_state(event, {"mx-drills-2021"})
    assert state == {"from": dt.date(2021, 9, 1), "to": dt.date(2021, 9, 30), "incident": "mx-drills-2021"}
    assert span_selection_state(event, set()) == {}  # an incident no longer in the data sets nothing
    assert span_selection_state({"selection": {"points": [{"customdata": ["bin", "2021-01-01"]}]}}, {"x"}) == {}
    narrowed = open_timeline({k: str(v) for k, v in state.items()}, data_dir=MONITOR)
    charts = {chart.key: json.loads(chart.proto.spec) for chart in narrowed.get("plotly_chart")}
    assert set(charts) == {"timeline_chart", "timeline_chart_phone"}  # zoomed in: the records
    drills = {s.id for s in load_dataset(MONITOR).statements.values() if "mx-drills-2021" in s.incidents}
    assert drills and drills <= chart_ids(charts["timeline_chart"])


@pytest.mark.parametrize(
    ("params", "keys"),
    [
        ({"detail": "records"}, {"timeline_chart", "timeline_chart_phone"}),  # forced: every record
        ({"from": "2021-09-01", "to": "2021-09-30"}, {"timeline_chart", "timeline_chart_phone"}),  # one month
        ({"detail": "incidents", "from": "2021-09-01", "to": "2021-09-30"},
         {"timeline_incidents", "timeline_incidents_phone"}),
    ],
)
def test_detail_and_dates_choose_the_level(params: dict[str, str], keys: set[str]) -> None:
    at = open_timeline(params, data_dir=MONITOR)
    assert {chart.key for chart in at.get("plotly_chart")} == keys
    if "detail" in params:
        assert at.radio(key="detail").value == params["detail"]


@pytest.mark.parametrize(
    ("params", "card", "outside"),
    [
        ({"rec": ["st-false-flag"]}, True, False),
        ({"rec": ["st-false-flag"], "q": ["airport"]}, False, True),  # the filter leaves the statement out
        ({"rec": ["ev-impact"], "q": ["airport"]}, True, False),  # the event it keeps
    ],
)
def test_a_selected_record_outside_the_filters_is_named_not_shown(params: dict, card: bool, outside: bool) -> None:
    text = page_text(open_timeline({**params, "incident": [INCIDENT]}))
    assert ("selected by the link (rec)" in text) is card
    assert ("1 selected record(s) are outside the current filters." in text) is outside
