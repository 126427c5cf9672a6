"""Review before publishing: what hosted mode leaves out and cuts, the switch, and the validator's review list."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from deploy import serve  # make serve, and the container's replica mode
from incidents.cli import main
from incidents.load.pipeline import load_dataset
from incidents.load.review import (
    POLICIES,
    PUBLISHED_ONLY_ENV,
    hidden_ids,
    marked,
    published_only,
    published_only_from,
    review_notice,
    review_queue,
)
from incidents.model.dataset import Dataset, Problem
from incidents.model.registry import COLLECTIONS, REFERENCES
from tests.conftest import FIXTURES, ROOT

REVIEW = FIXTURES / "review"
# The records of tests/fixtures/review that are not published, and the published ones that depend on them.
UNPUBLISHED = {
    "zembla-envoy", "rv-leak", "rv-radio", "rv-depot", "rv-depot-fire", "rv-draft-claim", "rv-review-statement",
    "rv-prop-secret", "rv-zembla-raid-2024", "rv-raid", "rv-raid-claim",
}  # fmt: skip
DEPENDENTS = {
    "rv-leak-claim": "its source chain (via) is a draft source",
    "rv-envoy-remark": "its speaker is a draft actor",
    "rv-disc-depot": "it concerns a draft event",
}


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset(REVIEW)


@pytest.fixture(scope="module")
def hosted(dataset: Dataset) -> Dataset:
    return published_only(dataset)


def test_every_reference_has_a_policy() -> None:
    declared = {(key, path) for key, refs in REFERENCES.items() for path, _target in refs}
    assert declared == set(POLICIES)


def test_the_fixture_loads_every_record(dataset: Dataset) -> None:
    assert not dataset.errors
    assert UNPUBLISHED | set(DEPENDENTS) <= {r for c in COLLECTIONS for r in dataset.collection(c.key)}


def test_hidden_records_are_the_unpublished_and_their_dependents(dataset: Dataset, hosted: Dataset) -> None:
    assert hidden_ids(dataset) == UNPUBLISHED | set(DEPENDENTS)
    shown = {r for c in COLLECTIONS for r in hosted.collection(c.key)}
    assert not shown & (UNPUBLISHED | set(DEPENDENTS))
    assert {"rv-osterlich-2024", "rv-accusation", "rv-denial", "rv-closure", "rv-disc-time"} <= shown


@pytest.mark.parametrize(
    ("collection", "record_id", "field", "expected"),
    [
        ("events", "rv-closure", "sources", ["rv-gazette"]),  # the draft source is cut, the event stays
        ("events", "rv-shelling", "reported_in", ["rv-accusation"]),  # the draft claim is cut
        ("statements", "rv-accusation", "carried_by", []),
        ("statements", "rv-accusation", "responds_to", []),
        ("statements", "rv-denial", "responds_to", ["rv-accusation"]),  # a published answer stays
        ("propositions", "rv-prop-accident", "excludes", ["rv-prop-shelled"]),
        ("places", "rv-pass", "status_source", ["rv-gazette"]),
    ],
)
def test_references_to_hidden_records_are_cut(
    hosted: Dataset, collection: str, record_id: str, field: str, expected: list[str]
) -> None:
    assert getattr(hosted.collection(collection)[record_id], field) == expected


def test_nested_items_about_hidden_records_are_dropped(dataset: Dataset, hosted: Dataset) -> None:
    assert [s.proposition for s in dataset.statements["rv-accusation"].stances] == ["rv-prop-shelled", "rv-prop-secret"]
    assert [s.proposition for s in hosted.statements["rv-accusation"].stances] == ["rv-prop-shelled"]
    assert [p.place for p in hosted.incidents["rv-osterlich-2024"].places] == ["rv-village", "rv-pass"]


def test_no_hidden_id_or_text_is_left_anywhere(dataset: Dataset, hosted: Dataset) -> None:
    dumped = json.dumps(
        {c.key: {i: r.model_dump(mode="json") for i, r in hosted.collection(c.key).items()} for c in COLLECTIONS}
    )
    report = "\n".join(str(p) for p in hosted.problems) + "\n".join(hosted.files)
    for record_id in hidden_ids(dataset):
        assert re.search(rf"(?<![a-z0-9-]){record_id}(?![a-z0-9-])", dumped + report) is None, record_id
    assert "Zembla" not in dumped + report
    assert "Zembla" in json.dumps({i: r.model_dump(mode="json") for i, r in dataset.statements.items()})


def test_problems_naming_hidden_records_or_in_their_files_are_left_out(dataset: Dataset, hosted: Dataset) -> None:
    raid_file = "tests/fixtures/review/incidents/fictional-zembla-raid-2024.yaml"
    assert any("rv-leak-claim" in str(p) for p in dataset.problems)
    assert any(p.path == raid_file for p in dataset.problems)
    assert not any(p.path == raid_file or "rv-leak-claim" in str(p) for p in hosted.problems)
    assert raid_file in dataset.files and raid_file not in hosted.files


def test_a_word_inside_a_longer_id_is_not_a_mention() -> None:
    data = Dataset(problems=[Problem("a.yaml", 1, 1, "X", "about 'rv-leak-claimed'")])
    data.statements = load_dataset(REVIEW).statements
    assert published_only(data).problems == data.problems


def test_all_published_is_the_dataset_itself() -> None:
    """A dataset whose records are all published is returned as it is (the hosted view of the shipped data is one:
    the shipped data itself holds wave 1's drafts)."""
    hosted = published_only(load_dataset(ROOT / "data"))
    kinds = ("incidents", "statements", "sources")
    assert all(r.review == "published" for kind in kinds for r in hosted.collection(kind).values())
    assert published_only(hosted) is hosted


@pytest.mark.parametrize(
    ("value", "expected"), [("1", True), ("true", True), ("YES", True), ("", False), ("0", False), ("no", False)]
)
def test_the_switch(value: str, expected: bool) -> None:
    assert published_only_from({PUBLISHED_ONLY_ENV: value}) is expected
    assert published_only_from({}) is False


def test_review_notice_and_marks(dataset: Dataset, hosted: Dataset) -> None:
    assert review_notice(dataset) == "9 records are drafts and 2 are in review; the hosted instance does not show them."
    assert review_notice(hosted) is None
    assert marked(dataset.statements["rv-draft-claim"], "x") == "[Draft] x"
    assert marked(dataset.statements["rv-review-statement"], "x") == "[In review] x"
    assert marked(dataset.statements["rv-denial"], "x") == "x"


def test_review_queue_points_at_each_record(dataset: Dataset) -> None:
    queue = review_queue(dataset)
    assert len(queue) == len(UNPUBLISHED)
    assert "tests/fixtures/review/sources.yaml:24  source rv-radio  in-review" in queue
    raid = "tests/fixtures/review/incidents/fictional-zembla-raid-2024.yaml"
    assert f"{raid}:5  incident rv-zembla-raid-2024  draft" in queue
    for line in queue:
        location, kind_id, state = line.split("  ")
        path, number = location.rsplit(":", 1)
        source = (ROOT / path).read_text(encoding="utf-8").splitlines()
        assert f"id: {kind_id.split(' ')[1]}" in source[int(number) - 1], line
        assert state in ("draft", "in-review")


def test_validate_lists_what_waits_for_review_not_as_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(REVIEW)]) == 0
    out, err = capsys.readouterr()
    problems, waiting = out.split("Waiting for review:\n")
    assert waiting.splitlines() == review_queue(load_dataset(REVIEW))
    assert "rv-raid " not in problems
    # 3 warnings about the records themselves, and one for each published record a draft hides or cuts (issue 24)
    hosted = [line for line in problems.splitlines() if " HOSTED_" in line]
    assert len(hosted) == 11 and "'rv-leak-claim' is left out of the hosted view because via[0]" in problems
    assert f"{3 + len(hosted)} warning(s)" in err


