"""Shared fixtures: repository paths and small datasets built from YAML text."""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.versions_repo import build

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture
def write_data(tmp_path: Path) -> Callable[..., Path]:
    """Write a data directory from YAML strings: write_data(actors=..., sources=..., incidents={name: text})."""

    def write(**files: str | dict[str, str]) -> Path:
        root = tmp_path / "data"
        (root / "incidents").mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            if name == "incidents":
                assert isinstance(text, dict)
                for file_name, body in text.items():
                    (root / "incidents" / file_name).write_text(textwrap.dedent(body), encoding="utf-8")
            else:
                assert isinstance(text, str)
                (root / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return write


@pytest.fixture(scope="module")
def repo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temporary git repository with known data versions (`tests.versions_repo`), one per test module; its data
    directory."""
    return build(tmp_path_factory.mktemp("repo"))


@pytest.fixture(autouse=True, scope="session")
def _session_caches(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The parse cache (with its snapshots and columns) and the versions' cache in the session's own folders, unless
    the environment names them: a test run neither reads a curator's caches nor writes into them, and every run
    starts from empty ones as a clean clone does. Tests that need a cache of their own still set one; subprocesses
    (the browser tests' servers, the load's worker) inherit these."""
    with pytest.MonkeyPatch.context() as patch:
        for variable, folder in (("INCIDENTS_PARSE_CACHE", "parse-cache"), ("INCIDENTS_CACHE_DIR", "versions-cache")):
            if not os.environ.get(variable):
                patch.setenv(variable, str(tmp_path_factory.mktemp(folder)))
        yield


@pytest.fixture(autouse=True)
def _own_archive(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets an empty page archive of its own (`incidents.curate.archive`): a curator's real archive on
    this machine must never make a quote checked, nor a test write into it. Subprocesses inherit it."""
    monkeypatch.setenv("INCIDENTS_ARCHIVE_DIR", str(tmp_path_factory.mktemp("archive")))


@pytest.fixture(autouse=True)
def _restore_data_dir_env():
    """AppTest reads INCIDENTS_DATA_DIR from the environment; never let one test's choice leak into the next."""
    previous = os.environ.get("INCIDENTS_DATA_DIR")
    yield
    if previous is None:
        os.environ.pop("INCIDENTS_DATA_DIR", None)
    else:
        os.environ["INCIDENTS_DATA_DIR"] = previous


@pytest.fixture
def records_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the monitor fixture as the app's data, with its own parse cache and an empty shared records cache
    (`components.records`)."""
    from components import records

    copied = tmp_path / "data"
    shutil.copytree(FIXTURES / "monitor", copied)
    monkeypatch.setenv("INCIDENTS_DATA_DIR", str(copied))
    monkeypatch.setenv("INCIDENTS_PARSE_CACHE", str(tmp_path / "cache"))
    records.load.clear()
    yield copied
    records.load.clear()


def open_app(
    page: str | None = None,
    params: Mapping[str, list[str] | str] | None = None,
    data_dir: Path | None = None,
    state: Mapping[str, Any] | None = None,
):
    """Run app.py under AppTest on `data_dir` (the shipped data when None), then switch to `app_pages/<page>.py`.

    `state` is set in session state (e.g. an injected chart selection) followed by one more run.
    """
    from streamlit.testing.v1 import AppTest

    if data_dir is None:
        os.environ.pop("INCIDENTS_DATA_DIR", None)
    else:
        os.environ["INCIDENTS_DATA_DIR"] = str(data_dir)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    if page and page != "overview":
        at.switch_page(f"app_pages/{page}.py").run()
    for key, value in (state or {}).items():
        at.session_state[key] = value
    if state:
        at.run()
    return at
