"""`find TEXT`: records by id, name, alias, title, quote or paraphrase, accents and near spellings forgiven."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from incidents.cli.common import data_dir, indexed
from incidents.curate.search import MAX_QUERY, MIN_RATIO, find


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `find`."""
    sub = commands.add_parser(
        "find",
        help="find records by id, name, alias, title, quote or paraphrase; exit 1 when nothing matches",
        description=(
            "Search ids, names and aliases in every script, titles, quotes, paraphrases and summaries of every "
            "record, ignoring case, accents and diacritics, and matching near spellings (difflib ratio "
            f"≥ {MIN_RATIO} on words). Prints one line a record, best first: kind, id, label, path:line."
        ),
    )
    sub.add_argument("text", help=f"what to look for (at most {MAX_QUERY} characters are used)")
    sub.add_argument("--data-dir", type=Path, default=data_dir(), help="the data directory (default: data)")
    sub.set_defaults(run=_find)


def _find(args: argparse.Namespace) -> int:
    index = indexed(args.data_dir)
    hits = find(index, args.text)
    for hit in hits:
        print(hit.line())
    if not hits:
        print(f"nothing matches {args.text[:MAX_QUERY]!r}", file=sys.stderr)
    return 0 if hits else 1
