"""A temporary git repository with known data versions, built by the tests (never this repository's history).

Version 1 is a copy of the shipped data. Version 2 revises the prosecutor's injured figure (4 → 6), resolves the
`fourth-drone` discrepancy, renames `aze` and drops Tehran's accusation of Israeli intelligence (so
`israeli-intel` loses its only assertion). A last commit edits only the data README, which is not a new version.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
INCIDENT_FILE = "incidents/nakhchivan-2026-03-05.yaml"
RENAMED = "Azerbaijan (renamed)"  # the short name of `aze` at version 2: a change that names no incident
DROPPED_STATEMENT = "irn-accuses-baku"  # Tehran's accusation of Israeli intelligence, kept as context


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True, env=env)
    return done.stdout


def _revise(data: dict[str, Any]) -> None:
    for statement in data["statements"]:
        if statement["id"] == "prosecutor-injured":
            statement["figures"][0]["value"] = 6
    data["statements"] = [s for s in data["statements"] if s["id"] != DROPPED_STATEMENT]
    for statement in data["statements"]:
        if DROPPED_STATEMENT in statement.get("responds_to", []):
            statement["responds_to"].remove(DROPPED_STATEMENT)
    for item in data["discrepancies"]:
        if item["id"] == "fourth-drone":
            item.update(status="resolved", resolved_by=["article-2026-03-06"], resolved_on="2026-11-30")


def build(repo: Path) -> Path:
    """Build the repository at `repo` and return its data directory."""
    data = repo / "data"
    shutil.copytree(ROOT / "data", data)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "First version: the shipped data")
    path = data / INCIDENT_FILE
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    _revise(loaded)
    path.write_text(yaml.safe_dump(loaded, allow_unicode=True, sort_keys=False), encoding="utf-8")
    actors = data / "actors.yaml"
    actors.write_text(actors.read_text(encoding="utf-8").replace(
        "    short_name: Azerbaijan\n", f"    short_name: {RENAMED}\n", 1), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "Injured revised to 6; fourth drone resolved; accusation dropped")
    (data / "README.md").write_text("Edited.\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "README only")
    return data
