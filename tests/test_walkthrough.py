"""data/README.md's "Add a report in five minutes", run as written on a copy of the data, so the guide cannot rot.

Each ```sh line is run (``python`` is this interpreter); the invented page's address is served by an http.server on
127.0.0.1 (the `archive` line fetches it from there), and the archive is a temporary directory outside the copy. A
```yaml edit=FILE record=ID block, if the guide ever needs one again, replaces that record's text in FILE, keeping
the lines marked ``<kept as new wrote it>``; the guide now has none: a report takes no hand-written YAML (issue 24).
``make run`` is checked through AppTest on the same copy instead of starting a server.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from incidents.load.review import PUBLISHED_ONLY_ENV
from tests.conftest import open_app

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Add a report in five minutes"
KEPT = "<kept as new wrote it>"
# The invented page the walkthrough cites, as served: typographic quotes, as pages print them.
URL = "https://www.example.org/2026/03/06/drones"
PAGE = (
    "<html><head><title>Example News</title></head><body><nav>Home | World</nav><article>"
    "<h1>Ministry says two drones crossed</h1><p>Example News, 6 March. The ministry said on Friday: “Two drones "
    "crossed the border at dawn.” It said no more about the aircraft, their route or who launched them.</p>"
    "<p>Officials said further statements would follow in the coming days, once the investigation ended.</p>"
    "</article></body></html>"
).encode()


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        found = self.path == URL.split("example.org", 1)[1]
        body = PAGE if found else b"not here"
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass
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


def run_line(root: Path, line: str, server: str = "") -> subprocess.CompletedProcess[str]:
    argv = shlex.split(line)
    assert argv[0] == "python", f"the walkthrough runs the project's commands: {line}"
    if argv[3:4] == ["archive"] and server:  # the page is served from loopback, at the same path
        argv = [arg.replace("https://www.example.org", server) for arg in argv]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "INCIDENTS_ARCHIVE_DIR": str(root.parent / "archive")}
    env.pop("INCIDENTS_DATA_DIR", None)
    return subprocess.run([sys.executable, *argv[1:]], cwd=root, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def walked(
    tmp_path_factory: pytest.TempPathFactory, server: str
) -> tuple[Path, dict[str, subprocess.CompletedProcess[str]]]:
    root = tmp_path_factory.mktemp("walkthrough") / "repo"
    shutil.copytree(ROOT / "data", root / "data")
    results: dict[str, subprocess.CompletedProcess[str]] = {}
    for step in walkthrough():
        if step.kind == "yaml":
            apply_edit(root, step)
            continue
        for line in filter(None, step.body.splitlines()):
            if line.strip() == "make run":
                results["make run"] = subprocess.CompletedProcess(line, 0)
                continue
            result = run_line(root, line, server)
            assert result.returncode == 0, f"{line}\n{result.stdout}\n{result.stderr}"
            command = shlex.split(line)[3:]
            results[" ".join(command[:2]) if command[0] in ("new", "add") else command[0]] = result
    return root, results


# The hand edits of YAML a report takes in the walkthrough (issue 24: from 2, and 6 to 8 for a real report, to 0).
HAND_EDITS = 0


def test_the_guide_has_every_step() -> None:
    commands = " ".join(step.body for step in walkthrough() if step.kind == "sh")
    for needed in ("new source", "archive http", "new statement", "find", "add quote", "add stance", "add figure",
                   "check-quotes", "validate data", "make run"):
        assert needed in commands, needed
    assert len([step for step in walkthrough() if step.kind == "yaml"]) == HAND_EDITS
    assert "stored/" not in commands  # page text is never kept in the repository


Walked = tuple[Path, dict[str, subprocess.CompletedProcess[str]]]


def test_every_command_succeeds_and_says_where(walked: Walked) -> None:
    root, results = walked
    assert "data/sources.yaml:" in results["new source"].stdout
    assert "data/sources.yaml:" in results["archive"].stdout and results["archive"].stdout.startswith("sha256:")
    for command in ("new statement", "add quote", "add stance", "add figure"):
        assert "data/incidents/nakhchivan-2026-03-05.yaml:" in results[command].stdout, command
    assert results["find"].stdout.splitlines()[0].split()[1] == "iran-launched"
    check = results["check-quotes"].stdout
    assert "error" not in check.lower()
    ours = [line for line in check.splitlines() if "checked: found in archive sha256:" in line]
    assert len(ours) == 1 and "'example-report'" in ours[0]
    assert re.fullmatch(r"\d+ checked, \d+ not checked \(no copy here\)", check.splitlines()[-1])


def test_the_report_reads_as_the_guide_says(walked: Walked) -> None:
    from incidents.load.pipeline import load_dataset

    root, _ = walked
    dataset = load_dataset(root / "data")
    source = dataset.sources["example-report"]
    assert source.archive and source.archive.startswith("sha256:") and source.reliability == "C"
    assert source.retrieved is not None and source.reliability_note and source.graded_on
    statement = dataset.statements["example-mfa-two-drones"]
    assert [q.text for q in statement.quotes] == ["Two drones crossed the border at dawn"]
    assert [(s.proposition, s.stance) for s in statement.stances] == [("iran-launched", "asserts")]
    assert [(f.quantity, f.value) for f in statement.figures] == [("drones-fired", 2)]
    assert statement.when.as_reported == "on Friday" and statement.paraphrase.startswith("The ministry says")
    assert not (root / "stored").exists() and not list((root / "data").rglob("*.html"))


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
    record = root / "data" / "incidents" / "nakhchivan-2026-03-05.yaml"
    original = record.read_text(encoding="utf-8")
    try:
        record.write_text(original.replace("text: Two drones crossed", "text: Three drones crossed"), encoding="utf-8")
        changed = run_line(root, "python -m incidents check-quotes")
        assert changed.returncode == 1
        assert any(" QUOTE_MISMATCH " in line and "archive sha256:" in line for line in changed.stdout.splitlines())
    finally:
        record.write_text(original, encoding="utf-8")


def _page_text(at: AppTest) -> str:
    return " ".join(str(getattr(element, "value", "")) for element in at.main)


def test_make_run_shows_the_draft_marked_and_hosting_does_not(
    walked: Walked, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = walked
    monkeypatch.delenv(PUBLISHED_ONLY_ENV, raising=False)
    # The walkthrough's statement belongs to the strike; name it, since the page's default (the most
    # recent incident) moves as curators add incidents.
    strike = {"incident": "nakhchivan-2026-03-05"}
    local = open_app("claims", params=strike, data_dir=root / "data")
    assert not local.exception
    assert "crossed from Iran at dawn, and blames Iran" in _page_text(local)
    assert "[Draft]" in _page_text(local) or any("Draft" in str(chip) for chip in local.get("markdown"))
    monkeypatch.setenv(PUBLISHED_ONLY_ENV, "1")
    hosted = open_app("claims", params=strike, data_dir=root / "data")
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
