"""AppTest of time travel and the changes page on a temporary git repository with two known versions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from components.context import CONTEXT_KEY
from components.exports import export_buttons
from incidents.history.versions import find_repo, history
from incidents.load.pipeline import load_dataset
from tests.conftest import open_app
from tests.versions_repo import DROPPED_STATEMENT, RENAMED

PAGES = ("overview", "timeline", "map", "claims", "sources", "about", "changes")
INCIDENT = "nakhchivan-2026-03-05"


@pytest.fixture(scope="module")
def versions(repo_data: Path) -> tuple[str, str]:
    new, old = history(find_repo(repo_data))
    return old.version, new.version


def banner(at) -> str:
    return "\n".join(str(w.value) for w in at.get("warning"))


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_an_older_version(repo_data: Path, versions: tuple[str, str], page: str) -> None:
    old, new = versions
    at = open_app(page, {"v": old}, repo_data)
    assert not at.exception
    context = at.session_state[CONTEXT_KEY]
    assert context.dataset.version == old
    assert DROPPED_STATEMENT in context.dataset.statements  # the old records, not today's
    text = banner(at)
    assert f"version {old}" in text and "1 newer version since" in text
    assert f"v={new}" in text and "/changes?" in text  # links to the current view and to the changes
    # The share link and the exports carry the old version's id.
    assert any(f"v={old}" in str(code.value) for code in at.sidebar.code)
    assert any(f"data {old}" in str(caption.value) for caption in at.sidebar.caption)
    names = [button.file_name for button in export_buttons(context, None)]
    assert names and all(f"_{old}_" in name for name in names)


def test_current_version_has_no_banner(repo_data: Path, versions: tuple[str, str]) -> None:
    at = open_app("overview", {"v": versions[1]}, repo_data)
    assert not at.exception and "You are seeing the data as it was" not in banner(at)
    assert DROPPED_STATEMENT not in at.session_state[CONTEXT_KEY].dataset.statements


def test_unknown_version_gets_todays_notice(repo_data: Path) -> None:
    at = open_app("overview", {"v": "0badf00d"}, repo_data)
    assert any("The data has been updated since this link was made" in str(i.value) for i in at.get("info"))


def test_without_history_time_travel_is_unavailable(repo_data: Path, versions: tuple[str, str],
                                                    tmp_path: Path) -> None:
    bare = tmp_path / "data"
    shutil.copytree(repo_data, bare)
    at = open_app("overview", {"v": versions[0]}, bare)
    assert not at.exception
    assert "Time travel is unavailable here" in banner(at)
    context = at.session_state[CONTEXT_KEY]
    # The current data under its own version, never under the old one's name.
    assert context.dataset.version == versions[1] and DROPPED_STATEMENT not in context.dataset.statements


def test_changes_page_lists_versions_and_their_diffs(repo_data: Path, versions: tuple[str, str]) -> None:
    old, new = versions
    at = open_app("changes", None, repo_data)
    assert not at.exception
    text = "\n".join(str(m.value) for m in at.get("markdown")).replace("\\", "")
    assert text.index(f"Version {new}") < text.index(f"Version {old}")
    assert "4 → 6" in text and "Discrepancy resolved: `fourth-drone`" in text
    assert f"v={old}" in text and f"v={new}" in text
    assert "actors `aze`" in text


def test_changes_page_on_an_older_version_starts_with_what_changed_since(
    repo_data: Path, versions: tuple[str, str]
) -> None:
    at = open_app("changes", {"v": versions[0]}, repo_data)
    assert [s.value for s in at.main.subheader] == [f"Since version {versions[0]}"]
    texts = [str(m.value) for m in at.main.markdown]
    # The cumulative diff comes right after its heading, before the versions' own entries.
    assert "4 → 6" in texts[1] and texts[2].startswith(f"**Version {versions[1]}**")


def test_changes_page_with_an_incident_lists_only_what_touched_it(repo_data: Path) -> None:
    at = open_app("changes", {"incident": INCIDENT}, repo_data)
    text = "\n".join(str(m.value) for m in at.get("markdown")).replace("\\", "")
    assert "4 → 6" in text
    assert "actors `aze`" not in text and RENAMED not in text


def _history_frame(at):
    frames = [f.value for f in at.dataframe if "Change" in f.value.columns]
    return frames[0] if frames else None


def _open_history(at) -> None:
    """The reader opens the history's expander: the rerun draws it (closed, it sends nothing)."""
    assert _history_frame(at) is None and not any("data version(s)" in str(c.value) for c in at.caption)
    at.session_state["claims-history"] = True
    at.run()


