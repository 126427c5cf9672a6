"""Map: the Azerbaijan–Iran border, the Nakhchivan exclave and every located record; click a marker for its card."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from components import map as mapview
from components import responsive
from components.cards import render_event_card, render_statement_card
from components.context import CONTEXT_KEY, get_context
from components.paging import paged
from components.safe import md_escape
from components.summaries import map_summary
from incidents.model.records import Event
from incidents.views.geometry import GeoData, load_geo
from incidents.views.mapping import MAP_GROUP_THRESHOLD, events_sharing_place, grouped_by_place, readout_impacts
from incidents.views.urlstate import to_params

CHART_KEY = "map_chart"
MAX_PICK_BUTTONS = 12  # more events than this are listed in a paged table, not one button each
MAX_UNLOCATED_NAMED = 20
FIT_KEY = "_map_fit"
# The incident the map was last framed on: a new `incident=` (a link, the sidebar) frames the map on its places once.
FRAMED_KEY = "_map_framed"
GEO_DIR = Path(__file__).resolve().parents[1] / "data" / "geo"


@st.cache_resource
def _geo() -> GeoData:
    """The shipped boundary files (never fetched at run time). Shared read-only across sessions."""
    return load_geo(GEO_DIR)


def _on_map_select() -> None:
    """Make a clicked marker the app's selection, so the sidebar and the URL (`incident`, `rec`) follow."""
    row = mapview.selected_object(st.session_state.get(CHART_KEY))
    context = st.session_state.get(CONTEXT_KEY)  # the previous run's; callbacks run before the script
    if row is None or context is None or not (row.get("rec") or row.get("place_id")):
        return  # a click on empty map, or on the gap measurement (no record), keeps the current selection
    record_id, incident_id = mapview.selection_ids(context.dataset, row)
    # A click selects; it does not move the map (the Fit button frames a selection on request).
    st.session_state[FRAMED_KEY] = incident_id or st.session_state.get(FRAMED_KEY)
    _select(record_id, incident_id)


def _select(record_id: str | None, incident_id: str | None) -> None:
    if incident_id:
        st.session_state["incident"] = incident_id
    st.session_state["rec"] = record_id


def _fit(view_state: dict[str, float]) -> None:
    # The chart applies only the initialViewState keys that changed, so every other fit nudges all three by a
    # hair (~1 m, 0.001 zoom): a repeated fit then also undoes a pan or zoom made by hand.
    count = st.session_state.get("_map_fit_count", 0) + 1
    st.session_state["_map_fit_count"] = count
    nudge = count % 2
    st.session_state[FIT_KEY] = {
        "latitude": view_state["latitude"] + nudge * 1e-5,
        "longitude": view_state["longitude"] + nudge * 1e-5,
        "zoom": view_state["zoom"] + nudge * 1e-3,
    }


def _pick_button(container: Any, event: Event) -> None:
    """A button that selects another record (its label is record text, so escaped: buttons render Markdown)."""
    container.button(
        md_escape(event.title[:80]), key=f"map-pick-{event.id}", on_click=_select, args=(event.id, event.incident)
    )


def _pick_list(container: Any, events: list[Event], key: str) -> None:
    """A button per event when few; else a paged, searchable table whose picked row selects the event."""
    if len(events) <= MAX_PICK_BUTTONS:
        for event in events:
            _pick_button(container, event)
        return
    frame = pd.DataFrame(
        {
            "When": [e.when.label() for e in events],
            "Event": [e.title for e in events],
            "Type": [e.type for e in events],
            "Id": [e.id for e in events],
        }
    )
    with container:
        page = paged(frame, key, "events")
        table_key = f"{key}-table"

        def _on_pick() -> None:
            rows = st.session_state[table_key]["selection"]["rows"]
            if rows and 0 <= rows[0] < len(page):
                picked = dataset.events.get(str(page.iloc[rows[0]]["Id"]))
                if picked is not None:
                    _select(picked.id, picked.incident)

        st.dataframe(
            page, hide_index=True, width="stretch", on_select=_on_pick, selection_mode="single-row", key=table_key
        )
        st.caption("Pick a row to see that event.")


