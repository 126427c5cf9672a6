"""Long tables a page at a time, with a search box: a page sends PAGE_ROWS rows, never one element per record.

st.dataframe virtualises its rows in the browser, but an eager one still sends every row; at 1,000 incidents a
table of every record is megabytes. `matching` and `page_of` are plain pandas (tested directly); `paged` adds the
search box and page picker. `searched` is the search box alone, for a lazy table (`st.dataframe(lazy=True)`,
Streamlit 1.67): it sends its first LAZY_CHUNK rows and fetches the rest as the reader scrolls or sorts, with no
rerun, but in its first release it has no search of its own (nor selection, nor CSV download). A table whose rows
are picked (`on_select`) keeps the pager. A table kept whole for many views (`Rows`) keeps its recent searches'
hits (`SearchHits`).
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from typing import Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

PAGE_ROWS = 100
LAZY_CHUNK = 1_000  # Streamlit's: a lazy table sends this many rows first, and up to this many it stays eager
SEARCH_MAX = 200  # characters of a search (it is untrusted text, matched literally)


class Rows(Protocol):
    """A table that is not built whole until it must be (`components.timeline.TableRows`): its length, a run of its
    rows, the whole frame (for the CSV) and the rows a search finds, as rows of the same kind."""

    def __len__(self) -> int: ...

    def frame(self) -> pd.DataFrame: ...

    def take(self, start: int, stop: int) -> pd.DataFrame: ...

    def matching(self, query: str) -> Rows: ...


def search_text(query: str | None) -> str:
    """A search as it is matched: stripped and cut to SEARCH_MAX characters ("" for none)."""
    return (query or "").strip()[:SEARCH_MAX]


def hit_mask(frame: pd.DataFrame, query: str | None) -> npt.NDArray[np.bool_]:
    """For each row, whether any text column contains `query` (case-insensitive, literal); all True for none."""
    query = search_text(query)
    hits = np.ones(len(frame), dtype=bool) if not query else np.zeros(len(frame), dtype=bool)
    if not query or frame.empty:
        return hits
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            found = frame[column].astype(str).str.contains(query, case=False, regex=False, na=False)
            hits |= found.to_numpy(dtype=bool)
    return hits


def matching(frame: pd.DataFrame, query: str | None) -> pd.DataFrame:
    """The rows where any text column contains `query` (case-insensitive, literal); every row for an empty one."""
    if not search_text(query) or frame.empty:
        return frame
    return frame[hit_mask(frame, query)]


class SearchHits:
    """The hits (`hit_mask`) of the last few searches over one frame kept for many views and readers: paging
    through a search's results, or a view narrowed by a filter, reads them instead of matching every row again
    (copying a view's rows of a 45,000-row table and matching them cost 30-94 ms of each rerun while a search was
    in the box at 1,000 incidents). Shared by sessions, so guarded by a lock; bounded by `KEPT`."""

    KEPT = 8  # searches, each a byte a row (45 KB at 1,000 incidents)

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self._found: OrderedDict[str, npt.NDArray[np.bool_]] = OrderedDict()
        self._lock = threading.Lock()

    def hits(self, query: str) -> npt.NDArray[np.bool_]:
        """`hit_mask(self.frame, query)`, kept (never to be changed in place)."""
        key = search_text(query)
        with self._lock:
            found = self._found.get(key)
            if found is not None:
                self._found.move_to_end(key)
                return found
        made = hit_mask(self.frame, key)
        made.flags.writeable = False
        with self._lock:
            self._found[key] = made
            while len(self._found) > self.KEPT:
                self._found.popitem(last=False)
        return made


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
    if search_text(query):
        found = matching(frame, query) if isinstance(frame, pd.DataFrame) else frame.matching(query)
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
