"""Issue 22: the validator on `Source.affiliation` and on the basis of a publication's own voice."""

from __future__ import annotations

import pytest

from incidents.load.pipeline import load_dataset
from incidents.model.records import Source

INCIDENT = (
    "format: 2\n"
    "incident: {id: x, title: X, summary: X, when: {start: 2024-01-01, precision: day}, event_type: O,"
    " sub_event_type: O, assessment: {grade: weak, rationale: r, assessed_on: 2024-01-02}, sources: [doc],"
    " first_published: 2024-01-02, last_updated: 2024-01-02}\n"
    "statements:\n"
    "  - {id: held, incidents: [x], speaker: a, kind: claim, when: {start: 2024-01-01, precision: day},"
    " paraphrase: Held., via: [doc]}\n"
    "  - id: s\n"
    "    incidents: [x]\n"
    "    kind: claim\n"
    "    when: {start: 2024-01-01, precision: day}\n"
    "    paraphrase: Invented.\n"
    "    via: [doc]\n"
)
PUB = "    voice: publication\n"
ACTORS = "actors:\n  - {id: a, name: A, kind: state}\n"


def _load(write_data, statement: str = "    voice: publication\n    basis: observed\n", affiliation: str = ""):
    sources = "sources:\n  - {id: ref, title: Ref, kind: reference, reliability: B}\n"
    extra = f", affiliation: {affiliation}" if affiliation else ""
    sources += "  - {id: doc, title: Doc, reliability: C" + extra + "}\n"
    root = write_data(actors=ACTORS, sources=sources, incidents={"x.yaml": INCIDENT + statement})
    return load_dataset(root)


@pytest.mark.parametrize(
    ("statement", "code", "needle"),
    [
        ("    voice: publication\n    basis: seen\n", "BASIS_VALUE", "'seen' is not a basis; use one of observed"),
        ("    speaker: a\n    basis: observed\n", "BASIS_VALUE", "publication's own voice only"),
        (PUB + "    basis: observed\n    restates: [held]\n", "BASIS_VALUE", "go with basis: restates"),
        ("    voice: publication\n    basis: restates\n    restates: [gone]\n", "RESTATES_UNKNOWN", "restates 'gone'"),
        ("    voice: publication\n", "BASIS_MISSING", "has no basis"),
    ],
)
def test_the_validator_names_a_bad_basis(write_data, statement: str, code: str, needle: str) -> None:
    dataset = _load(write_data, statement)
    found = [p for p in dataset.problems if p.code == code and needle in p.message]
    assert found, [str(p) for p in dataset.problems]
    assert found[0].path.endswith("x.yaml") and found[0].line > 1  # located at the statement, not the file


@pytest.mark.parametrize(
    "statement",
    [
        "    voice: publication\n    basis: restates\n    restates: [held]\n",
        "    voice: publication\n    basis: restates\n    restates_speaker: a\n",
        "    voice: publication\n    basis: unattributed\n",
    ],
)
def test_a_good_basis_passes(write_data, statement: str) -> None:
    dataset = _load(write_data, statement)
    assert not dataset.errors and not [p for p in dataset.problems if p.code == "BASIS_MISSING"], dataset.problems
    assert dataset.statements["s"].basis in ("restates", "unattributed")


@pytest.mark.parametrize(
    ("affiliation", "needle"),
    [
        ("{kind: state-owned, party: a, references: [ref]}", "needs a reason"),
        ("{kind: independent}", "needs a reason"),
        ("{kind: state-owned, party: a, reason: r}", "names its party and the references"),
        ("{kind: government-aligned, reason: r, references: [ref]}", "names its party and the references"),
        ("{kind: unsettled, party: a, reason: r}", "party is only for an aligned outlet"),
    ],
)
def test_the_validator_names_an_incomplete_affiliation(write_data, affiliation: str, needle: str) -> None:
    dataset = _load(write_data, affiliation=affiliation)
    found = [p for p in dataset.errors if p.code == "AFFILIATION_INCOMPLETE" and needle in p.message]
    assert found, [str(p) for p in dataset.problems]
    assert "doc" not in dataset.sources


def test_an_affiliation_reference_must_resolve(write_data) -> None:
    dataset = _load(write_data, affiliation="{kind: state-owned, party: a, reason: r, references: [nowhere]}")
    assert any(p.code == "UNKNOWN_REF" and "affiliation.references" in p.message for p in dataset.errors)


@pytest.mark.parametrize(
    "affiliation",
    [
        "{kind: state-owned, party: a, reason: r, references: [ref]}",
        "{kind: independent, reason: r}",
        "{kind: unsettled, reason: no page assesses it}",
    ],
)
def test_a_complete_affiliation_passes(write_data, affiliation: str) -> None:
    dataset = _load(write_data, affiliation=affiliation)
    assert not dataset.errors, [str(p) for p in dataset.errors]
    assert dataset.sources["doc"].affiliation is not None


def test_a_hidden_reference_takes_the_affiliation_not_the_source(write_data) -> None:
    """Hosted mode: an affiliation that rests on an unpublished reference goes; the source stays, unassessed."""
    from incidents.load.review import prune_record

    dataset = _load(write_data, affiliation="{kind: state-owned, party: a, reason: r, references: [ref]}")
    source = dataset.sources["doc"]
    assert prune_record(source, "sources", {"nothing"}) is source
    pruned = prune_record(source, "sources", {"ref"})
    assert isinstance(pruned, Source) and pruned.id == "doc" and pruned.affiliation is None
