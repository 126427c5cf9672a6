"""Browser benchmark (`make bench-e2e`): the monitor's pages in Debian's chromium, beside a bare app and floors.

In one run it starts, each on its own 127.0.0.1 port, the bare app (`bench/bare_app.py`), the monitor (through
`boot.py`, as replicas run) on the shipped data and the monitor on a synthetic directory (`python -m incidents
synth`, written to bench/out/, never data/), and, on each of the two data sets, three floors:
- the frame alone (`bench/frame_app.py`: app.py's sidebar filters, notices, exports and navigation around one
  empty page);
- the timeline's own figure (`bench/floor_app.py`, drawing the plotly figure the monitor sends on that data, saved
  by `bench/save_floors.py`);
- the map's own deck (the same, with the pydeck JSON; map_provider None as the page's).
Per page: the first visit since the server started (it builds what later sessions are served ready-made); in a new
browser context (cold, the median of `COLD_SAMPLES` such visits) and then in the same context again (warm), the time
to idle (the script has stopped) and the time to drawn (every visible plotly chart has fired `plotly_afterplot` and
every deck.gl canvas has a size and one animation frame after it); the websocket bytes received and the DOM nodes
(the first cold visit); and the rerun after typing in the shared text filter (median of 3): to idle in the browser,
the server's script by its own clock (the rerun's request to its `script_finished`, `bench/clocked_server.py`),
and first to last message as the browser saw them.
Then, on the synthetic data: restart time (server start to the first page idle, median of `RESTART_SAMPLES`) from
the snapshot, the bare app's restart, the same with the reader arriving after the server's warm-up, the time until
a one-file edit shows, the first filter on a server restarted from the snapshot (its columns read back from the
store, `incidents.views.columns_store`), the server's memory with 10 sessions, and a hosted server started with no
cache at all (once: its start and its memory with 10 sessions).
Prints the pages' table, those lines, and issue 28's targets with whether each held (`bench/targets.py`).
Not part of `make test`; takes 20-30 minutes at 1,000 incidents. Every wait is bounded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Page, WebSocket, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.clocked_server import server_script_s  # noqa: E402
from bench.targets import PageRun, RunFigures, targets, targets_table  # noqa: E402
from incidents.synth import generate  # noqa: E402
from tests.browser.harness import CHROMIUM_FLAGS, IDLE, chromium_path, free_port, is_local  # noqa: E402

OUT = ROOT / "bench" / "out"
# The monitor as deployed: boot.py serves app.py and warms the records as the server starts (components/warmup.py).
MONITOR = ROOT / "boot.py"
WARM_UP_LINE = "warm-up: the records"  # what boot.py's warm-up logs once the records are ready
ARRIVAL_AFTER_S = 2.0
PAGES = ("/", "/timeline", "/map", "/claims", "/sources", "/about")
CHART_PAGES = ("/timeline", "/map")  # pages that always draw a chart: drawn waits for one
FILTER_TEXTS = ("drone", "border", "report")
COLD_SAMPLES = 3  # cold visits per page, each in a new context: one visit's time varied by up to 60 % run to run
# Restarts per kind, the bare app's and the monitor's alternated: one restart of the same code took 4.5 s in a probe
# and 5.7 s in a bench run an hour before.
RESTART_SAMPLES = 3
QUIET_S = 0.3  # a rerun is over when the app is idle and no message has come for this long
TIMEOUT_MS = 300_000  # a page on 1,000 incidents on a busy 2-core machine can take minutes
WARM_UP_TIMEOUT_MS = 1_200_000  # the big data's first load with no cache: 56 s at load 1, over 300 s at load 6-9
DRAWN_TIMEOUT_S = 120.0  # after idle, how long a chart may take to draw before the page counts as not drawn

# Before any page script: mark each plotly graph div's first `plotly_afterplot` and each deck.gl canvas's first
# animation frame after it had a size, in the page's own clock (performance.now(), from navigation start).
# Plotly's bundle in Streamlit has no global to hook and may fire its first afterplot before a MutationObserver
# would see the div, so the marker wraps the `emit` that plotly's Events.init assigns to the div.
DRAWN_HOOKS = """(() => {
  Object.defineProperty(HTMLElement.prototype, 'emit', {
    configurable: true,
    get() { return undefined; },
    set(fn) {
      const div = this;
      Object.defineProperty(div, 'emit', {configurable: true, writable: true, enumerable: true, value(name, data) {
        if (name === 'plotly_afterplot' && !div.__benchDrawn) div.__benchDrawn = performance.now();
        return fn.call(this, name, data);
      }});
    },
  });
  const watch = () => {
    for (const chart of document.querySelectorAll('[data-testid="stDeckGlJsonChart"]')) {
      if (chart.__benchDrawn) continue;
      const canvas = chart.querySelector('canvas');
      if (!canvas || !canvas.width || !canvas.height) continue;
      if (chart.__benchSized) chart.__benchDrawn = performance.now();  // a frame after the sized canvas
      else chart.__benchSized = performance.now();
    }
    requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);
})();"""
# Visible charts only: the phone variants are display:none at 1440 px (components/responsive.py).
DRAWN_STATE = """(idle) => {
  const shown = el => el.getClientRects().length > 0;
  const plots = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].filter(shown)
    .map(el => (el.querySelector('.js-plotly-plot') || {}).__benchDrawn);
  const decks = [...document.querySelectorAll('[data-testid="stDeckGlJsonChart"]')].filter(shown)
    .map(el => el.__benchDrawn);
  const times = plots.concat(decks);
  return {idle: document.querySelector(idle) !== null, charts: times.length, pending: times.filter(t => !t).length,
          last: Math.max(0, ...times.filter(Boolean)), origin: performance.timeOrigin};
}"""


def server_env(extra: dict[str, str]) -> dict[str, str]:
    """The environment of a served app: ours, with `extra`. Without PYTHONDONTWRITEBYTECODE (which some sandboxes
    set), as a hosted instance runs: each restart would otherwise compile the app's modules again (0.16 s)."""
    env = {**os.environ, **extra, "PYTHONUNBUFFERED": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


class Server:
    """`streamlit run` of one app on a free loopback port, with the production-like flags of the browser tests."""

    def __init__(self, app: Path, env: dict[str, str], label: str) -> None:
        self.port, self.label = free_port(), label
        self.url = f"http://127.0.0.1:{self.port}"
        OUT.mkdir(parents=True, exist_ok=True)
        self.log = (OUT / f"e2e-{label.replace(' ', '-')}.log").open("w")
        self.run_log = OUT / f"e2e-{label.replace(' ', '-')}-runs.log"  # the server's clock on each run
        self.run_log.write_text("")
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "clocked_server.py"), "run", str(app),
             "--server.port", str(self.port), "--server.address", "127.0.0.1", "--server.headless", "true",
             "--logger.level", "info",
             "--browser.gatherUsageStats", "false",
             "--server.runOnSave", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env={**server_env(env), "BENCH_RUN_LOG": str(self.run_log)}, stdout=self.log,
            stderr=subprocess.STDOUT,
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

    def wait_for_log(self, text: str | None, timeout_s: float = 120) -> None:
        """Wait until the server's log holds `text` (None: return at once)."""
        deadline = time.monotonic() + timeout_s
        self.log.flush()
        while text is not None and text not in (OUT / self.log.name).read_text(errors="replace"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{self.label}: no {text!r} in its log; see {self.log.name}")
            time.sleep(0.1)

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
class App:
    """One app of the run: its server, what its pages look like, and what its figures are compared with."""

    label: str
    server: Server
    pages: tuple[str, ...] = ("/",)
    has_filter: bool = True  # the shared text filter (`q`) is on the page: wait for it, time reruns with it
    charts: tuple[str, ...] = ()  # pages that must show a chart before they count as drawn
    rows: list[PageFigures] = field(default_factory=list)


@dataclass
class PageFigures:
    app: str
    page: str
    first_s: float  # the first visit since the server started: it builds what later sessions reuse
    cold_idle_s: float
    cold_drawn_s: float
    warm_idle_s: float
    warm_drawn_s: float
    ws_bytes: int
    dom_nodes: int
    rerun_s: float | None
    script_s: float | None  # the server's own (bench/clocked_server.py)
    wire_s: float | None  # first to last message as the browser saw them

    def run(self) -> PageRun:
        return PageRun(self.page, self.cold_idle_s, self.cold_drawn_s, self.warm_idle_s, self.warm_drawn_s,
                       self.ws_bytes, self.dom_nodes, self.rerun_s, self.script_s)


def failed_row(app: str, page: str) -> PageFigures:
    nan = math.nan
    return PageFigures(app, page, nan, nan, nan, nan, nan, 0, 0, None, None, None)


Frames = list[tuple[float, int]]  # (perf_counter when received, payload length)


def new_page(browser: Browser) -> tuple[Page, Frames]:
    """A page in a new context (nothing cached) that logs websocket frames, marks its charts' drawing and refuses
    requests off 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    context.route("**/*", lambda route: route.continue_() if is_local(route.request.url) else route.abort())
    context.add_init_script(DRAWN_HOOKS)
    page = context.new_page()
    frames: Frames = []

    def on_socket(socket: WebSocket) -> None:
        socket.on("framereceived", lambda payload: frames.append((time.perf_counter(), len(payload))))

    page.on("websocket", on_socket)
    return page, frames


def is_idle(page: Page) -> bool:
    return bool(page.evaluate(f"() => document.querySelector('{IDLE}') !== null"))


def open_page(page: Page, url: str, has_filter: bool = True, chart: bool = False,
              timeout_ms: float = TIMEOUT_MS) -> tuple[float, float]:
    """Seconds from navigation until the page is idle (its heading, the shared text filter when it has one, and
    its script stopped) and until it is drawn (idle, every visible chart drawn, at least one when `chart`, and so
    for QUIET_S: Streamlit loads a chart's code when it first meets one)."""
    wall, start = time.time(), time.perf_counter()
    page.goto(url, timeout=timeout_ms)
    page.wait_for_function("() => document.querySelector('[data-testid=\"stMain\"] h1') !== null",
                           polling=100, timeout=timeout_ms)
    if has_filter:
        page.locator(".st-key-q input").wait_for(timeout=timeout_ms)  # the shared filter: the sidebar is there too
    page.wait_for_function(f"() => document.querySelector('{IDLE}') !== null", polling=100, timeout=timeout_ms)
    idle = time.perf_counter() - start
    deadline, since = time.perf_counter() + DRAWN_TIMEOUT_S, None
    while time.perf_counter() < deadline:
        state = page.evaluate(DRAWN_STATE, IDLE)
        done = state["idle"] and not state["pending"] and (state["charts"] or not chart)
        if not done:
            since = None
        elif since is None:
            since = time.perf_counter()
        elif time.perf_counter() - since >= QUIET_S:
            # The page's clock starts at navigation: its marks are put on ours through the wall clock.
            drawn = (state["origin"] + state["last"]) / 1000 - wall if state["last"] else 0.0
            return idle, max(idle, drawn)
        page.wait_for_timeout(50)
    return idle, math.nan


@dataclass(frozen=True)
class Rerun:
    """One filter change, in seconds: to idle in the browser, the server's own script time (the rerun's request
    reaching the server to its last `script_finished`, `bench/clocked_server.py`), and first to last message as the
    browser's websocket saw them (later than the server's when the browser was busy drawing)."""

    browser_s: float
    server_s: float
    wire_s: float


def rerun(page: Page, frames: Frames, text: str, server: Server | None = None, until_text: str | None = None
          ) -> Rerun:
    """Press Enter in the shared text filter after typing `text`, and time the rerun it starts.

    Done means: messages came after the press, the app is idle, nothing more arrived for QUIET_S (and, for an
    edit, its text is on the page). A rerun too fast for the script-state attribute to flip is still measured."""
    field_ = page.locator(".st-key-q input")
    field_.fill(text, timeout=TIMEOUT_MS)
    start, since = time.perf_counter(), time.monotonic()
    field_.press("Enter", timeout=TIMEOUT_MS)
    deadline = start + TIMEOUT_MS / 1000
    while time.perf_counter() < deadline:
        page.wait_for_timeout(50)
        after = [moment for moment, _ in frames if moment > start]
        if not after or time.perf_counter() - after[-1] < QUIET_S or not is_idle(page):
            continue
        if until_text is None or page.get_by_text(until_text).count():
            server_s = server_script_s(str(server.run_log), since, time.monotonic()) if server else None
            return Rerun(after[-1] - start, math.nan if server_s is None else server_s, after[-1] - after[0])
    raise TimeoutError(f"no finished rerun after typing {text!r} within {TIMEOUT_MS / 1000:.0f} s")


def measure_page(browser: Browser, app: App, path: str) -> PageFigures:
    chart = path in app.charts
    page, _ = new_page(browser)
    first, _ = open_page(page, app.server.url + path, app.has_filter, chart)
    page.context.close()
    colds: list[tuple[float, float]] = []
    for sample in range(COLD_SAMPLES):
        if sample:
            page.context.close()
        page, frames = new_page(browser)
        colds.append(open_page(page, app.server.url + path, app.has_filter, chart))
        if not sample:  # what the page sends and builds: the first cold visit's
            page.wait_for_timeout(500)
            nodes = page.evaluate("document.getElementsByTagName('*').length")
            ws_bytes = sum(size for _, size in frames)
    cold_idle = statistics.median(idle for idle, _ in colds)
    cold_drawn = statistics.median(drawn for _, drawn in colds)
    warm_idle, warm_drawn = open_page(page, app.server.url + path, app.has_filter, chart)  # same context
    rerun_s = script_s = wire_s = None
    if app.has_filter:
        samples = [rerun(page, frames, text, app.server) for text in FILTER_TEXTS]
        rerun_s = statistics.median(sample.browser_s for sample in samples)
        script_s = statistics.median(sample.server_s for sample in samples)
        wire_s = statistics.median(sample.wire_s for sample in samples)
    page.context.close()
    return PageFigures(app.label, path, first, cold_idle, cold_drawn, warm_idle, warm_drawn, ws_bytes, nodes,
                       rerun_s, script_s, wire_s)


def restart_time(browser: Browser, app: Path, env: dict[str, str], label: str, arrive_late: bool = False,
                 ready_line: str | None = None) -> float:
    """Seconds from starting the server until its first page is idle in the browser. `arrive_late`: the reader
    comes `ARRIVAL_AFTER_S` after the server is ready (once its log holds `ready_line`, or once it answers), and
    the seconds are from that arrival."""
    start = time.perf_counter()
    server = Server(app, env, label)
    try:
        if arrive_late:
            server.wait_for_log(ready_line)
            time.sleep(ARRIVAL_AFTER_S)
            start = time.perf_counter()
        page, _ = new_page(browser)
        open_page(page, server.url + "/", timeout_ms=WARM_UP_TIMEOUT_MS)
        page.context.close()
        return time.perf_counter() - start
    finally:
        server.stop()


def edit_time(browser: Browser, server: Server, data_dir: Path) -> float:
    """Seconds from the rerun after editing one incident file until the edit is on screen."""
    page, frames = new_page(browser)
    open_page(page, server.url + "/")
    latest = sorted((data_dir / "incidents").glob("*.yaml"))[-1]  # the overview shows the most recent incident
    body = latest.read_text()
    marker = f"Edited at {time.time_ns()}"
    latest.write_text(body.replace("title: Fictional incident", f"title: {marker} fictional incident", 1))
    try:
        return rerun(page, frames, "fictional", server, until_text=marker).browser_s
    finally:
        latest.write_text(body)
        page.context.close()


def sessions_rss(browser: Browser, server: Server, count: int = 10) -> tuple[float, float, float]:
    """Server RSS with one session open, with `count` open, and the cost of each extra one (MB)."""
    pages = []
    for _ in range(count):
        page, _ = new_page(browser)
        open_page(page, server.url + "/")
        pages.append(page)
        if len(pages) == 1:
            one = server.rss_mb()
    total = server.rss_mb()
    for page in pages:
        page.context.close()
    return one, total, (total - one) / (count - 1)


def cell(value: float | None, unit: str = " s") -> str:
    return "—" if value is None or math.isnan(value) else f"{value:.2f}{unit}"


def ratio(value: float | None, base: float | None) -> str:
    if value is None or base is None or math.isnan(value) or math.isnan(base) or not base:
        return "—"
    return f"{value / base:.1f}"


def table(rows: list[PageFigures], bare: PageFigures, floors: dict[tuple[str, str], PageFigures]) -> str:
    """One Markdown row per page: times to idle and to drawn, cold and warm, and the ratios to the bare app and to
    the page's floors on the same data (the frame alone; the saved figure or deck for `/timeline` and `/map`)."""
    lines = [
        "| app | page | first visit | cold: idle / drawn | warm: idle / drawn | × bare (cold drawn) "
        "| × frame | × own floor | websocket bytes | DOM nodes | filter rerun, median of 3: browser / server's "
        "script / messages "
        "| × bare |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        frame = floors.get((row.app, "frame"))
        own = floors.get((row.app, row.page)) or frame
        lines.append(
            f"| {row.app} | `{row.page}` | {cell(row.first_s)} | {cell(row.cold_idle_s)} / {cell(row.cold_drawn_s)} "
            f"| {cell(row.warm_idle_s)} / {cell(row.warm_drawn_s)} | {ratio(row.cold_drawn_s, bare.cold_drawn_s)} "
            f"| {ratio(row.cold_drawn_s, frame.cold_drawn_s) if frame else '—'} "
            f"| {ratio(row.cold_drawn_s, own.cold_drawn_s) if own else '—'} "
            f"| {row.ws_bytes:,} | {row.dom_nodes:,} | {cell(row.rerun_s)} / {cell(row.script_s)} / {cell(row.wire_s)} "
            f"| {ratio(row.rerun_s, bare.rerun_s)} |"
        )
    return "\n".join(lines)


def measure_app(browser: Browser, app: App) -> None:
    for path in app.pages:
        try:
            app.rows.append(measure_page(browser, app, path))
        except Exception as exc:  # noqa: BLE001 - a page over the time limit is a row that says so
            app.rows.append(failed_row(app.label, path))
            print(f"  {app.label} {path} failed: {type(exc).__name__}: {str(exc)[:200]}", file=sys.stderr)
            for context in browser.contexts:
                context.close()
        row = app.rows[-1]
        print(f"  {app.label} {path} at {dt.datetime.now(dt.UTC):%H:%M:%S}: cold {cell(row.cold_idle_s)} idle, "
              f"{cell(row.cold_drawn_s)} drawn; warm {cell(row.warm_idle_s)}, {cell(row.warm_drawn_s)}; rerun "
              f"{cell(row.rerun_s)}, server's script {cell(row.script_s)}, messages {cell(row.wire_s)}",
              file=sys.stderr, flush=True)


def warm_up(browser: Browser, app: App) -> None:
    """The first load of the records is the restart figure, not a page's: done before any page is timed."""
    page, _ = new_page(browser)
    open_page(page, app.server.url + "/", app.has_filter, timeout_ms=WARM_UP_TIMEOUT_MS)
    page.context.close()


def save_floors(prefix: Path, env: dict[str, str]) -> None:
    """The timeline's figure and the map's deck as the monitor sends them on this data (`bench/save_floors.py`)."""
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "save_floors.py"), str(prefix)], cwd=ROOT,
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=1800)
    if done.returncode:
        raise RuntimeError(f"save_floors {prefix.name}: {done.stdout[-500:]} {done.stderr[-1500:]}")
    print(f"  {done.stdout.strip()}", file=sys.stderr, flush=True)


