"""The shared sidebar filters, bound to the URL, and the share-link control."""

from __future__ import annotations

from collections.abc import Collection, Mapping

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.safe import md_escape
from incidents.model.dataset import Dataset
from incidents.views.filtering import RECORD_KINDS, FilterValue, record_choices
from incidents.views.params import BY_NAME
from incidents.views.urlstate import (
    DATE_MAX,
    DATE_MIN,
    Notice,
    filter_value,
    from_params,
    link_params,
    normalise,
    query_string,
)

NOTICES_KEY = "_url_notices"


def _key(name: str) -> str:
    """A shared filter's widget key: its URL parameter, as the table names it (a bound widget's key is its param)."""
    return BY_NAME[name].name


def raw_query_params() -> dict[str, list[str]]:
    """Every query parameter with all its values, read before any widget rewrites the URL."""
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _clear_notices() -> None:
    st.session_state.pop(NOTICES_KEY, None)


def url_notices(dataset: Dataset, page_options: Mapping[str, Collection[str]] | None = None) -> list[Notice]:
    """Notices for the URL this session was opened with; kept until the user changes a filter."""
    raw = raw_query_params()
    record_ids = dataset.derive("record-ids", lambda: set(dataset.events) | set(dataset.statements))
    _, notices = from_params(
        raw,
        actor_ids=dataset.actors.keys(),
        incident_ids=dataset.incidents.keys(),
        record_ids=record_ids,
        page_options=page_options,
    )
    if notices:
        st.session_state[NOTICES_KEY] = notices
    return st.session_state.get(NOTICES_KEY, [])


def shared_filters(dataset: Dataset, parent: DeltaGenerator | None = None) -> tuple[FilterValue, list[Notice]]:
    """Render the URL-bound filters into `parent` (default the sidebar) and return their value.

    app.py draws them inside its sidebar fragment, whose widgets must sit in the fragment's own container.
    Option labels are the ids themselves, because a bound widget writes its label into the URL.
    """
    sidebar = parent if parent is not None else st.sidebar
    sidebar.header("Filters")
    widgets: dict[str, object] = {}
    for column, label, name in zip(sidebar.columns(2), ("From", "To"), ("from", "to"), strict=True):
        widgets[name] = column.date_input(
            label, value=None, key=_key(name), bind="query-params", format="YYYY-MM-DD", on_change=_clear_notices,
            min_value=DATE_MIN, max_value=DATE_MAX,
        )
    actor_names = {actor.id: actor.name for actor in dataset.actors.values()}
    widgets["actor"] = tuple(
        sidebar.multiselect(
            "Actors (includes bodies below them)",
            sorted(dataset.actors),
            key=_key("actor"),
            bind="query-params",
            placeholder="All actors",
            help="Ids as in the data. " + "; ".join(f"{i} = {md_escape(n)}" for i, n in sorted(actor_names.items())),
            on_change=_clear_notices,
        )
    )
    widgets["kind"] = tuple(
        sidebar.multiselect(
            "Record kinds",
            list(RECORD_KINDS),
            key=_key("kind"),
            bind="query-params",
            placeholder="All kinds",
            on_change=_clear_notices,
        )
    )
    text = sidebar.text_input(
        "Search text",
        key=_key("q"),
        bind="query-params",
        max_chars=BY_NAME["q"].max_length,
        placeholder="titles, quotes, summaries",
        on_change=_clear_notices,
    )
    widgets["q"] = (text or "").strip()
    widgets["incident"] = sidebar.selectbox(
        "Incident",
        sorted(dataset.incidents),
        index=None,
        key=_key("incident"),
        bind="query-params",
        placeholder="Most recent",
        on_change=_clear_notices,
    )
    current = st.session_state.get(_key("rec")) or st.query_params.get(_key("rec"))
    incident = widgets["incident"]
    choices = record_choices(dataset, incident if isinstance(incident, str) else None, current)
    many = len(choices) < len(dataset.events) + len(dataset.statements)
    widgets["rec"] = sidebar.selectbox(
        "Selected record",
        choices,
        help="The records of the chosen incident (or of the most recent one): pick an incident to choose among "
        "its records." if many else None,
        index=None,
        key=_key("rec"),
        bind="query-params",
        placeholder="None",
        on_change=_clear_notices,
    )
    return normalise(filter_value(widgets))


def share_link(base_url: str, value: FilterValue, page_params: dict[str, list[str]], version: str) -> str:
    """Rebuild the view's URL from the bound values (st.context.url carries no query string)."""
    return f"{base_url}?{query_string(link_params(value, page_params, version))}"


def render_share_link(slot: DeltaGenerator, url: str, key: str = "share_link") -> None:
    """Draw the share link into a sidebar slot (an `st.empty`), replacing what was there."""
    # In a popover: its body is drawn only when opened, and `st.code` (kept for its copy button) loads the syntax
    # highlighter, which cost every page 0.7-0.9 s cold in chromium when drawn open (bench/PROFILE.md).
    with slot.container(key=key), st.popover("Copy link to this view", icon=":material/link:", width="stretch"):
        st.code(url, language=None, wrap_lines=True)
        st.caption("The link pins the data version (v): opening it later shows the data as it was then.")
