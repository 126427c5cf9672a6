"""The monitor across incidents (issue 27): answers to accusations, recurring propositions, the incidents index.

Table-driven over the invented multi-incident fixture (tests/fixtures/monitor, README there) and the shipped data.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from typing import get_args

import pytest

from incidents.evidence.patterns import ANSWER_KINDS, Patterns, lag_text, patterns, to_json
from incidents.load.pipeline import load_dataset
from incidents.model.dataset import Dataset
from incidents.model.records import Incident
from incidents.model.vocabulary import ANSWER_LABELS, INCIDENT_KIND_TEXT, IncidentKind, incident_kind
from incidents.model.when import TimeWindow, When, date_text, window_lag
from incidents.views.incidents_index import filter_rows, index_rows, sort_rows, to_csv
from incidents.views.incidents_index import to_json as index_json
from incidents.views.params import INCIDENT_KINDS, INDEX_STATUSES
from tests.conftest import DATA, FIXTURES, ROOT

MONITOR = FIXTURES / "monitor"


@pytest.fixture(scope="module")
def monitor() -> Dataset:
    dataset = load_dataset(MONITOR)
    assert not dataset.errors, dataset.errors
    return dataset


@pytest.fixture(scope="module")
def found(monitor: Dataset) -> Patterns:
    return patterns(monitor)


@pytest.fixture(scope="module")
def shipped() -> Dataset:
    return load_dataset(DATA)


def test_vocabularies_agree() -> None:
    assert set(get_args(IncidentKind)) == set(INCIDENT_KIND_TEXT) == set(INCIDENT_KINDS)
    assert tuple(ANSWER_LABELS) == ANSWER_KINDS


@pytest.mark.parametrize(
    ("kind", "sub_event", "expected"),
    [
        (None, "Air/drone strike", "strike"),
        (None, "Arrests", "detention"),
        (None, "Other", "other"),
        ("drills", "Air/drone strike", "drills"),  # the curated kind wins
    ],
)
def test_incident_kind(kind: str | None, sub_event: str, expected: str) -> None:
    assert incident_kind(kind, sub_event) == expected


def _w(start: str | None, end: str, precision: str = "hour") -> TimeWindow:
    return TimeWindow(dt.datetime.fromisoformat(start) if start else None, dt.datetime.fromisoformat(end), precision)


@pytest.mark.parametrize(
    ("earlier", "later", "kind", "low_h", "high_h"),
    [
        (_w("2020-01-01T08:00", "2020-01-01T09:00"), _w("2020-01-01T13:00", "2020-01-01T14:00"), "exact", 4, 6),
        (_w("2020-01-01T00:00", "2020-01-02T00:00", "day"), _w("2020-01-03T00:00", "2020-01-04T00:00", "day"),
         "range", 24, 72),
        (_w("2020-01-01T00:00", "2020-01-02T00:00", "day"), _w("2020-01-01T12:00", "2020-01-01T13:00"),
         "unordered", -12, 13),
        (_w(None, "2020-01-02T00:00", "undated"), _w("2020-01-03T00:00", "2020-01-04T00:00", "day"),
         "undated", None, None),
    ],
)
def test_window_lag(earlier: TimeWindow, later: TimeWindow, kind: str, low_h: int | None, high_h: int | None) -> None:
    lag = window_lag(earlier, later)
    assert lag.kind == kind
    hours = dt.timedelta(hours=1)
    assert (lag.low, lag.high) == (
        None if low_h is None else low_h * hours,
        None if high_h is None else high_h * hours,
    )


@pytest.mark.parametrize(
    ("earlier", "later", "expected"),
    [
        # windows that overlap: the order cannot be told
        (_w("2020-01-01T00:00", "2020-01-02T00:00", "day"), _w("2020-01-01T12:00", "2020-01-01T13:00"),
         "the times overlap: which came first cannot be told"),
        # the answer's window lies wholly before the accusation's (a pre-emptive denial): the order is known
        (_w("2020-01-10T00:00", "2020-01-11T00:00", "day"), _w("2020-01-01T00:00", "2020-01-02T00:00", "day"),
         "the answer came first: between 8 days and 10 days before"),
        # hour-wide windows: an exact lag, said as the middle of its range (the timeline's words, one rule)
        (_w("2020-01-01T08:00", "2020-01-01T09:00"), _w("2020-01-01T13:00", "2020-01-01T14:00"), "about 5 h"),
    ],
)
def test_lag_text_orders_what_the_times_order(earlier: TimeWindow, later: TimeWindow, expected: str) -> None:
    assert lag_text(window_lag(earlier, later)) == expected


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ({"start": "2021-09-01", "precision": "month"}, "September 2021"),
        ({"start": "2021-09-06", "precision": "week"}, "week of 2021-09-06"),
        ({"start": "2019-04-10", "precision": "day"}, "2019-04-10"),
        ({"start": "2019-04-10T08:00:00+00:00", "precision": "hour"}, "2019-04-10"),
        ({"start": "2025-11-03", "end": "2025-11-05", "precision": "days"}, "2025-11-03 – 2025-11-05"),
        ({"start": "2025-11-03", "precision": "day", "approximate": True}, "~2025-11-03"),
        ({"end": "2025-11-05", "precision": "undated"}, "by 2025-11-05"),
    ],
)
def test_date_text_never_more_precise_than_the_sources(when: dict[str, object], expected: str) -> None:
    assert date_text(When.model_validate(when)) == expected


# (incident, proposition, accused, first answer, lag words, answering statements): the fixture's README table.
EXPECTED_ACCUSATIONS = [
    ("mx-drone-2019", "mx19-bor-drones", "borduria", "denied", "about 5 h", ["mx19-bor-denies"]),
    ("mx-drone-2019", "mx19-troops", "ruritania", "no-answer", "no answer", []),
    ("mx-drills-2021", "mx21-invasion", "borduria", "other-account", "up to 3 days", ["mx21-bor-routine"]),
    ("mx-drills-2021", "mx21-troops", "ruritania", "declined", "up to 2 days", ["mx21-rur-declines"]),
    ("mx-embassy-2023", "mx23-complicit", "borduria", "blamed-third-party", "between 24 h and 3 days",
     ["mx23-bor-blames", "mx23-bor-inquiry"]),
    ("mx-embassy-2023", "mx23-unprotected", "borduria", "investigation", "between 2 days and 4 days",
     ["mx23-bor-inquiry"]),
    ("mx-embassy-2023", "mx23-syldavian-agents", "syldavia", "no-answer", "no answer", []),
    ("mx-detention-2025", "mx25-drone-crossed", "ruritania", "acknowledged", "between 14 h and 39 h",
     ["mx25-rur-admits"]),
    ("mx-detention-2025", "mx25-spies", "ruritania", "no-answer", "no answer", []),
    ("mx-detention-2025", "mx25-troops", "ruritania", "no-answer", "no answer", []),
]


@pytest.mark.parametrize(
    ("incident", "proposition", "accused", "answer", "lag", "answers"),
    EXPECTED_ACCUSATIONS,
    ids=[row[1] for row in EXPECTED_ACCUSATIONS],
)
def test_each_accusation_and_its_answer(
    found: Patterns, incident: str, proposition: str, accused: str, answer: str, lag: str, answers: list[str]
) -> None:
    match = [a for a in found.accusations if a.proposition == proposition and a.accused == accused]
    assert len(match) == 1
    accusation = match[0]
    assert accusation.incident == incident
    assert accusation.answer == answer
    assert lag_text(accusation.lag) == lag
    assert [x.statement for x in accusation.answers] == answers


def test_every_answer_kind_occurs_and_nothing_else(found: Patterns) -> None:
    assert len(found.accusations) == len(EXPECTED_ACCUSATIONS)
    assert {a.answer for a in found.accusations} == set(ANSWER_KINDS)
    assert [a.incident_date for a in found.accusations] == sorted(a.incident_date for a in found.accusations)


def test_blamed_party_and_latest_answer(found: Patterns) -> None:
    complicit = next(a for a in found.accusations if a.proposition == "mx23-complicit")
    assert complicit.answers[0].blames == ("syldavia",)
    # The first answer blamed Syldavia; the latest promised an investigation: both are kept.
    assert (complicit.answer, complicit.latest) == ("blamed-third-party", "investigation")


def test_grid_counts_first_answers_per_party(found: Patterns) -> None:
    grid = found.grid()
    assert found.parties == ("ruritania", "borduria", "syldavia")  # most accused first
    assert grid["ruritania"] == {**dict.fromkeys(ANSWER_KINDS, 0), "acknowledged": 1, "declined": 1, "no-answer": 3}
    assert grid["borduria"] == {
        **dict.fromkeys(ANSWER_KINDS, 0), "denied": 1, "other-account": 1, "blamed-third-party": 1, "investigation": 1
    }


def test_recurring_only_by_key(found: Patterns) -> None:
    assert [r.key for r in found.recurring] == ["foreign-troops"]
    history = found.recurring[0].history
    # mx25-troops says the same in other words but carries no key: it is not joined.
    assert [o.proposition for o in history] == ["mx19-troops", "mx21-troops"]
    assert [o.incident_dates for o in history] == ["2019-04-10", "September 2021"]
    assert [o.status for o in history] == ["one-sided", "one-sided"]


def test_json_round_trips_what_the_page_shows(found: Patterns) -> None:
    data = json.loads(json.dumps(to_json(found)))
    assert data["grid"] == found.grid()
    assert [a["answer"] for a in data["accusations"]] == [a.answer for a in found.accusations]
    denied = next(a for a in data["accusations"] if a["proposition"] == "mx19-bor-drones")
    assert denied["lag"] == {"kind": "exact", "low_minutes": 240, "high_minutes": 360, "text": "about 5 h"}


def test_unnamed_and_publication_voices_accuse_no_one(write_data) -> None:
    actors = (MONITOR / "actors.yaml").read_text(encoding="utf-8")
    sources = (MONITOR / "sources.yaml").read_text(encoding="utf-8")
    places = (MONITOR / "places.yaml").read_text(encoding="utf-8")
    body = (MONITOR / "incidents" / "mx-drone-2019.yaml").read_text(encoding="utf-8")
    body = body.replace(
        "  - id: mx19-rur-accuses\n    speaker: ruritania-mfa\n",
        "  - id: mx19-rur-accuses\n    voice: unnamed\n    speaker: ruritania-mfa\n    unnamed_reason: invented\n",
    )
    root = write_data(actors=actors, sources=sources, places=places, incidents={"mx-drone-2019.yaml": body})
    dataset = load_dataset(root)
    assert not dataset.errors, dataset.errors
    assert "mx19-bor-drones" not in {a.proposition for a in patterns(dataset).accusations}


def test_shipped_data(shipped: Dataset) -> None:
    found = patterns(shipped)
    launched = next(a for a in found.accusations if a.proposition == "iran-launched" and a.accused == "irn")
    assert "aze" in launched.accusers
    assert launched.answers and all(x.statement in shipped.statements for x in launched.answers)
    # Iran's false-flag statement blames Israel: a third party to Azerbaijan's accusation.
    false_flag = next(x for x in launched.answers if x.statement == "irn-false-flag")
    assert (false_flag.answer, false_flag.blames) == ("blamed-third-party", ("isr",))
    assert launched.lag is not None and launched.lag.kind == "unordered"  # day-precision times overlap


# ---- the incidents index ----


def test_index_rows(monitor: Dataset) -> None:
    rows = {row.id: row for row in index_rows(monitor)}
    assert [row.id for row in index_rows(monitor)] == [
        "mx-airspace-2025", "mx-detention-2025", "mx-embassy-2023", "mx-drills-2021", "mx-drone-2019"
    ]
    detention = rows["mx-detention-2025"]
    assert (detention.kind, detention.year, detention.date) == ("detention", 2025, "2025-06-02")
    assert (detention.contested, detention.one_sided, detention.agreed, detention.established) == (0, 2, 1, 1)
    assert detention.open_discrepancies == 1
    assert rows["mx-drone-2019"].kind == "strike"  # no kind: read from its sub-event type
    assert rows["mx-drone-2019"].title == "Strelsau drone strike"  # short_title
    assert rows["mx-embassy-2023"].open_discrepancies == 0  # its one discrepancy is resolved
    assert rows["mx-embassy-2023"].sources == 2
    assert rows["mx-embassy-2023"].places == ("Ruritanian embassy in Szohod (fictional)",)
    assert rows["mx-airspace-2025"].parties == ()
    assert set(INDEX_STATUSES) >= {s for row in rows.values() for s in row.statuses}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["mx-airspace-2025", "mx-detention-2025", "mx-embassy-2023", "mx-drills-2021", "mx-drone-2019"]),
        ({"years": [2025]}, ["mx-airspace-2025", "mx-detention-2025"]),
        ({"years": [2019, 2023]}, ["mx-embassy-2023", "mx-drone-2019"]),
        ({"kinds": ["drills", "strike"]}, ["mx-drills-2021", "mx-drone-2019"]),
        ({"parties": ["syldavia"]}, []),
        ({"parties": ["borduria"], "years": [2021]}, ["mx-drills-2021"]),
        ({"statuses": ["established"]}, ["mx-detention-2025"]),
        ({"statuses": ["open-discrepancies"]}, ["mx-detention-2025", "mx-drone-2019"]),
        ({"statuses": ["contested"], "kinds": ["detention"]}, []),
    ],
)
def test_filter_rows(monitor: Dataset, filters: dict[str, list], expected: list[str]) -> None:
    assert [row.id for row in filter_rows(index_rows(monitor), **filters)] == expected


AIR, DET, EMB, DRI, DRO = "mx-airspace-2025", "mx-detention-2025", "mx-embassy-2023", "mx-drills-2021", "mx-drone-2019"


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("newest", [AIR, DET, EMB, DRI, DRO]),
        ("oldest", [DRO, DRI, EMB, DET, AIR]),
        ("contested", [EMB, DRI, DRO, AIR, DET]),  # 2, 2, 1, 0, 0 contested; ties newest first
        ("sources", [EMB, AIR, DET, DRI, DRO]),  # 2, then 1 each newest first
        ("title", [DET, DRI, AIR, DRO, EMB]),  # 'FICTIONAL: Borduria d…', '…Bordurian…', '…Syldavia…'
        ("nonsense", [AIR, DET, EMB, DRI, DRO]),
    ],
)
def test_sort_rows(monitor: Dataset, sort: str, expected: list[str]) -> None:
    assert [row.id for row in sort_rows(index_rows(monitor), sort)] == expected


def test_index_exports(monitor: Dataset) -> None:
    rows = index_rows(monitor)
    text = to_csv(rows).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("id,date,title,kind")
    assert len(text.splitlines()) == 1 + len(rows)
    data = json.loads(index_json(rows))
    assert [item["id"] for item in data["incidents"]] == [row.id for row in rows]
    assert data["incidents"][1]["statuses"] == ["one-sided", "agreed", "established", "open-discrepancies"]


def test_index_csv_guards_formulas(monitor: Dataset) -> None:
    from dataclasses import replace

    row = replace(index_rows(monitor)[0], title="=HYPERLINK(\"http://x\")")
    assert "'=HYPERLINK" in to_csv([row]).decode("utf-8-sig")


def test_index_lists_every_shipped_incident(shipped: Dataset) -> None:
    assert {row.id for row in index_rows(shipped)} == set(shipped.incidents)


def test_incident_kind_is_optional_in_the_model() -> None:
    fields = Incident.model_fields
    assert fields["kind"].default is None and fields["short_title"].default is None


@pytest.mark.parametrize("fmt", ["json", "md"])
def test_patterns_command(fmt: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "incidents", "patterns", "--format", fmt, "--data-dir", str(MONITOR)],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    assert done.returncode == 0, done.stderr
    if fmt == "json":
        assert json.loads(done.stdout) == json.loads(json.dumps(to_json(patterns(load_dataset(MONITOR)))))
    else:
        assert "| Borduria | 0 | 1 | 1 | 1 | 1 | 0 | 0 |" in done.stdout
        assert "foreign-troops" in done.stdout and "September 2021" in done.stdout


# ---- which statements accuse: a proposition holding a party responsible, made by another party ----
# An INVENTED "united front" case (issue 27's quirk, modelled on Cohen's remark of 2023): Syldavia's minister says
# he agreed a front with Borduria against Ruritania; Ruritania suggests it (demanding an explanation); Borduria
# denies it. Statements: (id, speaker, kind, day, stance on the proposition).
FRONT_STATEMENTS = [
    ("syl-agreed", "syldavia", "claim", 1, "asserts"),
    ("rur-demands", "ruritania", "demand", 3, "suggests"),
    ("bor-denies", "borduria", "denial", 4, "denies"),
]


def _front(write_data, against: str) -> Dataset:
    statements = "".join(
        f"""
  - id: {i}
    speaker: {speaker}
    kind: {kind}
    when: {{start: 2024-02-0{day}, precision: day}}
    paraphrase: Invented.
    via: [doc]
    incidents: [front]
    stances: [{{proposition: front-agreed, stance: {stance}}}]
