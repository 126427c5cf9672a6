"""Hostile record files (issue 14): each is refused before it is expanded, with a located message, and every other
file still loads; files the loader does not read are named with where their records belong; the app keeps rendering.

Big files are generated in tmp, never committed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from incidents.load import parse
from incidents.load.parse import MAX_DEPTH, display_path, fingerprint
from incidents.load.pipeline import load_dataset
from incidents.model.codes import UNREAD_CODES
from incidents.model.dataset import Dataset
from tests.conftest import DATA, FIXTURES, ROOT, open_app

VALID = FIXTURES / "validation" / "valid"
# The "billion laughs": nine levels of nine aliases, 9**9 (387 million) strings once expanded.
BOMB = "\n".join(
    ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"{b}: &{b} [{', '.join(['*' + a] * 9)}]" for a, b in zip("abcdefgh", "bcdefghi", strict=True)]
    + ["incident: *i"]
)
BOMB_LIMIT_S = 5.0
# Expanded, the bomb is gigabytes (the child's address space is capped at 1 GB). The validator's own peak (VmHWM of
# its image after exec) is about 40 MB on the small fixture; 300 MB tells a refused bomb from an expanded one. (The
# process's ru_maxrss was read before: it counts the forked copy of the test process itself, which grows over a
# whole run, so the same validator measured 40 MB alone and 330-507 MB late in the suite.)
BOMB_LIMIT_RSS = 300 * 2**20
# Run in the child: set the limits, run the validator, and report the peak of this image alone on stderr.
CHILD = """
import resource, runpy, sys
resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))
resource.setrlimit(resource.RLIMIT_CPU, (20, 20))
sys.argv = ["incidents", "validate", sys.argv[1]]
try:
    runpy.run_module("incidents", run_name="__main__")
finally:
    peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
    print("PEAK_KB", peak.split()[1], file=sys.stderr)
"""
PAGES = ("overview", "timeline", "map", "claims", "sources", "about")


def valid_copy(tmp_path: Path) -> Path:
    data_dir = tmp_path / "data"
    shutil.copytree(VALID, data_dir)
    return data_dir


def nested(depth: int) -> str:
    """Lists and mappings nested `depth` levels deep in all, the file's mapping being the first (flow style)."""
    inner = depth - 2  # the file mapping and the events list are two levels
    return "events:\n  - " + "[" * inner + "]" * inner + "\n"


def block_nested(depth: int) -> str:
    """The same depth in block style: one more indented mapping per level, a scalar at the bottom."""
    return "".join(f"{'  ' * level}k{level}:\n" for level in range(depth)) + f"{'  ' * depth}end\n"


def located(dataset: Dataset, code: str) -> list[str]:
    return [str(p) for p in dataset.problems if p.code == code]


def assert_rest_loads(dataset: Dataset) -> None:
    """The valid fixture's records are all still there."""
    assert {"land-a", "land-b", "land-a-mod"} <= set(dataset.actors)
    assert set(dataset.statements) == {"st-claim", "st-denial"} and "fixture-incident" in dataset.incidents


def test_the_bomb_is_ten_lines_and_would_expand() -> None:
    """The test file really is the bomb: ten lines, nine levels of nine aliases (composed only, never expanded)."""
    assert BOMB.count("\n") == 9
    node = yaml.compose(BOMB, Loader=yaml.CSafeLoader)
    assert isinstance(node, yaml.MappingNode)
    top = node.value[-2][1]  # i: nine aliases of h
    assert isinstance(top, yaml.SequenceNode) and len(top.value) == 9 and top.value[0] is top.value[1]


def test_validator_answers_the_alias_bomb_quickly_and_in_little_memory(tmp_path: Path) -> None:
    data_dir = valid_copy(tmp_path)
    (data_dir / "incidents" / "bomb.yaml").write_text(BOMB, encoding="utf-8")
    out = tmp_path / "out.txt"
    start = time.perf_counter()
    with out.open("w") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(data_dir)], cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT
        )
        proc.wait(timeout=60)
    elapsed = time.perf_counter() - start
    output = out.read_text()
    peak = re.search(r"^PEAK_KB (\d+)$", output, re.M)
    assert peak is not None, output
    assert proc.returncode == 1, output
    assert f"{data_dir}/incidents/bomb.yaml:2:8: YAML_ALIAS alias *a is not allowed" in output, output
    assert "valid records: 3 actors, 2 sources, 1 places, 1 incident, 1 events, 2 statements" in output
    assert elapsed < BOMB_LIMIT_S, f"{elapsed:.1f} s"
    assert int(peak.group(1)) * 1024 < BOMB_LIMIT_RSS, f"{int(peak.group(1)) / 1024:.0f} MB"


