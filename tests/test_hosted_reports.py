"""Issue 23, findings 8 and 9: the hosted report and error panel show no draft's problems, a problem elsewhere that
names a draft without its id, and every page bounds what it lists (the rest downloadable)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from incidents.load.pipeline import load_dataset
from incidents.load.review import REDACTED, published_only
from tests.conftest import FIXTURES, open_app

VALID = FIXTURES / "validation" / "valid"
DRAFT_SOURCES = """
  - id: draft-src
    review: draft
    title: Secret draft source TODO
    publisher: Leaky Post
    url: ftp://leak.example/secret
    reliability: C
  - id: draft-ok
    review: draft
    title: Another draft TODO
    publisher: Leaky Post
    url: https://leak.example/ok
    reliability: C
"""
SECRETS = ("draft-src", "leak.example", "Secret draft", "draft-ok")


def hostile_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(VALID, data)
    sources = data / "sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8") + DRAFT_SOURCES, encoding="utf-8")
    actors = data / "actors.yaml"
    # a published record that names the draft (which failed validation): its problem is shown, the id is not
    actors.write_text(actors.read_text(encoding="utf-8").replace(
        "    country: BBB\n", "    country: BBB\n    sources: [draft-src]\n", 1), encoding="utf-8")
    return data


def test_the_hosted_report_names_no_draft(tmp_path: Path) -> None:
    dataset = load_dataset(hostile_data(tmp_path), cache=None)
    everything = "\n".join(map(str, dataset.problems))
    assert all(secret in everything for secret in ("draft-src", "leak.example", "TODO"))  # the leaks to stop
    hosted = published_only(dataset)
    shown = "\n".join(map(str, hosted.problems))
    assert not any(secret in shown for secret in SECRETS), shown
    assert "TODO" not in shown
    (named,) = [p for p in hosted.problems if p.code == "INVALID_REF" and p.path.endswith("actors.yaml")]
    assert REDACTED in named.message


@pytest.mark.parametrize("page", ["about", "overview"])
def test_hosted_pages_show_no_draft_problem(tmp_path: Path, page: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INCIDENTS_PUBLISHED_ONLY", "1")
    at = open_app(page, data_dir=hostile_data(tmp_path))
    assert not at.exception
    # The panel is code; the About page's report plain text (st.text).
    text = "\n".join(str(element.value) for element in [*at.get("code"), *at.get("text")]) + "\n".join(
        str(getattr(element, "label", "")) for element in at.get("expander"))
    assert "INVALID_REF" in text  # the panel is there ...
    assert not any(secret in text for secret in SECRETS), text  # ... without the draft


def test_the_panel_and_the_report_are_bounded(tmp_path: Path) -> None:
    """Finding 9: 5,000 duplicate keys list 50 lines in the panel and 200 in the report, each line cut."""
    from components.report import LINE_CHARS_SHOWN, PANEL_LINES_SHOWN, REPORT_LINES_SHOWN

    data = tmp_path / "data"
    shutil.copytree(VALID, data)
    key = "k" * 1000
    (data / "actors.yaml").write_text(
        (VALID / "actors.yaml").read_text(encoding="utf-8").replace(
            "    country: AAA\n", "    country: AAA\n" + f"    {key}: 1\n" * 5000, 1), encoding="utf-8")
    for page, limit, element_type in (("overview", PANEL_LINES_SHOWN, "code"), ("about", REPORT_LINES_SHOWN, "text")):
        at = open_app(page, data_dir=data)
        assert not at.exception
        codes = [str(element.value) for element in at.get(element_type)]
        longest = max(len(block.splitlines()) for block in codes)
        assert longest == limit, (page, longest)
        assert max(len(line) for block in codes for line in block.splitlines()) <= LINE_CHARS_SHOWN + 2
        assert at.get("download_button"), page
