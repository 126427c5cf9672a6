"""`make serve` under load and fault: its supervisor on loopback, 30 sessions through nginx, one replica killed.

The sessions are 3 chromium pages (each its own browser context, so its own affinity cookie) and 27 clients of
Streamlit's websocket protocol (`deploy/smoke.py`), spread over the pages. Rerun times (p50, p95) and each
replica's RSS are printed and written to tests/artifacts/serve-load.json; they are reported, not asserted.
Traffic goes to 127.0.0.1 only. Under CI=true a missing nginx or chromium fails instead of skipping.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import tomllib
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from deploy.serve import PRODUCTION_CONFIG, free_port
from deploy.smoke import PAGES, Run, Session, last_upstream
from tests.browser.harness import ARTIFACTS, CHROMIUM_FLAGS, IDLE, KNOWN_PROBE_404, chromium_path, is_local, wait_idle
from tests.conftest import ROOT

pytestmark = pytest.mark.browser
BROWSER_PAGES = ("map", "timeline", "claims")
WS_SESSIONS = 27
QUERIES = ("kind=claim", "actor=irn", "q=drone", "")
REPLICA_LINE = re.compile(r"replica (\d+): pid (\d+) on (127\.0\.0\.1:\d+)")


def _missing(what: str) -> None:
    message = f"{what} is not installed (make test installs it with apt-get when run as root)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@dataclass
class Served:
    """The supervisor process, its address and the replicas it reported (index -> (pid, address))."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path
    replicas: dict[int, tuple[int, str]] = field(default_factory=dict)

    def read_replicas(self) -> dict[int, tuple[int, str]]:
        """The latest pid and address of each replica, from the supervisor's log (restarts included)."""
        for index, pid, address in REPLICA_LINE.findall(self.log.read_text(errors="replace")):
            self.replicas[int(index)] = (int(pid), address)
        return self.replicas


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    """`deploy/serve.py` on a free loopback port with 3 replicas and the X-Upstream debug header."""
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        _missing("Debian's nginx")
    port = free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = ARTIFACTS / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "deploy" / "serve.py"), "--port", str(port), "--bind", "127.0.0.1",
             "--replicas", "3", "--debug-upstream"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "FRAME_ANCESTORS": "'self'"},
        )  # fmt: skip
    served = Served(process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + 120
    while "ready: " not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"deploy/serve.py did not get ready; see {log}")
        time.sleep(0.3)
    served.read_replicas()
    yield served
    if process.poll() is None:
        process.kill()
        process.wait()


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        got: dict[str, str] = {}
        for key, value in response.headers.items():  # repeated headers (Set-Cookie) one per line
            got[key.lower()] = f"{got[key.lower()]}\n{value}" if key.lower() in got else value
        return response.status, got, response.read()


def _static_script(base: str) -> str:
    html = _get(base + "/")[2].decode()
    match = re.search(r'src="\./(static/js/[^"]+\.js)"', html)
    assert match, "index.html names no script"
    return "/" + match.group(1)


@pytest.mark.parametrize("path", ["/", "/map", "/_stcore/health", "static-script", "/app/static/changes.atom"])
def test_security_headers_on_every_response(served: Served, path: str) -> None:
    url = served.url + (_static_script(served.url) if path == "static-script" else path)
    status, headers, _ = _get(url)
    assert status == 200
    assert "frame-ancestors 'self'" in headers["content-security-policy"]
    assert "'unsafe-eval'" not in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["permissions-policy"]
    assert headers.get("server") == "nginx", "server_tokens off: no version"


