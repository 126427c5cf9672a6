"""Every module the pages import, imported once by the frame before any page runs.

The first sessions of a fresh replica open different pages at the same moment. Two threads that import the same
modules in different orders can deadlock on Python's per-module import locks: 30 sessions on a new replica raised
`_DeadlockError` on `components.map.legend` (the map page imports the `components.map` package while the timeline
page, through `components.summaries`, imports one of its modules). Imported in one order by the frame, under one
lock, the pages then find every module loaded.
"""

from __future__ import annotations

import ast
import functools
import importlib
import threading
from pathlib import Path

_LOCK = threading.Lock()


def page_imports(pages_dir: Path) -> list[str]:
    """The modules the page scripts import (a `from package import name` counts `package.name` when it is a
    module), in the order they are first named."""
    names: list[str] = []
    for script in sorted(pages_dir.glob("*.py")):
        for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"), filename=str(script))):
            if isinstance(node, ast.Import):
                names += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.append(node.module)
                names += [f"{node.module}.{alias.name}" for alias in node.names]
    return list(dict.fromkeys(names))


@functools.cache
def preload(pages_dir: Path) -> tuple[str, ...]:
    """Import every module the pages import, once per process; the names imported (a `from x import y` whose `y`
    is not a module is skipped)."""
    loaded = []
    with _LOCK:
        for name in page_imports(pages_dir):
            try:
                importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:  # a module that exists but fails to import is a real error
                    raise
                continue
            loaded.append(name)
    return tuple(loaded)
