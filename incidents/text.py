"""Record text made safe for where it goes: Markdown (a file, or Streamlit's flavour), spreadsheet cells, links.

Everything a curator typed is untrusted; these are the only escaping rules in the project.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

# CommonMark's punctuation that changes rendering inside a line of a Markdown file (briefing notes): code, emphasis,
# links, raw HTML, table cells, headings. Whitespace is collapsed first, so line-start markers cannot arise.
_FILE_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#"})
# Streamlit's Markdown also renders :emoji: shortcodes, $math$, ~strikethrough~ and &entities;, and keeps line
# breaks, so screen text escapes every ASCII punctuation mark that CommonMark allows a backslash before.
_SCREEN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")
# A cell starting with one of these runs as a formula in a spreadsheet (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def md_file(text: str | None) -> str:
    """Record text on one line of a Markdown file, shown literally by any renderer (no HTML, links or tables)."""
    return " ".join((text or "").split()).translate(_FILE_SPECIAL)


def md_screen(text: str | None) -> str:
    """Record text for st.markdown and widget labels: every markup character escaped, line breaks kept."""
    if not text:
        return ""
    return _SCREEN_SPECIAL.sub(r"\\\1", str(text)).replace("\n", "  \n")


# The terminal (`python -m incidents ...`): C0 and C1 controls (ANSI escapes start with ESC or CSI) and DEL, and the
# bidi overrides that reorder what follows them; line breaks and tabs stay. Each becomes U+FFFD, so it shows.
_TERMINAL_BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# XML 1.0 (the Atom feed) cannot hold C0 controls but tab and line breaks, lone surrogates or U+FFFE/U+FFFF: one
# makes the whole feed unparseable. C1 controls are allowed but never meant; they go too.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def terminal_text(text: str) -> str:
    """Text for the terminal: every control character but line breaks and tabs replaced by U+FFFD."""
    return _TERMINAL_BAD.sub("\ufffd", text)


def xml_text(text: str) -> str:
    """Text for an XML document: every character XML 1.0 cannot hold (and C1 controls) replaced by U+FFFD."""
    return _XML_BAD.sub("\ufffd", text)


def spreadsheet_safe(text: str) -> str:
    """The text, with a leading quote when a spreadsheet would run it as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def is_http_url(url: str) -> bool:
    """True when the URL is http(s) with a host: the only links a record may carry (no javascript:, data:, relative)."""
    parsed = urlparse(url)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)
