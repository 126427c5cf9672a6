"""Benchmark: what one `st.code` block costs a page cold in chromium, and where else a copyable link could go.

Five one-page apps, each the bare app (`bare_app.py`'s title and text filter) plus a sidebar link drawn one way:
none, `st.code` open, `st.code` in a popover, `st.code` in a closed expander, inline Markdown code. Each is opened
in a new browser context `--rounds` times, in turn, and the median seconds to idle printed. `st.code` loads the
syntax highlighter; the monitor's share link was one, open, on every page (issue 28, bench/PROFILE.md).
Sends traffic only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from bench.e2e import Server, new_page, open_page  # noqa: E402
from tests.browser.harness import CHROMIUM_FLAGS, chromium_path  # noqa: E402

LINK = "http://127.0.0.1:8501/timeline?from=2026-03-01&to=2026-03-31&incident=nakhchivan-drone-strike-2026-03-05"
DRAWS = {
    "bare": "pass",
    "code open": "st.code(url, language=None, wrap_lines=True)",
    "code in a popover": "with st.popover('Copy link'):\n        st.code(url, language=None, wrap_lines=True)",
    "code in an expander": "with st.expander('Copy link'):\n        st.code(url, language=None, wrap_lines=True)",
    "inline markdown": "st.markdown('`' + url + '`')",
}
APP = """import streamlit as st
st.title("Bare app")
text = st.text_input("Search text", key="q", bind="query-params")
st.write(f"You typed {{len(text)}} characters.")
url = {link!r} + "&q=" + text
with st.sidebar:
    {draw}
"""


def cold_seconds(apps: dict[str, str | Path], rounds: int, label: str) -> dict[str, list[float]]:
    """Serve each app (its source, or the path of a script), visit each once, then open each in a new browser
    context `rounds` times, in turn; return the seconds to idle of those opens by the app's name."""
    seconds: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=list(CHROMIUM_FLAGS))
        servers = {}
        try:
            for index, (name, source) in enumerate(apps.items()):
                path = source if isinstance(source, Path) else Path(folder) / f"app_{index}.py"
                if isinstance(source, str):
                    path.write_text(source)
                servers[name] = Server(path, {}, f"{label}-{index}")
            for server in servers.values():  # the first visit builds what later sessions reuse
                page, _ = new_page(browser)
                open_page(page, server.url + "/")
                page.context.close()
            for _ in range(rounds):
                for name, server in servers.items():
                    page, _ = new_page(browser)
                    seconds.setdefault(name, []).append(open_page(page, server.url + "/")[0])
                    page.context.close()
        finally:
            for server in servers.values():
                server.stop()
            browser.close()
    return seconds


def print_medians(seconds: dict[str, list[float]]) -> None:
    width = max(len(name) for name in seconds) + 1
    for name, values in seconds.items():
        print(f"{name:{width}} cold to idle, median of {len(values)}: {statistics.median(values):.2f} s "
              f"({' '.join(f'{v:.2f}' for v in values)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6)
    rounds = max(1, min(parser.parse_args().rounds, 20))
    apps: dict[str, str | Path] = {name: APP.format(link=LINK, draw=draw) for name, draw in DRAWS.items()}
    print_medians(cold_seconds(apps, rounds, "code-block"))


if __name__ == "__main__":
    main()
