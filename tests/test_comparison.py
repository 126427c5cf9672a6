"""The party × proposition comparison (incidents/comparison.py) on the fixtures in tests/fixtures/claims/.

`fx-nakhchivan` mirrors the article in miniature; `fictional-strelsau-2024` and `fictional-klow-2024` are
INVENTED incidents between fictional states (three parties, a shift of position, a statement on two incidents).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest

from incidents.briefing import to_csv, to_markdown
from incidents.comparison import PARTY_ORDER_CHOICES, Comparison, ComparisonError, compare, party_order
from incidents.dataset import Dataset
from incidents.loading import load_dataset
from incidents.params import PARTY_ORDERS
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
    assert [p.id for p in comparison.parties] == ["aze", "irn"]
    assert comparison.accuser == "aze"
    assert comparison.parties[0].accuser and not comparison.parties[1].accuser
    # Ministries, the president and the prosecutor all speak for Azerbaijan.
    assert set(comparison.parties[0].speakers) == {"aze-mfa", "aze-president", "aze-prosecutor"}
    assert comparison.statements["fx-irn-denial"].party == "irn"  # the general staff speaks for Iran


def test_a_contradiction_is_contested_with_denial_and_alternative_in_the_same_row(dataset: Dataset) -> None:
    launched = row(comparison_of(dataset, "fx-nakhchivan"), "fx-iran-launched")
    assert launched.status == "contested"
    assert launched.cell("aze").stances == ("asserts",)
    iran = launched.cell("irn")
    assert iran.stances == ("denies", "alternative")
    assert [p.statement.id for p in iran.positions] == ["fx-irn-denial", "fx-irn-false-flag"]
    assert iran.positions[1].note == "an Israeli false flag"


def test_one_sided_row_and_established_strip(dataset: Dataset) -> None:
    comparison = comparison_of(dataset, "fx-nakhchivan")
    injured = row(comparison, "fx-four-injured")
    assert injured.status == "one-sided"
    assert injured.cell("irn").stance == "none" and injured.cell("irn").positions == ()
    assert comparison.counts == {"contested": 1, "one-sided": 2, "agreed": 0, "rejected": 0, "unaddressed": 0}
    established = {e.proposition.id: e for e in comparison.established}
    # The injury count is undisputed but one-sided; the contested attribution is not established.
    assert established["fx-four-injured"].tier == "one-sided"
    assert "Azerbaijan only" in established["fx-four-injured"].reason
    assert "fx-iran-launched" not in established
    # Iran answered the statement that says a drone hit near a school, yet took no position on that point.
    assert established["fx-school-hit"].answered_by == ("irn",)
    assert "Iran's reply does not address it" in established["fx-school-hit"].reason
    assert established["fx-four-injured"].answered_by == ()


def test_agreed_fact_with_three_parties(dataset: Dataset) -> None:
    comparison = comparison_of(dataset, "fictional-strelsau-2024")
    assert [p.id for p in comparison.parties] == ["ruritania", "borduria", "syldavia"]
    explosion = row(comparison, "fs-explosion")
    assert explosion.status == "agreed"
    assert explosion.asserting == ("ruritania", "borduria", "syldavia")
    first = comparison.established[0]
    assert (first.proposition.id, first.tier) == ("fs-explosion", "agreed")
    # Strelsau Gazette and Fictional Wire: two publishers, so two independent documents.
    assert {d.id for d in first.documents} == {"fx-gazette", "fx-wire"}
    assert row(comparison, "fs-deliberate").status == "unaddressed"
    assert comparison.counts["contested"] == 1 and comparison.counts["one-sided"] == 1


def test_disputed_but_independently_carried_is_listed_with_its_dispute(dataset: Dataset) -> None:
    comparison = comparison_of(dataset, "fictional-strelsau-2024")
    crossed = next(e for e in comparison.established if e.proposition.id == "fs-patrol-crossed")
    assert crossed.tier == "confirmed"
    assert crossed.disputed_by == ("syldavia",)
    assert "disputed by Syldavia" in crossed.reason


def test_a_party_that_changes_position(dataset: Dataset) -> None:
    comparison = comparison_of(dataset, "fictional-strelsau-2024")
    borduria = row(comparison, "fs-patrol-crossed").cell("borduria")
    assert [p.stance for p in borduria.positions] == ["denies", "asserts", "asserts"]
    assert borduria.stance == "asserts"  # the latest statement is the current position
    assert borduria.shifted
    track = next(t for t in comparison.tracks if (t.party, t.proposition) == ("borduria", "fs-patrol-crossed"))
    assert [s.change for s in track.steps] == [None, "denies → asserts", "same"]
    assert track.shifted
    # Ruritania never changed its position.
    ruritania = next(t for t in comparison.tracks if (t.party, t.proposition) == ("ruritania", "fs-patrol-crossed"))
    assert not ruritania.shifted
    # Still contested: Syldavia offers an alternative to what Ruritania and now Borduria assert.
    assert row(comparison, "fs-patrol-crossed").status == "contested"


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


def test_unknown_incident_gives_a_clear_message(dataset: Dataset) -> None:
    result = compare(dataset, "no-such-incident")
    assert isinstance(result, ComparisonError)
    assert "no-such-incident" in result.message
    assert "fx-nakhchivan" in result.message  # says what exists
    assert isinstance(compare(dataset, None), ComparisonError)
    assert isinstance(compare(Dataset(), "x"), ComparisonError)


def test_statement_on_two_incidents_counts_in_both(dataset: Dataset) -> None:
    strelsau = comparison_of(dataset, "fictional-strelsau-2024")
    klow = comparison_of(dataset, "fictional-klow-2024")
    in_strelsau = [p.statement.id for p in row(strelsau, "fs-patrol-crossed").cell("borduria").positions]
    assert "fk-bor-both" in in_strelsau
    assert [p.statement.id for p in row(klow, "fk-drone").cell("borduria").positions] == ["fk-bor-both"]
    # Klow's own matrix holds only its own proposition; Borduria accused first, so it leads there.
    assert [r.proposition.id for r in klow.rows] == ["fk-drone"]
    assert [p.id for p in klow.parties] == ["borduria", "ruritania"]


def test_party_order_options(dataset: Dataset) -> None:
    comparison = comparison_of(dataset, "fictional-strelsau-2024")
    by_name = comparison.reordered("name")
    assert [p.id for p in by_name.parties] == ["borduria", "ruritania", "syldavia"]
    assert [c.party for c in row(by_name, "fs-explosion").cells] == ["borduria", "ruritania", "syldavia"]
    assert [p.id for p in comparison_of(dataset, "fictional-strelsau-2024", order="chronological").parties] == [
        "ruritania",
        "borduria",
        "syldavia",
    ]


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
    assert rival.status == "one-sided"
    assert rival.cell("a").competing == ("b-did-it",)
    assert [e.proposition.id for e in comparison.established] == []


def test_markdown_export_carries_metadata_and_every_source(dataset: Dataset) -> None:
    comparison = comparison_of(dataset, "fx-nakhchivan")
    note = to_markdown(comparison, URL)
    assert "fx-nakhchivan" in note
    assert URL in note
    assert f"Data last updated: {dataset.last_updated.isoformat()}" in note
    for source in ("fx-article", "fx-bbc"):
        assert dataset.sources[source].title in note
    # Each statement cites its chain, numbered against the source list.
    assert "[2][1]" in note or "[1][2]" in note
    assert "| 1 | Iran launched the drones that struck Nakhchivan | asserts | denies · offers an alternative |" in note
    assert "- **Undisputed, but one side only:** Four people were injured — asserted by Azerbaijan only" in note
    assert "Four people were injured" in note
    assert "“We will not tolerate" in note


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
    assert "\\<img src=x onerror=alert(1)\\>" in note
    assert "\\[link\\](javascript:alert(1))" in note
    assert "P \\| with a pipe" in note
    table = list(csv.DictReader(io.StringIO(to_csv(comparison, "u").decode("utf-8-sig"))))
    assert table[0]["paraphrases"].startswith("'=cmd")  # a spreadsheet keeps it as text


def test_csv_export_one_row_per_cell_with_metadata(dataset: Dataset) -> None:
    comparison = comparison_of(dataset, "fictional-strelsau-2024")
    raw = to_csv(comparison, URL)
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets then read UTF-8 (Persian stays Persian)
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == len(comparison.rows) * len(comparison.parties) == 12
    assert {r["incident_id"] for r in rows} == {"fictional-strelsau-2024"}
    assert {r["view_url"] for r in rows} == {URL}
    assert {r["data_last_updated"] for r in rows} == {dataset.last_updated.isoformat()}
    borduria = next(r for r in rows if (r["proposition_id"], r["party_id"]) == ("fs-patrol-crossed", "borduria"))
    assert borduria["stance"] == "asserts"
    assert borduria["stances_over_time"] == "denies → asserts → asserts"
    assert borduria["statement_ids"].split("\n") == ["fs-bor-denies", "fs-bor-admits", "fk-bor-both"]
    assert "گشت ما از مرز عبور نکرد" in borduria["quotes"]
    syldavia = next(r for r in rows if (r["proposition_id"], r["party_id"]) == ("fs-patrol-crossed", "syldavia"))
    assert "Radio Klow bulletin (fictional) [D] — via Wire report (fictional) [B]" in syldavia["source_chains"]
    empty = next(r for r in rows if (r["proposition_id"], r["party_id"]) == ("fs-deliberate", "ruritania"))
    assert (empty["stance"], empty["row_status"], empty["statement_ids"]) == ("none", "unaddressed", "")
    # Every source a statement reaches us through appears in the chains.
    cited = {s.title for s in comparison.sources if s.id in {"fx-gazette", "fx-wire", "fx-radio"}}
    chains = " ".join(r["source_chains"] for r in rows)
    assert all(title in chains for title in cited)


def test_comparison_is_pure_and_repeatable(dataset: Dataset) -> None:
    first = to_markdown(comparison_of(dataset, "fx-nakhchivan"), URL)
    second = to_markdown(comparison_of(dataset, "fx-nakhchivan"), URL)
    assert first == second
    assert comparison_of(dataset, "fx-nakhchivan").data_last_updated == dt.date(2026, 3, 7)


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
