"""Browser benchmark (`make bench-e2e`): the monitor's pages in Debian's chromium, beside a bare one-page app.

In one run it starts, each on its own 127.0.0.1 port, the bare app (`bench/bare_app.py`), the monitor on the shipped
data and the monitor on a synthetic directory (`python -m incidents synth`, written to bench/out/, never data/).
Per page: the first visit since the server started (it builds what later sessions are served ready-made), then
cold time to idle in a new browser context, its ratio to the bare app, the websocket bytes received, the
DOM node count and the rerun time after typing in the shared text filter (median of 3). Then, on the synthetic data:
restart time (server start to the first page idle) with the parse cache warm and cold, the time until a one-file
edit shows, and the server's memory with 10 sessions open. Prints one Markdown table and those lines.
Not part of `make test`; takes several minutes. Every wait is bounded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Page, WebSocket, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from incidents.synth import generate  # noqa: E402
from tests.browser.harness import CHROMIUM_FLAGS, IDLE, chromium_path, free_port, is_local  # noqa: E402

OUT = ROOT / "bench" / "out"
PAGES = ("/", "/timeline", "/map", "/claims", "/sources", "/about")
FILTER_TEXTS = ("drone", "border", "report")
QUIET_S = 0.3  # a rerun is over when the app is idle and no message has come for this long
TIMEOUT_MS = 300_000  # a page on 1,000 incidents on a busy 2-core machine can take minutes
class Server:
    """`streamlit run` of one app on a free loopback port, with the production-like flags of the browser tests."""

    def __init__(self, app: Path, env: dict[str, str], label: str) -> None:
        self.port, self.label = free_port(), label
        self.url = f"http://127.0.0.1:{self.port}"
        OUT.mkdir(parents=True, exist_ok=True)
        self.log = (OUT / f"e2e-{label}.log").open("w")
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.runOnSave", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env={**os.environ, **env, "PYTHONUNBUFFERED": "1"}, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{label}: streamlit exited; see {self.log.name}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{label}: not healthy in 120 s; see {self.log.name}")

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@dataclass
class PageFigures:
    app: str
    page: str
    first_s: float  # the first visit since the server started: it builds what later sessions reuse
    cold_s: float
    ws_bytes: int
    dom_nodes: int
    rerun_s: float | None


Frames = list[tuple[float, int]]  # (perf_counter when received, payload length)


def new_page(browser: Browser) -> tuple[Page, Frames]:
    """A page in a new context (nothing cached) that logs websocket frames and refuses requests off 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    context.route("**/*", lambda route: route.continue_() if is_local(route.request.url) else route.abort())
    page = context.new_page()
    frames: Frames = []

    def on_socket(socket: WebSocket) -> None:
        socket.on("framereceived", lambda payload: frames.append((time.perf_counter(), len(payload))))

    page.on("websocket", on_socket)
    return page, frames


def is_idle(page: Page) -> bool:
    return bool(page.evaluate(f"() => document.querySelector('{IDLE}') !== null"))


def open_idle(page: Page, url: str) -> float:
    """Seconds from navigation until the page's heading and the shared text filter are there and its script has
    stopped."""
    start = time.perf_counter()
    page.goto(url, timeout=TIMEOUT_MS)
    page.wait_for_function("() => document.querySelector('[data-testid=\"stMain\"] h1') !== null",
                           polling=100, timeout=TIMEOUT_MS)
    page.locator(".st-key-q input").wait_for(timeout=TIMEOUT_MS)  # the shared filter: the sidebar is there too
    page.wait_for_function(f"() => document.querySelector('{IDLE}') !== null", polling=100, timeout=TIMEOUT_MS)
    return time.perf_counter() - start


def rerun(page: Page, frames: Frames, text: str, until_text: str | None = None) -> float:
    """Seconds from pressing Enter in the shared text filter until the last message of the rerun it starts.

    Done means: messages came after the press, the app is idle, nothing more arrived for QUIET_S (and, for an
    edit, its text is on the page). A rerun too fast for the script-state attribute to flip is still measured."""
    field = page.locator(".st-key-q input")
    field.fill(text, timeout=TIMEOUT_MS)
    start = time.perf_counter()
    field.press("Enter", timeout=TIMEOUT_MS)
    deadline = start + TIMEOUT_MS / 1000
    while time.perf_counter() < deadline:
        page.wait_for_timeout(50)
        after = [moment for moment, _ in frames if moment > start]
        if not after or time.perf_counter() - after[-1] < QUIET_S or not is_idle(page):
            continue
        if until_text is None or page.get_by_text(until_text).count():
            return after[-1] - start
    raise TimeoutError(f"no finished rerun after typing {text!r} within {TIMEOUT_MS / 1000:.0f} s")


def measure_page(browser: Browser, server: Server, path: str) -> PageFigures:
    page, _ = new_page(browser)
    first = open_idle(page, server.url + path)
    page.context.close()
    page, frames = new_page(browser)
    cold = open_idle(page, server.url + path)
    page.wait_for_timeout(500)
    nodes = page.evaluate("document.getElementsByTagName('*').length")
    ws_bytes = sum(size for _, size in frames)
    samples = [rerun(page, frames, text) for text in FILTER_TEXTS]
    page.context.close()
    return PageFigures(server.label, path, first, cold, ws_bytes, nodes, statistics.median(samples))


def restart_time(browser: Browser, env: dict[str, str], label: str) -> float:
    """Seconds from starting the server until its first page is idle in the browser."""
    start = time.perf_counter()
    server = Server(ROOT / "app.py", env, label)
    try:
        page, _ = new_page(browser)
        open_idle(page, server.url + "/")
        page.context.close()
        return time.perf_counter() - start
    finally:
        server.stop()


