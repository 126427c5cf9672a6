"""data/README.md's "Add a report in five minutes", run as written on a copy of the data, so the guide cannot rot.

Each ```sh line is run (``python`` is this interpreter); each ```yaml edit=FILE record=ID block replaces that
record's text in FILE, keeping the lines marked ``<kept as new wrote it>`` from what `new` wrote. ``make run`` is
checked through AppTest on the same copy instead of starting a server.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from incidents.load.review import PUBLISHED_ONLY_ENV
from tests.conftest import open_app

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Add a report in five minutes"
KEPT = "<kept as new wrote it>"
# The invented page the walkthrough cites, as its stored copy: typographic quotes, as pages print them.
PAGE = "Example News, 6 March. The ministry said on Friday: “Two drones crossed the border at dawn.” It said no more.\n"
BLOCK = re.compile(r"^```(sh|yaml)([^\n]*)\n(.*?)^```$", re.S | re.M)


@dataclass(frozen=True)
class Step:
    kind: str  # "sh" or "yaml"
    info: str
    body: str


def walkthrough() -> list[Step]:
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    assert SECTION in readme.split("\n## Curation rules")[0], "data/README.md must open with the walkthrough"
    section = readme.split(SECTION, 1)[1].split("\n## ", 1)[0]
    return [Step(kind, info.strip(), body) for kind, info, body in BLOCK.findall(section)]


def record_span(lines: list[str], record_id: str) -> tuple[int, int]:
    start = lines.index(f"  - id: {record_id}")
    end = start + 1
    while end < len(lines) and not lines[end].startswith("  - id: ") and not re.match(r"^\S", lines[end]):
        end += 1
    while lines[end - 1] == "":
        end -= 1
    return start, end


def apply_edit(root: Path, step: Step) -> None:
    fields = dict(part.split("=", 1) for part in step.info.split())
    path = root / fields["edit"]
    lines = path.read_text(encoding="utf-8").split("\n")
    start, end = record_span(lines, fields["record"])
    written = {line.split(":", 1)[0]: line for line in lines[start:end] if ":" in line}
    body = step.body.rstrip("\n").split("\n")
    replacement = [written[line.split(":", 1)[0]] if KEPT in line else line for line in body]
    path.write_text("\n".join([*lines[:start], *replacement, *lines[end:]]), encoding="utf-8")


def run_line(root: Path, line: str) -> subprocess.CompletedProcess[str]:
    argv = shlex.split(line)
    assert argv[0] == "python", f"the walkthrough runs the project's commands: {line}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("INCIDENTS_DATA_DIR", None)
    return subprocess.run([sys.executable, *argv[1:]], cwd=root, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, subprocess.CompletedProcess[str]]]:
    root = tmp_path_factory.mktemp("walkthrough")
    shutil.copytree(ROOT / "data", root / "data")
    (root / "stored").mkdir()
    (root / "stored" / "example-report.txt").write_text(PAGE, encoding="utf-8")
    results: dict[str, subprocess.CompletedProcess[str]] = {}
    for step in walkthrough():
        if step.kind == "yaml":
            apply_edit(root, step)
            continue
        for line in filter(None, step.body.splitlines()):
            if line.strip() == "make run":
                results["make run"] = subprocess.CompletedProcess(line, 0)
                continue
            result = run_line(root, line)
            assert result.returncode == 0, f"{line}\n{result.stdout}\n{result.stderr}"
            command = shlex.split(line)[3:]
            results[command[1] if command[0] == "new" else command[0]] = result
    return root, results


def test_the_guide_has_every_step() -> None:
    commands = " ".join(step.body for step in walkthrough() if step.kind == "sh")
    for needed in ("new source", "new statement", "find", "check-quotes", "validate data", "make run"):
        assert needed in commands, needed
    assert [step.info.split()[0] for step in walkthrough() if step.kind == "yaml"] == [
        "edit=data/sources.yaml", "edit=data/incidents/nakhchivan-2026-03-05.yaml"
    ]


Walked = tuple[Path, dict[str, subprocess.CompletedProcess[str]]]


def test_every_command_succeeds_and_says_where(walked: Walked) -> None:
    root, results = walked
    assert "data/sources.yaml:" in results["source"].stdout
    assert "data/incidents/nakhchivan-2026-03-05.yaml:" in results["statement"].stdout
    assert results["find"].stdout.splitlines()[0].split()[1] == "iran-launched"
    assert "error" not in results["check-quotes"].stdout.lower()


def test_the_new_records_validate_and_wait_for_review(
    walked: tuple[Path, dict[str, subprocess.CompletedProcess[str]]],
) -> None:
    root, results = walked
    validate = results["validate"]
    assert "0 error(s)" in validate.stderr
    assert "PLACEHOLDER" not in validate.stdout  # the edits left no TODO behind
    assert "example-report" in validate.stdout and "example-mfa-two-drones" in validate.stdout


def test_a_changed_quote_is_caught(walked: tuple[Path, dict[str, subprocess.CompletedProcess[str]]]) -> None:
    root, _ = walked
    copy = root / "stored" / "example-report.txt"
    original = copy.read_text(encoding="utf-8")
    try:
        copy.write_text(original.replace("Two drones", "Three drones"), encoding="utf-8")
        changed = run_line(root, "python -m incidents check-quotes")
        assert changed.returncode == 1 and "nakhchivan-2026-03-05.yaml:" in changed.stdout
    finally:
        copy.write_text(original, encoding="utf-8")


def _page_text(at: AppTest) -> str:
    return " ".join(str(getattr(element, "value", "")) for element in at.main)


def test_make_run_shows_the_draft_marked_and_hosting_does_not(
    walked: Walked, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = walked
    monkeypatch.delenv(PUBLISHED_ONLY_ENV, raising=False)
    local = open_app("claims", data_dir=root / "data")
    assert not local.exception
    assert "crossed from Iran at dawn, and blames Iran" in _page_text(local)
    assert "[Draft]" in _page_text(local) or any("Draft" in str(chip) for chip in local.get("markdown"))
    monkeypatch.setenv(PUBLISHED_ONLY_ENV, "1")
    hosted = open_app("claims", data_dir=root / "data")
    assert not hosted.exception
    assert "crossed from Iran at dawn, and blames Iran" not in _page_text(hosted)


def test_every_warning_the_shipped_data_keeps_is_explained() -> None:
    from incidents.load.pipeline import load_dataset

    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Warnings the shipped data keeps, and why", 1)[1].split("\n## ", 1)[0]
    warnings = load_dataset(ROOT / "data").warnings
    assert warnings, "the shipped data has warnings, and this section explains them"
    for problem in warnings:
        assert f"`{problem.code}`" in section, problem
        named = re.findall(r"'([a-z0-9][a-z0-9-]*)'", problem.message)
        if problem.code in ("SINGLE_SOURCE", "ORPHAN_PROPOSITION"):
            assert named and f"`{named[0]}`" in section, problem
    # and the other way: every statement the list names as single-source is one the validator warns about
    listed = section.split("- `SINGLE_SOURCE`", 1)[1].split("\n- `", 1)[0].split("(`cabinet-freight-resumed`")[0]
    warned = {re.findall(r"'([a-z0-9-]+)'", p.message)[0] for p in warnings if p.code == "SINGLE_SOURCE"}
    assert set(re.findall(r"`([a-z0-9][a-z0-9-]+)`", listed)) - {"via", "carried_by"} == warned
