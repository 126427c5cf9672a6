"""Format 1 record files read as format 2 (`incidents.load.migrate`), and the validator's checks of the evidence
model."""

from __future__ import annotations

import copy

import pytest

from incidents.load.migrate import CURRENT_FORMAT, FORMAT_KEY, file_format, migrate
from incidents.load.pipeline import load_dataset

INCIDENT = {"id": "x", "when": {"start": "2024-01-01", "precision": "day"}}


def _v1(**collections: object) -> dict:
    return {"incident": copy.deepcopy(INCIDENT), **collections}


@pytest.mark.parametrize(
    ("before", "check"),
    [
        # Records name the file's incident.
        (_v1(events=[{"id": "e"}]), lambda d: d["events"][0]["incident"] == "x"),
        (_v1(propositions=[{"id": "p", "incident": "y"}]), lambda d: d["propositions"][0]["incident"] == "y"),
        (_v1(statements=[{"id": "s"}]), lambda d: d["statements"][0]["incidents"] == ["x"]),
        (_v1(statements=[{"id": "s", "incidents": ["y"]}]), lambda d: d["statements"][0]["incidents"] == ["x", "y"]),
        # An alternative beside an asserted answer becomes an exclusion between the two propositions.
        (
            _v1(
                propositions=[{"id": "p"}, {"id": "q"}],
                statements=[
                    {
                        "id": "s",
                        "stances": [
                            {"proposition": "p", "stance": "alternative"},
                            {"proposition": "q", "stance": "asserts"},
                        ],
                    }
                ],
            ),
            lambda d: (
                d["propositions"][1]["excludes"] == ["p"]
                and d["statements"][0]["stances"] == [{"proposition": "q", "stance": "asserts"}]
            ),
        ),
        # An alternative alone still disputes, as format 1 counted it.
        (
            _v1(statements=[{"id": "s", "stances": [{"proposition": "p", "stance": "alternative"}]}]),
            lambda d: d["statements"][0]["stances"][0]["stance"] == "denies",
        ),
        # One quote becomes a list of fragments with their language.
        (
            _v1(statements=[{"id": "s", "quote": "كلمات", "quote_language": "ar", "quote_is_translation": True}]),
            lambda d: (
                d["statements"][0]["quotes"] == [{"text": "كلمات", "language": "ar", "printed_as_translation": True}]
                and "quote" not in d["statements"][0]
            ),
        ),
        # Casualties become figures on the statement that gave them, or on a statement in the publication's voice.
        (
            {
                "incident": {
                    **INCIDENT,
                    "casualties": [{"statement": "s", "injured_min": 2, "injured_max": 4, "sources": ["a"]}],
                },
                "statements": [{"id": "s"}],
            },
            lambda d: (
                d["statements"][0]["figures"] == [{"quantity": "injured", "low": 2, "high": 4}]
                and "casualties" not in d["incident"]
            ),
        ),
        (
            {
                "incident": {
                    **INCIDENT,
                    "casualties": [{"injured_min": 4, "injured_max": 4, "civilians": True, "sources": ["a"]}],
                }
            },
            lambda d: (
                d["statements"][0]["voice"] == "publication"
                and d["statements"][0]["figures"] == [{"quantity": "injured", "value": 4, "civilians": True}]
            ),
        ),
    ],
)
def test_format_1_reads_as_format_2(before: dict, check) -> None:
    original = copy.deepcopy(before)
    after = migrate("incident", before)
    assert check(after)
    assert after[FORMAT_KEY] == CURRENT_FORMAT
    assert before == original  # pure: the parsed file is not changed in place


@pytest.mark.parametrize(
    ("kind", "data"),
    [("incident", {FORMAT_KEY: 2, "incident": INCIDENT}), ("actors", {"actors": []}), ("incident", ["not a mapping"])],
)
def test_current_files_and_other_kinds_pass_unchanged(kind: str, data: object) -> None:
    assert migrate(kind, data) == data


def test_file_format() -> None:
    assert [file_format(d) for d in ({}, {FORMAT_KEY: 2}, {FORMAT_KEY: "two"}, None)] == [1, 2, 1, 1]


STATEMENT = """
  - id: s
    incidents: [x]
    speaker: a
    kind: claim
    when: {{start: 2024-01-01, precision: day}}
    paraphrase: Invented.
    via: [doc]
{extra}
"""


@pytest.mark.parametrize(
    ("extra", "code", "needle"),
    [
        ("    stances: [{proposition: p, stance: insists}]", "STANCE_VALUE", "'insists' is not a stance"),
        ("    figures: [{quantity: injured, value: four}]", "SCHEMA", "figures[0].value"),
        ("    figures: [{quantity: injured, low: 5, high: 2}]", "FIGURE_VALUE", "high 2.0 is below low 5.0"),
        ("    figures: [{quantity: injured}]", "FIGURE_VALUE", "either value, or both low and high"),
        ("    figures: [{quantity: injured, value: 1, low: 1, high: 2}]", "FIGURE_VALUE", "not both"),
        ("    voice: unnamed", "SCHEMA", "unnamed speakers need unnamed_reason"),
    ],
)
def test_the_validator_names_bad_evidence(write_data, extra: str, code: str, needle: str) -> None:
    root = write_data(
        actors="actors:\n  - {id: a, name: A, kind: state}\n",
        sources="sources:\n  - {id: doc, title: Doc, reliability: C}\n",
        incidents={
            "x.yaml": "format: 2\n"
            "incident: {id: x, title: X, summary: X, when: {start: 2024-01-01, precision: day}, event_type: O,"
            " sub_event_type: O, assessment: {grade: weak, rationale: r, assessed_on: 2024-01-02}, sources: [doc],"
            " first_published: 2024-01-02, last_updated: 2024-01-02}\n"
            "propositions:\n  - {id: p, incident: x, text: P, excludes: [nowhere]}\n"
            "statements:" + STATEMENT.format(extra=extra)
        },
    )
    dataset = load_dataset(root)
    found = [p for p in dataset.errors if p.code == code and needle in p.message]
    assert found, [str(p) for p in dataset.problems]
    # An exclusion that points at an unknown proposition is an unknown reference, located at the field.
    assert any(p.code == "UNKNOWN_REF" and "excludes" in p.message and "'nowhere'" in p.message for p in dataset.errors)