"""
        for i, speaker, kind, day, stance in FRONT_STATEMENTS
    )
    root = write_data(
        actors="""
        actors:
          - {id: ruritania, name: Ruritania, kind: state}
          - {id: borduria, name: Borduria, kind: state}
          - {id: syldavia, name: Syldavia, kind: state}
        """,
        sources="sources:\n  - {id: doc, title: Doc, reliability: C}\n",
        incidents={
            "front.yaml": f"""
incident:
  id: front
  title: Invented united front
  summary: Invented for a test.
  when: {{start: 2024-02-01, precision: day}}
  event_type: Other
  sub_event_type: Other
  assessment: {{grade: contested, rationale: test, assessed_on: 2024-02-07}}
  sources: [doc]
  first_published: 2024-02-07
  last_updated: 2024-02-07
propositions:
  - {{id: front-agreed, text: Borduria and Syldavia agreed a front against Ruritania, topic: intent,
      against: {against}, incident: front}}
statements:{statements}"""
        },
    )
    data = load_dataset(root)
    assert not data.errors, data.errors
    return data


@pytest.mark.parametrize(
    ("against", "expected"),
    [
        # Both held responsible (a joint act): Ruritania accuses both; Syldavia's own assertion is its answer
        # (acknowledged) and accuses no one; Borduria denies.
        (
            "[borduria, syldavia]",
            {"borduria": (("ruritania",), "denied"), "syldavia": (("ruritania",), "acknowledged")},
        ),
        # Only Borduria held responsible: Syldavia is another party asserting it, so it accuses too (the data says so).
        ("[borduria]", {"borduria": (("ruritania", "syldavia"), "denied")}),
        # Only Syldavia held responsible: its own assertion acknowledges; Ruritania accuses it.
        ("[syldavia]", {"syldavia": (("ruritania",), "acknowledged")}),
        # Nobody held responsible: no accusation at all, whoever asserts it.
        ("[]", {}),
    ],
)
def test_a_party_held_responsible_never_accuses_its_partner(
    write_data, against: str, expected: dict[str, tuple[tuple[str, ...], str]]
) -> None:
    found = patterns(_front(write_data, against))
    assert {a.accused: (a.accusers, a.answer) for a in found.accusations} == expected
    for accusation in found.accusations:
        assert accusation.accused not in accusation.accusers
        assert "syl-agreed" not in accusation.accusing_statements or "syldavia" not in against
