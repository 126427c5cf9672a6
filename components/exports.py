"""Sidebar downloads of the filtered view: CSV (zipped), JSON, GeoJSON, each built only when clicked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.context import AppContext
from incidents.text import md_screen
from incidents.views.export import file_stem, to_csv_zip, to_geojson, to_json


@dataclass(frozen=True)
class ExportButton:
    """One download: the file name and type are cheap and shown at once; `build` runs on click."""

    key: str
    label: str
    file_name: str
    mime: str
    help: str
    build: Callable[[], bytes]


def export_buttons(context: AppContext, link: str | Callable[[], str] | None = None) -> list[ExportButton]:
    """The three downloads for the current filter. `build` closes over plain data (no Streamlit calls), because
    Streamlit runs it on another thread when the user clicks. `link` may be a function, read at the click: app.py
    draws the buttons before the page has added its own parameters to the share link."""
    dataset, value, view = context.dataset, context.filter, context.view
    stem = file_stem(dataset, value)

    def the_link() -> str | None:
        return link() if callable(link) else link

    return [
        ExportButton(
            "export_csv",
            "CSV tables (zip)",
            f"{stem}.zip",
            "application/zip",
            "One table per record type, with _meta.json (filter and data version).",
            lambda: to_csv_zip(dataset, value, view, the_link()).data,
        ),
        ExportButton(
            "export_json",
            "JSON records",
            f"{stem}.json",
            "application/json",
            "The validated records, as in the YAML files, with the filter and data version under metadata.",
            lambda: to_json(dataset, value, view, the_link()).data,
        ),
        ExportButton(
            "export_geojson",
            "GeoJSON (map)",
            f"{stem}.geojson",
            "application/geo+json",
            "Located places and events, for QGIS or geojson.io.",
            lambda: to_geojson(dataset, value, view, the_link()).data,
        ),
    ]


def render_exports(
    context: AppContext, link: str | Callable[[], str] | None = None, parent: DeltaGenerator | None = None
) -> None:
    """Download buttons in the sidebar for exactly the records the shared filters select.

    `data` is a callable, so an export is only built when its button is clicked (Streamlit ≥ 1.50 defers it);
    `on_click="ignore"` keeps the click from rerunning the page.
    """
    # Keyed, so tests (and stylesheets) find it as `.st-key-exports`; the caption is the view's visible count.
    sidebar = (parent if parent is not None else st.sidebar).container(key="exports")
    sidebar.subheader("Download this view")
    view = context.view
    sidebar.caption(
        md_screen(
            f"{len(view.incidents)} incidents, {len(view.events)} events, {len(view.statements)} statements, "
            f"{len(view.places)} places · filter: {context.filter.describe()} · data {context.dataset.version}"
        )
    )
    for button in export_buttons(context, link):
        sidebar.download_button(
            button.label,
            data=button.build,
            file_name=button.file_name,
            mime=button.mime,
            key=button.key,
            help=button.help,
            on_click="ignore",
            icon=":material/download:",
            width="stretch",
        )
