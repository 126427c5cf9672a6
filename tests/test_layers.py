"""The house's rules: the domain in packages by stage, imports one way, no import cycle anywhere.

The directions are written once, in `.importlinter` (import-linter's contracts, run by `lint-imports`); these tests
run it on the tree, show that an arrow added the wrong way breaks it, and check what it cannot see.
"""

from __future__ import annotations

import ast
import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from tests.conftest import ROOT

CONTRACTS = ROOT / ".importlinter"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("incidents", "components")
SCRIPT_DIRS = ("app_pages", "scripts", "bench")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` on the tree under `root`, as `make test` runs it."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(root / ".importlinter")],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_contracts_hold_on_the_tree() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


# (what is added, to which module, the contract it breaks)
WRONG_WAY = [
    ("from incidents.views import filtering", "incidents/model/fields.py", "stages run one way"),
    ("from incidents.evidence import comparison", "incidents/load/parse.py", "stages run one way"),
    ("from incidents.curate import fmt", "incidents/history/feed.py", "stages run one way"),
    ("from incidents.load import pipeline", "incidents/load/parse.py", "load path runs one way"),
    ("import streamlit", "incidents/views/params.py", "never imports a UI library"),
    ("from components import safe", "incidents/text.py", "never imports a UI library"),
    ("from components.timeline import figure", "components/timeline/style.py", "cycle"),
]


@pytest.mark.parametrize(("statement", "module", "broken"), WRONG_WAY, ids=[case[1] for case in WRONG_WAY])
def test_an_arrow_added_the_wrong_way_breaks_a_contract(
    tmp_path: Path, statement: str, module: str, broken: str
) -> None:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(CONTRACTS, tmp_path / ".importlinter")
    assert lint_imports(tmp_path).returncode == 0  # the copy holds before the edit
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{statement}  # noqa\n", encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode != 0, result.stdout
    broken_lines = [line for line in result.stdout.splitlines() if line.rstrip().endswith("BROKEN")]
    assert any(broken in line for line in broken_lines), result.stdout


def _layers() -> dict[str, list[str]]:
    config = configparser.ConfigParser()
    config.read(CONTRACTS, encoding="utf-8")
    found = {}
    for section in config.sections():
        if config.get(section, "type", fallback="") == "layers":
            container = config.get(section, "containers").strip()
            names = [n.strip() for line in config.get(section, "layers").split("\n") for n in line.split("|")]
            found[container] = [n for n in names if n]
    return found


def test_every_layer_names_a_module_that_exists() -> None:
    """grimp ignores a layer name that does not exist; a renamed stage must not silently leave the contract."""
    layers = _layers()
    assert set(layers) == {"incidents", "incidents.load"}
    for container, names in layers.items():
        base = ROOT / container.replace(".", "/")
        for name in names:
            assert (base / name / "__init__.py").is_file() or (base / f"{name}.py").is_file(), f"{container}.{name}"


def test_the_domain_is_in_packages_by_stage() -> None:
    top = ROOT / "incidents"
    loose = sorted(p.name for p in top.glob("*.py"))
    packages = sorted(p.name for p in top.iterdir() if (p / "__init__.py").is_file())
    assert len(loose) <= 8, loose
    assert len(packages) >= 4, packages
    for package in packages:
        doc = ast.get_docstring(ast.parse((top / package / "__init__.py").read_text(encoding="utf-8")))
        assert doc, f"incidents/{package}/__init__.py says what it holds"
        if package not in ("cli", "synth"):
            assert "May import" in doc, f"incidents/{package}/__init__.py says what it may import"
    init = ast.parse((top / "__init__.py").read_text(encoding="utf-8"))
    assert not [n for n in init.body if isinstance(n, ast.Import | ast.ImportFrom)], "importing a model loads nothing"


def _module_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's, iterative: the graph has hundreds)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in graph.modules:
                    continue
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component))
    return cycles


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for module in ("a", "a.x", "a.y", "a.z"):
        graph.add_module(module)
    graph.add_import(importer="a.x", imported="a.y")
    graph.add_import(importer="a.y", imported="a.z")
    graph.add_import(importer="a.z", imported="a.x")
    assert _module_cycles(graph) == [["a.x", "a.y", "a.z"]]


def test_no_import_cycle_between_modules() -> None:
    """Module by module, `TYPE_CHECKING` imports included: no cycle in incidents/, components/ or scripts/geodata/."""
    graph = grimp.build_graph(*PACKAGES, "scripts.geodata", exclude_type_checking_imports=False, cache_dir=None)
    assert "scripts.geodata.derived" in graph.find_modules_directly_imported_by("scripts.geodata.build")
    assert _module_cycles(graph) == []


def _imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, module, names) of every import statement of a file, relative ones resolved against its package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            found.append((node.lineno, module, [alias.name for alias in node.names]))
    return found


def _python_files() -> list[Path]:
    files = [ROOT / "app.py", ROOT / "boot.py"]
    for folder in (*PACKAGES, *SCRIPT_DIRS):
        files += sorted((ROOT / folder).rglob("*.py"))
    return files


def test_no_module_imports_a_sibling_through_its_own_package() -> None:
    """`from components.map import background` inside components/map runs the package's __init__, which imports the
    module back: import the defining module by its full name instead."""
    offenders = []
    for path in _python_files():
        parts = path.relative_to(ROOT).with_suffix("").parts
        ancestors = {".".join(parts[:depth]) for depth in range(1, len(parts))}
        if parts[-1] == "__init__":
            ancestors.discard(".".join(parts[:-1]))
        for line, module, names in _imports(path):
            if names and module in ancestors:
                offenders.append(f"{path.relative_to(ROOT)}:{line}: from {module} import {', '.join(names)}")
    assert offenders == []


def test_pages_and_scripts_are_leaves() -> None:
    """Nothing outside them imports app.py, a page, a script or a benchmark, so those can close no cycle with the
    packages (scripts/geodata is a package of its own: the cycle test covers it)."""
    offenders = []
    for path in _python_files():
        home = path.relative_to(ROOT).parts[0]
        for line, module, _ in _imports(path):
            if module.split(".")[0] in ("app", *SCRIPT_DIRS) and home not in SCRIPT_DIRS:
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {module}")
    assert offenders == []
