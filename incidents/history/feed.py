"""The Atom feed of the data's changes: one entry per version, each linking to the view pinned to that version.

Atom needs absolute links, so the public address comes from `INCIDENTS_PUBLIC_URL` (default
`http://localhost:8501`, the address of `make run`). Built with the standard library's ElementTree, which escapes
every text it writes.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlencode

from incidents.history.changes import DataDiff, diff, markdown_lines
from incidents.history.versions import Repo, Version, history, load_version
from incidents.load.review import for_mode
from incidents.text import xml_text

ATOM = "http://www.w3.org/2005/Atom"
PUBLIC_URL_ENV = "INCIDENTS_PUBLIC_URL"
DEFAULT_PUBLIC_URL = "http://localhost:8501"
TITLE = "Azerbaijan–Iran Incident Monitor: changes to the data"
FEED_ENTRIES = 50  # the newest versions in the feed
GENERATOR = "Azerbaijan–Iran Incident Monitor"


def public_url() -> str:
    """The monitor's public address, without a trailing slash."""
    return (os.environ.get(PUBLIC_URL_ENV) or DEFAULT_PUBLIC_URL).rstrip("/")


def pinned_link(base: str, version: str, path: str = "") -> str:
    """The view of a page at one data version."""
    return f"{base}/{path}?{urlencode({'v': version})}"


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: xml_text(v) for k, v in attributes.items()})
    element.text = xml_text(text)  # ElementTree escapes markup but writes a control character as it is
    return element


def generator(published: bool) -> str:
    """The feed's `<generator>`: it names the mode the feed was built in, so a replica never keeps a feed built in
    the other mode (`components.timetravel.publish_feed`)."""
    return f"{GENERATOR} ({'published records only' if published else 'all records'})"


def atom(versions: Sequence[Version], diffs: Sequence[DataDiff | None], base: str, published: bool = False) -> bytes:
    """The feed: `versions` newest first, `diffs[i]` what version i changed from the one before (None: the first),
    each diff made from versions shown as the mode shows them (`published`: hosted, drafts left out)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", f"{base}/changes")
    _text(feed, "title", TITLE)
    _text(feed, "generator", generator(published))
    _text(feed, "updated", versions[0].date if versions else "1970-01-01T00:00:00Z")
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": f"{base}/app/static/changes.atom"})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "href": f"{base}/changes"})
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "Azerbaijan–Iran Incident Monitor")
    for item, change in zip(versions, diffs, strict=True):
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        link = pinned_link(base, item.version)
        _text(entry, "id", f"{link}&commit={item.commit}")
        _text(entry, "title", f"Data version {item.version}: {item.message}")
        _text(entry, "updated", item.date)
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": link})
        lines = markdown_lines(change, str) if change is not None else ["- The first version of the data."]
        _text(entry, "summary", "\n".join([item.message, "", *lines]))
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def write_atomic(path: Path, content: bytes) -> None:
    """Write a file whole or not at all: the static server never serves half a feed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    staging.write_bytes(content)
    staging.replace(path)


def feed_of(repo: Repo, base: str, published: bool) -> bytes:
    """The feed of a repository's data history: its newest `FEED_ENTRIES` versions, each with its diff, every
    version shown as the mode shows it (`published`: the hosted rule, `incidents.load.review.published_only`)."""
    versions = history(repo)[:FEED_ENTRIES + 1]
    shown = [for_mode(load_version(repo, item), published) for item in versions]
    diffs = [diff(shown[index + 1], shown[index]) if index + 1 < len(shown) else None for index in range(len(shown))]
    return atom(versions[:FEED_ENTRIES], diffs[:FEED_ENTRIES], base, published)