def test_claims_page_shows_each_propositions_history(repo_data: Path, versions: tuple[str, str]) -> None:
    # the strike's history (the most recent incident is now a later one, the IRGC plot claim of 6 March)
    at = open_app("claims", {"incident": "nakhchivan-2026-03-05"}, repo_data)
    assert not at.exception
    _open_history(at)
    frame = _history_frame(at)
    assert frame is not None
    rows = {row["Change"]: row for row in frame.to_dict("records")}
    became = rows["became one-sided (was contested)"]
    assert became["Version"] == versions[1] and became["Statements"] == DROPPED_STATEMENT
    assert "Israeli intelligence" in became["Proposition or figure"]
    revised = next(row for change, row in rows.items() if change.endswith(": 4 → 6"))
    via = ", ".join(load_dataset(repo_data).statements["prosecutor-injured"].via)
    assert (revised["Proposition or figure"], revised["Statements"], revised["Sources"]) == (
        "injured", "prosecutor-injured", via,
    )


def test_claims_history_stops_at_the_version_shown(repo_data: Path, versions: tuple[str, str]) -> None:
    at = open_app("claims", {"v": versions[0]}, repo_data)
    assert not at.exception
    _open_history(at)
    assert not at.exception and _history_frame(at) is None
    assert any("changed over 1 data version(s)" in str(c.value) for c in at.caption)


@pytest.mark.parametrize("page", ["overview", "claims", "timeline"])
def test_this_repositorys_oldest_version_renders_through_the_migration(page: str) -> None:
    """Old links keep working: the oldest data version in this repository's history (format 1, before the
    evidence model), whatever it is, renders through the same migration as the shipped data."""
    from tests.versions_repo import ROOT

    oldest = history(find_repo(ROOT / "data"))[-1]
    at = open_app(page, {"v": oldest.version})
    assert not at.exception
    context = at.session_state[CONTEXT_KEY]
    assert context.dataset.version == oldest.version and context.dataset.errors == []
    assert f"version {oldest.version}" in banner(at)


def test_the_banners_current_link_keeps_the_pages_own_controls(repo_data: Path, versions: tuple[str, str]) -> None:
    old, new = versions
    at = open_app("claims", {"v": old, "order": "name"}, repo_data)
    banners = [w for w in at.get("warning") if "You are seeing the data as it was" in str(w.value)]
    assert len(banners) == 1  # drawn twice into one slot, shown once
    assert f"order=name&v={new}" in str(banners[0].value)


HOSTILE_PATH = "http://localhost:8501/x)[Sign-in-required](https:phish.example)"


@pytest.mark.parametrize("page", ["overview", "changes"])
def test_the_pages_own_url_stays_one_link(repo_data: Path, versions: tuple[str, str], page: str,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 23, finding 6: st.context.url is what the reader typed; the banner and the changes page never let it
    close their link and open another (`md_link`)."""
    from markdown_it import MarkdownIt
    from streamlit.runtime.context import ContextProxy

    monkeypatch.setattr(ContextProxy, "url", property(lambda self: HOSTILE_PATH))
    old, _new = versions
    at = open_app(page, {"v": old}, repo_data)
    assert not at.exception
    texts = [str(e.value) for e in [*at.get("warning"), *at.markdown]]
    assert any("localhost:8501/x" in text for text in texts)  # the hostile URL did reach the page
    parser = MarkdownIt("commonmark")
    for text in texts:
        for token in parser.parse(text):
            for child in token.children or []:
                if child.type == "link_open":
                    href = str(child.attrs["href"])  # every link stays on the monitor's own host
                    assert href.startswith("http://localhost:8501/"), (text, href)
                if child.type == "text":
                    assert "Sign-in-required" not in child.content or "%5B" in text, text
