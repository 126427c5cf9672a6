"""Rendering record text safely: everything a curator typed is untrusted.

The escaping and URL rules live in `incidents.text`; `md_escape` is its `md_screen`, kept under this name for
the components and pages that import it from here.
"""

from __future__ import annotations

from incidents.text import is_http_url, md_link, md_url
from incidents.text import md_screen as md_escape

__all__ = ["isolate", "md_escape", "md_link", "md_url", "rtl", "safe_url"]


def safe_url(url: str | None) -> str | None:
    """The URL when it is http(s) with a host, else None (no javascript:, data: or relative links)."""
    return url if url and is_http_url(url) else None


def rtl(language: str | None) -> bool:
    """Scripts written right to left among the languages we hold."""
    return (language or "").split("-")[0] in {"fa", "ar", "he", "ur", "ps", "ckb"}


def isolate(text: str) -> str:
    """Wrap text in Unicode first-strong isolates so a right-to-left title cannot reorder the text around it."""
    return "\u2068" + text + "\u2069"
