"""`add figure|quote|carrier|stance STATEMENT …`: add to an existing statement, inserting text into its block."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TypeAlias, get_args

from incidents.cli.common import data_dir
from incidents.curate.additions import ADDERS, add
from incidents.curate.records_index import index_records
from incidents.curate.scaffold import ScaffoldError
from incidents.load.parse import display_path
from incidents.model.evidence import Quantity, StanceValue

SubParsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _common(kinds: SubParsers, name: str, help_text: str) -> argparse.ArgumentParser:
    sub = kinds.add_parser(name, help=help_text, description=f"{help_text}. Prints the statement and path:line.")
    sub.add_argument("statement", help="the statement's id (`find` gives it)")
    sub.add_argument("--data-dir", type=Path, default=data_dir(), help="the data directory (default: data)")
    sub.set_defaults(run=_add, add_kind=name)
    return sub


def _bool(value: str) -> bool:
    if value.lower() in ("yes", "true", "1"):
        return True
    if value.lower() in ("no", "false", "0"):
        return False
    raise argparse.ArgumentTypeError(f"{value!r} is not yes or no")


def register(commands: SubParsers) -> None:
    """Add `add figure|quote|carrier|stance`."""
    top = commands.add_parser(
        "add", help="add a figure, quote, carrier or stance to a statement; prints its id and path:line",
        description="Add to an existing statement's block, leaving the rest of the file as it is.",
    )
    kinds = top.add_subparsers(dest="add_kind", required=True)
    fig = _common(kinds, "figure", "a figure the statement gives, appended to its figures")
    fig.add_argument("--quantity", required=True, choices=list(get_args(Quantity)))
    fig.add_argument("--value", type=float, help="the figure, when one number is given")
    fig.add_argument("--low", type=float, help="the low end of a range ('two to four')")
    fig.add_argument("--high", type=float, help="the high end of the range")
    fig.add_argument("--as-of", help="when the figure was given: YYYY-MM-DD or an ISO datetime with its offset")
    fig.add_argument("--civilians", type=_bool, help="yes when the speaker says they are civilians, no when not")
    fig.add_argument("--note", help="our words on it")
    quo = _common(kinds, "quote", "words the page prints as a quotation, appended to the statement's quotes")
    quo.add_argument("--text", required=True, help="exactly as printed, in its language and script")
    quo.add_argument("--language", default="en", help="BCP 47 code of the words as printed (default en)")
    quo.add_argument("--translation", help="our English translation (required when the words are not English)")
    quo.add_argument("--printed-as-translation", action="store_true",
                     help="the page itself prints a translation of words said in another language")
    quo.add_argument("--source", help="the document that prints it, when not the statement's last via")
    car = _common(kinds, "carrier", "another document that prints the statement, appended to its carried_by")
    car.add_argument("source_id", help="the source id of the document")
    sta = _common(kinds, "stance", "the statement's position on a proposition, appended to its stances")
    sta.add_argument("--proposition", required=True, help="the proposition's id (`find` gives it)")
    sta.add_argument("--stance", required=True, choices=list(get_args(StanceValue)))
    sta.add_argument("--note", help="our words on it (why `implies`, say)")
    assert set(ADDERS) == {"figure", "quote", "carrier", "stance"}


def _add(args: argparse.Namespace) -> int:
    if not args.data_dir.is_dir():
        print(f"{display_path(args.data_dir)}:1:1: the data directory does not exist", file=sys.stderr)
        return 1
    index = index_records(args.data_dir)
    try:
        created = add(index, args.add_kind, vars(args))
    except ScaffoldError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{args.add_kind}  {created.id}  {display_path(created.path)}:{created.line}")
    return 0
