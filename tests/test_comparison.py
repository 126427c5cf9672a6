"""The party × proposition comparison (incidents/evidence/comparison.py) on the fixtures in tests/fixtures/claims/.

`fx-nakhchivan` mirrors the article in miniature; `fictional-strelsau-2024` and `fictional-klow-2024` are
INVENTED incidents between fictional states (three parties, a shift of position, a statement on two incidents).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest

from incidents.evidence.briefing import to_csv, to_markdown
from incidents.evidence.comparison import (
    PARTY_ORDER_CHOICES,
    Comparison,
    ComparisonError,
    PartyOrder,
    compare,
    party_order,
)
from incidents.load.pipeline import load_dataset
from incidents.model.dataset import Dataset
from incidents.views.params import PARTY_ORDERS
from tests.conftest import FIXTURES

URL = "http://127.0.0.1:8501/claims?incident=fx-nakhchivan&v=abc"


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    data = load_dataset(FIXTURES / "claims")
    assert not data.errors, data.errors
    return data


def comparison_of(dataset: Dataset, incident_id: str, **kwargs) -> Comparison:
    result = compare(dataset, incident_id, **kwargs)
    assert isinstance(result, Comparison), result
    return result


def row(comparison: Comparison, proposition_id: str):
    return next(r for r in comparison.rows if r.proposition.id == proposition_id)


def test_parties_are_tops_of_parent_chains_with_the_accuser_first(dataset: Dataset) -> None:
    comparison = comparison_of(dataset, "fx-nakhchivan")
    assert comparison.accuser == "aze"
    assert comparison.parties[0].accuser and not comparison.parties[1].accuser
    # Ministries, the president and the prosecutor all speak for Azerbaijan.
    assert set(comparison.parties[0].speakers) == {"aze-mfa", "aze-president", "aze-prosecutor"}
    assert comparison.statements["fx-irn-denial"].party == "irn"  # the general staff speaks for Iran


@pytest.mark.parametrize(
    ("incident", "order", "parties"),
    [
        ("fx-nakhchivan", "accuser", ["aze", "irn"]),
        ("fictional-strelsau-2024", "accuser", ["ruritania", "borduria", "syldavia"]),
        ("fictional-strelsau-2024", "chronological", ["ruritania", "borduria", "syldavia"]),
        ("fictional-strelsau-2024", "name", ["borduria", "ruritania", "syldavia"]),
        # Borduria accused first on Klow, so it leads there.
        ("fictional-klow-2024", "accuser", ["borduria", "ruritania"]),
    ],
)
def test_party_columns_in_each_order(dataset: Dataset, incident: str, order: PartyOrder, parties: list[str]) -> None:
    built = comparison_of(dataset, incident, order=order)
    reordered = comparison_of(dataset, incident).reordered(order)
    for comparison in (built, reordered):
        assert [p.id for p in comparison.parties] == parties
        assert all([c.party for c in r.cells] == parties for r in comparison.rows)


@pytest.mark.parametrize(
    ("incident", "proposition", "status"),
    [
        ("fx-nakhchivan", "fx-iran-launched", "contested"),  # two denials against an assertion
        ("fx-nakhchivan", "fx-four-injured", "one-sided"),
        ("fictional-strelsau-2024", "fs-explosion", "agreed"),  # three parties assert it
        ("fictional-strelsau-2024", "fs-patrol-crossed", "contested"),  # Syldavia supports an excluding answer
        ("fictional-strelsau-2024", "fs-deliberate", "unaddressed"),
        ("fictional-klow-2024", "fk-drone", "contested"),
    ],
)
def test_row_status(dataset: Dataset, incident: str, proposition: str, status: str) -> None:
    assert row(comparison_of(dataset, incident), proposition).status == status


@pytest.mark.parametrize(
    ("incident", "proposition", "party", "stances", "statements"),
    [
        ("fx-nakhchivan", "fx-iran-launched", "aze", ("asserts",), ["fx-aze-mfa-claim", "fx-aze-president"]),
        # The denial and the format-1 alternative (which put no proposition forward, so it reads as a denial) share
        # Iran's cell, in time order.
        ("fx-nakhchivan", "fx-iran-launched", "irn", ("denies",), ["fx-irn-denial", "fx-irn-false-flag"]),
        ("fx-nakhchivan", "fx-four-injured", "irn", ("none",), []),
        # A statement on two incidents counts in both.
        (
            "fictional-strelsau-2024",
            "fs-patrol-crossed",
            "borduria",
            ("denies", "asserts"),
            ["fs-bor-denies", "fs-bor-admits", "fk-bor-both"],
        ),
        ("fictional-klow-2024", "fk-drone", "borduria", ("asserts",), ["fk-bor-both"]),
    ],
)
def test_cell_stances_and_statements(
    dataset: Dataset, incident: str, proposition: str, party: str, stances: tuple[str, ...], statements: list[str]
) -> None:
    cell = row(comparison_of(dataset, incident), proposition).cell(party)
    assert cell.stances == stances
    assert [p.statement.id for p in cell.positions] == statements


@pytest.mark.parametrize(
    ("incident", "counts"),
    [
        ("fx-nakhchivan", {"contested": 1, "one-sided": 2, "agreed": 0, "unaddressed": 0}),
        ("fictional-strelsau-2024", {"contested": 1, "one-sided": 1, "agreed": 1, "unaddressed": 1}),
        ("fictional-klow-2024", {"contested": 1, "one-sided": 0, "agreed": 0, "unaddressed": 0}),
    ],
)
def test_counts(dataset: Dataset, incident: str, counts: dict[str, int]) -> None:
    assert comparison_of(dataset, incident).counts == counts


@pytest.mark.parametrize(
    ("incident", "proposition", "tier", "reason", "answered_by"),
    [
        # One side only: never established, however undisputed.
        ("fx-nakhchivan", "fx-four-injured", None, None, None),
        ("fx-nakhchivan", "fx-school-hit", None, None, None),
        ("fx-nakhchivan", "fx-iran-launched", None, None, None),  # contested, so not established
        # Strictly (issue 22): agreed by all three, but it goes against no one, so no one accepts it; and no
        # independent outlet reports having observed it.
        ("fictional-strelsau-2024", "fs-explosion", None, None, None),
        # Disputed: however many documents carry it, not established.
        ("fictional-strelsau-2024", "fs-patrol-crossed", None, None, None),
        ("fictional-strelsau-2024", "fs-deliberate", None, None, None),
    ],
)
def test_established(
    dataset: Dataset,
    incident: str,
    proposition: str,
    tier: str | None,
    reason: str | None,
    answered_by: tuple[str, ...] | None,
) -> None:
    established = {e.proposition.id: e for e in comparison_of(dataset, incident).established}
    item = established.get(proposition)
    assert (item.tier if item else None) == tier
    if item is not None:
        assert reason is not None and reason in item.reason
        assert item.answered_by == answered_by


def test_established_strip_holds_only_what_no_party_disputes(dataset: Dataset) -> None:
    comparison = comparison_of(dataset, "fictional-strelsau-2024")
    assert [(e.proposition.id, e.tier) for e in comparison.established] == []
    assert row(comparison, "fs-explosion").status == "agreed"  # agreed, and still not established


def test_two_voices_of_a_party_disagree_rather_than_shift(dataset: Dataset) -> None:
    """Issue 22: the army denies, the foreign ministry later asserts: two voices of Borduria that disagree, not one
    party changing its mind (a change is told only against the same voice's earlier stance)."""
    comparison = comparison_of(dataset, "fictional-strelsau-2024")
    borduria = row(comparison, "fs-patrol-crossed").cell("borduria")
    assert [p.stance for p in borduria.positions] == ["denies", "asserts", "asserts"]
    assert borduria.stance == "asserts"  # the latest statement is the current position
    assert not borduria.shifted and borduria.voices_disagree
    tracks = {(t.party, t.proposition): t for t in comparison.tracks}
    track = tracks["borduria", "fs-patrol-crossed"]
    assert [s.change for s in track.steps] == [None, None, "same"]  # the ministry repeats itself
    assert not track.shifted and track.voices_disagree
    assert not tracks["ruritania", "fs-patrol-crossed"].shifted


def test_responds_to_chains(dataset: Dataset) -> None:
    comparison = comparison_of(dataset, "fictional-strelsau-2024")
    pairs = [(r.statement.id, r.answers.id) for r in comparison.replies]
    assert ("fs-bor-denies", "fs-rur-accuses") in pairs
    assert ("fs-bor-admits", "fs-bor-denies") in pairs
    assert all(r.statement.party != "" and r.answers.party != "" for r in comparison.replies)


def test_statement_reported_through_a_chain_of_two_sources(dataset: Dataset) -> None:
    comparison = comparison_of(dataset, "fx-nakhchivan")
    false_flag = comparison.statements["fx-irn-false-flag"]
    assert [s.id for s in false_flag.via] == ["fx-bbc", "fx-article"]
    assert [s.reliability for s in false_flag.via] == ["B", "F"]
    assert false_flag.chain_text.startswith("Islamic Republic of Iran — via BBC report")
    assert false_flag.chain_text.endswith("[F]")
    assert false_flag.grade == "B6"  # nearest source's reliability, the statement's credibility
    assert "(second-hand) [B] → " in false_flag.via_text
    assert false_flag.credibility_text == "credibility 6 (truth cannot be judged)"


@pytest.mark.parametrize(
    ("empty", "incident", "says"),
    [
        (False, "no-such-incident", ["no-such-incident", "fx-nakhchivan"]),  # names the id and what exists
        (False, None, ["No incident was chosen", "fx-nakhchivan"]),
        (True, "x", ["There are no incidents in the data yet."]),
    ],
)
def test_unknown_incident_gives_a_clear_message(
    dataset: Dataset, empty: bool, incident: str | None, says: list[str]
) -> None:
    result = compare(Dataset() if empty else dataset, incident)
    assert isinstance(result, ComparisonError)
    assert all(text in result.message for text in says)


def test_klow_holds_only_its_own_proposition(dataset: Dataset) -> None:
    assert [r.proposition.id for r in comparison_of(dataset, "fictional-klow-2024").rows] == ["fk-drone"]


def test_competing_alternative_keeps_a_one_sided_claim_out_of_the_established_strip(write_data) -> None:
    """A statement that offers an alternative on P and asserts Q makes Q a rival answer: a party asserting P
    has said nothing on Q, yet Q must not be listed as undisputed."""
    root = write_data(
        actors="""
        actors:
          - {id: a, name: Party A, kind: state}
          - {id: b, name: Party B, kind: state}
        """,
        sources="""
        sources:
          - {id: doc, title: Doc, reliability: C}
        """,
        incidents={
            "x.yaml": """
            incident:
              id: x
              title: Invented
              summary: Invented for a test.
              when: {start: 2024-01-01, precision: day}
              event_type: Other
              sub_event_type: Other
              assessment: {grade: contested, rationale: test, assessed_on: 2024-01-02}
              sources: [doc]
              first_published: 2024-01-02
              last_updated: 2024-01-02
            propositions:
              - {id: b-did-it, text: B did it, topic: attribution}
              - {id: c-did-it, text: C did it, topic: attribution}
            statements:
              - id: a-accuses
                speaker: a
                kind: accusation
                when: {start: 2024-01-01, precision: day}
                paraphrase: A says B did it.
                via: [doc]
                stances: [{proposition: b-did-it, stance: asserts}]
              - id: b-blames-c
                speaker: b
                kind: alternative-explanation
                when: {start: 2024-01-02, precision: day}
                paraphrase: B says C did it.
                via: [doc]
                stances:
                  - {proposition: b-did-it, stance: alternative}
                  - {proposition: c-did-it, stance: asserts}
            """
        },
    )
    data = load_dataset(root)
    assert not data.errors, data.errors
    comparison = comparison_of(data, "x")
    rival = row(comparison, "c-did-it")
    # A, which says B did it, holds a position that excludes "C did it": the rival answer is contested.
    assert rival.cell("a").competing == ("b-did-it",)
    assert rival.status == "contested"
    assert row(comparison, "b-did-it").status == "contested"
    assert [e.proposition.id for e in comparison.established] == []


@pytest.mark.parametrize(
    ("incident", "text"),
    [
        ("fx-nakhchivan", "- Incident: `fx-nakhchivan`"),
        ("fx-nakhchivan", f"- View: <{URL}>"),
        ("fx-nakhchivan", "- Data last updated: 2026-03-07"),
        ("fx-nakhchivan", "BBC report"),  # every source cited, in the source list
        # The nearest source's grade beside the chain's weakest link; the chain numbered as listed.
        ("fx-nakhchivan", "grade B6 (nearest source), F6 as we hold it, credibility 6 (truth cannot be judged) [2][1]"),
        ("fx-nakhchivan", "| 1 | Iran launched the drones that struck Nakhchivan | asserts | denies | contested"),
        ("fx-nakhchivan", "| one-sided: only one party has spoken: asserted |"),
        ("fx-nakhchivan", "- Nothing yet: no proposition is accepted by the party it concerns"),
        ("fx-nakhchivan", "“We will not tolerate"),
        ("fictional-strelsau-2024", "**Borduria: denies · asserts**"),  # two voices, not a shift
        ("fictional-strelsau-2024", "Borduria on “A Bordurian patrol crossed into Ruritania”: the party's voices"),
        ("fictional-strelsau-2024", "## Shifts in position"),
        ("fictional-strelsau-2024", "## Who answered whom"),
    ],
)
def test_markdown_export_carries(dataset: Dataset, incident: str, text: str) -> None:
    assert text in to_markdown(comparison_of(dataset, incident), URL)


def test_markdown_export_escapes_record_text(write_data) -> None:
    root = write_data(
        actors="actors:\n  - {id: a, name: A, kind: state}\n",
        sources="sources:\n  - {id: doc, title: Doc, reliability: C}\n",
        incidents={
            "x.yaml": """
            incident:
              id: x
              title: Invented
              summary: s
              when: {start: 2024-01-01, precision: day}
              event_type: Other
              sub_event_type: Other
              assessment: {grade: weak, rationale: test, assessed_on: 2024-01-02}
              sources: [doc]
              first_published: 2024-01-02
              last_updated: 2024-01-02
            propositions:
              - {id: p, text: "P | with a pipe"}
            statements:
              - id: s
                speaker: a
                kind: claim
                when: {start: 2024-01-01, precision: day}
                quote: "<img src=x onerror=alert(1)> [link](javascript:alert(1))"
                paraphrase: "=cmd|' /C calc'!A0"
                via: [doc]
                stances: [{proposition: p, stance: asserts}]
            """
        },
    )
    comparison = comparison_of(load_dataset(root), "x")
    note = to_markdown(comparison, "http://example.org/claims")
    assert re.search(r"(?<!\\)<img", note) is None  # no raw tag a Markdown renderer would turn into HTML
    assert "\\<img src\\=x onerror\\=alert(1)\\>" in note  # `=` escaped too (issue 23: setext headings)
    assert "\\[link\\](javascript:alert(1))" in note
    assert "P \\| with a pipe" in note
    table = list(csv.DictReader(io.StringIO(to_csv(comparison, "u").decode("utf-8-sig"))))
    assert table[0]["paraphrases"].startswith("'=cmd")  # a spreadsheet keeps it as text


@pytest.fixture(scope="module")
def strelsau_csv(dataset: Dataset) -> tuple[bytes, list[dict[str, str]]]:
    raw = to_csv(comparison_of(dataset, "fictional-strelsau-2024"), URL)
    return raw, list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_csv_export_one_row_per_cell_with_metadata(dataset: Dataset, strelsau_csv) -> None:
    raw, rows = strelsau_csv
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets then read UTF-8 (Persian stays Persian)
    assert len(rows) == 4 * 3  # propositions × parties
    assert {r["incident_id"] for r in rows} == {"fictional-strelsau-2024"}
    assert {r["view_url"] for r in rows} == {URL}
    assert {r["data_last_updated"] for r in rows} == {dataset.last_updated.isoformat()}


@pytest.mark.parametrize(
    ("proposition", "party", "column", "value"),
    [
        ("fs-patrol-crossed", "borduria", "stance", "asserts"),  # the latest statement is the current position
        ("fs-patrol-crossed", "borduria", "stances_over_time", "denies → asserts → asserts"),
        ("fs-patrol-crossed", "borduria", "statement_ids", "fs-bor-denies\nfs-bor-admits\nfk-bor-both"),
        ("fs-deliberate", "ruritania", "stance", "none"),
        ("fs-deliberate", "ruritania", "row_status", "no party has taken a position yet"),
        ("fs-deliberate", "ruritania", "statement_ids", ""),
    ],
)
def test_csv_cell(strelsau_csv, proposition: str, party: str, column: str, value: str) -> None:
    _, rows = strelsau_csv
    found = next(r for r in rows if (r["proposition_id"], r["party_id"]) == (proposition, party))
    assert found[column] == value


@pytest.mark.parametrize(
    ("proposition", "party", "column", "part"),
    [
        ("fs-patrol-crossed", "borduria", "quotes", "گشت ما از مرز عبور نکرد"),
        (
            "fs-explosion",
            "syldavia",
            "source_chains",
            "Radio Klow bulletin (fictional) [D] — via Wire report (fictional) [B]",
        ),
        ("fs-explosion", "syldavia", "grades", "(held D"),  # the chain's weakest link beside the nearest grade
    ],
)
def test_csv_cell_holds(strelsau_csv, proposition: str, party: str, column: str, part: str) -> None:
    _, rows = strelsau_csv
    found = next(r for r in rows if (r["proposition_id"], r["party_id"]) == (proposition, party))
    assert part in found[column]


def test_comparison_is_pure_and_repeatable(dataset: Dataset) -> None:
    first = to_markdown(comparison_of(dataset, "fx-nakhchivan"), URL)
    second = to_markdown(comparison_of(dataset, "fx-nakhchivan"), URL)
    assert first == second
    assert comparison_of(dataset, "fx-nakhchivan").data_last_updated == dt.date(2026, 3, 7)


def test_last_updated_is_kept_once_read_and_a_changed_dataset_works_it_out_again(dataset: Dataset) -> None:
    """The property keeps its value with the dataset (the index asks once per incident); `dataclasses.replace`
    gives a dataset with other incidents a fresh one, not the original's."""
    import dataclasses

    assert dataset.last_updated == dt.date(2026, 3, 7) == dataset.derived["last-updated"]
    latest = max(dataset.incidents.values(), key=lambda i: i.last_updated)
    later = latest.model_copy(update={"last_updated": dt.date(2026, 4, 1)})
    changed = dataclasses.replace(dataset, incidents={**dataset.incidents, later.id: later})
    assert changed.last_updated == dt.date(2026, 4, 1) and dataset.last_updated == dt.date(2026, 3, 7)
    made = compare(changed, later.id)
    assert isinstance(made, Comparison) and made.data_last_updated == dt.date(2026, 4, 1)


def test_party_order_choices_are_the_url_table() -> None:
    assert PARTY_ORDER_CHOICES == PARTY_ORDERS


@pytest.mark.parametrize(
    ("value", "order"),
    [
        ("accuser", "accuser"),
        ("chronological", "chronological"),
        ("name", "name"),
        ("bogus", "accuser"),
        (None, "accuser"),
    ],
)
def test_party_order_falls_back_to_the_default(value: object, order: str) -> None:
    assert party_order(value) == order
