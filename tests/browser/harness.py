"""Real-browser harness: a `streamlit run` server on 127.0.0.1 and Debian's chromium through Playwright."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IDLE = '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'
# Non-root pages probe these under their own path first and log the 404s; harmless (streamlit-1.67.md).
KNOWN_PROBE_404 = ("/_stcore/health", "/_stcore/host-config")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StreamlitServer:
    """`streamlit run app.py` on a free loopback port, optionally on another data directory and with more
    environment variables (`extra_env`, e.g. hosted mode's INCIDENTS_PUBLISHED_ONLY=1)."""

    def __init__(self, data_dir: Path | None = None, extra_env: Mapping[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **(extra_env or {})}
        if data_dir is not None:
            env["INCIDENTS_DATA_DIR"] = str(data_dir)
        self.log_path = ARTIFACTS / f"streamlit-{self.port}.log"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "app.py"),
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                "--server.runOnSave",
                "false",
                "--server.fileWatcherType",
                "none",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self._wait_healthy()

    def _wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited early; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"streamlit did not become healthy in {timeout}s; see {self.log_path}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()


def chromium_path() -> str | None:
    return shutil.which("chromium")


def is_local(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about", "chrome-extension"):
        return True
    return parsed.hostname in ("127.0.0.1", "localhost", "::1")


def wait_idle(page, timeout: float = 30_000, settle_ms: int = 300) -> None:
    """Wait until the app is connected and no script runs; then a short settle for late renders."""
    # Attached, not visible: on a phone the sidebar (and its page links) starts collapsed.
    page.wait_for_selector('[data-testid="stSidebarNav"]', timeout=timeout, state="attached")
    wait_for_css(page, IDLE, timeout)
    page.wait_for_timeout(settle_ms)
    wait_for_css(page, IDLE, timeout)


def wait_for_css(page, selector: str, timeout: float = 30_000) -> None:
    """Wait until an element matches, polling on a timer: on a busy machine deck.gl's software-GL drawing can
    starve the animation frames that wait_for_selector polls on, and it times out with the element right there."""
    page.wait_for_function("s => document.querySelector(s) !== null", arg=selector, polling=200, timeout=timeout)


def page_heading(page) -> str:
    """The page's own title: the first top-level heading (`st.title`, an h1) of the main block, not the sidebar's.

    Only the first: Markdown further down (About's field documentation, in a collapsed expander) has h1s too."""
    return page.locator('[data-testid="stMain"] h1').first.inner_text(timeout=10_000).strip()


_SKELETONS = """() => Array.from(document.querySelectorAll('[data-testid*="Skeleton"]'))
    .filter(e => e.checkVisibility()).length"""


def _wait_for_lazy_elements(page, timeout_ms: int = 15_000) -> None:
    """Streamlit loads some widgets' code lazily (multiselects, code blocks, download buttons) and shows a grey
    skeleton until it lands, which on a busy machine can be after the app reports idle: a screenshot should show
    what a reader sees once the page has loaded. Bounded; a skeleton still there after it is left in the shot."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(f"() => ({_SKELETONS})() === 0", polling=200, timeout=timeout_ms)
    except PlaywrightTimeout:
        pass  # a screenshot is still worth taking; it shows what stayed grey


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    # Streamlit scrolls inside its main block, so grow the viewport to the content before a full-page shot.
    height = page.evaluate(
        "() => Math.max(document.body.scrollHeight,"
        " ...Array.from(document.querySelectorAll('section, [data-testid=stMain]'), e => e.scrollHeight))"
    )
    size = page.viewport_size or {"width": 1400, "height": 1000}
    page.set_viewport_size({"width": size["width"], "height": min(max(int(height), size["height"]), 6000)})
    page.wait_for_timeout(300)
    _wait_for_lazy_elements(page)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path


AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_AXE_RUN = """async (tags) => {
    const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').replace(/\\s+/g, ' '))
    }));
}"""


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.0/2.1 A and AA violations on the page as it is now, one readable line per rule."""
    if not AXE_SCRIPT.exists():
        raise FileNotFoundError(f"{AXE_SCRIPT} is missing: run `npm ci` (make test does)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    found = page.evaluate(_AXE_RUN, AXE_TAGS)
    return [f"{v['id']} ({v['impact']}): {v['help']} — " + " | ".join(v["nodes"]) for v in found]


_OVERFLOW = """() => {
    const width = window.innerWidth;
    const main = document.querySelector('[data-testid="stMain"]');
    // Only elements that are not inside a frame that scrolls on its own (tables, dataframes, code).
    const scrolls = e => { for (let p = e.parentElement; p && p !== main; p = p.parentElement) {
        const s = getComputedStyle(p); if (s.overflowX === 'auto' || s.overflowX === 'scroll') return true; }
        return false; };
    // Inside an svg (a chart's clipped drawing) does not count; nor does what is hidden (a closed expander).
    const wide = Array.from(main.querySelectorAll('*'))
        .filter(e => !e.closest('svg') && e.checkVisibility({visibilityProperty: true}))
        .filter(e => e.getBoundingClientRect().right > width + 1 && !scrolls(e))
        .slice(0, 5).map(e => (e.getAttribute('data-testid') || e.tagName.toLowerCase())
            + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').pop() : ''));
    return {document: document.documentElement.scrollWidth, main: main.scrollWidth, width, wide};
}"""


def sideways_overflow(page) -> dict:
    """The page's and the main block's scroll widths beside the viewport width, and the first elements cut off past
    its right edge (outside any frame that scrolls on its own)."""
    return page.evaluate(_OVERFLOW)


def wait_for_stylesheet(page, timeout: float = 30_000) -> None:
    """Wait for the pages' phone/desktop stylesheet (components/responsive.py): `st.html` loads its code lazily,
    so on a busy machine it can land after the app reports idle, and both variants show until it does."""
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('style')).some(s => s.textContent.includes('st-key-narrow-'))",
        polling=200,
        timeout=timeout,
    )


