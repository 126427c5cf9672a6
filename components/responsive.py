"""Phone and desktop variants of a view, chosen by the browser's width.

Streamlit renders on the server, which never learns the screen's width (`st.context` has no viewport in 1.67).
So a page renders both variants in keyed containers, `wide-…` and `narrow-…`, and one static stylesheet shows
the right one with a CSS media query. The stylesheet is a constant: no record text ever reaches it.
"""

from __future__ import annotations

import streamlit as st

from components.figures import COLUMNS as FIGURE_COLUMNS

# Streamlit stacks st.columns below 640 px; the phone variants switch at the same width.
PHONE_MAX_WIDTH = 640
WIDE_PREFIX = "wide-"
NARROW_PREFIX = "narrow-"

FIGURES_KEY = "claims-figures"  # the claims page's figures table (`components.figures.show_figures`)
_FIGURES_TABLE = f'.st-key-{FIGURES_KEY} [data-testid="stTableStyledTable"]'
# On a phone each value of the figures table is a block of labelled lines: seven columns ran past the screen's edge
# in a frame that scrolled sideways, which a keyboard cannot reach (a container takes no focus). The header row stays
# for screen readers, out of sight; the labels are the columns' names, constants of the code.
_FIGURES_LABELS = "\n".join(
    f'  {_FIGURES_TABLE} td:nth-child({number})::before {{ content: "{name}: "; font-weight: 600; }}'
    for number, name in enumerate(FIGURE_COLUMNS, start=1)
)

STYLESHEET = f"""<style>
@media (max-width: {PHONE_MAX_WIDTH}px) {{
  [class*="st-key-{WIDE_PREFIX}"] {{ display: none !important; }}
  /* Pills and segmented controls wrap onto a second line instead of hiding options past the edge. */
  [data-testid="stMain"] [data-testid="stButtonGroup"] [role="toolbar"] {{ flex-wrap: wrap; }}
  {_FIGURES_TABLE}, {_FIGURES_TABLE} tbody, {_FIGURES_TABLE} tr, {_FIGURES_TABLE} td {{
    display: block; width: 100%; }}
  {_FIGURES_TABLE} thead {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }}
  {_FIGURES_TABLE} tr {{ padding: 0.4rem 0; border-bottom: 1px solid rgba(49, 51, 63, 0.2); }}
  {_FIGURES_TABLE} td {{ border: none; padding: 0.1rem 0.5rem; }}
  {_FIGURES_TABLE} td > div, {_FIGURES_TABLE} td p {{ display: inline; }}
{_FIGURES_LABELS}
}}
@media (min-width: {PHONE_MAX_WIDTH + 1}px) {{
  [class*="st-key-{NARROW_PREFIX}"] {{ display: none !important; }}
}}
/* The claims glance: the table keeps to the page's width, its cells wrapping between words (never inside one),
   instead of running past the main column (a scrolling frame would need keyboard focus, which a container cannot
   take). With many parties the others share one column (components/claims.py), so no column is too narrow. */
[class*="st-key-{WIDE_PREFIX}claims-glance"] table {{ width: 100%; }}
[class*="st-key-{WIDE_PREFIX}claims-glance"] th, [class*="st-key-{WIDE_PREFIX}claims-glance"] td {{
  overflow-wrap: normal; word-break: normal; hyphens: manual; }}
[class*="st-key-{WIDE_PREFIX}claims-glance"] th:first-child {{ width: 2.5em; }}
[class*="st-key-{WIDE_PREFIX}claims-glance"] th:nth-child(2) {{ width: 26%; }}
/* Stance and status chips on the claims page wrap between words rather than end in an ellipsis (except in a table
   chosen on a phone, which keeps them whole on one line and scrolls in its own frame). */
[class*="st-key-"][class*="claims"]:not([class*="st-key-scroll-x-"]) .stMarkdownBadge {{
  white-space: normal; overflow: visible; text-overflow: clip; height: auto; }}
/* The About page's validation report: plain text (st.text) set as the command line prints it, long paths
   wrapping anywhere rather than running past a phone's edge. */
.st-key-validation-report [data-testid="stText"], .st-key-validation-report [data-testid="stText"] * {{
  font-family: "Source Code Pro", ui-monospace, monospace; font-size: 0.85rem; white-space: pre-wrap;
  overflow-wrap: anywhere; }}
/* A frame that scrolls on its own, so a wide table never makes the page scroll sideways. */
[class*="st-key-scroll-x-"] {{ overflow-x: auto; }}
</style>"""


def wide_key(name: str) -> str:
    """The key of a container shown only on a screen wider than a phone."""
    return WIDE_PREFIX + name


def narrow_key(name: str) -> str:
    """The key of a container shown only on a phone-sized screen."""
    return NARROW_PREFIX + name


def scroll_key(name: str) -> str:
    """The key of a container that scrolls sideways inside its own frame when its content is wider."""
    return "scroll-x-" + name


def apply_stylesheet() -> None:
    """Add the static stylesheet to the page (once per run; it renders nothing visible)."""
    st.html(STYLESHEET)
