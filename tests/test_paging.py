"""Paging and search of long tables (components/paging.py): every row is on exactly one page."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

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


def _paged_both_ways() -> None:
    """A table as `Rows` (every third row of 1,000) and as the frame it stands for, paged side by side."""
    import numpy as np
    import pandas as pd
    import streamlit as st

    from components.paging import paged
    from components.timeline.table import TableRows

    full = pd.DataFrame({"Id": [f"r{i}" for i in range(1000)], "Record": [f"drone {i}" if i % 7 else f"x{i}"
                                                                        for i in range(1000)]})
    rows = TableRows(full, np.arange(0, 1000, 3, dtype=np.int64))
    st.session_state["from-rows"] = paged(rows, "rows").to_dict("list")
    st.session_state["from-frame"] = paged(rows.frame(), "frame").to_dict("list")
    st.session_state["index"] = paged(rows, "rows-again").index.tolist()


@pytest.mark.parametrize(("page", "query"), [(1, ""), (2, ""), (4, ""), (9, ""), (1, "x"), (2, "DRONE 9"), (1, "none")])
def test_rows_page_as_the_frame_they_stand_for(page: int, query: str) -> None:
    at = AppTest.from_function(_paged_both_ways)
    at.run()
    for key in ("rows", "frame"):
        at.text_input(key=f"{key}-search").set_value(query)
        at.number_input(key=f"{key}-page").set_value(min(page, at.number_input(key=f"{key}-page").max))
    at.run()
    assert not at.exception
    shown = at.session_state["from-rows"]
    assert shown == at.session_state["from-frame"]
    assert query or len(shown["Id"]) == (100 if page < 4 else 34)
    captions = [caption.value for caption in at.caption]
    assert len(captions) == 3 and captions[0] == captions[1]  # "Rows 101–200 of 334", the same either way
    assert at.session_state["index"] == list(range(100))  # the frame's own index, as `page_of` keeps it


_FULL = pd.DataFrame({"Id": [f"r{i}" for i in range(60)],
                      "Record": [f"Drone {i}" if i % 4 else f"claim [{i}]" for i in range(60)],
                      "Lane": ["Iran" if i % 5 == 0 else "aze" for i in range(60)]})


@pytest.mark.parametrize("query", ["", "drone", "CLAIM [", "iran", "1", "nothing like it", "  drone  "])
@pytest.mark.parametrize("positions", [None, list(range(0, 60, 3)), [], [7]])
def test_a_search_of_kept_rows_finds_what_a_search_of_their_frame_finds(
    query: str, positions: list[int] | None
) -> None:
    import numpy as np

    from components.paging import SearchHits
    from components.timeline.table import TableRows

    taken = None if positions is None else np.array(positions, dtype=np.int64)
    for rows in (TableRows(_FULL, taken), TableRows(_FULL, taken, SearchHits(_FULL))):
        found = rows.matching(query)
        want = matching(rows.frame(), query).reset_index(drop=True)
        assert found.frame().equals(want), (query, positions)
        assert len(found) == len(want)


def test_search_hits_are_kept_for_the_last_few_searches(monkeypatch: pytest.MonkeyPatch) -> None:
    from components import paging

    made: list[str | None] = []
    real = paging.hit_mask
    monkeypatch.setattr(paging, "hit_mask", lambda frame, query: made.append(query) or real(frame, query))
    searches = paging.SearchHits(_FULL)
    first = searches.hits("drone")
    assert searches.hits(" drone ") is first and made == ["drone"], "the same search (as matched): kept"
    assert not first.flags.writeable
    for number in range(paging.SearchHits.KEPT):
        searches.hits(f"claim [{number}")
    assert searches.hits("drone") is not first and made.count("drone") == 2, "past KEPT others: made again"
    assert len(searches._found) == paging.SearchHits.KEPT
