"""The frame imports every module the pages import, once, before a page runs (components.preload)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from components.preload import page_imports, preload

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import json\n", ["json"]),
        ("import os.path, csv\n", ["os.path", "csv"]),
        ("from components import map as mapview\n", ["components", "components.map"]),
        (
            "from incidents.model.records import Event, Statement\n",
            ["incidents.model.records", "incidents.model.records.Event", "incidents.model.records.Statement"],
        ),
        ("from . import sibling\n", []),  # relative: not a page's import
        ("def f():\n    import decimal\n", ["decimal"]),  # inside a function too
    ],
)
def test_page_imports(tmp_path: Path, source: str, expected: list[str]) -> None:
    (tmp_path / "page.py").write_text(source)
    assert page_imports(tmp_path) == expected


def test_every_module_a_page_imports_is_loaded_by_the_frame() -> None:
    """In a fresh interpreter: after the preload, every page import that is a module is already in sys.modules."""
    script = (
        "import sys; from pathlib import Path; from components.preload import page_imports, preload\n"
        "loaded = preload(Path('app_pages'))\n"
        "names = page_imports(Path('app_pages'))\n"
        "missing = [n for n in loaded if n not in sys.modules]\n"
        "assert not missing, missing\n"
        "assert 'components.map' in loaded and 'components.summaries' in loaded, loaded\n"
        "assert 'components.map.legend' in sys.modules\n"
        "print(len(loaded), len(names))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    loaded, named = map(int, done.stdout.split()[-2:])
    assert 30 < loaded < named  # the modules, not the names imported from them


def test_a_module_that_fails_to_import_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "page.py").write_text("import broken_for_preload_test\n")
    (tmp_path / "broken_for_preload_test.py").write_text("import no_such_module_anywhere\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError, match="no_such_module_anywhere"):
        preload(tmp_path / "pages")
