"""The house rules, checked: small modules and functions, reasoned type-ignores, the domain free of UI imports."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 80
CODE = sorted(
    path
    for pattern in (
        "app.py", "boot.py", "app_pages/*.py", "components/**/*.py", "incidents/**/*.py", "scripts/**/*.py",
    )
    for path in ROOT.glob(pattern)
)
# A `# type: ignore[...]` must say why on the same line, after the bracket.
BARE_IGNORE = re.compile(r"#\s*type:\s*ignore(\[[^\]]*\])?\s*$")


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path", CODE, ids=_name)
def test_module_is_small(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_MODULE_LINES, f"{_name(path)} has {lines} lines (at most {MAX_MODULE_LINES})"


@pytest.mark.parametrize("path", CODE, ids=_name)
def test_functions_are_small(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines, line {node.lineno})"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"{_name(path)}: functions over {MAX_FUNCTION_LINES} lines: {long}"


@pytest.mark.parametrize("path", CODE, ids=_name)
def test_type_ignores_give_a_reason(path: Path) -> None:
    bare = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if BARE_IGNORE.search(line)]
    assert not bare, f"{_name(path)}: '# type: ignore' without a reason on lines {bare}"


def test_the_rules_can_fail(tmp_path: Path) -> None:
    """The checks above catch what they are for (a rule that cannot fail checks nothing)."""
    body = "def f():\n" + "    x = 1\n" * MAX_FUNCTION_LINES + "    return x  # type: ignore[misc]\n"
    tree = ast.parse(body)
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef)
    assert function.end_lineno is not None and function.end_lineno - function.lineno + 1 > MAX_FUNCTION_LINES
    assert BARE_IGNORE.search(body.splitlines()[-1])
    assert not BARE_IGNORE.search("x = 1  # type: ignore[misc]  # pydeck has no stubs")


def _bare_expressions(source: str) -> list[int]:
    """Lines of expressions Streamlit's magic would draw: anything bare but a call, an await or a docstring."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Expr)
        and not isinstance(node.value, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom))
        and not (isinstance(node.value, ast.Constant) and isinstance(node.value.value, str))
    ]


def test_magic_is_off_and_no_page_needs_it() -> None:
    """`runner.magicEnabled = false` saves rewriting each page's script; it may only hide a bare expression."""
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["magicEnabled"] is False
    scripts = [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py"))]
    assert {str(p.relative_to(ROOT)): _bare_expressions(p.read_text()) for p in scripts} == {
        str(p.relative_to(ROOT)): [] for p in scripts
    }
    assert _bare_expressions('"""doc"""\nst.write(1)\nframe\n') == [3], "the check must see a bare name"