# (case, file text, line and column of the alias) — every way an alias can appear
ALIASES = [
    ("scalar", "actors:\n  - id: &x land-c\n    name: *x\n", (3, 11)),
    ("merge-key", "a: &base {k: 1}\nactors:\n  - <<: *base\n", (3, 9)),
    ("alias-as-key", "a: &k id\nactors:\n  - *k : land-c\n", (3, 5)),
    ("recursive", "actors: &self [*self]\n", (1, 16)),
    ("bomb", BOMB, (2, 8)),
]


@pytest.mark.parametrize(("case", "text", "where"), ALIASES, ids=[c[0] for c in ALIASES])
def test_aliases_are_refused_where_they_are(tmp_path: Path, case: str, text: str, where: tuple[int, int]) -> None:
    data_dir = valid_copy(tmp_path)
    (data_dir / "incidents" / "zz.yaml").write_text(text, encoding="utf-8")
    dataset = load_dataset(data_dir)
    (problem,) = located(dataset, "YAML_ALIAS")
    assert problem.startswith(f"{display_path(data_dir / 'incidents' / 'zz.yaml')}:{where[0]}:{where[1]}: YAML_ALIAS")
    assert_rest_loads(dataset)


def test_anchors_without_aliases_are_harmless(tmp_path: Path) -> None:
    data_dir = valid_copy(tmp_path)
    actors = data_dir / "actors.yaml"
    actors.write_text(actors.read_text().replace("- id: land-b", "- &b id: land-b", 1), encoding="utf-8")
    dataset = load_dataset(data_dir)
    assert dataset.errors == [] and "land-b" in dataset.actors


def test_shipped_records_use_no_aliases() -> None:
    """Why none are allowed: the curated data has never needed one (checked on the event stream, not by grep)."""
    for path, _kind in parse.data_files(DATA):
        events = yaml.parse(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        assert not any(isinstance(e, yaml.AliasEvent) for e in events), path


# (case, file text, where it is refused as (line, column), or None when read) — our limit, just over and just
# under, in flow and block style, and past libyaml's own limit of 1,000 levels
DEPTHS = [
    ("at-the-limit", nested(MAX_DEPTH), None),
    ("one-over", nested(MAX_DEPTH + 1), (2, 5 + MAX_DEPTH + 1 - 3)),  # the bracket that opens level 21
    ("block-at-the-limit", block_nested(MAX_DEPTH), None),
    ("block-one-over", block_nested(MAX_DEPTH + 1), (MAX_DEPTH + 1, 2 * MAX_DEPTH + 1)),  # its mapping's first key
    ("past-libyaml", nested(5_000), (2, 5 + 1_001 - 3)),  # libyaml itself refuses level 1,001
]


@pytest.mark.parametrize(("case", "text", "where"), DEPTHS, ids=[c[0] for c in DEPTHS])
def test_deep_nesting_is_refused(tmp_path: Path, case: str, text: str, where: tuple[int, int] | None) -> None:
    data_dir = valid_copy(tmp_path)
    path = data_dir / "incidents" / "deep.yaml"
    path.write_text(text, encoding="utf-8")
    dataset = load_dataset(data_dir)
    deep = located(dataset, "YAML_TOO_DEEP")
    if where is None:  # read, and reported for what it is: not a valid incident file
        assert deep == [] and any(p.code == "SCHEMA" and p.path.endswith("deep.yaml") for p in dataset.problems)
    else:
        assert deep == [
            f"{display_path(path)}:{where[0]}:{where[1]}: YAML_TOO_DEEP nested deeper than {MAX_DEPTH} levels, "
            "so the file is not read"
        ]
    assert_rest_loads(dataset)


def test_shipped_records_are_far_from_the_depth_limit() -> None:
    def depth(node: yaml.Node) -> int:
        """Levels of mappings and lists, as the limit counts them."""
        if isinstance(node, yaml.ScalarNode):
            return 0
        children = [v for _k, v in node.value] if isinstance(node, yaml.MappingNode) else node.value
        return 1 + max((depth(child) for child in children), default=0)

    for path, _kind in parse.data_files(DATA):
        assert depth(yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)) <= MAX_DEPTH // 2


