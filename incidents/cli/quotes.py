"""`check-quotes`: every quote compared with the archived page, else the stored copy, of the document that prints it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from incidents.cli.common import data_dir, indexed
from incidents.curate.quotecheck import check_quotes
from incidents.load.copies import ARCHIVE_ENV, archive_dir


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `check-quotes`."""
    sub = commands.add_parser(
        "check-quotes",
        help="compare every quote with its source's archived page, else its stored copy; exit 1 on a mismatch or "
        "an unreadable copy (--strict: also when a quote has no copy here)",
        description=(
            "For every quote, look it up in the document that prints it (the quote's own `source`, else the "
            "statement's last `via`): in its archived page (`archive: sha256:…`, from the archive directory, "
            f"{ARCHIVE_ENV} or the XDG default) when this machine holds it, else in its `local_copy`, normalising "
            "whitespace, typographic quotes, apostrophes and dashes, and Unicode (NFC); an ellipsis stands for words "
            "left out. Prints one line a quote (checked and found, not found with the copy's nearest passage, or not "
            "checked) and ends with 'N checked, M not checked (no copy here)'."
        ),
    )
    sub.add_argument("--data-dir", type=Path, default=data_dir(), help="the data directory (default: data)")
    sub.add_argument("--archive-dir", type=Path, default=None, help=f"the archive (default: {ARCHIVE_ENV} or XDG)")
    sub.add_argument("--strict", action="store_true", help="quotes with no copy here fail the run too")
    sub.set_defaults(run=_check_quotes)


def _check_quotes(args: argparse.Namespace) -> int:
    index = indexed(args.data_dir)
    report = check_quotes(index, args.archive_dir or archive_dir())
    lines = [(line.split(": ", 1)[0], line) for line in report.found]
    lines += [(f"{p.path}:{p.line}:{p.col}", str(p)) for p in report.problems]
    for _where, line in sorted(lines, key=lambda pair: _order(pair[0])):
        print(line)
    errors = [problem for problem in report.problems if problem.severity == "error"]
    if errors:
        print(f"{len(errors)} quote(s) not found in their copy, or whose copy cannot be read", file=sys.stderr)
    print(f"{report.checked} checked, {report.unchecked} not checked (no copy here)")
    return 1 if errors or (args.strict and report.unchecked) else 0


def _order(where: str) -> tuple[str, int, int]:
    path, line, col = where.rsplit(":", 2)
    return path, int(line), int(col)
