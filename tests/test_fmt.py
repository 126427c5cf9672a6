"""`python -m incidents fmt`, `write-schemas`, the editors' schemas and the commit hooks, on copies of the data."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from incidents.curate.fmt import MODELINE_PREFIX, format_text, modeline
from incidents.load.parse import data_files

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "incidents", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def test_fmt_keeps_records_and_comments_and_is_idempotent(data_copy: Path) -> None:
    before = {path: path.read_text(encoding="utf-8") for path, _ in data_files(data_copy)}
    assert run("fmt", "--data-dir", str(data_copy)).returncode == 0
    for path, text in before.items():
        after = path.read_text(encoding="utf-8")
        assert yaml.load(after, Loader=yaml.CSafeLoader) == yaml.load(text, Loader=yaml.CSafeLoader), path
        assert set(comments(text)) - {c for c in comments(text) if c.startswith(MODELINE_PREFIX)} <= set(
            comments(after)
        ), path
        assert after.splitlines()[0].startswith(MODELINE_PREFIX)
        assert not [line for line in after.splitlines() if line != line.rstrip()], path
    check = run("fmt", "--check", "--data-dir", str(data_copy))
    assert check.returncode == 0, check.stdout


MESSY = "sources:\n-   id: a-source\n    title:   A title   \n    # a comment that must stay\n    reliability: B\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (MESSY, "sources:\n  - id: a-source\n    title: A title\n    # a comment that must stay\n    reliability: B\n"),
        ("# yaml-language-server: $schema=old.json\nsources: []\n", "sources: []\n"),
        ("sources:\n  - id: x\n    note: >-\n      folded text\n      kept as written\n", None),
    ],
)
def test_format_text_layout(text: str, expected: str | None) -> None:
    out = format_text(text, "# yaml-language-server: $schema=new.json")
    assert out.startswith("# yaml-language-server: $schema=new.json\n")
    assert out.count(MODELINE_PREFIX) == 1
    body = out.split("\n", 1)[1]
    assert body == (expected if expected is not None else text)
    assert format_text(out, "# yaml-language-server: $schema=new.json") == out


def test_fmt_check_lists_files_that_would_change_and_changes_nothing(data_copy: Path) -> None:
    target = data_copy / "actors.yaml"
    messy = target.read_text(encoding="utf-8").replace("\n  - id: aze\n", "\n  - id: aze   \n", 1)
    target.write_text(messy, encoding="utf-8")
    result = run("fmt", "--check", "--data-dir", str(data_copy))
    assert result.returncode == 1
    assert "actors.yaml: would be reformatted" in result.stdout
    assert target.read_text(encoding="utf-8") == messy


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("actors:\n  - &a {id: x}\n  - *a\n", "YAML_ALIAS"),
        ("actors: [\n", "YAML_SYNTAX"),
        ("actors:\n  - id: x\n    id: y\n", "DUPLICATE_KEY"),
    ],
)
def test_fmt_refuses_what_the_loader_refuses_and_leaves_the_file(data_copy: Path, text: str, code: str) -> None:
    target = data_copy / "actors.yaml"
    target.write_text(text, encoding="utf-8")
    result = run("fmt", str(target), "--data-dir", str(data_copy))
    assert result.returncode == 1
    assert code in result.stdout and "actors.yaml:" in result.stdout
    assert target.read_text(encoding="utf-8") == text


def test_modelines_point_at_the_schemas() -> None:
    for path, kind in data_files(DATA):
        line = modeline(path, DATA, kind)
        schema = (path.parent / line.removeprefix(MODELINE_PREFIX)).resolve()
        assert schema == ROOT / "schemas" / f"{kind}.schema.json"
        assert schema.is_file()


def test_schemas_are_current_and_stale_ones_are_caught(tmp_path: Path) -> None:
    assert run("write-schemas", "--check").returncode == 0
    out = tmp_path / "schemas"
    assert run("write-schemas", "--out", str(out)).returncode == 0
    (out / "places.schema.json").write_text("{}", encoding="utf-8")
    stale = run("write-schemas", "--check", "--out", str(out))
    assert stale.returncode == 1 and "places.schema.json: stale" in stale.stdout


def _as_json(value: object) -> object:
    return json.loads(json.dumps(value, default=lambda v: v.isoformat() if isinstance(v, dt.date) else str(v)))


@pytest.mark.parametrize(("kind", "path"), [(kind, path) for path, kind in data_files(DATA)])
def test_shipped_files_fit_their_schema_and_a_typo_does_not(kind: str, path: Path) -> None:
    schema = json.loads((ROOT / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))
    data = _as_json(yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader))
    jsonschema.Draft202012Validator(schema).validate(data)
    assert isinstance(data, dict)
    collection = next(key for key, value in data.items() if isinstance(value, list) and value)
    data[collection][0]["titel"] = "a typo an editor must underline"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(data)


def test_validate_only_reports_the_named_files(data_copy: Path) -> None:
    places = data_copy / "places.yaml"
    places.write_text(places.read_text(encoding="utf-8").replace("kind: airport", "kind: airfield", 1), "utf-8")
    everything = run("validate", str(data_copy))
    only_places = run("validate", str(data_copy), "--only", str(places))
    only_actors = run("validate", str(data_copy), "--only", str(data_copy / "actors.yaml"))
    assert everything.returncode == only_places.returncode == 1
    assert "places.yaml" in only_places.stdout and "SCHEMA" in only_places.stdout
    # (places.yaml may still be named in the review list of drafts; its SCHEMA error is not reported)
    assert only_actors.returncode == 0 and "SCHEMA" not in only_actors.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="the hooks run inside a git repository")
def test_commit_hooks_format_and_validate_the_touched_files(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("incidents", "data", "schemas"):
        shutil.copytree(ROOT / name, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / ".pre-commit-config.yaml", repo)
    (repo / ".venv").symlink_to(Path(sys.prefix))
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "GIT_CONFIG_GLOBAL": os.devnull}
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    actors = repo / "data/actors.yaml"
    actors.write_text(actors.read_text(encoding="utf-8").replace("\n  - id: aze\n", "\n  - id: aze   \n", 1), "utf-8")
    subprocess.run([*git, "add", "."], cwd=repo, check=True)
    hooks = [sys.executable, "-m", "pre_commit", "run", "--files", "data/actors.yaml"]
    messy = subprocess.run(hooks, cwd=repo, env=env, capture_output=True, text=True)
    assert messy.returncode == 1 and "files were modified by this hook" in messy.stdout, messy.stdout
    fixed = subprocess.run(hooks, cwd=repo, env=env, capture_output=True, text=True)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert (repo / "data/actors.yaml").read_text(encoding="utf-8").startswith(MODELINE_PREFIX)
    broken = repo / "data/actors.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("kind: state", "kind: nation", 1), "utf-8")
    failed = subprocess.run(hooks, cwd=repo, env=env, capture_output=True, text=True)
    assert failed.returncode == 1 and "SCHEMA" in failed.stdout


def test_the_shipped_data_is_in_the_canonical_layout() -> None:
    result = run("fmt", "--check")
    assert result.returncode == 0, result.stdout