def _settled_centre(page, selector: str, timeout_ms: int = 10_000) -> tuple[float, float]:
    """The first point's centre once it stops moving: two reads 300 ms apart agree (the page's stylesheet, a chart's
    resize or a late element above it can still shift it after the app reports idle)."""
    last = None
    for _ in range(max(1, timeout_ms // 300)):
        box = page.locator(selector).first.bounding_box()
        assert box is not None
        centre = (round(box["x"] + box["width"] / 2, 1), round(box["y"] + box["height"] / 2, 1))
        if centre == last:
            return centre
        last = centre
        page.wait_for_timeout(300)
    assert last is not None
    return last


def click_point(page, selector: str, url_pattern: re.Pattern[str], attempts: int = 3) -> str:
    """Click the first plotly point under `selector` as a user does (hover, then click where it is: plotly's drag
    layer covers the points) until the URL matches `url_pattern`; return the hover label shown where it clicked, so
    a test can check that what opened is what the reader pointed at. The phone/desktop stylesheet and a settled
    position come first: before the stylesheet lands both variants show and the chart sits lower (a click could land
    on another row). On a loaded machine plotly may not have taken the hover when a click lands: the point is found
    again before each attempt."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    wait_for_stylesheet(page)
    label = ""
    for _attempt in range(attempts):
        x, y = _settled_centre(page, selector)
        page.mouse.move(x, y)
        page.wait_for_timeout(500)
        hover = page.locator(".hoverlayer .hovertext")
        label = hover.first.text_content() or "" if hover.count() else ""
        page.mouse.click(x, y)
        try:
            page.wait_for_url(url_pattern, timeout=15_000)
            return label
        except PlaywrightTimeout:
            page.wait_for_timeout(1_000)
    assert url_pattern.search(page.url), page.url
    return label
