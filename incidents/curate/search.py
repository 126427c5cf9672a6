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
MAX_SEEN = 200_000  # texts remembered during one search (memory stays bounded on a huge data directory)
MAX_FIELDS = 500  # text fields of one record searched (a record is never that large; a hostile one is bounded)
# Letters NFKD does not decompose into an ASCII base: Azerbaijani schwa and dotless i, and a few others.
_FOLD = str.maketrans({"ə": "e", "Ə": "e", "ı": "i", "ß": "ss", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d"})
_WORD = re.compile(r"\w+")
# The fields that name the record itself; a match there ranks before one in its other texts.
PRIMARY_KEYS = ("id", "name", "short_name", "title", "text", "question")
NAME_MAPS = ("aliases", "names")  # {language: name} or {language: [names]}
# Every other text is searched (notes, descriptions, handling, paraphrases, quotes, as_reported…), except references
# to other records (a statement is not found by the id of the page it cites) and values that are codes, not words.
NOT_TEXT = frozenset(
    {
        "via", "carried_by", "sources", "republishes", "rewrites", "incidents", "incident", "proposition", "speaker",
        "responds_to", "concerns", "excludes", "answers", "against", "resolved_by", "superseded_by", "parent", "place",
        "within", "status_source", "reported_in", "actors", "source", "restates", "restates_speaker", "references",
        "party", "url", "archive_url", "local_copy", "sha256", "archive", "review", "language", "voice", "precision",
    }
)
SECONDARY = 0.97  # a match in a record's other texts, or in its speaker's names, ranks below one in its own names
# Scores: the whole field; whole words of it (0.9 to 0.95, more the more of the field they cover) — both exact;
# inside a word (0.85 to 0.9) and a near spelling (0.85 × its ratio) — both fuzzy.
EXACT, PART, INSIDE, NEAR = 1.0, 0.9, 0.85, 0.85


def fold(text: str) -> str:
    """Text as compared: no accents or diacritics, casefolded, words separated by single spaces."""
    if text.isascii():  # most text: nothing to decompose
        return " ".join(_WORD.findall(text.casefold()))
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(_WORD.findall(bare))


@dataclass(frozen=True)
class Match:
    """How a query matches one text: its score and whether it is exact (the whole text, or whole words of it)."""

    score: float
    exact: bool


NO_MATCH = Match(0.0, False)


@dataclass(frozen=True)
class Hit:
    """A record that matches, how well, whether exactly, and where (`("speaker",)`: through its speaker's names)."""

    score: float
    record: RawRecord
    field: tuple[str | int, ...]
    exact: bool = True

    @property
    def label(self) -> str:
        return label(self.record.data)

    def line(self) -> str:
        kind = self.record.collection.singular
        where = self.record.located(*self.field)
        found = "" if self.field[:1] != ("speaker",) else "  (by its speaker)"
        return f"{kind}  {self.record.id}  {self.label}  {where}{found}{'' if self.exact else '  (fuzzy)'}"


def label(data: dict[str, Any], width: int = 70) -> str:
    """A record's one-line label: its name, title, English name, text or paraphrase, cut to `width`."""
    names = data.get("names")
    candidates = [data.get(k) for k in ("name", "title")] + [names.get("en") if isinstance(names, dict) else None]
    candidates += [data.get(k) for k in ("text", "paraphrase", "summary")]
    text = " ".join(str(next((c for c in candidates if isinstance(c, str) and c), "")).split())
    return text if len(text) <= width else text[: width - 1] + "…"


Field = tuple[tuple[str | int, ...], str, bool]  # (path below the record, text, primary)


def names_of(data: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(path, name) of a record's names and aliases in every script."""
    for key in ("name", "short_name"):
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


def _texts(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and key not in NOT_TEXT:
                yield from _texts(item, (*path, key))
    elif isinstance(value, list):
        for position, item in enumerate(value):
            yield from _texts(item, (*path, position))


def fields(data: dict[str, Any]) -> Iterator[Field]:
    """(path below the record, text, primary) of every searched field of a raw record: its names first, then every
    other text."""
    seen: set[tuple[str | int, ...]] = set()
    for key in PRIMARY_KEYS:
        if isinstance(data.get(key), str):
            seen.add((key,))
            yield (key,), data[key], True
    for path, name in names_of(data):
        seen.add(path)
        yield path, name, True
    for count, (path, text) in enumerate(_texts(data, ())):
        if count >= MAX_FIELDS:
            return
        if path not in seen and path[:1] not in {(k,) for k in NAME_MAPS}:
            yield path, text, False


def _near(
    matcher: difflib.SequenceMatcher[str], query: str, text: str, memo: dict[str, float] | None = None
) -> float:
    """The best ratio of the query against any run of as many words in the text (each distinct run once, and only
    runs whose length allows the ratio: 2·min/(sum) ≥ MIN_RATIO)."""
    words = text.split()[:MAX_WORDS]
    size, query_words = len(query), len(query.split())
    low, high = size * MIN_RATIO / (2 - MIN_RATIO), size * (2 - MIN_RATIO) / MIN_RATIO
    runs = {" ".join(words[start : start + query_words]) for start in range(max(1, len(words) - query_words + 1))}
    best = 0.0
    for run in runs:
        if not low <= len(run) <= high:
            continue
        ratio = memo.get(run) if memo is not None else None
        if ratio is None:
            matcher.set_seq1(run)
            ratio = 0.0
            if matcher.real_quick_ratio() >= MIN_RATIO and matcher.quick_ratio() >= MIN_RATIO:
                ratio = matcher.ratio()
            if memo is not None and len(memo) < MAX_SEEN:
                memo[run] = ratio
        best = max(best, ratio)
    return best


def match(
    query: str, text: str, matcher: difflib.SequenceMatcher[str] | None = None, memo: dict[str, float] | None = None
) -> Match:
    """How well a folded query matches a text (see `EXACT`…`NEAR`); `NO_MATCH` when it does not."""
    folded = fold(text)
    if not query or not folded:
        return NO_MATCH
    if folded == query:
        return Match(EXACT, True)
    coverage = 0.05 * len(query) / len(folded)
    if f" {query} " in f" {folded} ":
        return Match(PART + coverage, True)
    if query in folded:
        return Match(INSIDE + coverage, False)
    if matcher is None:
        matcher = difflib.SequenceMatcher(None, "", query, autojunk=False)
    ratio = _near(matcher, query, folded, memo)
    return Match(ratio * NEAR, False) if ratio >= MIN_RATIO else NO_MATCH


def score(query: str, text: str, matcher: difflib.SequenceMatcher[str] | None = None) -> float:
    """How well a folded query matches a text; 0 when it does not."""
    return match(query, text, matcher).score


def _speaker_names(index: RecordIndex) -> dict[str, list[str]]:
    """Each actor's names and aliases, to find statements by who speaks."""
    return {actor.id: [name for _path, name in names_of(actor.data)] for actor in index.of_kind("actors")}


def find(index: RecordIndex, text: str) -> list[Hit]:
    """Every record matching the text, exact hits first, each group best first (then in file order); one hit a
    record, at its best field. A statement is found by its speaker's names and aliases too."""
    query = fold(text[:MAX_QUERY])
    matcher = difflib.SequenceMatcher(None, "", query, autojunk=False)
    speakers = _speaker_names(index)
    seen: dict[str, Match] = {}  # texts repeat (names, boilerplate): each is matched once a search
    runs: dict[str, float] = {}  # and so do words: each is compared once
    hits = []
    for order, record in enumerate(index.records):
        best: tuple[bool, float, tuple[str | int, ...]] = (False, 0.0, ())
        candidates: list[Field] = list(fields(record.data))
        speaker = record.data.get("speaker") if record.collection.key == "statements" else None
        if isinstance(speaker, str):
            candidates += [(("speaker",), name, False) for name in speakers.get(speaker, [])]
        for path, value, primary in candidates:
            found = seen.get(value)
            if found is None:
                found = match(query, value, matcher, runs)
                if len(seen) < MAX_SEEN:
                    seen[value] = found
            if not found.score:
                continue
            ranked = (found.exact, found.score * (1.0 if primary else SECONDARY), path)
            if ranked[:2] > best[:2]:
                best = ranked
        if best[1] > 0:
            hits.append(((not best[0], -best[1], order), Hit(best[1], record, best[2], best[0])))
    return [hit for _key, hit in sorted(hits, key=lambda h: h[0])]
