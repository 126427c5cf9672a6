"""AppTest runs of /incidents and /patterns (issue 27) on the multi-incident fixture and the shipped data."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from incidents.evidence.patterns import patterns, to_json
from incidents.load.pipeline import load_dataset
from tests.conftest import DATA, FIXTURES, open_app

MONITOR = FIXTURES / "monitor"


def run(page: str, params: dict[str, list[str] | str] | None = None, data_dir: Path | None = MONITOR) -> AppTest:
    at = open_app(page, params, data_dir)
    assert not at.exception, [e.value for e in at.exception]
    return at


def titles(at: AppTest) -> list[str]:
    return list(at.dataframe[0].value["Incident"]) if at.dataframe else []


def warnings(at: AppTest) -> str:
    return "\n".join(w.value for w in at.warning)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["FICTIONAL: Syldavia", "FICTIONAL: Borduria detains", "Szohod", "FICTIONAL: Bordurian drills",
              "Strelsau"]),
        ({"year": "2025"}, ["FICTIONAL: Syldavia", "FICTIONAL: Borduria detains"]),
        ({"type": ["drills", "strike"]}, ["FICTIONAL: Bordurian drills", "Strelsau"]),
        ({"party": "borduria", "sort": "oldest"}, ["Strelsau", "FICTIONAL: Bordurian drills", "Szohod",
                                                     "FICTIONAL: Borduria detains"]),
        ({"status": "established"}, ["FICTIONAL: Borduria detains"]),
        ({"sort": "contested", "year": ["2019", "2021", "2023"]}, ["Szohod", "FICTIONAL: Bordurian drills",
                                                                  "Strelsau"]),
    ],
)
def test_incidents_filters_and_sort_from_the_url(params: dict[str, list[str] | str], expected: list[str]) -> None:
    at = run("incidents", params)
    shown = titles(at)
    assert len(shown) == len(expected), shown
    for title, start in zip(shown, expected, strict=True):
        assert title.startswith(start), (title, start)
    assert warnings(at) == ""


def test_incidents_lists_every_shipped_incident() -> None:
    at = run("incidents", data_dir=None)
    dataset = load_dataset(FIXTURES.parent.parent / "data")
    assert sorted(at.dataframe[0].value["id"]) == sorted(dataset.incidents)


def test_incidents_keeps_its_state_in_the_url() -> None:
    at = run("incidents", {"year": "2023", "sort": "oldest"})
    at.multiselect(key="type").set_value(["attack-on-mission"]).run()
    assert not at.exception
    assert titles(at) == ["Szohod embassy attack"]
    link = at.sidebar.code[-1].value  # the share link carries every page control that is not its default
    assert "type=attack-on-mission" in link and "year=2023" in link and "sort=oldest" in link


@pytest.mark.parametrize(("name", "value"), [("year", "1999"), ("party", "nobody"), ("type", "rumour")])
def test_incidents_bad_values_are_named_and_ignored(name: str, value: str) -> None:
    at = run("incidents", {name: value})
    assert f"**{name}**" in warnings(at)
    assert len(titles(at)) == 5  # the bad value filters nothing


def test_a_card_opens_the_incident_and_links_to_its_pages() -> None:
    at = run("incidents")
    at.button(key="open-mx-embassy-2023").click().run()
    assert not at.exception
    assert at.session_state["incident"] == "mx-embassy-2023"
    links = [link.proto for link in at.get("page_link")]
    assert [link.label for link in links] == ["Its claims", "Its timeline", "Its map"]
    assert all("incident=mx-embassy-2023" in link.query_string for link in links)


def test_incidents_exports_are_the_rows_shown() -> None:
    at = run("incidents", {"year": "2025"})
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Index as CSV" in labels and "Index as JSON" in labels, labels


def test_patterns_chart_table_and_text_alternative() -> None:
    at = run("patterns")
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = {trace["name"] for trace in spec["data"]}
    assert names == {"Acknowledged", "Blamed a third party", "Another account or motive", "Denied",
                     "Promised an investigation", "Declined to comment", "Nothing on record"}
    assert sum(len(trace["x"]) for trace in spec["data"]) == 10
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "10 accusations against 3 parties, 2019–2025" in captions
    assert "Borduria: 4 accusations" in captions
    table = at.dataframe[1].value
    assert list(table["First answer"]).count("Nothing on record") == 4  # Ruritania 3, Syldavia 1
    assert "mx19-bor-denies" in " ".join(table["Answers"])
    recurring = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "foreign-troops" in recurring and "September 2021" in recurring


def test_patterns_page_shows_what_the_command_prints() -> None:
    at = run("patterns")
    table = at.dataframe[1].value
    data = to_json(patterns(load_dataset(MONITOR)))
    assert [row["proposition"] for row in data["accusations"]] and len(table) == len(data["accusations"])


def test_patterns_on_the_shipped_data() -> None:
    at = run("patterns", data_dir=None)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["data"], "the shipped data holds accusations and answers"
    # propositions shared across incidents (`recurs_as`) are listed with their history
    recurring = to_json(patterns(load_dataset(DATA)))["recurring"]
    assert recurring and not any("no proposition recurs" in i.value.lower() for i in at.info)
    page = " ".join(str(m.value) for m in at.markdown).replace("\\", "")  # Markdown escapes
    assert all(group["key"] in page for group in recurring), [g["key"] for g in recurring]


def test_patterns_axis_shows_dates_never_times() -> None:
    """The axis ticks months or years and spans at least two months (once all accusations fell on one day and the
    axis zoomed to milliseconds); the shipped record now runs 2021-2026, so years."""
    at = run("patterns", data_dir=None)
    xaxis = json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["xaxis"]
    assert (xaxis["tickformat"], xaxis["dtick"]) == ("%Y", "M12")
    start, end = (dt.date.fromisoformat(value[:10]) for value in xaxis["range"])
    assert start.year <= 2021 and end.year >= 2026


def test_patterns_axis_over_years_ticks_once_a_year() -> None:
    xaxis = json.loads(run("patterns").get("plotly_chart")[0].proto.spec)["layout"]["xaxis"]
    assert (xaxis["tickformat"], xaxis["dtick"]) == ("%Y", "M12")


def test_a_chosen_accusation_links_its_statements_to_the_timeline() -> None:
    def links_to(at: AppTest, statement: str) -> list:
        return [link.proto for link in at.get("page_link") if f"rec={statement}" in link.proto.query_string]

    plain = run("patterns")
    chosen = open_app("patterns", None, MONITOR, state={"patterns_table": {"selection": {"rows": [0], "columns": []}}})
    assert not chosen.exception
    # Each phone card links its statements; a row chosen in the wide table adds its own links under the table.
    assert len(links_to(plain, "mx19-rur-accuses")) == 1
    assert len(links_to(chosen, "mx19-rur-accuses")) == 2
    assert len(links_to(chosen, "mx21-rur-accuses")) == 1  # another row's statements: only its card
    assert all("incident=mx-drone-2019" in link.query_string for link in links_to(chosen, "mx19-bor-denies"))


def test_a_row_chosen_in_the_table_opens_that_incident() -> None:
    at = open_app("incidents", {"sort": "oldest"}, MONITOR,
                  state={"incidents_table": {"selection": {"rows": [1], "columns": []}}})
    assert not at.exception
    links = [link.proto for link in at.get("page_link")]
    assert [link.label for link in links] == ["Its claims", "Its timeline", "Its map"]
    assert all(link.query_string == "incident=mx-drills-2021" for link in links)  # the second row, oldest first
    assert not [link for link in run("incidents", {"sort": "oldest"}).get("page_link")]
