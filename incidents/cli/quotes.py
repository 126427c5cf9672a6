"""`check-quotes`: every quote compared with the stored copy of the document that prints it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from incidents.cli.common import data_dir, indexed
from incidents.curate.quotecheck import check_quotes


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `check-quotes`."""
    sub = commands.add_parser(
        "check-quotes",
        help="compare every quote with its source's stored copy; exit 1 on a mismatch or an unreadable copy "
        "(a copy absent from this machine is a warning; --strict fails on it)",
        description=(
            "For every quote whose source (the quote's own `source`, else the statement's last `via`) has a "
            "local_copy, look the quote up in that copy, normalising whitespace, typographic quotes, apostrophes "
            "and dashes, and Unicode (NFC); an ellipsis stands for words left out. Prints path:line:col of each "
            "quote not found, with the copy's nearest passage."
        ),
    )
    sub.add_argument("--data-dir", type=Path, default=data_dir(), help="the data directory (default: data)")
    sub.add_argument("--strict", action="store_true", help="quotes whose copy is absent here fail the run too")
    sub.set_defaults(run=_check_quotes)


def _check_quotes(args: argparse.Namespace) -> int:
    index = indexed(args.data_dir)
    problems, checked = check_quotes(index)
    for problem in problems:
        print(problem)
    errors = [problem for problem in problems if problem.severity == "error"]
    unchecked = len(problems) - len(errors)
    print(
        f"{checked} quote(s) checked against stored copies, {len(errors)} problem(s), {unchecked} not checked "
        "(copy absent here)",
        file=sys.stderr,
    )
    return 1 if errors or (args.strict and unchecked) else 0
