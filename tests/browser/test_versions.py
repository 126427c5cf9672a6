"""Time travel in a real browser: `/?v=<an older version>` shows the banner, and the Atom feed is served at
`/app/static/changes.atom` (Streamlit's static serving) and parses as Atom, each entry linking to a `v=` view."""

from __future__ import annotations

import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from incidents.history.feed import ATOM
from incidents.history.versions import find_repo, history
from tests.browser.harness import screenshot, wait_idle

pytestmark = pytest.mark.browser
NS = {"a": ATOM}


def test_older_version_shows_the_banner_and_the_feed_is_atom(page, start_app, repo_data: Path) -> None:
    new, old = history(find_repo(repo_data))
    base = start_app(repo_data)
    page.goto(f"{base}/?v={old.version}")
    wait_idle(page)
    alert = page.get_by_text(f"You are seeing the data as it was at version {old.version}")
    alert.wait_for(timeout=30_000)
    assert page.get_by_role("link", name="What changed since").count() == 1
    screenshot(page, "time-travel-banner")
    with urllib.request.urlopen(f"{base}/app/static/changes.atom", timeout=30) as response:  # noqa: S310 (loopback)
        body = response.read()
    feed = ET.fromstring(body)
    assert feed.tag == f"{{{ATOM}}}feed"
    assert all((feed.findtext(f"a:{tag}", namespaces=NS) or "").strip() for tag in ("id", "title", "updated"))
    entries = feed.findall("a:entry", NS)
    assert [e.findtext("a:title", namespaces=NS) for e in entries] == [
        f"Data version {v.version}: {v.message}" for v in (new, old)
    ]
    for entry in entries:
        assert all((entry.findtext(f"a:{tag}", namespaces=NS) or "").strip() for tag in ("id", "updated"))
        assert "?v=" in (entry.find("a:link", NS).get("href") or "")
