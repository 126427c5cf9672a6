"""The stance rules (incidents/evidence/stances.py): polarity, the accusing rank, and which statements assert a
launch."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from incidents.evidence.stances import accusation_rank, launch_attributions, launch_claims, polarity
from incidents.load.pipeline import load_dataset
from incidents.model.dataset import Dataset
from tests.conftest import DATA, FIXTURES


@pytest.mark.parametrize(
    ("stance", "expected"),
    [
        ("asserts", "for"),
        ("suggests", "for"),  # hedged, but on the same side
        ("implies", "for"),  # our inference, on the same side
        ("denies", "against"),
        ("doubts", "none"),
        ("declines", "none"),
        ("none", "none"),
    ],
)
def test_polarity(stance: str, expected: str) -> None:
    assert polarity(stance) == expected


@pytest.mark.parametrize(
    ("stance", "kind", "topic", "rank"),
    [
        ("asserts", "accusation", "attribution", 0),
        ("asserts", "claim", "responsibility", 0),
        ("asserts", "accusation", "damage", 1),
        ("asserts", "claim", "damage", 2),
        ("asserts", "denial", "attribution", 3),
        ("denies", "accusation", "attribution", None),
        ("suggests", "claim", "attribution", None),  # a hedge never marks the accuser
        ("implies", "accusation", "attribution", None),
    ],
)
def test_accusation_rank(stance: str, kind: str, topic: str, rank: int | None) -> None:
    assert accusation_rank(stance, kind, topic) == rank


STATEMENT = """
  - id: {id}
    speaker: {speaker}
    kind: {kind}
    when: {{start: 2024-01-0{day}, precision: day}}
    paraphrase: Invented.
    via: [doc]
    stances: [{stances}]
"""
# (id, speaker, kind, day, stances): an INVENTED incident. Statement day order differs from file order on purpose.
STATEMENTS = [
    ("a-claims", "a-mod", "claim", 2, "{proposition: b-launched, stance: asserts}"),
    ("a-repeats", "a", "accusation", 1, "{proposition: b-launched, stance: asserts}"),
    ("b-denies", "b", "denial", 4, "{proposition: b-launched, stance: denies}"),
    ("b-blames-c", "b", "alternative-explanation", 3, "{proposition: b-launched, stance: alternative}"),
    ("a-blames", "a", "accusation", 5, "{proposition: b-responsible, stance: asserts}"),
    ("b-not-responsible", "b", "denial", 6, "{proposition: b-responsible, stance: denies}"),
]
EVENT = """
  - id: {id}
    title: Invented
    type: {type}
    when: {{start: 2024-01-01, precision: day}}
    actors: [b]
    reported_in: [{reported_in}]
    status: disputed
    sources: [doc]
"""
EVENTS = [
    ("launch-attributed", "launch", "a-claims"),  # asserts the attribution proposition
    ("launch-by-responsibility", "launch", "a-blames"),  # asserts only a 'responsibility' proposition
    ("launch-unreported", "launch", ""),
    ("strike", "impact", "a-claims"),  # not a launch
]


@pytest.fixture
def invented(write_data: Callable[..., Path]) -> Dataset:
    statements = "".join(STATEMENT.format(id=i, speaker=s, kind=k, day=d, stances=st) for i, s, k, d, st in STATEMENTS)
    events = "".join(EVENT.format(id=i, type=t, reported_in=r) for i, t, r in EVENTS)
    root = write_data(
        actors="""
        actors:
          - {id: a, name: Party A, kind: state}
          - {id: a-mod, name: Ministry of A, kind: government-body, parent: a}
          - {id: b, name: Party B, kind: state}
        """,
        sources="sources:\n  - {id: doc, title: Doc, reliability: C}\n",
        incidents={
            "x.yaml": """
incident:
  id: x
  title: Invented
  summary: Invented for a test.
  when: {start: 2024-01-01, precision: day}
  event_type: Other
  sub_event_type: Other
  assessment: {grade: contested, rationale: test, assessed_on: 2024-01-07}
  sources: [doc]
  first_published: 2024-01-07
  last_updated: 2024-01-07
propositions:
  - {id: b-launched, text: B launched, topic: attribution}
  - {id: b-responsible, text: B is responsible, topic: responsibility}
"""
            + "statements:"
            + statements
            + "events:"
            + events
        },
    )
    data = load_dataset(root)
    assert not data.errors, data.errors
    return data


ALL = [s[0] for s in STATEMENTS]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        # Every statement: the reported one, one asserting the same attribution; both disputes, in time order.
        (
            ALL,
            {
                "launch-attributed": (["a-repeats", "a-claims"], ["b-blames-c", "b-denies"]),
                # Its reported statement claims it, but asserts no attribution: nothing more asserts or disputes it.
                "launch-by-responsibility": (["a-blames"], []),
            },
        ),
        # The reported statement out of view still says which proposition names the launcher.
        (["a-repeats", "b-denies"], {"launch-attributed": (["a-repeats"], ["b-denies"])}),
        # A dispute alone draws nothing.
        (["b-denies", "b-blames-c", "b-not-responsible"], {}),
        ([], {}),
    ],
)
def test_launch_claims(invented: Dataset, given: list[str], expected: dict[str, tuple[list[str], list[str]]]) -> None:
    statements = [invented.statements[i] for i in given]
    found = {
        c.launch.id: ([s.id for s in c.claiming], [s.id for s in c.disputing])
        for c in launch_claims(invented, invented.events.values(), statements)
    }
    assert found == expected


def test_launch_claims_only_reads_the_launches_given(invented: Dataset) -> None:
    statements = list(invented.statements.values())
    assert launch_claims(invented, [invented.events["strike"]], statements) == []
    only = launch_claims(invented, [invented.events["launch-by-responsibility"]], statements)
    assert [c.launch.id for c in only] == ["launch-by-responsibility"]
    assert launch_attributions(invented, invented.events["launch-attributed"]) == ["b-launched"]
    assert launch_attributions(invented, invented.events["launch-by-responsibility"]) == []


@pytest.mark.parametrize(
    ("path", "launch", "claiming", "disputing"),
    [
        (
            DATA,
            "drone-launch",
            [
                "aliyev-accusation", "aliyev-demand", "cabinet-several-civilians", "eu-kallas",
                "euronews-officials-three", "isr-saar", "kommersant-no-data", "un-dujarric-0305", "unn-no-injuries",
                "mfa-accusation", "mod-four-drones", "mod-response", "call-readout-aze", "baku-tv-arash",
                "newsaz-commentary", "apology2026-dayaz-reading", "usa-state-dept",
            ],
            [
                "irn-false-flag", "irn-denial", "call-readout-irn", "pez2026-putin-call-denial", "pez2026-call-alalam",
                "pezeshkian-call-denial",
            ],
        ),
        (FIXTURES / "map", "fx-launch", ["fx-claim"], ["fx-denial"]),
        (
            FIXTURES / "export" / "data",
            "ev-launch",
            ["st-mfa-claim", "st-mod-claim"],
            ["st-gs-denial", "st-irn-falseflag"],
        ),
    ],
    ids=["shipped", "map", "export"],
)
def test_launch_claims_on_the_curated_data(path: Path, launch: str, claiming: list[str], disputing: list[str]) -> None:
    data = load_dataset(path)
    found = launch_claims(data, data.events.values(), data.statements.values())
    assert [(c.launch.id, [s.id for s in c.claiming], [s.id for s in c.disputing]) for c in found] == [
        (launch, claiming, disputing)
    ]
