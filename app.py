"""Azerbaijan–Iran Incident Monitor: the frame (page config, cached load, URL-bound filters, navigation)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.context import CONTEXT_KEY, FILTER_FREE_PAGES, AppContext, fragment_run
from components.exports import render_exports
from components.filters import raw_query_params, render_share_link, share_link, shared_filters, url_notices
from components.preload import preload
from components.records import current as current_records
from components.records import data_dir
from components.report import render_data_problems, render_notices, render_review_notice
from components.timetravel import publish_feed, render_travel, shown_dataset, travel
from incidents.load.memory import QUIET, defer_full_collections
from incidents.views.filtering import apply_filter
from incidents.views.incidents_index import index_options
from incidents.views.params import page_options
from incidents.views.urlstate import link_version

ROOT = Path(__file__).parent
# Full collections wait for a quiet moment (Streamlit's own after every run is off in .streamlit/config.toml).
defer_full_collections()
QUIET.touch()
# The pages' modules, imported in one order before any page runs (concurrent first imports can deadlock).
preload(ROOT / "app_pages")

st.set_page_config(
    page_title="Azerbaijan–Iran Incident Monitor",
    page_icon=str(ROOT / "assets" / "icon.png"),
    layout="wide",
    # An embedded view (?embed=true) is the page alone; the sidebar (filters) stays one click away.
    initial_sidebar_state="collapsed" if st.context.is_embedded else "auto",
)


DATA_DIR = data_dir()
current = current_records(DATA_DIR)
# `v=<an older version>` shows that version's records, read from git; without the history, the current data.
time_travel = travel(str(DATA_DIR), link_version(raw_query_params()), current.version)
dataset, time_travel = shown_dataset(str(DATA_DIR), time_travel, current)
publish_feed(str(DATA_DIR), ROOT / "static")
# The pages' own URL values, checked here because their bound widgets drop unknown values without a word.
notices = url_notices(dataset, {**page_options(), **index_options(dataset)})
# What the sidebar fragment learns after it is drawn (the page, its URL): the same dict on its own reruns.
where: dict[str, str] = {}


@st.fragment
def sidebar_frame(where: dict[str, str]) -> DeltaGenerator:
    """The shared filters, the share link and the view's downloads: the sidebar pieces a filter change changes.

    A fragment, so a filter change on a page whose body reads neither the filter nor the view (`FILTER_FREE_PAGES`)
    reruns these alone; on every other page, or while the main area shows something the filter changes (URL
    notices, a pinned version's banner), it reruns the app. The filters stay bound in app.py (drawn, as before,
    ahead of `st.navigation`), so they keep their URL values across page switches. Returns the share link's slot,
    which the whole run fills after the page and a fragment rerun fills here."""
    alone = fragment_run()
    if alone:
        QUIET.touch()
    shown = st.session_state.get(CONTEXT_KEY) if alone else None
    # Only its own widgets (the filters) rerun this fragment alone; decided before drawing, so a page that follows
    # the filter is not sent the sidebar twice.
    if alone and (
        not isinstance(shown, AppContext) or where.get("page") not in FILTER_FREE_PAGES or shown.notices
        or time_travel.state != "current"
    ):
        st.rerun(scope="app")
    value, filter_notices = shared_filters(dataset, st.container())
    context = AppContext(
        dataset=dataset, filter=value, view=apply_filter(dataset, value),
        notices=list(dict.fromkeys(notices + filter_notices)), data_dir=str(DATA_DIR), travel=time_travel,
        # A fragment rerun keeps the page's own parameters: the page did not run again.
        page_params=shown.page_params if isinstance(shown, AppContext) else {},
    )
    st.session_state[CONTEXT_KEY] = context
    link_slot = st.empty()
    if alone:
        render_share_link(link_slot, share_link(where["base_url"], value, context.page_params, dataset.version))
    # The downloads' link is read at the click, when the page has added its own parameters.
    render_exports(
        context, lambda: share_link(where["base_url"], value, context.page_params, dataset.version), st.container()
    )
    return link_slot


with st.sidebar:
    link_slot = sidebar_frame(where)
context = st.session_state[CONTEXT_KEY]
value = context.filter

pages = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("app_pages/timeline.py", title="Timeline", icon=":material/timeline:", url_path="timeline"),
    st.Page("app_pages/map.py", title="Map", icon=":material/map:", url_path="map"),
    st.Page("app_pages/incidents.py", title="Incidents", icon=":material/table_rows:", url_path="incidents"),
    st.Page("app_pages/claims.py", title="Claims", icon=":material/balance:", url_path="claims"),
    st.Page("app_pages/patterns.py", title="Patterns", icon=":material/grid_view:", url_path="patterns"),
    st.Page("app_pages/sources.py", title="Sources", icon=":material/menu_book:", url_path="sources"),
    st.Page("app_pages/changes.py", title="Changes", icon=":material/history:", url_path="changes"),
    st.Page("app_pages/about.py", title="About", icon=":material/info:", url_path="about"),
]
navigation = st.navigation(pages)

base_url = st.context.url or f"http://localhost:8501/{navigation.url_path}"
where.update(page=navigation.url_path, base_url=base_url)
changes_url = base_url.removesuffix(navigation.url_path) + "changes"
# Drawn again after the page has run, so "this view on the current data" keeps the page's own controls too.
travel_slot = st.empty()
render_travel(travel_slot, time_travel, share_link(base_url, value, {}, current.version),
              share_link(changes_url, value, {}, dataset.version))
render_notices(context.notices)
render_data_problems(dataset)
render_review_notice(dataset)
# Filled before the page runs, so the link is there even if a page stops early; refreshed with its page params after.
render_share_link(link_slot, share_link(base_url, value, {}, dataset.version), key="share_link_early")
navigation.run()
render_travel(travel_slot, time_travel, share_link(base_url, value, context.page_params, current.version),
              share_link(changes_url, value, {}, dataset.version))
render_share_link(link_slot, share_link(base_url, value, context.page_params, dataset.version))
