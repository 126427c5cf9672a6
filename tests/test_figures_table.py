"""The claims page's figures: a static table, its cells escaped for the Markdown it renders, up to
`STATIC_ROWS_MAX` values; the grid beyond."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components.figures import COLUMNS, STATIC_ROWS_MAX, figures_table
from components.safe import md_escape


@pytest.mark.parametrize(
    "text",
    ["12", "**bold** claim", "[a link](https://example.org)", "![img](https://example.org/x.png)", "<b>tag</b>",
     "| pipe | cell |", "line\nbreak", "`code`", "ماشین", ""],
)
def test_every_cell_is_escaped_as_the_markdown_sinks_are(text: str) -> None:
    frame = pd.DataFrame([{column: text for column in COLUMNS}], columns=COLUMNS)
    shown = figures_table(frame)
    assert list(shown.columns) == COLUMNS
    assert shown.iloc[0].tolist() == [md_escape(text) if text else "—"] * len(COLUMNS)
    if any(mark in text for mark in "*[]!<`|"):
        assert shown.iloc[0, 0] != text  # something was escaped


def _figures(rows: int) -> None:
    import pandas as pd

    from components.figures import COLUMNS, show_figures

    show_figures(pd.DataFrame([{c: f"{c} {i}" for c in COLUMNS} for i in range(rows)], columns=COLUMNS))


@pytest.mark.parametrize(("rows", "static"), [(1, True), (STATIC_ROWS_MAX, True), (STATIC_ROWS_MAX + 1, False)])
def test_a_few_values_are_a_static_table_and_many_the_grid(rows: int, static: bool) -> None:
    at = AppTest.from_function(_figures, args=(rows,))
    at.run()
    assert not at.exception
    assert (len(at.table), len(at.dataframe)) == ((1, 0) if static else (0, 1))
    shown = (at.table[0] if static else at.dataframe[0]).value
    assert len(shown) == rows and shown.iloc[-1, 0] == f"Quantity {rows - 1}"