@pytest.mark.parametrize(("args", "env", "shows_drafts"), [
    ([], {}, True),
    (["--published-only"], {}, False),
    ([], {PUBLISHED_ONLY_ENV: "1"}, False),
])  # fmt: skip
def test_brief_in_each_mode(args: list[str], env: dict[str, str], shows_drafts: bool) -> None:
    command = [sys.executable, "-m", "incidents", "brief", "rv-osterlich-2024", "--data-dir", str(REVIEW), *args]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env={"PATH": "", **env}, check=True)
    brief = json.loads(result.stdout)
    propositions = {p["id"] for p in brief["propositions"]}
    assert ("rv-prop-secret" in propositions) is shows_drafts
    assert ("Zembla" in result.stdout) is shows_drafts


def _yaml(path: Path) -> object:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_every_hosted_configuration_sets_the_switch() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(rf"^\s*{PUBLISHED_ONLY_ENV}=1\b", dockerfile, re.MULTILINE)
    deployment = _yaml(ROOT / "deploy" / "k8s" / "deployment.yaml")
    assert isinstance(deployment, dict)
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert {"name": PUBLISHED_ONLY_ENV, "value": "1"} in container["env"]
    assert serve.PUBLISHED_ONLY_ENV == PUBLISHED_ONLY_ENV
    assert serve.replica_env()[PUBLISHED_ONLY_ENV] == "1"
    assert "deploy/serve.py" in (ROOT / "Makefile").read_text(encoding="utf-8").split("\nserve:")[1].split("\n\n")[0]