def floor_apps(name: str, env: dict[str, str]) -> list[App]:
    """The three floors on one data set: the frame alone, the timeline's figure, the map's deck."""
    prefix = OUT / f"floor-{name.replace(' ', '-')}"
    save_floors(prefix, env)
    return [
        App(f"{name}: frame alone", Server(ROOT / "bench" / "frame_app.py", env, f"frame {name}")),
        App(f"{name}: `/timeline`'s figure", Server(ROOT / "bench" / "floor_app.py",
            {"BENCH_FLOOR": f"{prefix}-timeline.json"}, f"figure {name}"), has_filter=False, charts=("/",)),
        App(f"{name}: `/map`'s deck", Server(ROOT / "bench" / "floor_app.py",
            {"BENCH_FLOOR": f"{prefix}-map.json"}, f"deck {name}"), has_filter=False, charts=("/",)),
    ]


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, timeout=10).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=1000, help="size of the synthetic directory")
    args = parser.parse_args()
    executable = chromium_path()
    if executable is None:
        raise SystemExit("chromium is not installed (Debian's chromium; make test installs it as root)")
    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; at start: {uptime()}", flush=True)
    synth_dir = OUT / f"synth-{args.incidents}"
    generate(synth_dir, args.incidents, seed=0)
    synth_cache = OUT / "parse-cache"
    shutil.rmtree(synth_cache, ignore_errors=True)
    shipped_env = {"INCIDENTS_PARSE_CACHE": "off"}
    synth_env = {"INCIDENTS_DATA_DIR": str(synth_dir), "INCIDENTS_PARSE_CACHE": str(synth_cache)}
    label = f"synth {args.incidents}"
    extras: list[str] = []
    figures: dict[str, float] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        bare = App("bare", Server(ROOT / "bench" / "bare_app.py", {}, "bare"))
        monitors = [App("shipped", Server(MONITOR, shipped_env, "shipped"), PAGES, charts=CHART_PAGES),
                    App(label, Server(MONITOR, synth_env, label), PAGES, charts=CHART_PAGES)]
        apps = [bare, *monitors]
        try:
            for app in apps:
                warm_up(browser, app)
            # After the monitors' first loads, so the floors' own load of the big data is from its snapshot.
            floors = [*floor_apps("shipped", shipped_env), *floor_apps(label, synth_env)]
            apps += floors
            for app in floors:
                warm_up(browser, app)
            for app in apps:
                measure_app(browser, app)
            floor_rows = floor_figures(floors, monitors)
            rows = [row for app in apps for row in app.rows]
            print(table(rows, bare.rows[0], floor_rows), flush=True)  # the table first: a failure below leaves it
            for app in floors:
                app.server.stop()
            figures["edit"] = bounded_figure(lambda: edit_time(browser, monitors[1].server, synth_dir))
            extras.append(f"one incident file of {args.incidents} edited → on screen after the next rerun: "
                          f"{cell(figures['edit'])}")
            extras.append(bounded(lambda: sessions_line(browser, monitors[1].server, label, figures)))
        finally:
            for app in apps:
                if app.server.process.poll() is None:
                    app.server.stop()
        extras.insert(0, bounded(lambda: restart_line(browser, synth_env, label, figures)))
        extras.insert(1, bounded(lambda: restarted_sessions_line(browser, synth_env, label, figures)))
        # The slowest step: a hosted server whose first load has no cache at all (as a new container's).
        shutil.rmtree(synth_cache, ignore_errors=True)
        extras.append(bounded(lambda: cold_hosted_line(browser, synth_env, label, figures)))
        print()
        for line in extras:
            print(f"- {line}")
        print(f"- {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; after the targets' figures: {uptime()}", flush=True)
        run = RunFigures(
            incidents=args.incidents, bare=bare.rows[0].run(), big=[row.run() for row in monitors[1].rows],
            shipped=[row.run() for row in monitors[0].rows],
            floors={page: (name, floor_rows[(label, page)].cold_drawn_s)
                    for page, name in (("/timeline", "its saved figure alone"), ("/map", "its saved deck alone"))
                    if (label, page) in floor_rows},
            frame_floor_s=floor_rows[(label, "frame")].cold_drawn_s if (label, "frame") in floor_rows else math.nan,
            bare_restart_s=figures.get("bare restart", math.nan), restart_s=figures.get("restart", math.nan),
            bare_arrival_s=figures.get("bare arrival", math.nan), arrival_s=figures.get("arrival", math.nan),
            edit_s=figures.get("edit", math.nan), rss_ten_mb=figures.get("rss ten", math.nan),
            rss_restarted_ten_mb=figures.get("rss restarted ten", math.nan),
            rss_cold_hosted_ten_mb=figures.get("rss cold hosted ten", math.nan),
            restarted_filter_script_s=figures.get("restarted filter script", math.nan),
        )
        print()
        print(targets_table(targets(run)), flush=True)
        browser.close()
    print(f"- {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; at the end: {uptime()}")


