"""issue 24: every record kind from the command line, on copies of the shipped data: `new proposition|discrepancy`,
the new options of `new statement|source`, and `add figure|quote|carrier|stance`. Each inserts text only, prints
`kind  id  path:line`, and refuses bad input with a located message and exit 1, writing nothing."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path

import pytest
import yaml

from incidents.load.pipeline import load_dataset
from tests.cli_helpers import next_page_number, run, shipped_copy

LOCATED = re.compile(r"^\S+:\d+:\d+: ")
INCIDENT = "nakhchivan-2026-03-05"
INCIDENT_FILE = f"incidents/{INCIDENT}.yaml"
STATEMENT = "aliyev-accusation"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return shipped_copy(tmp_path)




def only_inserted(before: str, after: str) -> list[str]:
    """The lines `after` adds to `before`, asserting nothing else changed (every line and comment kept, in order)."""
    old, new = before.splitlines(), after.splitlines()
    added = []
    for tag, _i1, _i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        assert tag in ("equal", "insert"), (tag, old[_i1:_i2], new[j1:j2])
        if tag == "insert":
            added += new[j1:j2]
    return added


def parts(out: str) -> tuple[str, str, Path, int]:
    kind, record_id, where = out.split()
    path, line = where.rsplit(":", 1)
    return kind, record_id, Path(path), int(line)


NEW_CASES = [
    (["proposition", "--incident", INCIDENT, "--text", "The drones were launched from Iranian soil",
      "--excludes", "false-flag", "--against", "irn", "--answers", "iran-launched"], "propositions",
     {"text": "The drones were launched from Iranian soil", "excludes": ["false-flag"], "against": ["irn"],
      "answers": ["iran-launched"], "incident": INCIDENT}),
    (["discrepancy", "--incident", INCIDENT, "--title", "Two counts of drones", "--concerns", STATEMENT],
     "discrepancies", {"title": "Two counts of drones", "concerns": [STATEMENT], "kind": "between-sources"}),
    (["statement", "--incident", INCIDENT, "--voice", "publication", "--kind", "claim", "--source", "report-az-012",
      "--at", "2026-03-06T09:30:00+04:00", "--paraphrase", "Report says two drones.", "--basis", "unattributed"],
     "statements", {"voice": "publication", "basis": "unattributed", "paraphrase": "Report says two drones.",
                    "when": {"start": dt.datetime(2026, 3, 6, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=4))),
                             "precision": "minute", "as_reported": "TODO: the time as the source words it"}}),
    (["statement", "--incident", INCIDENT, "--voice", "named", "--speaker", "aze-mfa", "--kind", "claim",
      "--source", "report-az-012", "--at", "2026-03-06", "--as-reported", "on Friday", "--paraphrase", "Two.",
      "--credibility", "3", "--carried-by", "report-az-017"],
     "statements", {"voice": "named", "speaker": "aze-mfa", "credibility": 3, "carried_by": ["report-az-017"],
                    "when": {"start": dt.date(2026, 3, 6), "precision": "day", "as_reported": "on Friday"}}),
    (["statement", "--incident", INCIDENT, "--voice", "unnamed", "--speaker", "aze", "--unnamed-as", "officials",
      "--unnamed-reason", "The page does not say.", "--kind", "claim", "--source", "report-az-012",
      "--paraphrase", "Two."],
     "statements", {"voice": "unnamed", "speaker": "aze", "unnamed_as": "officials"}),
]


@pytest.mark.parametrize(
    ("argv", "key", "expected"), NEW_CASES, ids=[" ".join(c[0][:1] + c[0][-2:]) for c in NEW_CASES]
)
def test_new_kinds_write_what_they_were_told(
    capsys: pytest.CaptureFixture[str], data_dir: Path, argv: list[str], key: str, expected: dict[str, object]
) -> None:
    path = data_dir / INCIDENT_FILE
    before = path.read_text(encoding="utf-8")
    status, out, err = run(capsys, "new", *argv, "--data-dir", str(data_dir))
    assert status == 0, err
    kind, record_id, where, line = parts(out)
    assert kind == argv[0] and where.resolve() == path.resolve()
    after = path.read_text(encoding="utf-8")
    added = only_inserted(before, after)
    assert added and after.splitlines()[line - 1].strip() == f"- id: {record_id}"
    record = next(r for r in yaml.safe_load(after)[key] if r["id"] == record_id)
    assert record["review"] == "draft"
    for field, value in expected.items():
        assert record[field] == value, field
    if key == "statements":
        assert "quotes" not in record  # no TODO quote forced on it
    dataset = load_dataset(data_dir)
    assert dataset.errors == [] and dataset.record(record_id) is not None



def test_new_source_ids_follow_the_data_conventions(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    argv = ["new", "source", "https://www.report.az/a", "--outlet", "Report", "--published", "2026-03-07",
            "--retrieved", "2026-12-01", "--reliability", "B", "--reliability-note", "Ours.", "--graded-on",
            "2026-12-02", "--data-dir", str(data_dir)]
    first = parts(run(capsys, *argv)[1])[1]
    second = parts(run(capsys, *argv[:2], "https://apa.az/b", *argv[3:])[1])[1]
    agency = parts(run(capsys, "new", "source", "--second-hand", "--outlet", "Interfax Ukraine",
                       "--data-dir", str(data_dir))[1])[1]
    # numbered after the highest page source (ref-* and dated statement ids do not count)
    number = next_page_number(data_dir) - 2
    assert (first, second, agency) == (f"report-az-{number:03d}", f"apa-az-{number + 1:03d}", "agency-interfax-ukraine")
    source = load_dataset(data_dir).sources[first]
    assert source.retrieved == dt.date(2026, 12, 1) and source.reliability == "B"
    assert source.graded_on == dt.date(2026, 12, 2) and source.reliability_note == "Ours."
    assert load_dataset(data_dir).sources[agency].retrieved is None


def test_new_source_records_an_affiliation(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    status, out, err = run(
        capsys, "new", "source", "https://apa.az/x", "--outlet", "APA", "--affiliation", "government-aligned",
        "--aligned-with", "aze", "--affiliation-reason", "Ours.", "--affiliation-ref", "ref-baku",
        "--data-dir", str(data_dir),
    )
    assert status == 0, err
    source = load_dataset(data_dir).sources[parts(out)[1]]
    assert source.affiliation is not None and source.affiliation.party == "aze"
    assert source.affiliation.references == ["ref-baku"]


ADD_CASES = [
    (["figure", STATEMENT, "--quantity", "drones-fired", "--value", "2"], "figures",
     {"quantity": "drones-fired", "value": 2}),
    (["figure", STATEMENT, "--quantity", "injured", "--low", "2", "--high", "4", "--as-of",
      "2026-03-05T14:00:00+04:00", "--civilians", "yes"], "figures",
     {"quantity": "injured", "low": 2, "high": 4, "civilians": True,
      "as_of": dt.datetime(2026, 3, 5, 14, tzinfo=dt.timezone(dt.timedelta(hours=4)))}),
    (["quote", STATEMENT, "--text", "İki dron", "--language", "az", "--translation", "Two drones"], "quotes",
     {"text": "İki dron", "language": "az", "translation": "Two drones"}),
    (["quote", STATEMENT, "--text", "a groundless act", "--source", "report-az-017"], "quotes",
     {"text": "a groundless act", "language": "en", "source": "report-az-017"}),
    (["carrier", STATEMENT, "report-az-017"], "carried_by", "report-az-017"),
    (["stance", STATEMENT, "--proposition", "four-injured", "--stance", "implies"], "stances",
     {"proposition": "four-injured", "stance": "implies"}),
]


@pytest.mark.parametrize(
    ("argv", "key", "expected"), ADD_CASES, ids=[" ".join(c[0][:1] + c[0][2:4]) for c in ADD_CASES]
)
def test_add_inserts_into_the_statement_only(
    capsys: pytest.CaptureFixture[str], data_dir: Path, argv: list[str], key: str, expected: object
) -> None:
    path = data_dir / INCIDENT_FILE
    before = path.read_text(encoding="utf-8")
    old = next(s for s in yaml.safe_load(before)["statements"] if s["id"] == STATEMENT)
    status, out, err = run(capsys, "add", *argv, "--data-dir", str(data_dir))
    assert status == 0, err
    kind, record_id, where, line = parts(out)
    assert (kind, record_id) == (argv[0], STATEMENT) and where.resolve() == path.resolve()
    after = path.read_text(encoding="utf-8")
    only_inserted(before, after)
    new = next(s for s in yaml.safe_load(after)["statements"] if s["id"] == STATEMENT)
    assert new[key] == [*old.get(key, []), expected]
    assert {k: v for k, v in new.items() if k != key} == {k: v for k, v in old.items() if k != key}
    start = after.splitlines().index(f"  - id: {STATEMENT}")
    assert line > start  # the printed line is inside the statement
    assert load_dataset(data_dir).errors == []


REFUSALS = [
    (["new", "proposition", "--incident", "nope", "--text", "X"], "unknown incident 'nope'"),
    (["new", "proposition", "--incident", INCIDENT, "--text", "X", "--excludes", "nope"], "unknown proposition"),
    (["new", "proposition", "--incident", INCIDENT, "--text", "X", "--against", "nope"], "unknown actor"),
    (["new", "discrepancy", "--incident", INCIDENT, "--title", "X", "--concerns", "nope"], "unknown record 'nope'"),
    (["new", "discrepancy", "--incident", INCIDENT, "--title", "X"], "--source"),
    (["new", "statement", "--incident", INCIDENT, "--kind", "claim", "--source", "report-az-012", "--voice", "named"],
     "needs --speaker"),
    (["new", "statement", "--incident", INCIDENT, "--kind", "claim", "--source", "report-az-012", "--voice",
      "publication", "--speaker", "aze"], "give no --speaker"),
    (["new", "statement", "--incident", INCIDENT, "--kind", "claim", "--source", "report-az-012", "--at",
      "2026-03-06T09:30"], "needs its UTC offset"),
    (["new", "statement", "--incident", INCIDENT, "--kind", "claim", "--source", "report-az-012", "--speaker", "aze",
      "--basis", "observed"], "publication's own voice only"),
    (["new", "source", "https://a.example", "--retrieved", "2026-03-01", "--published", "2026-03-05"],
     "before --published"),
    (["new", "source", "--second-hand", "--outlet", "X", "--retrieved", "2026-03-01"], "second-hand"),
    (["new", "source", "https://a.example", "--graded-on", "2026-03-01"], "goes with --reliability"),
    (["new", "source", "https://a.example", "--affiliation", "state-owned", "--affiliation-reason", "x"],
     "names its party"),
    (["add", "figure", "nope", "--quantity", "killed", "--value", "1"], "unknown statement 'nope'"),
    (["add", "figure", STATEMENT, "--quantity", "killed", "--low", "4", "--high", "2"], "below low"),
    (["add", "figure", STATEMENT, "--quantity", "killed"], "give either value"),
    (["add", "quote", STATEMENT, "--text", "چهار", "--language", "fa"], "needs our English translation"),
    (["add", "quote", STATEMENT, "--text", "x", "--source", "nope"], "unknown source 'nope'"),
    (["add", "carrier", STATEMENT, "nope"], "unknown source 'nope'"),
    (["add", "stance", STATEMENT, "--proposition", "nope", "--stance", "asserts"], "unknown proposition"),
    (["add", "stance", STATEMENT, "--proposition", "iran-launched", "--stance", "asserts"], "already takes a stance"),
]


@pytest.mark.parametrize(("argv", "message"), REFUSALS, ids=[m for _a, m in REFUSALS])
def test_bad_input_is_refused_located_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], data_dir: Path, argv: list[str], message: str
) -> None:
    before = {path: path.read_bytes() for path in data_dir.rglob("*") if path.is_file()}
    status, out, err = run(capsys, *argv, "--data-dir", str(data_dir))
    assert status == 1 and out == ""
    assert LOCATED.match(err) and message in err, err
    assert {path: path.read_bytes() for path in data_dir.rglob("*") if path.is_file()} == before


def test_a_carrier_goes_into_a_flow_list_as_text(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    path = data_dir / INCIDENT_FILE
    text = path.read_text(encoding="utf-8")
    statement_line = text.splitlines().index(f"  - id: {STATEMENT}")
    flow = [i for i, line in enumerate(text.splitlines()) if i > statement_line and "carried_by:" in line][0]
    lines = text.splitlines(keepends=True)
    block_end = flow + 1
    while lines[block_end].lstrip().startswith("- "):
        block_end += 1
    ids = [line.strip()[2:] for line in lines[flow + 1 : block_end]]
    lines[flow : block_end] = [f"    carried_by: [{', '.join(ids)}]  # kept\n"]
    path.write_text("".join(lines), encoding="utf-8")
    assert run(capsys, "add", "carrier", STATEMENT, "report-az-017", "--data-dir", str(data_dir))[0] == 0
    assert f"    carried_by: [{', '.join([*ids, 'report-az-017'])}]  # kept\n" in path.read_text(encoding="utf-8")
