"""A smoke check of a served monitor that speaks Streamlit's own websocket protocol: a session without a browser.

    python deploy/smoke.py http://127.0.0.1:8080          # every page once; exit 1 if one fails to render

Each `Session` fetches its page over HTTP first (so it holds the cookies a browser would, the proxy's affinity
cookie among them), opens `/_stcore/stream` with the `streamlit` subprotocol, and sends a `rerun_script` BackMsg.
A run counts as rendered when its ForwardMsgs end with `script_finished` = FINISHED_SUCCESSFULLY, the navigation
names the page asked for, something was drawn, and no exception element or page-not-found came. tests/test_serve.py
drives 30 of these (and browser pages) through the proxy while it kills a replica.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import urllib.request
from dataclasses import dataclass
from http.cookies import SimpleCookie

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

PAGES = ("", "timeline", "map", "claims", "sources", "about")
FINISHED = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY


class RenderError(Exception):
    """A run that did not render its page."""


@dataclass(frozen=True)
class Run:
    """One script run: how long from the BackMsg to `script_finished`, and what came back."""

    page: str
    query: str
    seconds: float
    upstream: str
    largest_message: int
    deltas: int


def last_upstream(header: str | None) -> str:
    """The replica that answered, from nginx's `$upstream_addr` ("a, b" after a retry: the last one)."""
    return (header or "").split(",")[-1].strip()


def _check(message: ForwardMsg, page: str) -> None:
    """Raise RenderError on an exception element, a compile error, a missing page or another page."""
    kind = message.WhichOneof("type")
    if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
        element = message.delta.new_element
        if element.WhichOneof("type") == "exception":
            raise RenderError(f"/{page}: exception element: {element.exception.type}: {element.exception.message}")
    elif kind == "page_not_found":
        raise RenderError(f"/{page}: page not found")
    elif kind == "session_event" and message.session_event.WhichOneof("type") == "script_compilation_exception":
        raise RenderError(f"/{page}: script compilation error")
    elif kind == "navigation":
        shown = {p.page_script_hash: p for p in message.navigation.app_pages}.get(message.navigation.page_script_hash)
        if shown is None or (shown.url_pathname != page and not (page == "" and shown.is_default)):
            raise RenderError(f"/{page}: the navigation shows {shown.url_pathname if shown else 'no page'!r}")


class Session:
    """One reader's session on `base` (e.g. http://127.0.0.1:8080), on one page."""

    def __init__(self, base: str, page: str, timeout: float = 60.0) -> None:
        self.base = base.rstrip("/")
        self.page = page
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.upstream = ""
        self._socket: websockets.ClientConnection | None = None

    def _get_page(self) -> None:
        request = urllib.request.Request(f"{self.base}/{self.page}", headers=self._cookie_header())
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (a URL we were given)
            response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                self.cookies.update({key: morsel.value for key, morsel in SimpleCookie(header).items()})

    def _cookie_header(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    async def open(self) -> None:
        """Fetch the page (cookies), then open the websocket as the browser would."""
        await asyncio.to_thread(self._get_page)
        url = "ws" + self.base.removeprefix("http") + "/_stcore/stream"
        headers = {"Origin": self.base, **self._cookie_header()}
        self._socket = await websockets.connect(
            url, subprotocols=[websockets.Subprotocol("streamlit")], additional_headers=headers,
            max_size=None, open_timeout=self.timeout, ping_interval=None,
        )  # fmt: skip
        response = self._socket.response
        self.upstream = last_upstream(response.headers.get("X-Upstream") if response else None)

    async def run(self, query: str = "") -> Run:
        """One script run of the page with `query` (a URL query string); raises RenderError if it did not render."""
        if self._socket is None:
            await self.open()
        assert self._socket is not None
        message = BackMsg()
        message.rerun_script.page_name = self.page
        message.rerun_script.query_string = query
        started = time.monotonic()
        await self._socket.send(message.SerializeToString())
        largest = deltas = 0
        while True:
            data = await asyncio.wait_for(self._socket.recv(), timeout=self.timeout)
            assert isinstance(data, bytes)
            largest = max(largest, len(data))
            forward = ForwardMsg()
            forward.ParseFromString(data)
            _check(forward, self.page)
            deltas += forward.WhichOneof("type") == "delta"
            if forward.WhichOneof("type") == "script_finished":
                if forward.script_finished != FINISHED or deltas == 0:
                    raise RenderError(f"/{self.page}: run ended with status {forward.script_finished}, {deltas} deltas")
                return Run(self.page, query, time.monotonic() - started, self.upstream, largest, deltas)

    async def reconnect(self) -> None:
        """What the frontend does when its socket drops: wait for the server's health, then a new socket."""
        await self.close()
        deadline = time.monotonic() + self.timeout
        while not await asyncio.to_thread(self._healthy):
            if time.monotonic() > deadline:
                raise RenderError(f"/{self.page}: {self.base} stayed unhealthy")
            await asyncio.sleep(0.5)
        await self.open()

    def _healthy(self) -> bool:
        request = urllib.request.Request(f"{self.base}/_stcore/health", headers=self._cookie_header())
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (a URL we were given)
                return bool(response.status == 200)
        except OSError:
            return False

    async def close(self) -> None:
        """Close the socket, if open."""
        if self._socket is not None:
            await self._socket.close()
            self._socket = None


async def smoke(base: str, pages: tuple[str, ...] = PAGES) -> list[Run]:
    """Render every page once, concurrently, each in a session of its own."""
    sessions = [Session(base, page) for page in pages]
    try:
        return list(await asyncio.gather(*(session.run() for session in sessions)))
    finally:
        await asyncio.gather(*(session.close() for session in sessions))


def main(argv: list[str] | None = None) -> int:
    """Print each page's run time and replica; exit 1 if any page fails to render."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", help="the monitor's address, e.g. http://127.0.0.1:8080")
    options = parser.parse_args(argv)
    try:
        runs = asyncio.run(smoke(options.url))
    except (RenderError, OSError, websockets.WebSocketException) as error:
        print(f"FAILED: {error}", file=sys.stderr)
        return 1
    for run in runs:
        print(f"/{run.page:<10} {run.seconds * 1000:7.0f} ms  {run.deltas:4d} deltas  {run.upstream}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