def test_an_oversized_file_is_never_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = valid_copy(tmp_path)
    big = data_dir / "incidents" / "big.yaml"
    line = "# " + "x" * 1022 + "\n"
    with big.open("w") as handle:
        handle.write("statements:\n")
        handle.writelines(line for _ in range(21 * 1024))  # 21 MB
    assert big.stat().st_size > parse.MAX_BYTES
    composed: list[int] = []
    real_loader = parse.yaml.CSafeLoader
    monkeypatch.setattr(parse.yaml, "CSafeLoader", lambda text: composed.append(len(text)) or real_loader(text))
    # No parse cache: the other files are parsed here. A cache an earlier run filled (its key is the code, the
    # file's path in the data directory and its bytes) left nothing parsed, and nothing to check.
    monkeypatch.setenv("INCIDENTS_PARSE_CACHE", "off")
    dataset = load_dataset(data_dir)
    (problem,) = located(dataset, "FILE_TOO_LARGE")
    assert problem.startswith(f"{display_path(big)}:1:1: FILE_TOO_LARGE the file is larger than 20 MB (21.0 MB)")
    assert max(composed) < 2**20, "the oversized file reached the YAML parser"
    assert_rest_loads(dataset)


@pytest.mark.parametrize(("size", "refused"), [(99, False), (100, False), (101, True)])
def test_the_size_limit_is_inclusive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int, refused: bool) -> None:
    monkeypatch.setattr(parse, "MAX_BYTES", 100)
    path = tmp_path / "f.yaml"
    path.write_bytes(b"a: 1\n" + b"#" * (size - 6) + b"\n")
    problems: list = []
    raw = parse.read_bounded(path, "f.yaml", problems)
    assert (raw is None) == refused and len(problems) == int(refused)
    if not refused:
        assert raw is not None and len(raw) == size


# --- files the loader does not read -----------------------------------------------------------------------------

# (case, path inside the data directory, text, code, its line, fragments of the message; {d} is the data directory)
UNREAD = [
    ("records-at-root", "new-statements.yaml", "statements:\n  - id: st-new\n", "MISPLACED_RECORDS", 1,
     ("at the top of {d}/", "records under 'statements' belong in an incident file under {d}/incidents/")),
    ("txt-in-incidents", "incidents/notes.txt", "call the ministry\n", "UNREAD_FILE", 1,
     ("only .yaml and .yml files are read", "records belong in {d}/actors.yaml, {d}/sources.yaml")),
    ("yml-at-root", "extra.yml", "notes: [a, b]\n", "UNREAD_FILE", 1, ("actors.yaml, sources.yaml, places.yaml",)),
    ("upper-case-suffix", "incidents/late.YAML", "x: 1\n", "UNREAD_FILE", 1, ("lower-case suffixes",)),
    ("incident-in-subfolder", "incidents/2026/old.yaml", "incident:\n  id: old\nevents: []\n", "MISPLACED_RECORDS", 1,
     ("subfolders of {d}/incidents/", "records under 'incident', 'events' belong in an incident file under")),
    ("actors-in-other-folder", "drafts/actors.yaml", "# draft\nactors:\n  - id: land-z\n", "MISPLACED_RECORDS", 2,
     ("the folder {d}/drafts/ is not read", "records under 'actors' belong in {d}/actors.yaml")),
    ("mixed-kinds", "more.yaml", "places: []\nstatements: []\n", "MISPLACED_RECORDS", 1,
     ("'places' belong in {d}/places.yaml; records under 'statements' belong in an incident file",)),
    ("bomb-at-root", "laughs.yaml", BOMB, "MISPLACED_RECORDS", 10, ("records under 'incident' belong in",)),
    ("not-records", "todo.yaml", "todo: [call the ministry]\n", "UNREAD_FILE", 1, ("at the top of {d}/",)),
    ("binary", "incidents/photo.jpg", "\x00\xff\xd8 not text", "UNREAD_FILE", 1, ("only .yaml and .yml",)),
]


@pytest.mark.parametrize(("case", "rel", "text", "code", "line", "fragments"), UNREAD, ids=[c[0] for c in UNREAD])
def test_every_unread_file_is_named_with_where_records_belong(
    tmp_path: Path, case: str, rel: str, text: str, code: str, line: int, fragments: tuple[str, ...]
) -> None:
    data_dir = valid_copy(tmp_path)
    path = data_dir / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    dataset = load_dataset(data_dir)
    (problem,) = [p for p in dataset.problems if p.code in UNREAD_CODES]
    # A misplaced record file points at its first collection key; any other file at its start.
    assert (problem.path, problem.line, problem.col) == (display_path(path), line, 1)
    assert (problem.code, problem.severity) == (code, "warning")
    for fragment in fragments:
        assert fragment.format(d=display_path(data_dir)) in problem.message, problem.message
    assert dataset.errors == []
    assert_rest_loads(dataset)


