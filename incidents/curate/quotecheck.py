"""Quotes checked against the stored copies of their sources (`python -m incidents check-quotes`).

A quote is looked up in the copy of the document that prints it (the quote's own `source`, else its statement's last
`via`) when that source has a `local_copy`. Both texts are compared normalised: Unicode NFC, typographic quotes,
apostrophes and dashes as their ASCII forms, runs of whitespace as one space. An ellipsis in a quote (`...`, `…`,
`[…]`) stands for words left out: the parts around it must appear in order. A copy is read only up to
`incidents.load.parse.MAX_BYTES`, and the nearest passage is searched for only when the quote is not found.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from incidents.curate.records_index import RawRecord, RecordIndex
from incidents.load.copies import copy_path, read_copy
from incidents.load.parse import MAX_BYTES, loc_text
from incidents.model import codes
from incidents.model.dataset import Problem

_TYPOGRAPHY = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′`´", "'"),
        **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
        "…": "...",
        "\u00ad": None,  # soft hyphen
    }
)
_ELLIPSIS = re.compile(r"\s*(?:\[\s*(?:\.\.\.|…)\s*\]|\.\.\.|…)\s*")


def normalise(text: str) -> str:
    """Text as compared: NFC, ASCII quotes, apostrophes and dashes, single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).translate(_TYPOGRAPHY).split())


def contains(copy: str, quote: str) -> bool:
    """True when the (normalised) quote's parts between ellipses appear in the (normalised) copy, in order."""
    position = 0
    for part in (p for p in _ELLIPSIS.split(quote) if p.strip()):
        found = copy.find(part.strip(), position)
        if found < 0:
            return False
        position = found + len(part.strip())
    return True


def nearest(copy: str, quote: str) -> str:
    """The copy's passage closest to the quote: around their longest common run, with a margin for words that
    differ in length, widened to whole words."""
    matcher = difflib.SequenceMatcher(None, copy, quote, autojunk=False)
    match = matcher.find_longest_match(0, len(copy), 0, len(quote))
    margin = len(quote) // 10 + 2
    start = max(0, match.a - match.b - margin)
    end = min(len(copy), match.a + len(quote) - match.b + margin)
    start = copy.rfind(" ", 0, start) + 1 if start > 0 else 0
    space = copy.find(" ", end)
    return copy[start : space if space >= 0 else len(copy)].strip()


@dataclass(frozen=True)
class CheckedQuote:
    """One quote with a stored copy to check it against."""

    statement: RawRecord
    position: int
    text: str
    source_id: str
    local_copy: str

    @property
    def field(self) -> tuple[str | int, ...]:
        return ("quotes", self.position, "text")

    def problem(self, code: codes.Code, **fields: object) -> Problem:
        line, col = self.statement.where(*self.field)
        field = loc_text((*self.statement.loc, *self.field))
        return code.at(self.statement.file.path, line, col, field=field, copy=self.local_copy, source=self.source_id,
                       **fields)


def quotes_with_copies(index: RecordIndex) -> list[CheckedQuote]:
    """Every quote whose source has a `local_copy`, in file order."""
    sources = index.of("sources")
    found = []
    for statement in index.of_kind("statements"):
        via = statement.data.get("via")
        last = via[-1] if isinstance(via, list) and via and isinstance(via[-1], str) else None
        quotes = statement.data.get("quotes")
        for position, quote in enumerate(quotes if isinstance(quotes, list) else []):
            if not isinstance(quote, dict) or not isinstance(quote.get("text"), str):
                continue
            source_id = quote.get("source") if isinstance(quote.get("source"), str) else last
            source = sources.get(source_id) if source_id else None
            local_copy = source.data.get("local_copy") if source is not None else None
            if isinstance(local_copy, str) and local_copy and source_id:
                found.append(CheckedQuote(statement, position, quote["text"], source_id, local_copy))
    return found


def check_quotes(index: RecordIndex) -> tuple[list[Problem], int]:
    """A problem for every quote not in its stored copy (or whose copy cannot be read); and how many were checked."""
    texts: dict[str, str | OSError | UnicodeDecodeError] = {}
    problems = []
    checked = quotes_with_copies(index)
    for quote in checked:
        if quote.local_copy not in texts:
            try:
                texts[quote.local_copy] = normalise(read_copy(copy_path(index.data_dir, quote.local_copy), MAX_BYTES))
            except (OSError, UnicodeDecodeError) as exc:
                texts[quote.local_copy] = exc
        copy = texts[quote.local_copy]
        if isinstance(copy, FileNotFoundError):
            problems.append(quote.problem(codes.QUOTE_NOT_CHECKED))
            continue
        if not isinstance(copy, str):
            problems.append(quote.problem(codes.QUOTE_COPY_UNREADABLE, reason=exc_text(copy)))
            continue
        wanted = normalise(quote.text)
        if not contains(copy, wanted):
            problems.append(quote.problem(codes.QUOTE_MISMATCH, nearest=nearest(copy, wanted)))
    return problems, len(checked)


def exc_text(exc: BaseException) -> str:
    """An error's reason without the absolute path an OSError repeats."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)