def edit_time(browser: Browser, server: Server, data_dir: Path) -> float:
    """Seconds from the rerun after editing one incident file until the edit is on screen."""
    page, frames = new_page(browser)
    open_idle(page, server.url + "/")
    latest = sorted((data_dir / "incidents").glob("*.yaml"))[-1]  # the overview shows the most recent incident
    body = latest.read_text()
    marker = f"Edited at {time.time_ns()}"
    latest.write_text(body.replace("title: Fictional incident", f"title: {marker} fictional incident", 1))
    try:
        return rerun(page, frames, "fictional", until_text=marker)
    finally:
        latest.write_text(body)
        page.context.close()


def sessions_rss(browser: Browser, server: Server, count: int = 10) -> tuple[float, float, float]:
    """Server RSS with one session open, with `count` open, and the cost of each extra one (MB)."""
    pages = []
    for _ in range(count):
        page, _ = new_page(browser)
        open_idle(page, server.url + "/")
        pages.append(page)
        if len(pages) == 1:
            one = server.rss_mb()
    total = server.rss_mb()
    for page in pages:
        page.context.close()
    return one, total, (total - one) / (count - 1)


def table(rows: list[PageFigures]) -> str:
    bare = next(row.cold_s for row in rows if row.app == "bare")
    bare_rerun = next(row.rerun_s for row in rows if row.app == "bare") or 0
    lines = [
        "| app | page | first visit | new session, cold to idle | × bare | websocket bytes | DOM nodes "
        "| filter rerun (median of 3) | × bare |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        rerun_cell = f"{row.rerun_s:.2f} s | {row.rerun_s / bare_rerun:.1f}" if row.rerun_s and bare_rerun else "— | —"
        lines.append(f"| {row.app} | `{row.page}` | {row.first_s:.2f} s | {row.cold_s:.2f} s | "
                     f"{row.cold_s / bare:.1f} | "
                     f"{row.ws_bytes:,} | {row.dom_nodes:,} | {rerun_cell} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=1000, help="size of the synthetic directory")
    args = parser.parse_args()
    executable = chromium_path()
    if executable is None:
        raise SystemExit("chromium is not installed (Debian's chromium; make test installs it as root)")
    synth_dir = OUT / f"synth-{args.incidents}"
    generate(synth_dir, args.incidents, seed=0)
    synth_cache = OUT / "parse-cache"
    shutil.rmtree(synth_cache, ignore_errors=True)
    synth_env = {"INCIDENTS_DATA_DIR": str(synth_dir), "INCIDENTS_PARSE_CACHE": str(synth_cache)}
    label = f"synth {args.incidents}"
    uptime = subprocess.run(["uptime"], capture_output=True, text=True, timeout=10).stdout.strip()
    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; at start: {uptime}", flush=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        servers = {"bare": Server(ROOT / "bench" / "bare_app.py", {}, "bare"),
                   "shipped": Server(ROOT / "app.py", {"INCIDENTS_PARSE_CACHE": "off"}, "shipped"),
                   label: Server(ROOT / "app.py", synth_env, label)}
        rows: list[PageFigures] = []
        extras: list[str] = []
        try:
            for server in servers.values():  # the first load of the records is the restart figure, not a page's
                page, _ = new_page(browser)
                open_idle(page, server.url + "/")
                page.context.close()
            rows.append(measure_page(browser, servers["bare"], "/"))
            for name in ("shipped", label):
                for path in PAGES:
                    try:
                        rows.append(measure_page(browser, servers[name], path))
                    except Exception as exc:  # noqa: BLE001 - a page over the time limit is a row that says so
                        rows.append(PageFigures(name, path, float("nan"), float("nan"), 0, 0, None))
                        print(f"  {name} {path} failed: {type(exc).__name__}: {str(exc)[:200]}", file=sys.stderr)
                        for context in browser.contexts:
                            context.close()
                    print(f"  measured {name} {path}", file=sys.stderr, flush=True)
            print(table(rows), flush=True)  # the table first: a failure below leaves it printed
            extras.append(bounded(lambda: f"one incident file of {args.incidents} edited → on screen after the next "
                                          f"rerun: {edit_time(browser, servers[label], synth_dir):.2f} s"))
            extras.append(bounded(lambda: sessions_line(browser, servers[label], label)))
        finally:
            for server in servers.values():
                server.stop()
        extras.insert(0, bounded(lambda: restart_line(browser, synth_env, synth_cache, label)))
        browser.close()
    uptime = subprocess.run(["uptime"], capture_output=True, text=True, timeout=10).stdout.strip()
    print()
    for line in extras:
        print(f"- {line}")
    print(f"- {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; at the end: {uptime}")


def bounded(measure: Callable[[], str]) -> str:
    """One extra figure's line, or what stopped it (the others still run)."""
    try:
        return measure()
    except Exception as exc:  # noqa: BLE001 - a benchmark reports a failed measurement and carries on
        return f"failed: {type(exc).__name__}: {str(exc)[:200]}"


def restart_line(browser: Browser, env: dict[str, str], cache: Path, label: str) -> str:
    warm = restart_time(browser, env, "restart-warm")
    shutil.rmtree(cache, ignore_errors=True)
    cold = restart_time(browser, env, "restart-cold")
    return f"restart on unchanged data ({label}), server start → first page idle: parse cache warm {warm:.1f} s, " \
           f"cold {cold:.1f} s"


def sessions_line(browser: Browser, server: Server, label: str) -> str:
    one, ten, extra = sessions_rss(browser, server)
    return f"server RSS ({label}): 1 session {one:,.0f} MB, 10 sessions {ten:,.0f} MB, " \
           f"{extra:,.1f} MB per extra session"


if __name__ == "__main__":
    main()
