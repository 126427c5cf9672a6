"""The evidence engine, rule by rule, on the invented fixture in tests/fixtures/evidence/ (and on the shipped data).

Each case names the rule it holds; breaking the rule fails its case.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from incidents.evidence.brief import to_brief
from incidents.evidence.comparison import Comparison, compare
from incidents.load.pipeline import load_dataset
from incidents.model.dataset import Dataset
from incidents.model.provenance import origins, weakest_grade
from tests.conftest import DATA, FIXTURES, ROOT

INCIDENT = "ev-orlen-2026"


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    data = load_dataset(FIXTURES / "evidence")
    assert not data.errors, data.errors
    return data


@pytest.fixture(scope="module")
def comparison(dataset: Dataset) -> Comparison:
    result = compare(dataset, INCIDENT)
    assert isinstance(result, Comparison)
    return result


def _row(comparison: Comparison, proposition: str):
    return next(r for r in comparison.rows if r.proposition.id == proposition)


@pytest.mark.parametrize(
    ("proposition", "status", "direction", "rule"),
    [
        ("ev-tar-fired", "contested", None, "an accusation and a denial"),
        ("ev-accident", "contested", None, "a hedge for an answer that excludes the accusation, against the accuser"),
        ("ev-deliberate", "contested", None, "an implied stance against a competing hedged answer"),
        ("ev-blast-happened", "agreed", "asserted", "every party that spoke asserts it"),
        ("ev-foreign-troops", "contested", None, "an accusation answered by an assurance"),
        ("ev-curfew", "one-sided", "denied", "a lone denial reads as a denial"),
        ("ev-second-blast", "one-sided", "asserted", "unnamed officials count with their party (shown as unnamed)"),
        ("ev-windows", "one-sided", "asserted", "an aligned outlet's own reporting counts with its party"),
        ("ev-school-hit", "unaddressed", None, "only independent press reports it: no party took a side"),
        ("ev-border-shut", "agreed", "asserted", "an implied stance is on the same side"),
    ],
)
def test_row_status(comparison: Comparison, proposition: str, status: str, direction: str | None, rule: str) -> None:
    row = _row(comparison, proposition)
    assert (row.status, row.direction) == (status, direction), rule


@pytest.mark.parametrize(
    ("proposition", "party", "stances", "competing"),
    [
        ("ev-accident", "tar", ("suggests",), ()),  # the hedge is kept as a hedge
        ("ev-deliberate", "vel", ("implies",), ()),  # our inference, marked as such
        ("ev-deliberate", "tar", ("none",), ("ev-accident",)),  # silent here, but its answer excludes it
        ("ev-foreign-troops", "vel", ("none",), ("ev-no-troops-used",)),  # the assurance answers the accusation
        ("ev-tar-fired", "tar", ("denies",), ()),
    ],
)
def test_cells_keep_the_strength_of_each_stance(
    comparison: Comparison, proposition: str, party: str, stances: tuple[str, ...], competing: tuple[str, ...]
) -> None:
    cell = _row(comparison, proposition).cell(party)
    assert (cell.stances, cell.competing) == (stances, competing)


@pytest.mark.parametrize(
    ("proposition", "tier", "rule"),
    [
        ("ev-blast-happened", None, "strictly: agreement where it goes against no one is not acceptance"),
        ("ev-tar-troops-near", "accepted", "the party it goes against asserts it in its own name"),
        ("ev-windows", "corroborated", "two independent observing origins (not the reprint, the aligned radio, the "
         "unassessed daily)"),
        ("ev-school-hit", None, "a rewrite of the agency is not a second origin"),
        ("ev-four-injured", None, "a restating lede and an unattributed recap never corroborate; its figure is "
         "disputed"),
        ("ev-hospital-full", None, "the party's voices disagree"),
        ("ev-tar-fired", None, "contested"),
        ("ev-foreign-troops", None, "a one-sided accusation, answered, is never established"),
        ("ev-no-troops-used", None, "one side only, however undisputed"),
        ("ev-second-blast", None, "one side only"),
        ("ev-border-shut", None, "the accused party only implies it: no full assertion, so no acceptance"),
        ("ev-deliberate", None, "disputed by a competing answer, and doubted by the press"),
    ],
)
def test_what_is_established(comparison: Comparison, proposition: str, tier: str | None, rule: str) -> None:
    found = {e.proposition.id: e.tier for e in comparison.established}
    assert found.get(proposition) == tier, rule


def test_corroboration_counts_origins_not_pages(dataset: Dataset, comparison: Comparison) -> None:
    assert origins(dataset, "ev-reprint") == origins(dataset, "ev-rewrite") == origins(dataset, "ev-agency")
    assert origins(dataset, "ev-gazette") == {"ev-gazette"}
    windows = next(e for e in comparison.established if e.proposition.id == "ev-windows")
    assert set(windows.origins) == {"ev-agency", "ev-gazette"}
    assert "2 independent origins" in windows.reason
    # Each origin is named by its outlet, with why it counts.
    assert [name for name, _ in windows.grounds] == ["Fictional Wire Agency", "Orlen Gazette"]
    assert all(why.startswith("observed; independent:") for _, why in windows.grounds)
    # Two carriers of one statement add no corroboration: the accusation stays contested, not established.
    accusation = comparison.statements["ev-vel-accuses"]
    assert [s.id for s in accusation.carried_by] == ["ev-reprint", "ev-rewrite"]


def test_figures_are_told_by_voice_not_by_party(comparison: Comparison) -> None:
    (injured,) = [t for t in comparison.figures if t.quantity == "injured"]
    values = [(v.label, v.by, v.statement, v.revises) for v in injured.values]
    assert values == [
        ("2", "vel", "ev-vel-accuses", None),
        ("4", "vel", "ev-vel-revises", None),  # another office of Velmora: not a revision
        ("4", "reporting:ev-gazette", "ev-lede-restates", None),  # a restatement, named as one
        ("1–2", "tar", "ev-tar-denies", None),  # Tarsany gives another: a disagreement, not a revision
    ]
    assert not injured.revised and injured.disagreement == "parties"
    assert injured.values[2].by_name == "Orlen Gazette, restating Velmoran Health Ministry (fictional)"
    # Time order uses the time each figure was given (UTC), never a sum or an average.
    assert [v.as_of.isoformat() for v in injured.values][:2] == ["2026-02-10T09:41:00", "2026-02-10T17:00:00"]


@pytest.mark.parametrize(
    ("name", "labels", "revises", "rule"),
    [
        ("aid-tonnes: flour", ["12", "10"], [None, None], "a day-only value sorts as its day, never as 00:00 UTC, "
         "and never revises a value of the same day"),
        ("aid-tonnes: rice", ["6"], [None], "an item of a list in one statement is its own quantity"),
        ("convoys sent", ["2"], [None], "an `other` figure is named by its item, never pooled under 'other'"),
    ],
)
def test_every_quantity_has_its_own_name(
    comparison: Comparison, name: str, labels: list[str], revises: list[str | None], rule: str
) -> None:
    (track,) = [t for t in comparison.figures if t.name == name]
    assert [v.label for v in track.values] == labels, rule
    assert [v.revises for v in track.values] == revises, rule
    assert "other" not in {t.name for t in comparison.figures}


def test_the_voices_of_one_party_disagree_and_nobody_shifts(comparison: Comparison) -> None:
    row = _row(comparison, "ev-hospital-full")
    assert row.strength == "voices-disagree" and "voices disagree" in row.status_text
    (track,) = [t for t in comparison.tracks if t.proposition == "ev-hospital-full"]
    assert track.voices_disagree and not track.shifted


@pytest.mark.parametrize(
    ("proposition", "strength", "words"),
    [
        ("ev-curfew", "denied", "denied"),
        ("ev-second-blast", "unnamed", "asserted by unnamed sources only"),
        ("ev-windows", "aligned", "asserted by media aligned with it only"),
        ("ev-no-troops-used", "asserted", "asserted"),
        ("ev-tar-fired", None, "the parties contradict each other"),
    ],
)
def test_wording_follows_the_stances_held(comparison: Comparison, proposition: str, strength, words: str) -> None:
    row = _row(comparison, proposition)
    assert row.strength == strength
    assert row.status_text.endswith(words)


@pytest.mark.parametrize(
    ("statement", "footing", "party", "corroborating"),
    [
        ("ev-agency-own", "observed", None, {"ev-agency"}),
        ("ev-reprint-own", "observed", None, {"ev-agency"}),  # the reprint is the agency again
        ("ev-radio-own", "aligned-media", "tar", set()),  # an aligned outlet: its party's voice
        ("ev-lede-restates", "restates", None, set()),
        ("ev-recap", "unattributed", None, set()),
        ("ev-unsettled-saw", "observed", None, set()),  # not assessed independent: cannot corroborate
        ("ev-unnamed", "unnamed", "vel", set()),
        ("ev-vel-accuses", "party", "vel", set()),
    ],
)
def test_each_statement_counts_by_its_footing(
    comparison: Comparison, statement: str, footing: str, party: str | None, corroborating: set[str]
) -> None:
    ref = comparison.statements[statement]
    assert (ref.footing, ref.party, set(ref.corroborating)) == (footing, party, corroborating)


@pytest.mark.parametrize(
    ("chain", "weakest"),
    [(["B"], "B"), (["B", "F"], "F"), (["D", "C"], "D"), (["A", None], None), ([], None)],
)
def test_a_chain_is_as_good_as_its_weakest_link(chain: list[str | None], weakest: str | None) -> None:
    assert weakest_grade(chain) == weakest


def test_the_grade_as_held_sits_beside_the_nearest_sources(comparison: Comparison) -> None:
    denial = comparison.statements["ev-tar-denies"]
    assert (denial.grade, denial.chain_grade) == ("C6", "D6")


def test_speakers_can_be_the_press_or_unnamed(comparison: Comparison) -> None:
    windows = _row(comparison, "ev-windows")
    assert {p.statement.voice for p in windows.reporting} == {"publication"}
    assert all(p.statement.party is None for p in windows.reporting)
    unnamed = comparison.statements["ev-unnamed"]
    assert unnamed.party == "vel" and unnamed.speaker_name == "officials (unnamed), per Fictional Wire Agency"
    assert comparison.statements["ev-reprint-own"].speaker_name == "Fictional Wire Agency, carried by Daily Reprint"


def test_a_statement_belongs_to_the_incidents_it_names(dataset: Dataset, comparison: Comparison) -> None:
    assert dataset.statements["ev-elsewhere"].incidents == ["ev-other-2026"]
    assert "ev-elsewhere" not in comparison.statements


def test_history_is_kept(dataset: Dataset) -> None:
    incident = dataset.incidents[INCIDENT]
    assert [a.grade for a in incident.assessment.earlier] == ["weak"]
    assert dataset.sources["ev-agency"].earlier_grades[0].reliability == "C"
    assert dataset.discrepancies["ev-injured-count"].status == "resolved"
    assert dataset.discrepancies["ev-old-framing"].superseded_by == "ev-injured-count"


def test_quotes_keep_their_language_and_mark_our_translation(dataset: Dataset) -> None:
    quotes = dataset.statements["ev-vel-accuses"].quotes
    assert [(q.language, q.translation) for q in quotes] == [("en", None), ("fr", "Tarsany fired on Orlen")]


def test_brief_json_holds_the_documented_shape(comparison: Comparison) -> None:
    brief = to_brief(comparison)
    assert brief["incident"] == {"id": INCIDENT, "title": "Blast at Orlen (fictional)"}
    assert [p["id"] for p in brief["parties"]] == ["vel", "tar"]
    fired = next(p for p in brief["propositions"] if p["id"] == "ev-tar-fired")
    assert fired["status"] == "contested" and fired["stances"] == {"vel": "asserts", "tar": "denies"}
    assert fired["statements"]["tar"][0]["grade_chain"] == "D6"
    assert {e["proposition"] for e in brief["established"]} == {"ev-tar-troops-near", "ev-windows"}
    assert all(e["why"] and e["grounds"] for e in brief["established"])
    (injured,) = [f for f in brief["figures"] if f["quantity"] == "injured"]
    assert [(v.get("value"), v.get("low"), v["by"], v["revises"]) for v in injured["values"]] == [
        (2, None, "vel", False),
        (4, None, "vel", False),
        (4, None, "reporting:ev-gazette", False),
        (None, 1, "tar", False),
    ]
    assert injured["disagreement"] == "parties"
    assert [d["id"] for d in brief["discrepancies"]] == ["ev-injured-count", "ev-old-framing"]
    resolved = brief["discrepancies"][0]
    assert resolved["status"] == "resolved" and resolved["resolved_by"] == ["ev-gazette"]
    assert resolved["concerns"] == ["ev-vel-accuses", "ev-tar-denies"]
    recap = next(p for p in brief["propositions"] if p["id"] == "ev-four-injured")["reporting"]
    assert {s["id"]: s["footing"] for s in recap} == {"ev-lede-restates": "restates", "ev-recap": "unattributed"}


def _brief(*args: str, data_dir=DATA) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "incidents", "brief", *args, "--data-dir", str(data_dir)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_brief_command_on_the_shipped_data() -> None:
    # The strike by name: without one, brief takes the most recent incident, which moves as curators add them.
    result = _brief("nakhchivan-2026-03-05", "--format", "json")
    assert result.returncode == 0, result.stderr
    brief = json.loads(result.stdout)
    statuses = {p["id"]: p["status"] for p in brief["propositions"]}
    assert statuses["iran-launched"] == "contested"
    dataset = load_dataset(DATA)
    # Nothing contested is established, and no one-sided accusation; and (issue 22) nothing through aligned
    # outlets or restatements: every corroborating origin is an outlet assessed independent.
    for item in brief["established"]:
        assert statuses[item["proposition"]] != "contested"
        if statuses[item["proposition"]] == "one-sided":
            assert item["tier"] == "corroborated" and not dataset.propositions[item["proposition"]].against
        for origin in item["origins"]:
            affiliation = dataset.sources[origin].affiliation
            assert affiliation is not None and affiliation.kind == "independent", origin
    strength = {p["id"]: p["strength"] for p in brief["propositions"]}
    assert strength["deliberate"] == "implied" and "asserted" not in statuses.get("deliberate", "")
    assert strength["school-in-julfa"] == "denied-inferred"
    assert strength["missiles-used"] == "unnamed"
    assert {d["id"] for d in brief["discrepancies"]} >= {"injured-count", "school-location"}
    (injured,) = [f for f in brief["figures"] if f["quantity"] == "injured"]
    assert all(v["by_name"] and v["as_of"] and v["statement"] for v in injured["values"])
    giving = {
        s.id for s in dataset.statements.values()
        if brief["incident"]["id"] in s.incidents and any(f.quantity == "injured" for f in s.figures)
    }
    assert {v["statement"] for v in injured["values"]} == giving and len(giving) >= 2


def test_brief_markdown_is_the_pages_export_and_unknown_incidents_fail() -> None:
    result = _brief("nakhchivan-2026-03-05", "--format", "md")
    assert result.returncode == 0 and result.stdout.startswith("# Who claims what: ")
    assert "## Figures" in result.stdout
    unknown = _brief("no-such-incident")
    assert unknown.returncode == 1 and "No incident has the id" in unknown.stderr