def test_a_link_to_a_folder_is_reported_not_followed(tmp_path: Path) -> None:
    data_dir = valid_copy(tmp_path)
    (tmp_path / "elsewhere").mkdir()
    (data_dir / "incidents" / "linked").symlink_to(tmp_path / "elsewhere")
    (problem,) = [p for p in load_dataset(data_dir).problems if p.code in UNREAD_CODES]
    assert problem.path.endswith("incidents/linked") and "links to folders are not followed" in problem.message


def test_what_the_project_ships_under_data_is_exempt(tmp_path: Path) -> None:
    """README.md and geo/ (derived geodata) live there legitimately; records and the rest still load."""
    data_dir = valid_copy(tmp_path)
    shutil.copytree(DATA / "geo", data_dir / "geo")
    shutil.copy(DATA / "README.md", data_dir / "README.md")
    dataset = load_dataset(data_dir)
    assert [p for p in dataset.problems if p.code in UNREAD_CODES] == []
    assert_rest_loads(dataset)


@pytest.mark.parametrize("data_dir", [DATA, *sorted(p.parent for p in FIXTURES.glob("*/actors.yaml"))], ids=str)
def test_shipped_data_and_fixtures_have_no_unread_files(data_dir: Path) -> None:
    assert [str(p) for p in load_dataset(data_dir).problems if p.code in UNREAD_CODES] == []


def test_records_of_another_file_kind_say_where_they_belong(tmp_path: Path) -> None:
    data_dir = valid_copy(tmp_path)
    actors = data_dir / "actors.yaml"
    actors.write_text(actors.read_text() + "statements:\n  - id: st-lost\n", encoding="utf-8")
    (problem,) = [p for p in load_dataset(data_dir).errors if p.code == "SCHEMA"]
    assert "unexpected top-level key 'statements'" in problem.message
    assert problem.message.endswith(f"statements belong in an incident file under {display_path(data_dir)}/incidents/")


def test_a_stray_file_changes_the_cache_key(tmp_path: Path) -> None:
    """The app's cached load is keyed on every file under the data directory, so a new stray shows on rerun."""
    data_dir = valid_copy(tmp_path)
    before = fingerprint(data_dir)
    (data_dir / "new-statements.yaml").write_text("statements: []\n")
    assert fingerprint(data_dir) != before


# --- the app keeps rendering ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The valid fixture with all five: the bomb, an oversized file, a deep file, a misplaced YAML, a stray .txt."""
    data_dir = valid_copy(tmp_path_factory.mktemp("hostile"))
    incidents = data_dir / "incidents"
    (incidents / "bomb.yaml").write_text(BOMB)
    (incidents / "big.yaml").write_bytes(b"statements:\n" + b"#" * (parse.MAX_BYTES + 1) + b"\n")
    (incidents / "deep.yaml").write_text(nested(MAX_DEPTH + 1))
    (data_dir / "new-statements.yaml").write_text("statements:\n  - id: st-new\n")
    (incidents / "notes.txt").write_text("call the ministry\n")
    return data_dir


HOSTILE_MESSAGES = (
    "incidents/bomb.yaml:2:8: YAML_ALIAS",
    "incidents/big.yaml:1:1: FILE_TOO_LARGE",
    "incidents/deep.yaml:2:",  # the column is wherever the 21st bracket opens
    "new-statements.yaml:1:1: MISPLACED_RECORDS (warning)",
    "incidents/notes.txt:1:1: UNREAD_FILE (warning)",
)


@pytest.mark.parametrize("page", PAGES)
def test_app_renders_every_page_on_hostile_data_and_shows_each_message(hostile_data: Path, page: str) -> None:
    at = open_app(page, data_dir=hostile_data)
    assert not at.exception, [e.value for e in at.exception]
    (panel,) = [e for e in at.get("expander") if "error(s) in the data files" in e.label]
    assert "2 file(s) not read" in panel.label
    shown = "\n".join(c.value for c in at.code)
    for message in HOSTILE_MESSAGES:
        assert message in shown, (message, shown)
    assert "YAML_TOO_DEEP" in shown
    assert at.session_state["_app_context"].dataset.statements.keys() == {"st-claim", "st-denial"}


def test_the_readme_states_the_limits_the_loader_applies() -> None:
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## For curators")[1].split("\n## ")[0]
    assert f"a file over {parse.MAX_BYTES // 2**20} MB is not read" in section
    assert f"may nest at most {MAX_DEPTH} levels" in section
    assert "Only `data/README.md` and `data/geo/` are exempt." in section and parse.NOT_RECORDS == ("README.md", "geo")
