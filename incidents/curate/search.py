"""Finding records by what a curator remembers of them: an id, a name or alias in any script, words of a title,
quote, paraphrase or summary, spelled with or without accents, or a little differently.

Text is compared folded (NFKD without combining marks, casefolded, `ə` as `e`), first whole and as a part, then
word by word with difflib's ratio, so "Demirchilou" finds "Demirchilu". Records are read as parsed, so a record
with errors is found too.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from incidents.curate.records_index import RawRecord, RecordIndex

MAX_QUERY = 200  # characters, as the app's text filter
MIN_RATIO = 0.8  # difflib ratio for a near spelling
MAX_WORDS = 2_000  # words of one field compared word by word (a long summary is still searched as a whole)
# Letters NFKD does not decompose into an ASCII base: Azerbaijani schwa and dotless i, and a few others.
_FOLD = str.maketrans({"ə": "e", "Ə": "e", "ı": "i", "ß": "ss", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d"})
_WORD = re.compile(r"\w+")
# Fields searched, by key: names and titles, then the longer texts.
TEXT_KEYS = ("name", "short_name", "title", "text", "question", "summary", "paraphrase", "description", "publisher")
NAME_MAPS = ("aliases", "names")  # {language: name} or {language: [names]}
# Scores: the whole field; whole words of it (0.9 to 0.95, more the more of the field they cover); inside a word
# (0.85 to 0.9); a near spelling (0.85 × its ratio).
EXACT, PART, INSIDE, NEAR = 1.0, 0.9, 0.85, 0.85


def fold(text: str) -> str:
    """Text as compared: no accents or diacritics, casefolded, words separated by single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(_WORD.findall(bare))


@dataclass(frozen=True)
class Hit:
    """A record that matches, how well (`EXACT` … `NEAR`), and where."""

    score: float
    record: RawRecord
    field: tuple[str | int, ...]

    @property
    def label(self) -> str:
        return label(self.record.data)

    def line(self) -> str:
        kind = self.record.collection.singular
        return f"{kind}  {self.record.id}  {self.label}  {self.record.located(*self.field)}"


def label(data: dict[str, Any], width: int = 70) -> str:
    """A record's one-line label: its name, title, English name, text or paraphrase, cut to `width`."""
    names = data.get("names")
    candidates = [data.get(k) for k in ("name", "title")] + [names.get("en") if isinstance(names, dict) else None]
    candidates += [data.get(k) for k in ("text", "paraphrase", "summary")]
    text = " ".join(str(next((c for c in candidates if isinstance(c, str) and c), "")).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def fields(data: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(path below the record, text) of every searched field of a raw record."""
    if isinstance(data.get("id"), str):
        yield ("id",), data["id"]
    for key in TEXT_KEYS:
        if isinstance(data.get(key), str):
            yield (key,), data[key]
    for key in NAME_MAPS:
        mapping = data.get(key)
        if not isinstance(mapping, dict):
            continue
        for language, value in mapping.items():
            values = value if isinstance(value, list) else [value]
            for position, name in enumerate(values):
                if isinstance(name, str):
                    yield ((key, language, position) if isinstance(value, list) else (key, language)), name
    quotes = data.get("quotes")
    for position, quote in enumerate(quotes if isinstance(quotes, list) else []):
        for key in ("text", "translation"):
            if isinstance(quote, dict) and isinstance(quote.get(key), str):
                yield ("quotes", position, key), quote[key]


def _near(matcher: difflib.SequenceMatcher[str], query_words: int, text: str) -> float:
    """The best ratio of the query against any run of as many words in the text."""
    words = text.split()[:MAX_WORDS]
    best = 0.0
    for start in range(max(1, len(words) - query_words + 1)):
        matcher.set_seq1(" ".join(words[start : start + query_words]))
        if matcher.real_quick_ratio() >= MIN_RATIO and matcher.quick_ratio() >= MIN_RATIO:
            best = max(best, matcher.ratio())
    return best


def score(query: str, text: str, matcher: difflib.SequenceMatcher[str] | None = None) -> float:
    """How well a folded query matches a text (see `EXACT`…`NEAR`); 0 when it does not."""
    folded = fold(text)
    if not query or not folded:
        return 0.0
    if folded == query:
        return EXACT
    coverage = 0.05 * len(query) / len(folded)
    if f" {query} " in f" {folded} ":
        return PART + coverage
    if query in folded:
        return INSIDE + coverage
    if matcher is None:
        matcher = difflib.SequenceMatcher(None, "", query, autojunk=False)
    ratio = _near(matcher, len(query.split()), folded)
    return ratio * NEAR if ratio >= MIN_RATIO else 0.0


def find(index: RecordIndex, text: str) -> list[Hit]:
    """Every record matching the text, best first (then in file order); one hit a record, at its best field."""
    query = fold(text[:MAX_QUERY])
    matcher = difflib.SequenceMatcher(None, "", query, autojunk=False)
    hits = []
    for order, record in enumerate(index.records):
        best: tuple[float, tuple[str | int, ...]] = (0.0, ())
        for path, value in fields(record.data):
            found = score(query, value, matcher)
            if found > best[0]:
                best = (found, path)
        if best[0] > 0:
            hits.append((-best[0], order, Hit(best[0], record, best[1])))
    return [hit for _score, _order, hit in sorted(hits, key=lambda h: (h[0], h[1]))]