def floor_figures(floors: list[App], monitors: list[App]) -> dict[tuple[str, str], PageFigures]:
    """Each monitor's floors by (its label, "frame" or the page the floor stands for)."""
    found: dict[tuple[str, str], PageFigures] = {}
    for monitor in monitors:
        for app in floors:
            if not app.label.startswith(f"{monitor.label}: ") or not app.rows:
                continue
            kind = "frame" if "frame" in app.label else "/timeline" if "/timeline" in app.label else "/map"
            found[(monitor.label, kind)] = app.rows[0]
    return found


def bounded(measure: Callable[[], str]) -> str:
    """One extra figure's line, or what stopped it (the others still run)."""
    try:
        return measure()
    except Exception as exc:  # noqa: BLE001 - a benchmark reports a failed measurement and carries on
        return f"failed: {type(exc).__name__}: {str(exc)[:200]}"


def bounded_figure(measure: Callable[[], float]) -> float:
    try:
        return measure()
    except Exception as exc:  # noqa: BLE001 - a failed measurement is NaN, reported as not measured
        print(f"  failed: {type(exc).__name__}: {str(exc)[:200]}", file=sys.stderr)
        return math.nan


def restart_line(browser: Browser, env: dict[str, str], label: str, figures: dict[str, float]) -> str:
    """The restarts, each the median of `RESTART_SAMPLES`, the bare app's and the monitor's taken in turn (so a
    busier minute of the machine weighs on both)."""
    bare = ROOT / "bench" / "bare_app.py"
    runs: dict[str, list[float]] = {"bare restart": [], "restart": [], "bare arrival": [], "arrival": []}
    for _ in range(RESTART_SAMPLES):
        runs["bare restart"].append(restart_time(browser, bare, {}, "restart-bare"))
        runs["restart"].append(restart_time(browser, MONITOR, env, "restart-warm"))
    for _ in range(RESTART_SAMPLES):
        runs["bare arrival"].append(restart_time(browser, bare, {}, "restart-bare-late", arrive_late=True))
        runs["arrival"].append(restart_time(browser, MONITOR, env, "restart-warm-late", arrive_late=True,
                                            ready_line=WARM_UP_LINE))
    for name, times in runs.items():
        figures[name] = statistics.median(times)

    def spread(name: str) -> str:
        return "–".join(f"{t:.1f}" for t in (min(runs[name]), max(runs[name])))

    return f"restart on unchanged data ({label}), server start → first page idle, median of {RESTART_SAMPLES}: " \
           f"from the snapshot {figures['restart']:.1f} s ({spread('restart')}); the bare app " \
           f"{figures['bare restart']:.1f} s ({spread('bare restart')}). The reader arriving " \
           f"{ARRIVAL_AFTER_S:.0f} s after the warm-up (the bare app: after it answers), arrival → first page idle: " \
           f"{figures['arrival']:.1f} s ({spread('arrival')}); the bare app {figures['bare arrival']:.1f} s " \
           f"({spread('bare arrival')})"


