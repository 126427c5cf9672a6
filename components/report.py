"""Notices and the validation report, rendered with escaping (values may come from a URL or a YAML file)."""

from __future__ import annotations

import streamlit as st

from incidents.load.review import review_notice
from incidents.model.codes import UNREAD_CODES
from incidents.model.dataset import Dataset, Problem
from incidents.text import md_screen
from incidents.views.urlstate import Notice


def render_notices(notices: list[Notice]) -> None:
    """One line per ignored URL parameter; the rest of the page renders as normal."""
    if not notices:
        return
    lines = []
    for notice in notices:
        value = notice.value[:40] + ("…" if len(notice.value) > 40 else "")
        lines.append(f"- **{md_screen(notice.param)}** = “{md_screen(value)}”: {md_screen(notice.reason)}")
    st.warning("**Some link parameters were ignored**\n\n" + "\n".join(lines), icon=":material/link_off:")


def render_version_notice(link_version: str | None, data_version: str) -> None:
    """Say so when the link pins another data version than the one shown (the current data is shown anyway)."""
    if link_version and link_version != data_version:
        st.info(
            f"The data has been updated since this link was made (link: {md_screen(link_version)}, "
            f"now: {md_screen(data_version)}). You are seeing the current data.",
            icon=":material/update:",
        )


def render_review_notice(dataset: Dataset) -> None:
    """In local mode, how many records are not yet published (hosted mode has none left to count)."""
    notice = dataset.derive("review-notice", lambda: review_notice(dataset))  # a pass over every record
    if notice:
        st.info(notice + " They are marked Draft or In review where they appear.", icon=":material/rate_review:")


def render_data_problems(dataset: Dataset, expanded: bool = True) -> None:
    """A visible panel of data errors, and of files the loader does not read, with their `path:line:col`; never a
    stack trace. An unread file is only a warning, but its records would vanish without a word."""
    errors = dataset.errors
    unread = [p for p in dataset.warnings if p.code in UNREAD_CODES]
    if not errors and not unread:
        return
    label = []
    if errors:
        label.append(
            f":red[**{len(errors)} error(s) in the data files** — the records affected are left out; all others show.]"
        )
    if unread:
        label.append(f":orange[**{len(unread)} file(s) not read** — each says where its records belong.]")
    listed = [*errors, *unread]
    with st.expander(" ".join(label), expanded=expanded):
        st.code(shown_lines(listed, PANEL_LINES_SHOWN), language=None, wrap_lines=True)
        if len(listed) > PANEL_LINES_SHOWN:
            st.caption(f"The first {PANEL_LINES_SHOWN} of {len(listed)}; the download has them all.")
            _download(listed, dataset.version, "problems_download")


# Bounds of what a page sends (issue 23: 100,000 duplicate keys made a 15.7 MB panel on every page): lines listed on
# screen, and characters of each line; the downloads hold every line whole.
PANEL_LINES_SHOWN = 50
REPORT_LINES_SHOWN = 200
LINE_CHARS_SHOWN = 400


def shown_lines(problems: list[Problem], limit: int) -> str:
    """The first `limit` problems as report lines, each cut to `LINE_CHARS_SHOWN` characters."""
    lines = (str(p) for p in problems[:limit])
    return "\n".join(line if len(line) <= LINE_CHARS_SHOWN else line[:LINE_CHARS_SHOWN] + " …" for line in lines)


def _download(problems: list[Problem], version: str, key: str) -> None:
    st.download_button(
        "Download the whole report",
        data=lambda: "\n".join(str(p) for p in problems) + "\n",
        file_name=f"validation-{version or 'report'}.txt",
        mime="text/plain",
        on_click="ignore",
        icon=":material/download:",
        key=key,
    )


REPORT_KEY = "validation-report"  # its container, which the stylesheet sets in monospace


def render_report(dataset: Dataset) -> None:
    """The full validation report, errors and warnings, as on the command line."""
    if not dataset.problems:
        st.success("The data validates: no errors, no warnings.")
        return
    st.write(f"{len(dataset.errors)} error(s), {len(dataset.warnings)} warning(s).")
    # Errors first; a long report is cut on screen (thousands of lines would be sent on every visit) and whole in
    # the download, as `python -m incidents validate` prints it.
    ordered = [*dataset.errors, *dataset.warnings]
    # Plain text (no Markdown, no HTML), set in monospace by the stylesheet: `st.code` loads Streamlit's syntax
    # highlighter, 0.3 s of the page's first visit in chromium for nothing to highlight (bench/PROFILE.md).
    with st.container(key=REPORT_KEY):
        st.text(shown_lines(ordered, REPORT_LINES_SHOWN), width="stretch")
    if len(ordered) > REPORT_LINES_SHOWN:
        st.caption(f"The first {REPORT_LINES_SHOWN} of {len(ordered)} lines; the download has them all.")
    _download(dataset.problems, dataset.version, "report_download")
