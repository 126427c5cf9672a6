"""Time travel in the app: the cached history, an older version's records, the banner, the diffs and the feed.

The git work and the diff are in `incidents/` (`versions`, `timetravel`, `changes`, `feed`); this module only
caches them for Streamlit and draws the banner.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

import components.records as records
from components.report import render_version_notice
from incidents.history.changes import DataDiff, diff, history_steps
from incidents.history.feed import FEED_ENTRIES, atom, generator, public_url, write_atomic
from incidents.history.timetravel import Travel, resolve
from incidents.history.versions import NoHistory, Version, find_repo, history, load_version
from incidents.load.review import for_mode, published_only_from
from incidents.model.dataset import Dataset
from incidents.text import md_link, md_screen


# A minute: a new commit shows up in the history without a restart; a reader's reruns do not run git each time.
@st.cache_data(ttl=60, show_spinner=False, max_entries=4)
def cached_history(data_dir: str) -> list[Version] | None:
    """The data versions, newest first; None when the data has no git history here (time travel unavailable)."""
    try:
        return history(find_repo(data_dir))
    except NoHistory:
        return None


def load_at(data_dir: str, version: Version, day: str | None = None) -> Dataset:
    """An older version's records, read from git through the loader (the same validation and migration), shown as
    the running mode shows records: hosted instances (INCIDENTS_PUBLISHED_ONLY) only the published ones; checked
    against `day` (ISO; today by default), as the current records are (`components.records.load`).

    Everything that reads an older version (the pages, the diffs, the feed) goes through here."""
    return _load_at(data_dir, version, published_only_from(os.environ), day or records.today().isoformat())


@st.cache_resource(show_spinner="Loading that version of the records…", max_entries=6)
def _load_at(data_dir: str, version: Version, published: bool, day: str) -> Dataset:
    return for_mode(load_version(find_repo(data_dir), version, dt.date.fromisoformat(day)), published)


def shown_dataset(data_dir: str, state: Travel, current: Dataset) -> tuple[Dataset, Travel]:
    """The records a view shows: the older version's, or the current ones (then time travel is unavailable if the
    older version cannot be read after all)."""
    if state.version is None:
        return current, state
    try:
        return load_at(data_dir, state.version), state
    except NoHistory:
        return current, Travel("unavailable", state.requested, state.current)


def cached_diff(data_dir: str, old: Version, new: Version) -> DataDiff:
    """What `new` changed from `old`, both checked against today (kept per day, as the versions' records are)."""
    return _cached_diff(data_dir, old, new, records.today().isoformat())


# A resource, not data: `cache_data` unpickles a copy at every call, and the claims page's history asks for every
# version's diff (135 ms of each new session on the shipped history). A `DataDiff` is frozen and only read.
@st.cache_resource(show_spinner=False, max_entries=256)
def _cached_diff(data_dir: str, old: Version, new: Version, day: str) -> DataDiff:
    return diff(load_at(data_dir, old, day), load_at(data_dir, new, day))


def version_diffs(data_dir: str, versions: list[Version]) -> list[DataDiff | None]:
    """What each version changed from the one before it (None for the first)."""
    return [
        cached_diff(data_dir, versions[index + 1], item) if index + 1 < len(versions) else None
        for index, item in enumerate(versions)
    ]


def travel(data_dir: str, requested: str | None, current: str) -> Travel:
    """What a link's `v` resolves to; the history is only read when `v` names another version."""
    if requested is None or requested == current:
        return resolve(requested, current, [])
    return resolve(requested, current, cached_history(data_dir))


def render_travel(slot: DeltaGenerator, state: Travel, current_link: str, changes_link: str) -> None:
    """The banner of a pinned view, drawn into `slot` (an `st.empty`): which version, when, how many since, and
    links to the same view now and to the changes."""
    with slot.container():
        _banner(state, current_link, changes_link)


def _banner(state: Travel, current_link: str, changes_link: str) -> None:
    if state.state == "old" and state.version is not None:
        since = "the latest version" if state.newer == 0 else (
            f"{state.newer} newer version{'s' if state.newer != 1 else ''} since"
        )
        st.warning(
            f"**You are seeing the data as it was at version {md_screen(state.version.version)}** "
            f"({md_screen(state.version.date[:10])}: {md_screen(state.version.message[:120])}); {since}. "
            f"{md_link('See this view on the current data', current_link)} · "
            f"{md_link('What changed since', changes_link)}",
            icon=":material/history:",
        )
    elif state.state == "unavailable":
        st.warning(
            f"**Time travel is unavailable here**: this deployment has no history of the data, so version "
            f"{md_screen(state.requested)} cannot be shown. You are seeing the current data, version "
            f"{md_screen(state.current)}.",
            icon=":material/history_toggle_off:",
        )
    elif state.state == "unknown":
        render_version_notice(state.requested, state.current)


@st.cache_resource(show_spinner=False, max_entries=2)
def _written_feed(data_dir: str, static_dir: str, newest_commit: str, base: str, published: bool) -> Path:
    versions = (cached_history(data_dir) or [])[:FEED_ENTRIES + 1]
    diffs = version_diffs(data_dir, versions)
    shown = versions[:FEED_ENTRIES]
    path = Path(static_dir) / "changes.atom"
    write_atomic(path, atom(shown, diffs[:len(shown)], base, published))
    return path


def publish_feed(data_dir: str, static_dir: Path) -> None:
    """Write `static/changes.atom` once per newest version (at start-up, and again after a new commit)."""
    versions = cached_history(data_dir)
    try:
        # Already written for the newest commit (by `make serve`, or another replica): nothing to diff again.
        written = (static_dir / "changes.atom").read_text(encoding="utf-8")
        # ... and in this mode: a feed built with drafts is never kept by a hosted replica.
        mode = f"<generator>{generator(published_only_from(os.environ))}</generator>"
        if (versions and f"commit={versions[0].commit}" in written and f"<id>{public_url()}/changes</id>" in written
                and mode in written):
            return
    except OSError:
        pass
    if versions:
        try:
            _written_feed(data_dir, str(static_dir), versions[0].commit, public_url(), published_only_from(os.environ))
        except (NoHistory, OSError):  # a read-only folder, or a version that cannot be read: no feed, the app runs
            pass


def render_proposition_history(data_dir: str, state: Travel | None, dataset: Dataset, incident_id: str) -> None:
    """Each proposition's status over the versions up to the one shown: when it became contested or established,
    when a figure was revised, and by which statements and sources."""
    versions = cached_history(data_dir)
    if not versions:
        st.caption("The history of each proposition needs the git history of the data, which this deployment lacks.")
        return
    if state is not None and state.version is not None:
        versions = versions[versions.index(state.version):]  # nothing after the version shown
    diffs = version_diffs(data_dir, versions)
    changes = [(v.version, v.date[:10], d) for v, d in zip(versions, diffs, strict=True) if d is not None]
    steps = history_steps(reversed(changes), incident_id)
    if not steps:
        st.caption(f"No proposition or figure of this incident changed over {len(versions)} data version(s).")
        return
    texts = {p.id: p.text for p in dataset.propositions.values()}
    st.dataframe(
        [
            {
                "Version": step.version, "Date": step.date,
                "Proposition or figure": texts.get(step.subject, step.subject), "Change": step.change,
                "Statements": ", ".join(step.statements), "Sources": ", ".join(step.sources),
            }
            for step in steps
        ],
        hide_index=True,
    )