def test_gzip_and_xsrf_cookie(served: Served) -> None:
    status, headers, _ = _get(served.url + _static_script(served.url), {"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("content-encoding") == "gzip"
    _, headers, _ = _get(served.url + "/_stcore/health")
    assert "_streamlit_xsrf=" in headers["set-cookie"], "XSRF protection is on: Streamlit sets its cookie"


def test_one_cookie_one_replica(served: Served) -> None:
    """Each affinity cookie keeps its requests on one replica; different cookies spread over the replicas."""
    seen: dict[str, set[str]] = {}
    for number in range(40):
        cookie = {"Cookie": f"monitor_replica=reader{number}"}
        seen[cookie["Cookie"]] = {last_upstream(_get(served.url + path, cookie)[1].get("x-upstream"))
                                  for path in ("/", "/_stcore/health", "/map")}  # fmt: skip
    assert all(len(replicas) == 1 for replicas in seen.values()), seen
    assert len(set().union(*seen.values())) == 3, "40 readers should reach all 3 replicas"
    _, headers, _ = _get(served.url + "/")
    assert re.search(r"^monitor_replica=[0-9a-f]{32}; Path=/; HttpOnly; SameSite=Lax$", headers["set-cookie"], re.M)


def test_no_csp_violation_on_any_page(served: Served, chromium) -> None:
    """Chromium loads every page through the proxy: no CSP violation and no console error but the known probes."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    # The opt-in basemap asks Carto for tiles: the CSP must allow it, but nothing may leave 127.0.0.1.
    context.route("**/*", lambda route: route.continue_() if is_local(route.request.url) else route.abort())
    context.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI))"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and not _known(m) else None)
    # Each page once (by its sidebar link: the same document, so the listener sees every page), then two links.
    page.goto(served.url + "/")
    wait_idle(page, timeout=60_000)
    for name in PAGES[1:]:
        page.locator(f'[data-testid="stSidebarNav"] a[href$="/{name}"]').click()
        page.wait_for_url(f"**/{name}")
        _settled(page, name, errors)
    for path in ("/?embed=true", "/map?basemap=true"):
        page.goto(served.url + path)
        _settled(page, path, errors if "basemap" not in path else None)  # the aborted tile request logs an error
    context.close()


def _settled(page, where: str, errors: list[str] | None) -> None:
    wait_idle(page, timeout=60_000)
    page.wait_for_timeout(1000)  # the deck and plotly chunks load late
    assert page.evaluate("window.__csp") == [], where
    assert page.locator('[data-testid="stException"]').count() == 0, where
    if errors is not None:
        assert errors == [], (where, errors)


def _known(message) -> bool:
    location = (message.location or {}).get("url", "")
    return "404" in message.text and any(probe in location for probe in KNOWN_PROBE_404)


@pytest.fixture(scope="module")
def other_site(served: Served) -> Iterator[str]:
    """Another origin on 127.0.0.1 (its own port) serving an article that embeds the monitor in an iframe."""
    body = f'<iframe src="{served.url}/?embed=true" width="900" height="600"></iframe>'.encode()

    class Article(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's signature)
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Article)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize("allowed", [True, False], ids=["own-site", "other-site"])
def test_frame_ancestors_decides_who_may_embed(served: Served, other_site: str, chromium, allowed: bool) -> None:
    """With FRAME_ANCESTORS='self' the monitor renders in its own site's iframe and is refused in another's."""
    context = chromium.new_context()
    if allowed:  # an article on the monitor's own origin, made up in the browser (nothing else is served there)
        article = f"{served.url}/embedding-article.html"
        html = f'<iframe src="{served.url}/?embed=true" width="900" height="600"></iframe>'
        context.route(article, lambda route: route.fulfill(content_type="text/html", body=html))
    else:
        article = f"{other_site}/article.html"
    page = context.new_page()
    refusals: list[str] = []
    page.on("console", lambda m: refusals.append(m.text) if "frame-ancestors" in m.text else None)
    page.goto(article)
    frame = page.frame_locator("iframe")
    if allowed:
        frame.locator(IDLE).wait_for(timeout=60_000)
        assert refusals == []
    else:
        page.wait_for_function("() => document.querySelector('iframe').contentWindow.length === 0", timeout=10_000)
        page.wait_for_timeout(1000)
        assert any("frame-ancestors 'self'" in text for text in refusals), refusals
        assert frame.locator('[data-testid="stApp"]').count() == 0
    context.close()


@pytest.fixture(scope="module")
def chromium():
    executable = chromium_path()
    if executable is None:
        _missing("Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class Loop:
    """An asyncio loop in a thread of its own: the websocket sessions live there while Playwright runs here."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coroutine, timeout: float = 120.0):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


async def _all(sessions: list[Session], query_of) -> list[Run]:
    return list(await asyncio.gather(*(session.run(query_of(n)) for n, session in enumerate(sessions))))


async def _close(sessions: list[Session]) -> None:
    await asyncio.gather(*(session.close() for session in sessions), return_exceptions=True)


async def _after_the_kill(sessions: list[Session]) -> tuple[list[Run], list[int]]:
    """Rerun every session; one whose socket dropped reconnects first, as the frontend does."""
    import websockets

    async def one(number: int, session: Session) -> tuple[Run, bool]:
        try:
            return await session.run(QUERIES[number % len(QUERIES)]), False
        except (websockets.ConnectionClosed, OSError):
            await session.reconnect()
            return await session.run(), True

    results = await asyncio.gather(*(one(n, s) for n, s in enumerate(sessions)))
    return [run for run, _ in results], [n for n, (_, moved) in enumerate(results) if moved]


def _rss_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    return round(int(match.group(1)) / 1024, 1) if match else None


def _summary(runs: list[Run]) -> dict[str, float | int]:
    times = sorted(run.seconds * 1000 for run in runs)
    p95 = statistics.quantiles(times, n=20, method="inclusive")[18] if len(times) > 1 else times[0]
    return {"runs": len(times), "p50_ms": round(statistics.median(times)), "p95_ms": round(p95)}


class BrowserSession:
    """A chromium page in a context of its own; remembers which replica answered its /_stcore/ requests."""

    def __init__(self, browser, base: str, page_name: str) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.route("**/*", lambda route: route.continue_() if is_local(route.request.url) else route.abort())
        self.page = self.context.new_page()
        self.upstreams: list[str] = []
        self.page.on("response", self._on_response)
        self.page.goto(f"{base}/{page_name}")

    def _on_response(self, response) -> None:
        if "/_stcore/" in response.url and response.headers.get("x-upstream"):
            self.upstreams.append(last_upstream(response.headers["x-upstream"]))

    def rendered(self, timeout: float = 90_000) -> None:
        wait_idle(self.page, timeout=timeout)
        self.page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=timeout)
        assert self.page.locator('[data-testid="stException"]').count() == 0


def test_thirty_sessions_survive_a_killed_replica(served: Served, chromium) -> None:
    started = time.monotonic()
    loop = Loop()
    browsers = [BrowserSession(chromium, served.url, name) for name in BROWSER_PAGES]
    sessions = [Session(served.url, PAGES[n % len(PAGES)], timeout=90) for n in range(WS_SESSIONS)]
    try:
        for browser in browsers:
            browser.rendered()
        first = loop.run(_all(sessions, lambda n: ""))
        reruns = loop.run(_all(sessions, lambda n: QUERIES[n % len(QUERIES)]))
        reruns += loop.run(_all(sessions, lambda n: QUERIES[(n + 1) % len(QUERIES)]))
        replicas = served.read_replicas()
        rss_before = {index: _rss_mb(pid) for index, (pid, _) in replicas.items()}
        killed = browsers[0].upstreams[-1]
        on_killed = {n for n, session in enumerate(sessions) if session.upstream == killed}
        spread = Counter([s.upstream for s in sessions] + [b.upstreams[-1] for b in browsers])
        index, (pid, _) = next((i, r) for i, r in replicas.items() if r[1] == killed)
        mark = len(browsers[0].upstreams)
        os.kill(pid, signal.SIGKILL)

        after, moved = loop.run(_after_the_kill(sessions), timeout=180)
        assert set(moved) == on_killed, "exactly the sessions of the killed replica reconnect"
        assert all(sessions[n].upstream not in ("", killed) for n in moved), "they reconnect to another replica"
        browsers[0].page.wait_for_function("() => true")  # let Playwright deliver the responses seen so far
        deadline = time.monotonic() + 60
        while len(browsers[0].upstreams) == mark:  # its frontend noticed and probes /_stcore/health again
            assert time.monotonic() < deadline, "the browser page on the killed replica never reconnected"
            browsers[0].page.wait_for_timeout(250)
        for browser in browsers:
            browser.rendered()
        # Another replica, or (if its frontend waited past nginx's fail_timeout) the restarted process.
        back_on = browsers[0].upstreams[mark]
        assert back_on != killed or served.read_replicas()[index][0] != pid, "the browser page came back"
        final = loop.run(_all(sessions, lambda n: ""))
    finally:
        loop.run(_close(sessions), timeout=30)
        loop.stop()
        for browser in browsers:
            browser.context.close()

    runs = first + reruns + after + final
    largest = max(run.largest_message for run in runs)
    limit_mb = tomllib.loads(PRODUCTION_CONFIG.read_text())["server"]["maxMessageSize"]
    assert largest < limit_mb * 1024 * 1024, "server.maxMessageSize must fit the largest page"
    replicas = served.read_replicas()
    report = {
        "sessions": len(sessions) + len(browsers),
        "sessions_per_replica_before_kill": dict(spread),
        "killed": {"replica": index, "address": killed, "pid": pid},
        "reconnected": {"websocket": len(moved), "browser_page_0_back_on": back_on},
        "rerun_times": {"first": _summary(first), "reruns": _summary(reruns), "after_kill": _summary(after),
                        "final": _summary(final), "all": _summary(runs)},  # fmt: skip
        "largest_message_bytes": largest,
        "largest_message_page": max(runs, key=lambda run: run.largest_message).page,
        "max_message_size_mb": limit_mb,
        "rss_mb": {i: {"before_kill": rss_before.get(i), "end": _rss_mb(p)} for i, (p, _) in replicas.items()},
        "elapsed_s": round(time.monotonic() - started, 1),
    }
    (ARTIFACTS / "serve-load.json").write_text(json.dumps(report, indent=2) + "\n")
    print("\nmake serve under load:", json.dumps(report, indent=2))


def test_supervisor_restarts_the_killed_replica(served: Served) -> None:
    """Runs after the load test: the supervisor noticed the death and started a new replica on the same port."""
    log = served.log.read_text(errors="replace")
    assert re.search(r"replica \d+: exited with code -9; restart in", log), "the killed replica was not noticed"
    deadline = time.monotonic() + 90
    while True:
        replicas = served.read_replicas()
        if all(_healthy_direct(address) for _, address in replicas.values()):
            break
        assert time.monotonic() < deadline, f"a replica did not come back: {replicas}"
        time.sleep(1)


def _healthy_direct(address: str) -> bool:
    try:
        return _get(f"http://{address}/_stcore/health")[0] == 200
    except OSError:
        return False


def test_sigterm_stops_everything(served: Served) -> None:
    """Last: SIGTERM (what Ctrl-C's SIGINT also does) stops nginx and every replica, and the supervisor exits 0."""
    pids = [pid for pid, _ in served.read_replicas().values()]
    served.process.send_signal(signal.SIGTERM)
    assert served.process.wait(timeout=60) == 0
    assert [pid for pid in pids if _rss_mb(pid) is not None] == []
    with pytest.raises(OSError):
        _get(served.url + "/_stcore/health")
