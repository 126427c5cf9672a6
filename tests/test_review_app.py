"""Review states through the app: hosted mode (INCIDENTS_PUBLISHED_ONLY=1) shows no draft on any page, export or
briefing; local mode (`make run`) shows the drafts, marked, with a notice on every page."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from incidents.load.pipeline import load_dataset
from incidents.load.review import PUBLISHED_ONLY_ENV, hidden_ids
from incidents.model.registry import COLLECTIONS
from tests.conftest import FIXTURES, ROOT, open_app

REVIEW = FIXTURES / "review"
PAGES = sorted(path.stem for path in (ROOT / "app_pages").glob("*.py"))
NOTICE = "9 records are drafts and 2 are in review; the hosted instance does not show them."
# Text fields of a record that a page could show.
TEXT_FIELDS = ("title", "paraphrase", "text", "summary", "description", "name")


def _hidden_words() -> tuple[set[str], set[str]]:
    """(ids, texts) of every record hosted mode must not show: the drafts and the records that depend on them."""
    dataset = load_dataset(REVIEW)
    ids = hidden_ids(dataset)
    texts = set()
    for collection in COLLECTIONS:
        for record_id, record in dataset.collection(collection.key).items():
            if record_id in ids:
                texts |= {str(getattr(record, f)) for f in TEXT_FIELDS if getattr(record, f, None)}
                texts |= {record.names.en} if collection.key == "places" else set()
    return ids, texts


HIDDEN_IDS, HIDDEN_TEXTS = _hidden_words()


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], Any]]:
    """Every deferred download registered during the runs, by file id, so a test can build its payload."""
    found: dict[str, Callable[[], Any]] = {}
    original = MediaFileManager.add_deferred

    def record(self: MediaFileManager, data_callable: Callable[[], Any], *args: Any, **kwargs: Any) -> str:
        file_id = original(self, data_callable, *args, **kwargs)
        found[file_id] = data_callable
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return found


def _walk(node: Any) -> Iterator[Any]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def _payload_text(data: Any) -> str:
    raw = data.encode() if isinstance(data, str) else bytes(data)
    if raw[:2] == b"PK":  # the CSV zip: every table in it
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return "\n".join(archive.read(name).decode() for name in archive.namelist())
    return raw.decode()


def rendered_text(at: Any, downloads: dict[str, Callable[[], Any]]) -> str:
    """Everything the run rendered: every element's message (deck and figure JSON, options, labels), every table's
    cells, and the payload of every download button (exports, the briefing note and its CSV)."""
    parts = []
    for node in _walk(at._tree):
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        value = getattr(node, "value", None) if getattr(node, "type", "") == "arrow_data_frame" else None
        if value is not None:
            parts.append(value.to_csv())
        file_id = getattr(proto, "deferred_file_id", "") if getattr(node, "type", "") == "download_button" else ""
        if file_id:
            parts.append(_payload_text(downloads[file_id]()))
    return "\n".join(parts)


def leaks(text: str) -> list[str]:
    """The hidden ids (as whole ids) and texts found in `text`."""
    found = [i for i in sorted(HIDDEN_IDS) if re.search(rf"(?<![a-z0-9-]){re.escape(i)}(?![a-z0-9-])", text)]
    return found + [t for t in sorted(HIDDEN_TEXTS) if t in text] + (["Zembla"] if "Zembla" in text else [])


def _open(page: str, hosted: bool, monkeypatch: pytest.MonkeyPatch, **params: str) -> Any:
    if hosted:
        monkeypatch.setenv(PUBLISHED_ONLY_ENV, "1")
    else:
        monkeypatch.delenv(PUBLISHED_ONLY_ENV, raising=False)
    at = open_app(page, params=params, data_dir=REVIEW)
    assert not at.exception, at.exception
    return at


def test_the_hidden_set_is_not_empty() -> None:
    assert {"rv-draft-claim", "rv-leak-claim", "zembla-envoy"} <= HIDDEN_IDS
    assert "Zemblan rockets were stored at the depot" in HIDDEN_TEXTS


@pytest.mark.parametrize("page", PAGES)
def test_hosted_pages_show_no_draft(
    page: str, monkeypatch: pytest.MonkeyPatch, downloads: dict[str, Callable[[], Any]]
) -> None:
    at = _open(page, True, monkeypatch)
    text = rendered_text(at, downloads)
    assert leaks(text) == []
    assert "Osterlich" in text  # the published records are there
    assert "hosted instance does not show" not in text
    assert len([b for b in at.get("download_button") if b.proto.deferred_file_id]) >= 3  # the exports were read


@pytest.mark.parametrize("page", PAGES)
def test_local_pages_show_drafts_with_a_notice(
    page: str, monkeypatch: pytest.MonkeyPatch, downloads: dict[str, Callable[[], Any]]
) -> None:
    at = _open(page, False, monkeypatch)
    text = rendered_text(at, downloads)
    assert NOTICE in [info.value.split(" They are marked")[0] for info in at.info]
    assert "Zembla" in text  # the same check as in hosted mode finds drafts here: it can fail


@pytest.mark.parametrize(
    ("page", "params", "marked"),
    [
        ("overview", {}, ":orange-badge[Draft] Zemblan night raid"),  # the latest incident
        ("claims", {"incident": "rv-osterlich-2024"}, 'body: ":orange-badge[In review]'),  # a statement's text, first
        ("claims", {"incident": "rv-osterlich-2024", "layout": "cards"}, "at the depot** :orange-badge[Draft]"),
        ("sources", {}, "[In review] Radio Klow bulletin"),
        ("timeline", {}, "[Draft] Fire at the Zemblan depot"),
        ("map", {}, "[Draft] Fire at the Zemblan depot"),
    ],
)
def test_local_mode_marks_unpublished_records(
    page: str,
    params: dict[str, str],
    marked: str,
    monkeypatch: pytest.MonkeyPatch,
    downloads: dict[str, Callable[[], Any]],
) -> None:
    local = rendered_text(_open(page, False, monkeypatch, **params), downloads)
    assert marked in local
    hosted = rendered_text(_open(page, True, monkeypatch, **params), downloads)
    assert "[Draft]" not in hosted and "[In review]" not in hosted


def _notices(at: Any) -> list[str]:
    """The ignored-parameter notices, without Markdown escapes."""
    return [w.value.replace("\\", "") for w in at.warning if "link parameters were ignored" in w.value]


@pytest.mark.parametrize(
    ("param", "draft", "unknown"),
    [
        ("rec", "rv-draft-claim", "rv-no-such-rec"),
        ("rec", "rv-leak-claim", "rv-no-such-rec"),  # published, but hidden for citing a draft source
        ("incident", "rv-zembla-raid-2024", "rv-no-such-raid"),
        ("actor", "zembla-envoy", "zembla-nobody"),
    ],
)
def test_hosted_link_naming_a_draft_is_an_unknown_id(
    param: str, draft: str, unknown: str, monkeypatch: pytest.MonkeyPatch, downloads: dict[str, Callable[[], Any]]
) -> None:
    for page in ("overview", "claims"):
        with_draft = _open(page, True, monkeypatch, **{param: draft})
        with_unknown = _open(page, True, monkeypatch, **{param: unknown})
        assert _notices(with_draft) and [n.replace(draft, unknown) for n in _notices(with_draft)] == _notices(
            with_unknown
        )
        text = rendered_text(with_draft, downloads)
        assert [leak for leak in leaks(text) if leak != draft] == []
    assert not _notices(_open("overview", False, monkeypatch, **{param: draft}))  # locally it is a known id

