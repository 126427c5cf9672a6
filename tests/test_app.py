"""AppTest runs of the frame and the foundation pages (overview, sources, about), with and without params."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from incidents.curate.docs import field_docs
from incidents.load.pipeline import load_dataset
from incidents.model.queries import chronological
from incidents.model.records import TIME_PRECISIONS
from incidents.model.vocabulary import (
    ASSESSMENT_TEXT,
    CREDIBILITY_TEXT,
    KIND_LABELS,
    RELIABILITY_TEXT,
    admiralty_grade,
    reliability_grade,
)
from tests.conftest import DATA, FIXTURES, open_app

VALID = FIXTURES / "validation" / "valid"


def run_app(page: str = "overview", params: dict[str, list[str] | str] | None = None,
            data_dir: Path | None = None) -> AppTest:
    return open_app(page, params, data_dir)


def texts(at: AppTest) -> str:
    parts = [
        e.value
        for kind in (
            "markdown",
            "caption",
            "title",
            "header",
            "subheader",
            "info",
            "warning",
            "error",
            "success",
            "code",
            "text",
        )
        for e in at.get(kind)
    ]
    parts += [str(m.label) + " " + str(m.value) for m in at.get("metric")]
    parts += [e.label for e in at.get("expander")]
    return "\n".join(str(p) for p in parts).replace("\\", "")  # drop Markdown escapes


# Each page's own st.title: the right page rendered, not just some page (tests/browser/test_pages.py checks the same).
TITLES = {
    "overview": "Azerbaijan–Iran Incident Monitor",
    "timeline": "Timeline",
    "map": "Map",
    "claims": "Who claims what",
    "sources": "Sources",
    "changes": "Changes to the data",
    "about": "About this monitor",
}


@pytest.mark.parametrize("page", TITLES)
def test_every_page_renders_on_the_shipped_data(page: str) -> None:
    at = run_app(page)
    assert not at.exception, at.exception
    assert [title.value for title in at.title] == [TITLES[page]]
    assert len(at.sidebar.get("multiselect")) >= 2  # the shared filters are there on every page


@pytest.mark.parametrize("page", TITLES)
def test_every_page_renders_with_query_params(page: str) -> None:
    dataset = load_dataset(DATA)
    actor = sorted(dataset.actors)[0]
    at = run_app(page, {"from": "2026-03-01", "to": "2026-03-10", "actor": [actor], "q": "drone"})
    assert not at.exception, at.exception
    assert at.sidebar.multiselect(key="actor").value == [actor]
    assert str(at.sidebar.date_input(key="from").value) == "2026-03-01"


def test_overview_answers_the_ten_second_questions() -> None:
    """The front page leads with the latest incident in brief (when, kind, assessment, claims status), then what is
    open across the record, the latest changes and the incidents per year."""
    dataset = load_dataset(DATA)
    incident = max(dataset.incidents.values(), key=chronological)
    content = texts(run_app())
    assert (incident.short_title or incident.title) in content
    for label in ("When", "Kind", "Assessment", "Claims:", "Open across the record", "Latest changes",
                  "Incidents per year, by kind", "Data last updated"):
        assert label in content
    assert incident.assessment.grade in content
    assert str(dataset.last_updated) in content


def test_sources_page_lists_every_source_with_its_grade() -> None:
    dataset = load_dataset(DATA)
    at = run_app("sources")
    index = next(i for i, frame in enumerate(at.dataframe) if "Grade" in frame.value.columns and "Id" in frame.value)
    pages = int(at.number_input(key="sources-rows-page").max)
    frames = []
    for number in range(1, pages + 1):  # the table shows a page of rows at a time
        at.number_input(key="sources-rows-page").set_value(number).run()
        frames.append(at.dataframe[index].value)
    table = pd.concat(frames)
    assert sorted(table["Id"]) == sorted(dataset.sources)  # every source once
    for source in dataset.sources.values():
        row = table[table["Id"] == source.id].iloc[0]
        assert row["Grade"] == reliability_grade(source.reliability)
    # One source in detail (the first of the table), with the statements that cite it.
    assert any(words in texts(at) for words in ("Cited by", "Also cited by", "Not cited"))


def test_about_page_shows_method_fields_and_report() -> None:
    content = texts(run_app("about"))
    for needle in ("Gradings", "Precision", "How to cite", "Validation report", "Field documentation"):
        assert needle in content


def test_about_page_sends_the_field_documentation_only_when_opened() -> None:
    at = run_app("about")
    fields = next(e for e in at.expander if e.label.startswith("Field documentation"))
    assert not fields.children, "a closed expander sends nothing"
    assert field_docs().strip() not in texts(at)
    at.session_state["about-fields"] = True  # the reader opens it: the rerun draws it
    at.run()
    assert field_docs().strip() in [str(e.value).strip() for e in at.markdown]


def test_about_page_writes_the_method_from_the_vocabulary() -> None:
    """The About page's grades, precisions and record kinds are the vocabulary's, word for word."""
    content = " ".join(texts(run_app("about")).split())
    wanted = [f"**{grade}** {text}" for grade, text in RELIABILITY_TEXT.items()]
    wanted += [f"**{grade}** {text}" for grade, text in CREDIBILITY_TEXT.items()]
    wanted += [f"**{grade}** ({text})" if text else f"**{grade}**" for grade, text in ASSESSMENT_TEXT.items()]
    wanted += [", ".join(TIME_PRECISIONS), admiralty_grade("F", 3)]
    wanted += [label.lower() for kind, label in KIND_LABELS.items() if kind != "event"]
    missing = [item for item in wanted if item not in content]
    assert not missing, missing


def test_broken_data_shows_located_errors_and_the_valid_records(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(VALID, data_dir)
    shutil.copytree(FIXTURES / "validation" / "broken" / "SCHEMA", data_dir, dirs_exist_ok=True)
    at = run_app("overview", data_dir=data_dir)
    assert not at.exception
    panel = [e for e in at.get("expander") if "error(s) in the data files" in e.label]
    assert panel, [e.label for e in at.get("expander")]
    assert any(":15:11: SCHEMA" in c.value for c in at.code)
    content = texts(at)
    assert "2 incident(s), 1 events, 2 statements" in content  # the valid records still show


def test_curator_edit_shows_on_next_rerun(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(VALID, data_dir)
    at = run_app("overview", data_dir=data_dir)
    assert "Fixture strike on Town X" in texts(at)
    incident_file = data_dir / "incidents" / "fixture-incident.yaml"
    incident_file.write_text(incident_file.read_text().replace("Fixture strike on Town X", "Edited strike title"))
    at.run()
    assert "Edited strike title" in texts(at)


def test_bad_query_params_show_a_notice_and_keep_the_rest(tmp_path: Path) -> None:
    at = run_app(
        "overview",
        {"actor": ["no-such-actor"], "from": "2026-13-45", "q": "x" * 10_000, "kind": ["<script>alert(1)</script>"]},
    )
    assert not at.exception
    warning = "\n".join(w.value for w in at.warning)
    for param in ("actor", "from", "q", "kind"):
        assert f"**{param}**" in warning
    assert "<script>" not in warning  # escaped, shown literally
    assert len(at.sidebar.text_input(key="q").value) == 200


def test_share_link_rebuilds_the_query_string() -> None:
    dataset = load_dataset(DATA)
    at = run_app("overview", {"from": "2026-03-05"})
    link = [c.value for c in at.sidebar.get("code")]
    assert link and "from=2026-03-05" in link[0] and f"v={dataset.version}" in link[0]


def test_version_mismatch_is_announced() -> None:
    at = run_app("overview", {"v": "00000000"})
    assert any("updated since this link was made" in i.value for i in at.info)