def restarted_sessions_line(browser: Browser, env: dict[str, str], label: str, figures: dict[str, float]) -> str:
    """A server as a hosted instance runs: restarted from the snapshot, never edited. Its first filter (the
    columns every filter reads are made then: read back from the store the long-run server wrote), then its memory
    with its readers on the front page (the other memory target is the long-run server's, after every page, filter
    and the edit)."""
    server = Server(MONITOR, env, "restart-sessions")
    try:
        page, frames = new_page(browser)
        open_page(page, server.url + "/", timeout_ms=WARM_UP_TIMEOUT_MS)
        first = rerun(page, frames, FILTER_TEXTS[0], server)  # its columns read from the store the others wrote
        page.context.close()
        one, ten, extra = sessions_rss(browser, server)
    finally:
        server.stop()
    figures["rss restarted ten"] = ten
    figures["restarted filter script"] = first.server_s
    return f"a server restarted from the snapshot ({label}), never edited: its first filter (`{FILTER_TEXTS[0]}` " \
           f"on `/`) {first.browser_s:.2f} s to idle, {first.server_s:.2f} s by the server's clock; its RSS after " \
           f"that filter: 1 session {one:,.0f} MB, 10 sessions {ten:,.0f} MB, {extra:,.1f} MB per extra session"