def _actors(*states: str) -> Dataset:
    from incidents.model.records import Actor

    actors = {f"a{i}": Actor(id=f"a{i}", name="A", kind="state", review=s) for i, s in enumerate(states)}
    return Dataset(actors=actors)


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        (("published",), None),
        (("draft",), "1 record is a draft; the hosted instance does not show it."),
        (("in-review", "in-review"), "2 records are in review; the hosted instance does not show them."),
        (
            ("draft", "in-review", "published"),
            "1 record is a draft and 1 is in review; the hosted instance does not show them.",
        ),
    ],
)
def test_review_notice_counts(states: tuple[str, ...], expected: str | None) -> None:
    assert review_notice(_actors(*states)) == expected


def test_dependents_of_dependents_are_hidden_too(write_data) -> None:
    root = write_data(
        actors="actors: [{id: ruritania, name: Ruritania (fictional), kind: state}]\n",
        sources="""\
        sources:
          - {id: s-ok, title: Published source (fictional)}
          - {id: s-draft, title: Draft source (fictional), review: draft}
        """,
        incidents={
            "x.yaml": """\
            format: 2
            incident:
              id: x-2024
              title: Fictional incident
              summary: Fictional.
              when: {start: 2024-01-01, precision: day}
              event_type: Battles
              sub_event_type: Armed clash
              assessment: {grade: weak, rationale: Fixture., assessed_on: 2024-01-02}
              sources: [s-ok]
              first_published: 2024-01-02
              last_updated: 2024-01-02
            statements:
              - {id: st-a, speaker: ruritania, kind: claim, when: {start: 2024-01-01, precision: day},
                 paraphrase: Via a draft., via: [s-draft], incidents: [x-2024]}
            discrepancies:
              - {id: d-a, title: About st-a, kind: gap, description: Fictional., concerns: [st-a], sources: [s-ok]}
              - {id: d-b, title: Replaced by d-a, kind: gap, description: Fictional., concerns: [x-2024],
                 sources: [s-ok], status: superseded, superseded_by: d-a}
            """
        },
    )
    dataset = load_dataset(root)
    assert not dataset.errors
    assert hidden_ids(dataset) == {"s-draft", "st-a", "d-a", "d-b"}
    assert set(published_only(dataset).discrepancies) == set()


def test_the_container_replica_runs_in_hosted_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """`deploy/serve.py replica` (the image's CMD) replaces itself with Streamlit, in hosted mode."""
    # setenv, not delenv: a delenv of an absent key records nothing to undo, and serve.main's "1" then leaked into
    # every later test (hosted mode hid wave 1's drafts from test_scale_app's pages)
    monkeypatch.setenv(PUBLISHED_ONLY_ENV, "0")
    seen: dict[str, str | None] = {}

    def execv(path: str, argv: list[str]) -> None:
        seen["env"] = os.environ.get(PUBLISHED_ONLY_ENV)
        raise SystemExit(0)

    monkeypatch.setattr(os, "execv", execv)
    with pytest.raises(SystemExit):
        serve.main(["replica", "--port", "8599"])
    assert seen == {"env": "1"}
