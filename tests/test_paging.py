"""Paging and search of long tables (components/paging.py): every row is on exactly one page."""

from __future__ import annotations

import pandas as pd
import pytest

from components.paging import matching, page_count, page_of


@pytest.mark.parametrize(
    ("rows", "size", "pages"), [(0, 100, 1), (1, 100, 1), (100, 100, 1), (101, 100, 2), (250, 100, 3)]
)
def test_page_count(rows: int, size: int, pages: int) -> None:
    assert page_count(rows, size) == pages


@pytest.mark.parametrize("rows", [0, 1, 99, 100, 101, 250])
def test_paging_through_shows_every_row_once(rows: int) -> None:
    frame = pd.DataFrame({"Id": [f"r{i}" for i in range(rows)]})
    seen: list[str] = []
    for page in range(1, page_count(rows, 100) + 1):
        part = page_of(frame, page, 100)
        assert len(part) <= 100
        seen += list(part["Id"])
    assert seen == list(frame["Id"])


def test_a_page_past_the_end_is_the_last_page() -> None:
    frame = pd.DataFrame({"Id": [f"r{i}" for i in range(150)]})
    assert list(page_of(frame, 9, 100)["Id"]) == list(page_of(frame, 2, 100)["Id"])
    assert list(page_of(frame, 0, 100)["Id"]) == list(page_of(frame, 1, 100)["Id"])


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ("", ["a", "b", "c"]),
        ("drone", ["a", "c"]),
        ("DRONE", ["a", "c"]),  # case-insensitive
        ("[", ["b"]),  # literal, not a regular expression
        ("iran", ["c"]),  # any text column
        ("nothing like it", []),
    ],
)
def test_search_matches_any_text_column_literally(query: str, ids: list[str]) -> None:
    frame = pd.DataFrame(
        {"Id": ["a", "b", "c"], "Record": ["Drone hits", "Note [sic]", "drone claim"], "Lane": ["aze", "aze", "Iran"]}
    )
    assert list(matching(frame, query)["Id"]) == ids
