"""Rendering record text safely: everything a curator typed is untrusted."""

from __future__ import annotations

import re
from urllib.parse import urlparse

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def md_escape(text: str | None) -> str:
    """Escape Markdown (and the HTML-ish characters) so st.markdown shows the text literally."""
    if not text:
        return ""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
    return escaped.replace("\n", "  \n")


def safe_url(url: str | None) -> str | None:
    """The URL when it is http(s) with a host, else None (no javascript:, data: or relative links)."""
    if not url:
        return None
    parsed = urlparse(url)
    return url if parsed.scheme in ("http", "https") and parsed.netloc else None


def rtl(language: str | None) -> bool:
    """Scripts written right to left among the languages we hold."""
    return (language or "").split("-")[0] in {"fa", "ar", "he", "ur", "ps", "ckb"}


def isolate(text: str) -> str:
    """Wrap text in Unicode first-strong isolates so a right-to-left title cannot reorder the text around it."""
    return "\u2068" + text + "\u2069"
