"""Fixtures for real-browser tests. Under CI=true a missing browser fails the run instead of skipping."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from tests.browser.harness import (
    CHROMIUM_FLAGS,
    KNOWN_PROBE_404,
    StreamlitServer,
    chromium_path,
    is_local,
)
from tests.browser.harness import wait_idle as _wait_idle


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def _servers() -> Iterator[dict[str, StreamlitServer]]:
    servers: dict[str, StreamlitServer] = {}
    yield servers
    for server in servers.values():
        server.stop()


@pytest.fixture(scope="session")
def start_app(_servers: dict[str, StreamlitServer]) -> Callable[..., str]:
    """Start (once per data directory and environment) a streamlit server and return its base URL;
    `env` adds environment variables, e.g. {"INCIDENTS_PUBLISHED_ONLY": "1"} for hosted mode."""

    def start(data_dir: Path | None = None, env: Mapping[str, str] | None = None) -> str:
        key = (str(data_dir) if data_dir else "") + "".join(f"|{k}={v}" for k, v in sorted((env or {}).items()))
        if key not in _servers:
            _servers[key] = StreamlitServer(data_dir, env)
        return _servers[key].url

    return start


@pytest.fixture(scope="session")
def app_url(start_app: Callable[[Path | None], str]) -> str:
    """Base URL of the app on the shipped data."""
    return start_app(None)


# Per module, not per session: a live sync Playwright keeps an event loop in the main thread, and the tests after
# the browser folder (tests/test_deploy.py's asyncio.run, tests/test_serve.py's own Playwright) need it gone.
@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    if executable is None:
        message = "Debian's chromium is not installed (make test installs it with apt-get when run as root)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page that records console errors, requests leaving 127.0.0.1, and dialogs."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.console_errors = []
    page.outside_requests = []
    page.dialogs = []

    def on_console(message) -> None:
        if message.type != "error":
            return
        text = message.text
        location = (message.location or {}).get("url", "")
        if "404" in text and any(probe in location or probe in text for probe in KNOWN_PROBE_404):
            return
        page.console_errors.append(f"{text} @ {location}")

    def on_request(request) -> None:
        if not is_local(request.url):
            page.outside_requests.append(request.url)

    def on_dialog(dialog) -> None:
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("console", on_console)
    page.on("request", on_request)
    page.on("dialog", on_dialog)
    yield page
    context.close()


@pytest.fixture
def wait_idle() -> Callable:
    return _wait_idle
