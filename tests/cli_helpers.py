"""What the command-line tests share: a copy of the shipped data laid out as a repository, running a command and
capturing its output, and the number the next page source takes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from incidents.cli import main
from tests.conftest import DATA


def shipped_copy(tmp_path: Path) -> Path:
    """A copy of the shipped data in `<tmp>/repo/data`, so the repository root is `<tmp>/repo` (no stored copies
    beside it, as on a clean clone)."""
    target = tmp_path / "repo" / "data"
    shutil.copytree(DATA, target)
    return target


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """`python -m incidents ARGV` in this process: its status, stdout and stderr."""
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def next_page_number(data_dir: Path) -> int:
    """The number a new page source takes: one after the highest `<outlet>-<NNN>` in sources.yaml (not ref-*)."""
    text = (data_dir / "sources.yaml").read_text(encoding="utf-8")
    return max(int(n) for n in re.findall(r"^  - id: (?!ref-)[a-z0-9.-]+-(\d{3})$", text, re.M)) + 1
