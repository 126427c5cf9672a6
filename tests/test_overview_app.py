"""AppTest runs of the front page (`/`, issue 27 point 3) on the multi-incident fixture and the shipped data: the
incident it leads with and its links (incident=), what is open across the record, the latest changes, the chart of
incidents per year by kind and its text alternative."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.overview import per_year_svg
from incidents.evidence.patterns import patterns
from incidents.load.pipeline import load_dataset
from incidents.model.queries import current_incident
from incidents.views.incidents_index import index_rows
from incidents.views.overview import open_items, per_year, per_year_text
from tests.conftest import DATA, FIXTURES, open_app

MONITOR = FIXTURES / "monitor"


def run(params: dict[str, list[str] | str] | None = None, data_dir: Path | None = MONITOR) -> AppTest:
    at = open_app("overview", params, data_dir)
    assert not at.exception, [e.value for e in at.exception]
    return at


def text(at: AppTest) -> str:
    parts = [str(e.value) for kind in ("markdown", "caption", "subheader", "header", "info") for e in at.get(kind)]
    return "\n".join(parts).replace("\\", "")


def lead_links(at: AppTest) -> dict[str, str]:
    return {link.proto.label: link.proto.query_string for link in at.get("page_link")}


@pytest.mark.parametrize(
    ("params", "heading", "incident", "title"),
    [
        ({}, "Latest incident", "mx-airspace-2025", "Syldavia closes its airspace"),
        ({"incident": "mx-embassy-2023"}, "Selected incident", "mx-embassy-2023", "Szohod embassy attack"),
    ],
)
def test_the_front_page_leads_with_an_incident_and_links_to_it(
    params: dict[str, str], heading: str, incident: str, title: str
) -> None:
    at = run(params)
    assert heading in [c.value for c in at.caption]
    assert any(title in str(s.value) for s in at.subheader)
    links = lead_links(at)
    for label in ("Its claims", "Its timeline", "Its map"):
        assert links[label] == f"incident={incident}"
    assert links["Incidents with open discrepancies"] == "status=open-discrepancies"


def test_what_is_open_across_the_record() -> None:
    dataset = load_dataset(MONITOR)
    items = open_items(dataset, patterns(dataset))
    content = text(run())
    assert f"Open discrepancies ({len(items.discrepancies)})" in content and len(items.discrepancies) == 2
    assert f"Accusations with no answer on record ({len(items.unanswered)})" in content
    for discrepancy in items.discrepancies:
        assert discrepancy.title in content
    assert "Syldavia**, accused by Borduria" in content  # the counter-accusation nobody answered


def test_incidents_per_year_chart_and_its_text_alternative() -> None:
    """Two images (desktop and phone, one shown by the stylesheet), each the SVG `per_year_svg` draws for the
    fixture's counts, with a text alternative; no plotly chart on the front page."""
    dataset = load_dataset(MONITOR)
    counts = per_year(index_rows(dataset))
    assert [sum(counts[year].values()) for year in range(2019, 2026)] == [1, 0, 1, 0, 1, 0, 2]
    at = run()
    assert not at.get("plotly_chart")
    images = [image.proto.imgs[0] for image in at.get("image")]
    prefix = "data:image/svg+xml;base64,"
    assert [image.url.startswith(prefix) for image in images] == [True, True]
    drawn = [base64.b64decode(image.url.removeprefix(prefix)).decode() for image in images]
    # Streamlit adds the SVG namespace attribute when it is missing; ours has it, so the bytes are ours
    assert drawn == [per_year_svg(counts), per_year_svg(counts, phone=True)]
    assert all("text below" in image.alt for image in images)
    assert per_year_text(counts) in text(at)


def test_the_front_page_on_the_shipped_data() -> None:
    dataset = load_dataset(DATA)
    at = run(data_dir=None)
    rows = index_rows(dataset)
    latest = current_incident(dataset, None)
    assert latest is not None
    # the heading may carry a Draft badge and Markdown escapes: compare the words
    headings = [str(s.value).replace("\\", "") for s in at.subheader]
    assert any((latest.short_title or latest.title) in h for h in headings), headings
    content = text(at)
    assert "Latest changes" in content and "version " in content  # the shipped data has its git history
    assert per_year_text(per_year(rows)) in content