def cold_hosted_line(browser: Browser, env: dict[str, str], label: str, figures: dict[str, float]) -> str:
    """A hosted server (`INCIDENTS_PUBLISHED_ONLY=1`) started with no cache at all, as a new container starts: its
    start to the first page idle, then its memory with readers on the front page (its first load ran in the load's
    worker process, `incidents.load.worker`)."""
    start = time.perf_counter()
    server = Server(MONITOR, {**env, "INCIDENTS_PUBLISHED_ONLY": "1"}, "restart-cold")
    try:
        page, _ = new_page(browser)
        open_page(page, server.url + "/", timeout_ms=WARM_UP_TIMEOUT_MS)
        cold = time.perf_counter() - start
        page.context.close()
        one, ten, extra = sessions_rss(browser, server)
    finally:
        server.stop()
    figures["rss cold hosted ten"] = ten
    return f"restart ({label}) with no cache at all, hosted, server start → first page idle: {cold:.1f} s; its " \
           f"RSS: 1 session {one:,.0f} MB, 10 sessions {ten:,.0f} MB, {extra:,.1f} MB per extra session"


def sessions_line(browser: Browser, server: Server, label: str, figures: dict[str, float]) -> str:
    one, ten, extra = sessions_rss(browser, server)
    figures["rss ten"] = ten
    return f"server RSS ({label}): 1 session {one:,.0f} MB, 10 sessions {ten:,.0f} MB, " \
           f"{extra:,.1f} MB per extra session"


if __name__ == "__main__":
    main()
