"""The table of URL parameters (incidents/views/params.py) against the README's Linking tables, the app and the filters.

The README's tables are parsed cell by cell and checked both ways: every documented parameter is in the table with
the same repeatability, page, default and value text, and every parameter in the table is documented."""

from __future__ import annotations

import ast
import re

import pytest

from incidents.views.filtering import RECORD_KINDS, FilterValue
from incidents.views.params import (
    BY_NAME,
    LINKING_TABLES,
    MAX_TEXT,
    PARAMS,
    Scope,
    linking_rows,
    linking_tables,
    page_options,
)
from tests.conftest import ROOT

README = ROOT / "README.md"


def linking_section(text: str) -> str:
    """The README's "## Linking" section, up to the next second-level heading."""
    after = text.split("\n## Linking\n", 1)[1]
    return after.split("\n## ", 1)[0]


def markdown_tables(text: str) -> dict[str, list[dict[str, str]]]:
    """Each `#### heading` -> the rows of the first table under it, as {column: cell} with cells stripped."""
    tables: dict[str, list[dict[str, str]]] = {}
    for block in re.split(r"^#### ", text, flags=re.MULTILINE)[1:]:
        heading, _, body = block.partition("\n")
        lines: list[str] = []
        for line in body.splitlines():
            if line.startswith("|"):
                lines.append(line)
            elif lines:
                break
        rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in lines]
        if len(rows) < 2:
            continue
        header, separator, *cells = rows
        assert all(set(item) <= set("-: ") for item in separator), f"{heading}: no table separator"
        tables[heading.strip()] = [dict(zip(header, row, strict=True)) for row in cells]
    return tables


def readme_tables() -> dict[str, list[dict[str, str]]]:
    return markdown_tables(linking_section(README.read_text(encoding="utf-8")))


def documented() -> dict[str, dict[str, str]]:
    """Parameter name -> its README row (with the table's heading under "table")."""
    rows: dict[str, dict[str, str]] = {}
    for heading, table in readme_tables().items():
        for row in table:
            match = re.fullmatch(r"`([a-z_]+)`", row.get("Parameter", ""))
            assert match, f"{heading}: a row without a `parameter`: {row}"
            assert match.group(1) not in rows, f"{match.group(1)} is documented twice"
            rows[match.group(1)] = {**row, "table": heading}
    return rows


DOCUMENTED = documented()
TABLED = [param for param in PARAMS if not param.reserved]


def test_the_readme_has_every_linking_table() -> None:
    assert set(readme_tables()) >= {heading for heading, _, _ in LINKING_TABLES}


@pytest.mark.parametrize("name", list(DOCUMENTED))
def test_every_documented_parameter_is_in_the_table(name: str) -> None:
    assert name in BY_NAME, f"the README documents `{name}`, which incidents.views.params.PARAMS does not have"
    assert not BY_NAME[name].reserved, f"`{name}` is reserved, so it belongs in the prose, not in a table"


@pytest.mark.parametrize("param", TABLED, ids=lambda p: p.name)
def test_every_parameter_is_documented_in_its_table(param) -> None:
    assert param.name in DOCUMENTED, f"`{param.name}` is in PARAMS but not in the README's Linking tables"
    headings = [heading for heading, _, scopes in LINKING_TABLES if param.scope in scopes]
    assert DOCUMENTED[param.name]["table"] == headings[0]


@pytest.mark.parametrize("param", TABLED, ids=lambda p: p.name)
def test_documented_row_matches_the_table(param) -> None:
    row = DOCUMENTED[param.name]
    if "Repeatable" in row:
        assert row["Repeatable"] == ("yes" if param.repeatable else "no")
    else:  # Streamlit's own table says so in the value
        assert row["Value"].startswith("Repeatable") == param.repeatable
    if "Page" in row:
        assert row["Page"] == f"`/{param.page}`"
    if "Default" in row:
        assert row["Default"] == param.default_text
        if param.default is not None:
            assert f"`{param.default}`" in row["Default"]
    assert row["Value"] == param.doc


def test_reserved_parameters_are_mentioned_as_reserved() -> None:
    section = linking_section(README.read_text(encoding="utf-8"))
    for param in PARAMS:
        if param.reserved:
            assert re.search(rf"`{param.name}` is reserved", section), param.name


def test_rendered_tables_are_the_readme_tables() -> None:
    """linking_tables() renders exactly the README's cells, so its output can be pasted into the README."""
    rendered = markdown_tables(linking_tables())
    assert list(rendered) == [heading for heading, _, _ in LINKING_TABLES]
    assert rendered == {heading: readme_tables()[heading] for heading in rendered}


@pytest.mark.parametrize(("heading", "columns", "scopes"), LINKING_TABLES, ids=[t[0] for t in LINKING_TABLES])
def test_rendered_rows_cover_their_scopes(heading: str, columns: tuple[str, ...], scopes: tuple[Scope, ...]) -> None:
    rows = linking_rows(scopes, columns)
    names = [row[0] for row in rows]
    assert names == [f"`{p.name}`" for p in TABLED if p.scope in scopes]


# --- The table itself ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("param", [p for p in PARAMS if p.choices], ids=lambda p: p.name)
def test_every_choice_is_documented(param) -> None:
    for choice in param.choices:
        # The empty choice reads `layers=`; the default may be named in the Default cell instead.
        assert f"`{choice or param.name + '='}`" in param.doc + param.default_text, (param.name, choice)
    if param.default is not None:
        assert param.default in param.choices


def test_every_record_kind_is_documented() -> None:
    assert re.findall(r"`([a-z-]+)`", BY_NAME["kind"].doc) == list(RECORD_KINDS)


def test_search_limit_is_documented() -> None:
    assert BY_NAME["q"].max_length == MAX_TEXT
    assert f"at most {MAX_TEXT} characters" in BY_NAME["q"].doc


def test_shared_filters_fill_every_filter_field_once() -> None:
    fields = [param.field for param in PARAMS if param.field is not None]
    assert sorted(fields) == sorted(FilterValue.__dataclass_fields__)
    assert {param.scope for param in PARAMS if param.field is not None} == {"shared"}


@pytest.mark.parametrize("param", [p for p in PARAMS if p.field is not None], ids=lambda p: p.name)
def test_single_valued_filters_say_which_value_counts(param) -> None:
    assert param.repeatable == isinstance(getattr(FilterValue(), param.field), tuple)
    assert param.keeps in ("first", "last")


def app_url_paths() -> set[str]:
    """The url_path of every st.Page in app.py ("" for the default page)."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    paths = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page":
            keywords = {k.arg: k.value for k in node.keywords}
            path = keywords.get("url_path")
            paths.add(path.value if isinstance(path, ast.Constant) else "")
    return paths


def test_page_controls_belong_to_pages_of_the_app() -> None:
    paths = app_url_paths()
    assert {"timeline", "map", "claims"} <= paths
    for param in PARAMS:
        if param.scope == "page" and not param.reserved:
            assert param.page in paths, param.name
    assert set(page_options()) == {p.name for p in PARAMS if p.scope == "page" and p.choices}


def test_readme_lists_every_page_and_record_kind() -> None:
    section = linking_section(README.read_text(encoding="utf-8"))
    for path in app_url_paths():
        assert f"`/{path}`" in section, path
    for kind in RECORD_KINDS:
        assert f"`{kind}`" in section, kind
