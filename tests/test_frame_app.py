"""The frame (issue 28, point 4): what a filter change reruns. A fragment rerun cannot run under AppTest (it reruns
the whole script), so its saving is shown in the browser (tests/browser/test_sharing.py); here, what it rests on."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from components.context import FILTER_FREE_PAGES, AppContext
from components.exports import export_buttons
from incidents.load.pipeline import load_dataset
from incidents.views.filtering import FilterValue, apply_filter
from tests.conftest import DATA, ROOT, open_app

READS = {"filter", "view", "notices"}  # what the sidebar fragment changes without rerunning the page


def reads_the_filter(page: Path) -> bool:
    """Whether a page reads the filter, its view or the notices from its context (`context.filter`, …)."""
    tree = ast.parse(page.read_text(encoding="utf-8"))
    return any(isinstance(node, ast.Attribute) and node.attr in READS for node in ast.walk(tree))


def test_filter_free_pages_are_exactly_those_that_read_no_filter() -> None:
    """A page in the set must not read the filter (its body would go stale on a fragment rerun); a page that reads
    none belongs in it (or a filter change reruns it for nothing)."""
    pages = {path.stem: path for path in (ROOT / "app_pages").glob("*.py")}
    assert FILTER_FREE_PAGES <= pages.keys()
    assert {name for name, path in pages.items() if not reads_the_filter(path)} == FILTER_FREE_PAGES


def test_the_downloads_read_the_share_link_at_the_click() -> None:
    """The sidebar fragment draws the downloads before the page adds its parameters: the link is read on click."""
    dataset = load_dataset(DATA)
    value = FilterValue(kinds=("denial",))
    context = AppContext(dataset=dataset, filter=value, view=apply_filter(dataset, value))
    link = ["http://localhost:8501/map?kind=denial"]
    buttons = {b.key: b for b in export_buttons(context, lambda: link[0])}
    link[0] += "&layers=events"  # the page ran after the buttons were drawn
    built = json.loads(buttons["export_json"].build())
    assert built["metadata"]["link"] == link[0]


@pytest.mark.parametrize("page", sorted(FILTER_FREE_PAGES))
def test_filter_free_pages_keep_the_sidebar_whole(page: str) -> None:
    """On a filter-free page the fragment draws the filters, the share link (with the filter) and the downloads."""
    at = open_app(page, {"q": "drone"})
    assert not at.exception, [e.value for e in at.exception]
    assert at.sidebar.text_input(key="q").value == "drone"
    link = at.sidebar.code[-1].value
    assert f"/{page}?" in link and "q=drone" in link
    assert [b.proto.label for b in at.sidebar.get("download_button")][:3] == [
        "CSV tables (zip)", "JSON records", "GeoJSON (map)"
    ]


def test_patterns_builds_its_figures_once_per_dataset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing on /patterns depends on the filter: its grid figures are built once for the data, not per rerun."""
    import shutil

    import components.monitor

    data = tmp_path / "data"
    shutil.copytree(DATA, data)  # its own directory: a dataset no other test has derived from
    built: list[bool] = []
    original = components.monitor.grid_figure

    def counted(*args, **kwargs):
        built.append(bool(kwargs.get("phone")))
        return original(*args, **kwargs)

    monkeypatch.setattr(components.monitor, "grid_figure", counted)
    at = open_app("patterns", None, data)
    assert not at.exception, [e.value for e in at.exception]
    assert sorted(built) == [False, True]  # the wide and the phone figure
    first = [c.proto.spec for c in at.get("plotly_chart")]
    for text in ("drone", "border", ""):
        at.sidebar.text_input(key="q").set_value(text).run()
        assert not at.exception
    assert sorted(built) == [False, True]
    assert [c.proto.spec for c in at.get("plotly_chart")] == first


def test_no_full_collection_after_a_run_but_the_collector_stays_on() -> None:
    """Streamlit's post-run `gc.collect(2)` cost every rerun 0.1-0.25 s at 1,000 incidents (bench/PROFILE.md), so
    the config turns it off; Python's own collector must then be on after a run, or cycles would never be freed."""
    import gc
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False
    at = open_app("map", {"q": "drone"})
    assert not at.exception, [e.value for e in at.exception]
    assert gc.isenabled() and gc.get_threshold()[0] > 0, "automatic collections must still run"
