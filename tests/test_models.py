"""Models: the vocabularies and checks the validator relies on, and the UI-free package boundary."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from typing import get_args

import pytest
from pydantic import ValidationError

from incidents.curate.docs import data_readme, generated_part, gradings_markdown, json_schema
from incidents.model.evidence import Figure
from incidents.model.records import (
    Actor,
    ActorKind,
    Assessment,
    AssessmentGrade,
    Place,
    Reliability,
    Source,
    Statement,
    StatementKind,
    When,
)
from incidents.model.vocabulary import (
    ASSESSMENT_TEXT,
    CREDIBILITY_TEXT,
    KIND_LABELS,
    RELIABILITY_TEXT,
    describe,
    describe_in_brackets,
)
from tests.conftest import DATA, ROOT


def test_incidents_package_imports_no_ui_library() -> None:
    code = (
        "import sys, incidents, pkgutil, importlib\n"
        "for m in pkgutil.walk_packages(incidents.__path__, 'incidents.'):\n"
        "    if not m.name.endswith('__main__'): importlib.import_module(m.name)\n"
        "assert 'incidents.views.geometry' in sys.modules and 'incidents.cli.records' in sys.modules\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('streamlit', 'plotly', 'pydeck'))\n"
        "print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_urls_must_be_http() -> None:
    base = {"id": "s", "title": "t"}
    assert Source.model_validate({**base, "url": "https://example.org/a"}).url == "https://example.org/a"
    for bad in ("javascript:alert(1)", "ftp://example.org/x", "data:text/html,x", "//example.org", "example.org"):
        with pytest.raises(ValidationError) as info:
            Source.model_validate({**base, "url": bad})
        assert info.value.errors()[0]["type"] == "bad_url"


def test_place_coordinates_in_range() -> None:
    base = {
        "id": "p",
        "names": {"en": "P"},
        "kind": "city",
        "precision_m": 10,
        "geo_precision": "exact",
        "country": "AZE",
        "sources": ["s"],
    }
    Place.model_validate({**base, "lat": 39.2, "lon": 45.4})
    for lat, lon in ((91, 0), (0, -181)):
        with pytest.raises(ValidationError) as info:
            Place.model_validate({**base, "lat": lat, "lon": lon})
        assert info.value.errors()[0]["type"] == "coord_range"


def test_time_window_and_undated() -> None:
    window = When(start=dt.date(2026, 3, 4), end=dt.date(2026, 3, 5), precision="days", as_reported="Wednesday")
    assert window.first_day == dt.date(2026, 3, 4) and window.last_day == dt.date(2026, 3, 5)
    assert "Wednesday" in window.label() and "days" in window.label()
    undated = When(end=dt.date(2026, 3, 6), precision="undated")
    assert undated.last_day == dt.date(2026, 3, 6) and "undated" in undated.label()
    with pytest.raises(ValidationError):
        When(precision="day")
    with pytest.raises(ValidationError) as info:
        When(start=dt.date(2026, 3, 6), end=dt.date(2026, 3, 5), precision="days")
    assert info.value.errors()[0]["type"] == "end_before_start"
    aware = When(start=dt.datetime(2026, 3, 5, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=4))), precision="hour")
    assert aware.start_dt == dt.datetime(2026, 3, 5, 6, 0)


def test_statement_needs_a_source_chain_and_graded_credibility() -> None:
    base = {
        "id": "s1",
        "speaker": "a",
        "kind": "claim",
        "when": {"start": "2026-03-05", "precision": "day"},
        "paraphrase": "p",
    }
    with pytest.raises(ValidationError):
        Statement.model_validate({**base, "via": []})
    with pytest.raises(ValidationError):
        Statement.model_validate({**base, "via": ["x"], "credibility": 7})
    with pytest.raises(ValidationError):
        Statement.model_validate({**base, "via": ["x"], "typo_field": 1})


@pytest.mark.parametrize(
    ("figure", "valid"),
    [
        ({"value": 4}, True),
        ({"low": 2, "high": 4}, True),
        ({"low": 4, "high": 4}, True),
        ({"low": 5, "high": 4}, False),  # a range upside down
        ({"value": 4, "low": 2, "high": 4}, False),  # both a value and a range
        ({}, False),  # neither
        ({"low": 2}, False),  # half a range
        ({"value": -1}, False),
        ({"value": "four"}, False),
    ],
)
def test_a_figure_is_a_number_or_a_range(figure: dict, valid: bool) -> None:
    if valid:
        Figure.model_validate({"quantity": "injured", **figure})
    else:
        with pytest.raises(ValidationError):
            Figure.model_validate({"quantity": "injured", **figure})


def test_data_readme_is_generated_from_the_models() -> None:
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert generated_part(readme) == data_readme(), "data/README.md is stale: run `make docs`"
    assert readme.startswith("# "), "the hand-written guide opens data/README.md"
    for field_name in ("`via`", "`credibility`", "`precision_m`", "`responds_to`", "`stances`"):
        assert field_name in readme


def test_json_schema_covers_every_file_kind() -> None:
    schemas = json_schema()
    assert set(schemas) == {"actors", "sources", "places", "incident"}
    incident = schemas["incident"]
    assert "Statement" in incident["$defs"] and incident["additionalProperties"] is False
    result = subprocess.run(
        [sys.executable, "-m", "incidents", "schema", "places"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout)["title"] == "places record file"


# Field descriptions that list a vocabulary are written from incidents/model/vocabulary.py
# (model, field, vocabulary text).
VOCABULARY_DESCRIPTIONS = [
    (Source, "reliability", describe(RELIABILITY_TEXT)),
    (Statement, "credibility", describe(CREDIBILITY_TEXT)),
    (Assessment, "grade", describe_in_brackets(ASSESSMENT_TEXT)),
    (Actor, "kind", ", ".join(get_args(ActorKind))),
    (Statement, "kind", ", ".join(get_args(StatementKind))),
]


@pytest.mark.parametrize(
    ("model", "field_name", "text"),
    VOCABULARY_DESCRIPTIONS,
    ids=[f"{model.__name__}.{name}" for model, name, _ in VOCABULARY_DESCRIPTIONS],
)
def test_field_descriptions_come_from_the_vocabulary(model, field_name: str, text: str) -> None:
    description = model.model_fields[field_name].description
    assert text in description
    assert text in (DATA / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("values", "table"),
    [(Reliability, RELIABILITY_TEXT), (AssessmentGrade, ASSESSMENT_TEXT), (StatementKind, KIND_LABELS)],
    ids=["reliability", "assessment", "statement-kind"],
)
def test_vocabulary_tables_cover_the_model_values(values, table: dict) -> None:
    assert set(get_args(values)) <= set(table)


def test_credibility_table_matches_the_field_range() -> None:
    info = Statement.model_fields["credibility"]
    low, high = (next(getattr(m, bound) for m in info.metadata if hasattr(m, bound)) for bound in ("ge", "le"))
    assert list(CREDIBILITY_TEXT) == list(range(low, high + 1))


def test_gradings_for_the_about_page_use_the_vocabulary() -> None:
    text = gradings_markdown()
    assert "**B** usually reliable" in text and "**6** truth cannot be judged" in text
    assert "**weak** (a single source)" in text and text.rstrip().endswith("**discounted**.")
