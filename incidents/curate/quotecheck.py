"""Quotes checked against the archived pages and stored copies of their sources (`python -m incidents check-quotes`).

A quote is looked up in the document that prints it (the quote's own `source`, else its statement's last `via`):
in that source's archived page (`archive: sha256:…`, the main text `incidents.curate.archive` extracted, then the
page's full visible text) when this machine's archive holds it, else in its `local_copy`; a quote with neither here
is counted as not checked. Both texts are compared normalised: Unicode NFC, typographic quotes,
apostrophes and dashes as their ASCII forms, runs of whitespace as one space. An ellipsis in a quote (`...`, `…`,
`[…]`) stands for words left out: the parts around it must appear in order. A copy is read only up to
`incidents.load.parse.MAX_BYTES`, and the nearest passage is searched for only when the quote is not found.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from incidents.curate.archive import PREFIX as ARCHIVE_PREFIX
from incidents.curate.archive import raw_text_for, text_for
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
    """One quote and the copies it could be checked against: its source's archived page, its stored copy."""

    statement: RawRecord
    position: int
    text: str
    source_id: str
    local_copy: str | None
    archive: str | None = None

    @property
    def field(self) -> tuple[str | int, ...]:
        return ("quotes", self.position, "text")

    @property
    def where(self) -> str:
        line, col = self.statement.where(*self.field)
        return f"{self.statement.file.path}:{line}:{col}"

    def problem(self, code: codes.Code, copy: str = "", **fields: object) -> Problem:
        line, col = self.statement.where(*self.field)
        field = loc_text((*self.statement.loc, *self.field))
        return code.at(self.statement.file.path, line, col, field=field, copy=copy or self.local_copy,
                       source=self.source_id, **fields)


def every_quote(index: RecordIndex) -> list[CheckedQuote]:
    """Every quote, in file order, with its source's archive hash and stored copy (either may be missing)."""
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
            data = source.data if source is not None else {}
            local_copy = data.get("local_copy") if isinstance(data.get("local_copy"), str) else None
            archive = data.get("archive") if isinstance(data.get("archive"), str) else None
            found.append(CheckedQuote(statement, position, quote["text"], source_id or "?", local_copy or None,
                                      archive or None))
    return found


def quotes_with_copies(index: RecordIndex) -> list[CheckedQuote]:
    """Every quote whose source has a `local_copy`, in file order."""
    return [quote for quote in every_quote(index) if quote.local_copy]


@dataclass
class QuoteReport:
    """What `check-quotes` found: a problem for every quote not found or not checked, and a line for every quote
    checked and found."""

    problems: list[Problem]
    found: list[str]
    checked: int
    unchecked: int


def _short(ref: str) -> str:
    return ref[: len(ARCHIVE_PREFIX) + 12] + "…"


def check_quotes(index: RecordIndex, archive_root: Path | None = None) -> QuoteReport:
    """Every quote looked up in its source's archived page (`archive`, in `archive_root`), else in its stored copy
    (`local_copy`); one not found is an error, one with no copy on this machine is not checked (a warning)."""
    texts: dict[str, str | OSError | UnicodeDecodeError] = {}
    report = QuoteReport([], [], 0, 0)
    for quote in every_quote(index):
        wanted = normalise(quote.text)
        archived = text_for(archive_root, quote.archive) if archive_root and quote.archive else None
        if archived is not None and quote.archive:
            report.checked += 1
            against = f"archive {_short(quote.archive)}"
            if contains(normalise(archived), wanted):
                report.found.append(f"{quote.where}: checked: found in {against} of {quote.source_id!r}")
                continue
            full = raw_text_for(archive_root, quote.archive) if archive_root else None
            if full is not None and contains(normalise(full), wanted):
                report.found.append(f"{quote.where}: checked: found in {against} of {quote.source_id!r} "
                                    "(outside its main text)")
                continue
            nearest_passage = nearest(normalise(archived), wanted)
            report.problems.append(quote.problem(codes.QUOTE_MISMATCH, copy=against, nearest=nearest_passage))
            continue
        if not quote.local_copy:
            report.unchecked += 1
            why = (f"{quote.source_id!r} is archived as {_short(quote.archive)}, which this machine's archive "
                   "does not hold, and has no local_copy") if quote.archive else (
                   f"{quote.source_id!r} has no archive hash and no local_copy")
            report.problems.append(quote.problem(codes.QUOTE_NOT_CHECKED, why=why))
            continue
        if quote.local_copy not in texts:
            try:
                texts[quote.local_copy] = normalise(read_copy(copy_path(index.data_dir, quote.local_copy), MAX_BYTES))
            except (OSError, UnicodeDecodeError) as exc:
                texts[quote.local_copy] = exc
        copy = texts[quote.local_copy]
        if isinstance(copy, FileNotFoundError):
            report.unchecked += 1
            why = f"the stored copy {quote.local_copy} of {quote.source_id!r} is not on this machine"
            report.problems.append(quote.problem(codes.QUOTE_NOT_CHECKED, why=why))
            continue
        report.checked += 1
        if not isinstance(copy, str):
            report.problems.append(quote.problem(codes.QUOTE_COPY_UNREADABLE, reason=exc_text(copy)))
            continue
        if not contains(copy, wanted):
            stored = f"the stored copy {quote.local_copy}"
            report.problems.append(quote.problem(codes.QUOTE_MISMATCH, copy=stored, nearest=nearest(copy, wanted)))
            continue
        report.found.append(f"{quote.where}: checked: found in the stored copy {quote.local_copy} of "
                            f"{quote.source_id!r}")
    return report


def exc_text(exc: BaseException) -> str:
    """An error's reason without the absolute path an OSError repeats."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)