def _reset_view() -> None:
    # Set (not pop) the initial frame, so the map moves back even when it was panned by hand.
    _fit(mapview.initial_view_state(_geo()))


context = get_context()
dataset, view, chosen = context.dataset, context.view, context.filter
geo = _geo()

responsive.apply_stylesheet()  # on a phone the layer pills wrap and the legend folds into an expander
st.title("Map")
st.caption(
    "Nakhchivan, Azerbaijan's exclave, is cut off from the mainland by Armenia and borders Iran along the Aras. "
    "Circles show how precisely each place is known; markers are events; a dashed line is a claim, not a fact."
)

controls, toggles = st.columns([4, 2], vertical_alignment="bottom")
layers = controls.pills(
    "Layers",
    list(mapview.LAYER_IDS),
    selection_mode="multi",
    default=list(mapview.LAYER_IDS),
    key="layers",
    bind="query-params",
    help="; ".join(f"{layer}: {text}" for layer, text in mapview.LAYERS.items()),
)
basemap = toggles.toggle("Basemap (Carto, online)", value=False, key="basemap", bind="query-params")
if set(layers) != set(mapview.LAYER_IDS):
    # An empty value keeps "no layers" distinct from the default (all) in the share link.
    context.page_params["layers"] = list(layers) or [""]
if basemap:
    context.page_params["basemap"] = ["true"]
    st.info(
        "Basemap tiles come from an outside service (Carto, basemaps.cartocdn.com): while the basemap is on, "
        "your browser requests map tiles from it. Turn it off to keep everything on this machine.",
        icon=":material/public:",
    )

selected_ids = [i for i in (chosen.record, chosen.incident) if i]
fit_view = mapview.view_for_selection(dataset, geo, [chosen.record] if chosen.record else selected_ids)
if chosen.incident != st.session_state.get(FRAMED_KEY):
    # `incident=` frames the map on that incident's places (with their precision circles); none: the whole region.
    st.session_state[FRAMED_KEY] = chosen.incident
    incident_view = mapview.view_for_selection(dataset, geo, [chosen.incident]) if chosen.incident else None
    _fit(incident_view or mapview.initial_view_state(geo))
fit_column, reset_column, _ = st.columns([1, 1, 4])
fit_column.button(
    "Fit to selection",
    on_click=_fit,
    args=(fit_view,),
    disabled=fit_view is None,
    icon=":material/center_focus_strong:",
    help="Frame the selected record's places (with their precision circles)."
    if fit_view
    else "Select a located record (click a marker) to frame it.",
)
reset_column.button("Reset view", on_click=_reset_view, icon=":material/restart_alt:")

fit_state = st.session_state.get(FIT_KEY)
# Worked out once per view and these settings (`View.derive`): every new reader of this filter gets it ready-made.
deck = view.derive(
    ("deck", tuple(layers), basemap, tuple(selected_ids), tuple(sorted(fit_state.items())) if fit_state else None),
    lambda: mapview.build_deck(
        dataset, view, geo, layers=layers, basemap=basemap, selected=selected_ids, view_state=fit_state
    ),
)
chart = st.pydeck_chart(
    deck,
    on_select=_on_map_select,
    selection_mode="single-object",
    key=CHART_KEY,
    height=mapview.CHART_HEIGHT,
)

if grouped_by_place(view):
    st.caption(
        f"More than {MAP_GROUP_THRESHOLD} events in view, so the events at each place are one circle: its size and "
        "number say how many, and each claimed origin is one dashed red ring (hover it for the claims). Click a "
        "circle to list its events below; narrow the filters to see one marker per event and the claim lines."
    )
# Legend: counts follow the shared filters; labels are our own words, record text never goes in here.
entries = view.derive(("legend", tuple(layers)), lambda: mapview.legend(dataset, view, geo, layers))
hidden = view.derive("unlocated", lambda: mapview.unlocated_events(dataset, view, geo))
if entries:
    lines = [
        f":{e.color}[{e.glyph}] {e.label}" + (f" — **{e.count}**" if e.count is not None else "") for e in entries
    ]
    half = (len(lines) + 1) // 2
    with st.container(key=responsive.wide_key("map-legend")):
        left, right = st.columns(2)
        left.markdown("  \n".join(lines[:half]))
        right.markdown("  \n".join(lines[half:]))
    with st.container(key=responsive.narrow_key("map-legend")):
        with st.expander("Legend"):
            st.markdown("  \n".join(lines))
