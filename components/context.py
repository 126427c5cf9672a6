"""What app.py hands every page: the data, the filter, the filtered view and the share-link state."""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from incidents.history.timetravel import Travel
from incidents.model.dataset import Dataset
from incidents.views.filtering import FilterValue, View
from incidents.views.urlstate import Notice

CONTEXT_KEY = "_app_context"
# The pages (url_path) whose body reads neither the shared filter nor its view: a filter change there reruns app.py's
# sidebar fragment only. A page that starts reading `context.filter` or `context.view` must leave this set (a test
# holds it: tests/test_frame_app.py).
FILTER_FREE_PAGES = frozenset({"about", "patterns", "sources"})


def fragment_run() -> bool:
    """Whether this run is a fragment's alone (not the whole script)."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


@dataclass
class AppContext:
    """One run's shared state, stored in session state by app.py and read by every page through get_context."""

    dataset: Dataset
    filter: FilterValue
    view: View
    notices: list[Notice] = field(default_factory=list)
    # Where the records come from, and which version a link's `v` resolved to (the changes page reads both).
    data_dir: str = ""
    travel: Travel | None = None
    # Per-page parameters a page wants in its share link (e.g. map layers); filled while the page runs.
    page_params: dict[str, list[str]] = field(default_factory=dict)


def get_context() -> AppContext:
    """The context app.py stored for this run. Pages are only run through app.py's st.navigation."""
    context = st.session_state.get(CONTEXT_KEY)
    if context is None:
        st.error("This page must be opened through the app (streamlit run app.py).")
        st.stop()
    return context
