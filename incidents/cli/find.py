"""`find TEXT`: records by any of their words, names or aliases, or by their speaker's; exact hits before fuzzy ones."""

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
        help="find records by id, name, alias, speaker or any of their text; exit 1 when nothing matches exactly "
        "(unless --fuzzy)",
        description=(
            "Search every text field of every record (ids, names and aliases in every script, titles, texts, "
            "quotes, paraphrases, summaries, descriptions, handling, notes) and statements by their speaker's names "
            "and aliases, ignoring case, accents and diacritics. A match of the whole field or of whole words of it "
            "is exact; a match inside a word ('vesti' in 'investigation') or a near spelling (difflib ratio "
            f"≥ {MIN_RATIO} on words) is fuzzy, and marked '(fuzzy)'. Prints one line a record, exact hits first, "
            "best first: kind, id, label, path:line. Fuzzy hits are listed after the exact ones with --fuzzy, or "
            "when there is no exact hit; the exit status is 1 when nothing matches exactly, unless --fuzzy is given "
            "and something matches."
        ),
    )
    sub.add_argument("text", help=f"what to look for (at most {MAX_QUERY} characters are used)")
    sub.add_argument("--fuzzy", action="store_true", help="accept fuzzy hits: list them, and exit 0 on them")
    sub.add_argument("--data-dir", type=Path, default=data_dir(), help="the data directory (default: data)")
    sub.set_defaults(run=_find)


def _find(args: argparse.Namespace) -> int:
    index = indexed(args.data_dir)
    hits = find(index, args.text)
    exact = [hit for hit in hits if hit.exact]
    shown = hits if args.fuzzy or not exact else exact
    for hit in shown:
        print(hit.line())
    query = repr(args.text[:MAX_QUERY])
    if not hits:
        print(f"nothing matches {query}", file=sys.stderr)
    elif not exact:
        print(f"nothing matches {query} exactly; {len(hits)} fuzzy hit(s) (--fuzzy to accept them)", file=sys.stderr)
    elif len(hits) > len(exact) and not args.fuzzy:
        print(f"{len(hits) - len(exact)} fuzzy hit(s) not shown (--fuzzy shows them)", file=sys.stderr)
    return 0 if exact or (args.fuzzy and hits) else 1