# The map's text alternative; every record of the view is a row of the timeline's table.
st.markdown(view.derive(("map-summary", tuple(layers)), lambda: map_summary(view, entries, len(hidden))))
st.page_link(
    "app_pages/timeline.py",
    label="Every record of this view, as a table (Timeline)",
    icon=":material/table:",
    query_params=to_params(chosen),
)
if hidden:
    titles = list(dict.fromkeys(e.title for e in hidden))  # repeated titles named once
    more = len(titles) - MAX_UNLOCATED_NAMED
    st.caption(
        f"Not on the map ({len(hidden)} event(s) with no reported place): "
        + md_escape("; ".join(titles[:MAX_UNLOCATED_NAMED]))
        + (f"; and {more} other titles (every event is in the Timeline's table)" if more > 0 else "")
    )
if "crossings" in layers:
    st.caption(
        "Border crossings are reference places: all are shown whatever the filters, with the status the records give."
    )

# Detail card: the URL's selection first (the click callback keeps it in step), else the chart's own.
st.subheader("Selected on the map")
row = mapview.selected_object(chart)
record_id = chosen.record or (row or {}).get("rec")
place_id = None if record_id else (row or {}).get("place_id")
detail = st.container(key="map_detail")
if record_id in dataset.events:
    event = dataset.events[record_id]
    render_event_card(dataset, event, container=detail)
    statements = [dataset.statements[s] for s in event.reported_in if s in dataset.statements]
    if statements:
        detail.markdown("**Statements that report it**")
        for statement in statements:
            render_statement_card(dataset, statement, container=detail)
    shared = events_sharing_place(view, event)
    if shared:
        detail.caption(f"Also at this place ({len(shared)}):")
        _pick_list(detail, shared, "map-shared")
elif record_id in dataset.statements:
    render_statement_card(dataset, dataset.statements[record_id], container=detail)
elif place_id in dataset.places:
    place = dataset.places[place_id]
    box = detail.container(border=True)
    box.markdown(f"**{md_escape(place.names.en)}** · {md_escape(place.kind)}")
    box.caption(f"Known {place.geo_precision}: within {place.precision_m:,} m · {place.lat:.4f} N, {place.lon:.4f} E")
    if place.status:
        box.caption("Status: " + md_escape(place.status))
    if place.location_note:
        box.caption("How it was located: " + md_escape(place.location_note))
    here = [e for e in view.events if e.place == place.id]
    if here:
        box.caption(f"{len(here)} event(s) of this view here — pick one:")
    _pick_list(box, here, "map-place")
elif chosen.incident in dataset.incidents:
    incident = dataset.incidents[chosen.incident]
    box = detail.container(border=True)
    box.markdown(f"**{md_escape(incident.title)}** · {md_escape(incident.when.label())}")
    box.markdown(md_escape(incident.summary))
    located = [e for e in view.events if e.incident == incident.id and e.place]
    if located:
        box.caption("Its located events — pick one:")
        _pick_list(box, located, "map-incident")
else:
    detail.caption("Click a marker, circle or dashed claim line to see its record, statements and sources here.")

# Distance readouts for the impact sites the selection concerns.
focus = [i for i in (record_id, place_id, chosen.incident if not record_id else None) if i]
readouts = mapview.distance_readouts(dataset, geo, readout_impacts(dataset, focus, place_id))
if not readouts.empty:
    st.markdown("**Distances from the impact sites** (computed on the shipped Natural Earth 1:10m boundaries)")
    st.dataframe(readouts, hide_index=True, width="stretch", key="map_distances")
    st.caption(
        "Each distance is measured from the place's recorded point; the site is known only within its radius, "
        "so the true distance lies in the range shown. The border is the whole Azerbaijan–Iran line (both sections)."
    )

st.subheader("Figures in the sources vs the map data")
st.dataframe(mapview.figures_table(geo), hide_index=True, width="stretch", key="map_figures")
st.caption("Scale note: " + md_escape(mapview.scale_note(geo)))
