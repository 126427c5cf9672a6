"""A floor of `make bench-e2e`: the monitor's frame alone (config, cached load, sidebar filters, notices, share
link, exports, navigation) around one empty page.

Bench-only: it runs app.py itself, unchanged, with `st.Page` and `st.navigation` swapped in this process only,
so app.py's nine pages become one page that draws a title and nothing else. What the frame costs on every page is
what this app costs over the bare app.
"""

import runpy
from pathlib import Path
from typing import Any

import streamlit as st

ROOT = Path(__file__).resolve().parents[1]


def empty_page() -> None:
    st.title("Empty page")


def _page_placeholder(page: Any, **kwargs: Any) -> None:
    """app.py's page list is thrown away below; its file paths would not resolve from bench/."""
    return None


def _frame_only_navigation(pages: Any, **kwargs: Any) -> Any:
    return st._bench_navigation([st._bench_page(empty_page, title="Overview", default=True)], **kwargs)  # type: ignore[attr-defined]


# Once per process (the script reruns; sessions run it in parallel threads): keep the real ones, swap for good.
if not hasattr(st, "_bench_navigation"):
    st._bench_navigation, st._bench_page = st.navigation, st.Page  # type: ignore[attr-defined]
    st.navigation, st.Page = _frame_only_navigation, _page_placeholder  # type: ignore[assignment]

runpy.run_path(str(ROOT / "app.py"), run_name="__main__")
