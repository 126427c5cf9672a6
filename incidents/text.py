"""Record text made safe for where it goes: Markdown (a file, or Streamlit's flavour), spreadsheet cells, links.

Everything a curator typed is untrusted; these are the only escaping rules in the project.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

# CommonMark's punctuation that changes rendering inside a line of a Markdown file (briefing notes): code, emphasis,
# links, raw HTML, table cells, headings. Whitespace is collapsed first, so line-start markers cannot arise.
# `~` (strike-through) and `=` (a setext heading's underline) too; a line-start list marker is escaped by `md_file`.
_FILE_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#~="})
_LIST_START = re.compile(r"^(\d{1,9})([.)])|^([-+])")
# Streamlit's Markdown also renders :emoji: shortcodes, $math$, ~strikethrough~ and &entities;, and keeps line
# breaks, so screen text escapes every ASCII punctuation mark that CommonMark allows a backslash before.
_SCREEN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=])")
# GFM turns bare `www.`, `http://` and e-mail addresses into links after escapes are resolved, so a backslash cannot
# stop it: a word joiner (U+2060, invisible) inside the pattern does.
_AUTOLINK = re.compile(r"(?i)\b(?:www(?=\.)|https?(?=:)|ftp(?=:))|@(?=[\w-])")
_JOINER = "\u2060"


def _no_autolink(text: str) -> str:
    """The text with a word joiner after every `www`, `http`/`https`/`ftp` and `@` that could start a GFM autolink."""
    return _AUTOLINK.sub(lambda m: m.group(0) + _JOINER, text)


# A cell starting with one of these runs as a formula in a spreadsheet (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def md_file(text: str | None) -> str:
    """Record text on one line of a Markdown file, shown literally by any renderer (no HTML, links, tables,
    headings, lists or strike-through, even at the start of a line; bare URLs are not linked)."""
    flat = _no_autolink(" ".join((text or "").split())).translate(_FILE_SPECIAL)
    return _LIST_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(1) else f"\\{m.group(3)}", flat)


def md_screen(text: str | None) -> str:
    """Record text for st.markdown and widget labels: every markup character escaped, line breaks kept."""
    if not text:
        return ""
    return _SCREEN_SPECIAL.sub(r"\\\1", _no_autolink(str(text))).replace("\n", "  \n")


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
    try:
        parsed = urlsplit(url)
    except ValueError:  # an invalid IPv6 host, say
        return False
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


# What may stay literal in a link target inside Markdown `(…)`: no parenthesis, bracket, angle bracket, space,
# backslash, quote or backtick (each could end the target or start markup); everything else is percent-encoded.
_LINK_SAFE = "/:=&?%#@!$'*+,;~-._"
_HOST_OK = re.compile(r"[A-Za-z0-9.:\-\[\]@%]+")


def md_url(url: str | None) -> str | None:
    """A URL fit to stand inside a Markdown link's `(…)` or an autolink's `<…>` (Streamlit's or a file's): http(s)
    with a plain host, without spaces, controls, quotes or angle brackets, and every parenthesis or bracket
    percent-encoded; None for any other URL."""
    if not url or not is_http_url(url) or any(ord(c) < 33 or c in '<>"\\`' or 0x7f <= ord(c) < 0xa0 for c in url):
        return None  # a space or an angle bracket ends an autolink `<…>`: such a URL is refused, not repaired
    parts = urlsplit(url)
    if not _HOST_OK.fullmatch(parts.netloc):
        return None
    path, query, fragment = (quote(part, safe=_LINK_SAFE) for part in (parts.path, parts.query, parts.fragment))
    return urlunsplit((parts.scheme, parts.netloc, path, query, fragment))


def md_link(label: str, url: str | None) -> str:
    """`[label](url)` for Streamlit Markdown, the label escaped (`md_screen`) and the URL made inert (`md_url`);
    the escaped label alone when the URL is not a plain http(s) one (the page's own URL is what the reader typed)."""
    target = md_url(url)
    return f"[{md_screen(label)}]({target})" if target else md_screen(label)
