"""Benchmark: what each kind of piece of the monitor's frame costs a page cold in chromium.

One-page apps, each the bare app (`bare_app.py`'s title and text filter) plus one kind of the frame's pieces, as
the frame draws them: two date inputs, two multiselects, two selectboxes, the download buttons, the popover,
navigation of nine pages with and without Material icons, all of them together, and the monitor's own frame
(`frame_app.py`) on the shipped data. Each is opened in a new browser context `--rounds` times, in turn, and the
median seconds to idle printed. Streamlit's frontend loads a
widget's code the first time a page shows one, so a cold context pays for each kind once (issue 28,
bench/PROFILE.md). Sends traffic only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_code_block import cold_seconds, print_medians  # noqa: E402

PAGE = """st.title("Bare app")
text = st.text_input("Search text", key="q", bind="query-params")
st.write(f"You typed {len(text)} characters.")
"""
ICONS = ["dashboard", "timeline", "map", "table_rows", "balance", "grid_view", "menu_book", "history", "info"]
# Each piece as the frame draws it (components/filters.py, components/exports.py, app.py), in the sidebar.
PIECES = {
    "bare": "pass",
    "2 date inputs": "for column, label in zip(st.columns(2), ('From', 'To')):\n"
                     "    column.date_input(label, value=None, key=label, format='YYYY-MM-DD')",
    "2 multiselects": "st.multiselect('Actors', ['aze', 'irn'], placeholder='All actors')\n"
                      "st.multiselect('Kinds', ['event', 'statement'], placeholder='All kinds')",
    "2 selectboxes": "st.selectbox('Incident', ['a', 'b'], index=None, placeholder='Most recent')\n"
                     "st.selectbox('Record', ['c', 'd'], index=None, placeholder='None')",
    "3 download buttons": "for name in ('CSV', 'JSON', 'GeoJSON'):\n"
                          "    st.download_button(name, data='x', file_name='x.txt', on_click='ignore',\n"
                          "                       icon=':material/download:', width='stretch')",
    "popover": "with st.popover('Copy link to this view', icon=':material/link:', width='stretch'):\n"
               "    st.code('http://x', language=None, wrap_lines=True)",
}
NAVIGATION = """import streamlit as st

def page():
{page}

pages = [st.Page(page, title="Overview", default=True{icon0})] + [
    st.Page(lambda: st.title(name), title=name.title(), url_path=name{icon}) for name in {names!r}
]
st.navigation(pages).run()
"""


def sidebar_app(body: str) -> str:
    """The bare app with `body` in its sidebar."""
    return f"import streamlit as st\n{PAGE}with st.sidebar:\n{textwrap.indent(body, '    ')}\n"


def apps() -> dict[str, str | Path]:
    sources: dict[str, str | Path] = {name: sidebar_app(draw) for name, draw in PIECES.items()}
    names, icons = ICONS[1:], {"icon0": ", icon=':material/dashboard:'", "icon": ", icon=f':material/{name}:'"}
    page = textwrap.indent(PAGE, "    ")
    sources["navigation, 9 pages"] = NAVIGATION.format(page=page, icon0="", icon="", names=names)
    sources["navigation, 9 pages, icons"] = NAVIGATION.format(page=page, names=names, **icons)
    every = "\n".join(draw for name, draw in PIECES.items() if name != "bare")
    with_all = page + textwrap.indent("with st.sidebar:\n" + textwrap.indent(every, "    "), "    ")
    sources["all of them"] = NAVIGATION.format(page=with_all, names=names, **icons)
    sources["the monitor's frame (shipped data)"] = ROOT / "bench" / "frame_app.py"
    return sources


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--show", action="store_true", help="print the apps' sources and stop")
    args = parser.parse_args()
    if args.show:
        for name, source in apps().items():
            print(f"# {name}\n{source}")
        return
    print_medians(cold_seconds(apps(), max(1, min(args.rounds, 20)), "frame-pieces"))


if __name__ == "__main__":
    main()
