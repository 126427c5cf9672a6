"""Shared fixtures: repository paths and small datasets built from YAML text."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

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
