"""Issue 23, finding 9: bounds across a load. A text over the per-field limit, files over the total size and more
records than the total limit are located errors; the rest loads, in bounded time and memory."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from incidents.load import filecache, parse, pipeline
from incidents.load.parse import MAX_TEXT_CHARS, display_path
from incidents.load.pipeline import load_dataset
from tests.conftest import FIXTURES, ROOT

VALID = FIXTURES / "validation" / "valid"


def valid_copy(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(VALID, data)
    return data


def test_a_text_over_the_limit_is_located(tmp_path: Path) -> None:
    data = valid_copy(tmp_path)
    path = data / "incidents" / "fixture-incident.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: Fixture strike on Town X", "title: " + "x" * (MAX_TEXT_CHARS + 1), 1))
    dataset = load_dataset(data, cache=None)
    (problem,) = [str(p) for p in dataset.problems if p.code == "TEXT_TOO_LONG"]
    assert problem.startswith(f"{display_path(path)}:3:10: TEXT_TOO_LONG a text of 20,001 characters")
    assert "fixture-incident" not in dataset.incidents and "land-a" in dataset.actors
    path.write_text(text.replace("title: Fixture strike on Town X", "title: " + "x" * MAX_TEXT_CHARS, 1))
    assert "fixture-incident" in load_dataset(data, cache=None).incidents  # at the limit: read


def test_files_past_the_total_size_are_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = valid_copy(tmp_path)
    sizes = sum(p.stat().st_size for p in (data / "actors.yaml", data / "places.yaml", data / "sources.yaml"))
    monkeypatch.setattr(pipeline, "MAX_TOTAL_BYTES", sizes + 10)  # the incident file (read last) would pass it
    dataset = load_dataset(data, cache=None)
    (problem,) = [p for p in dataset.problems if p.code == "TOTAL_TOO_LARGE"]
    assert problem.path.endswith("fixture-incident.yaml") and "land-a" in dataset.actors
    assert not dataset.incidents


def test_records_past_the_total_are_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = valid_copy(tmp_path)
    monkeypatch.setattr(pipeline, "MAX_RECORDS", 6)  # 3 actors, 2 sources, 1 place; the incident file's 5 pass it
    dataset = load_dataset(data, cache=None)
    (problem,) = [p for p in dataset.problems if p.code == "TOO_MANY_RECORDS"]
    assert problem.path.endswith("fixture-incident.yaml") and len(dataset.actors) == 3 and not dataset.incidents
    monkeypatch.setattr(filecache, "MAX_RECORDS", 2)  # one file over the limit alone: refused before validation
    dataset = load_dataset(data, cache=None)
    assert any(p.code == "TOO_MANY_RECORDS" and p.path.endswith("actors.yaml") for p in dataset.problems)


def _limit_child() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))
    resource.setrlimit(resource.RLIMIT_CPU, (60, 60))


def test_a_million_records_are_refused_quickly(tmp_path: Path) -> None:
    """The finding's case: 1 M `- {}` records took 44 s and 2.5 GB to validate."""
    data = valid_copy(tmp_path)
    (data / "incidents" / "many.yaml").write_text("events:\n" + "  - {}\n" * 1_000_000, encoding="utf-8")
    assert parse.MAX_RECORDS < 1_000_000
    sink_path = tmp_path / "out.txt"
    start = time.perf_counter()
    with sink_path.open("wb") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "incidents", "validate", str(data)], cwd=ROOT,
                                stdout=sink, stderr=subprocess.STDOUT, preexec_fn=_limit_child)
        _pid, _status, usage = os.wait4(proc.pid, 0)  # this child's own peak memory
    elapsed = time.perf_counter() - start
    out = sink_path.read_bytes()
    assert b"many.yaml:1:1: TOO_MANY_RECORDS 1,000,000 records" in out, out[-2000:]
    assert elapsed < 30, f"{elapsed:.1f} s"
    assert usage.ru_maxrss * 1024 < 1_200 * 2**20, f"{usage.ru_maxrss / 1024:.0f} MB"  # was 2.5 GB
