"""Long tables a page at a time, with a search box: a page sends PAGE_ROWS rows, never one element per record.

st.dataframe virtualises its rows in the browser, but an eager one still sends every row; at 1,000 incidents a
table of every record is megabytes. `matching` and `page_of` are plain pandas (tested directly); `paged` adds the
search box and page picker. `searched` is the search box alone, for a lazy table (`st.dataframe(lazy=True)`,
Streamlit 1.67): it sends its first LAZY_CHUNK rows and fetches the rest as the reader scrolls or sorts, with no
rerun, but in its first release it has no search of its own (nor selection, nor CSV download). A table whose rows
are picked (`on_select`) keeps the pager.
"""

from __future__ import annotations

import math
from typing import Protocol

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

PAGE_ROWS = 100
LAZY_CHUNK = 1_000  # Streamlit's: a lazy table sends this many rows first, and up to this many it stays eager
SEARCH_MAX = 200  # characters of a search (it is untrusted text, matched literally)


class Rows(Protocol):
    """A table that is not built whole until it must be (`components.timeline.TableRows`): its length, a run of its
    rows, and the whole frame for a search."""

    def __len__(self) -> int: ...

    def frame(self) -> pd.DataFrame: ...

    def take(self, start: int, stop: int) -> pd.DataFrame: ...


def matching(frame: pd.DataFrame, query: str | None) -> pd.DataFrame:
    """The rows where any text column contains `query` (case-insensitive, literal); every row for an empty one."""
    query = (query or "").strip()[:SEARCH_MAX]
    if not query or frame.empty:
        return frame
    columns = [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]
    hits = pd.Series(False, index=frame.index)
    for column in columns:
        hits |= frame[column].astype(str).str.contains(query, case=False, regex=False, na=False)
    return frame[hits]


def page_count(rows: int, size: int = PAGE_ROWS) -> int:
    """Pages needed for `rows` rows (at least one, so an empty table still has a page 1)."""
    return max(1, math.ceil(rows / size))


def _bounds(page: int, size: int, rows: int) -> tuple[int, int]:
    """First and past-the-last row of the 1-based `page`, clamped to the pages there are."""
    page = min(max(page, 1), page_count(rows, size))
    return (page - 1) * size, page * size


def page_of(frame: pd.DataFrame, page: int, size: int = PAGE_ROWS) -> pd.DataFrame:
    """Rows of the 1-based `page`, clamped to the pages there are."""
    start, stop = _bounds(page, size, len(frame))
    return frame.iloc[start:stop]


def _search_box(where: DeltaGenerator | None, key: str, noun: str) -> str:
    """The search box of `paged` and `searched` (one widget, one key: `<key>-search`), in `where` or in place."""
    text_input = st.text_input if where is None else where.text_input
    return text_input(
        f"Search the {noun}", key=f"{key}-search", max_chars=SEARCH_MAX, placeholder="words in any column"
    )


def paged(frame: pd.DataFrame | Rows, key: str, noun: str = "rows", size: int = PAGE_ROWS) -> pd.DataFrame:
    """The page of `frame` to show, after a search box and a page picker (both only when there is more than one
    page's worth). Widget keys: `<key>-search`, `<key>-page`. Of `Rows`, only the page's rows are built unless
    the reader searches."""
    if len(frame) <= size:
        return frame if isinstance(frame, pd.DataFrame) else frame.frame()
    search_column, page_column = st.columns([3, 1], vertical_alignment="bottom")
    query = _search_box(search_column, key, noun)
    found: pd.DataFrame | Rows = frame
    if (query or "").strip():  # a search reads every row: only then is the whole frame built
        found = matching(frame if isinstance(frame, pd.DataFrame) else frame.frame(), query)
    pages = page_count(len(found), size)
    page_key = f"{key}-page"
    # A narrower search can leave the stored page past the last one; clamp it before the widget reads it.
    if int(st.session_state.get(page_key) or 1) > pages:
        st.session_state[page_key] = pages
    page = int(page_column.number_input(f"Page (of {pages})", min_value=1, max_value=pages, step=1, key=page_key))
    if isinstance(found, pd.DataFrame):
        rows = page_of(found, page, size)
    else:
        rows = found.take(*_bounds(page, size, len(found)))
    first = (page - 1) * size + 1 if len(found) else 0
    shown = f"{first}–{first + len(rows) - 1}" if len(rows) else "none"
    st.caption(f"{noun.capitalize()} {shown} of {len(found)}" + (f" matching, {len(frame)} in all" if query else ""))
    return rows


def searched(frame: pd.DataFrame, key: str, noun: str = "rows", size: int = PAGE_ROWS) -> pd.DataFrame:
    """The rows of `frame` matching a search box (shown only past `size` rows), with a caption of the count, for
    a lazy table: the server-side search the lazy frame lacks. Widget key: `<key>-search`."""
    if len(frame) <= size:
        return frame
    query = _search_box(None, key, noun)
    found = matching(frame, query)
    more = f"; the first {LAZY_CHUNK} are sent, the rest as you scroll" if len(found) > LAZY_CHUNK else ""
    st.caption(
        f"{len(found)} {noun}" + (f" matching, {len(frame)} in all" if query else "") + more
        + " (sort by a column's header: the whole table is sorted)"
    )
    return found
