"""`new`: write a record skeleton (required fields, a fresh id, placeholders, `review: draft`) into its file."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any, TypeAlias, get_args

from incidents.cli.common import data_dir
from incidents.curate.records_index import index_records
from incidents.curate.scaffold import ScaffoldError, write_record
from incidents.curate.skeletons import BUILDERS
from incidents.load.parse import display_path
from incidents.model import records as models
from incidents.model.evidence import AFFILIATION_KINDS, BASIS_VALUES, Voice
from incidents.model.fields import PLACEHOLDER

SubParsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _date(value: str) -> dt.date:
    try:
        date = dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from exc
    if date > dt.date.today():
        raise argparse.ArgumentTypeError(f"{value} is after today")  # the validator's FUTURE_DATE
    return date


def _choices(literal: Any) -> list[str]:
    return list(get_args(literal))


def _common(kinds: SubParsers, name: str, help_text: str) -> argparse.ArgumentParser:
    sub = kinds.add_parser(name, help=help_text, description=f"{help_text}. Placeholders are marked {PLACEHOLDER}.")
    sub.add_argument("--id", help="the id to give it; derived from its title, name or URL and a date when omitted")
    sub.add_argument("--data-dir", type=Path, default=data_dir(), help="the data directory (default: data)")
    sub.set_defaults(run=_new, kind_name=name)
    return sub


def _in_incident(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--incident", required=True, help="the incident it belongs to; added to that incident's file")
    sub.add_argument(
        "--source", action="append", required=True, help="a source id (repeatable: the chain, nearest first)"
    )
    sub.add_argument("--date", type=_date, help="when, YYYY-MM-DD; the incident's start when omitted")


def register(commands: SubParsers) -> None:
    """Add `new incident|event|statement|proposition|discrepancy|source|place|actor`."""
    new = commands.add_parser(
        "new", help="write a record skeleton into its file; prints its id and path:line",
        description="Write a record skeleton (review: draft) into the file it belongs in, leaving the rest as is.",
    )
    kinds = new.add_subparsers(dest="kind_name", required=True)
    inc = _common(kinds, "incident", "a new incident file, data/incidents/<id>.yaml")
    inc.add_argument("--title")
    inc.add_argument("--date", type=_date, help="when it happened, YYYY-MM-DD (default today)")
    inc.add_argument("--source", action="append", required=True, help="a source id (repeatable)")
    ev = _common(kinds, "event", "an event, appended to its incident's events")
    _in_incident(ev)
    ev.add_argument("--title")
    ev.add_argument("--type", choices=_choices(models.EventType), default="other")
    ev.add_argument("--status", choices=_choices(models.EventStatus), default="reported")
    _statement(kinds)
    _proposition_and_discrepancy(kinds)
    _source(kinds)
    _place_and_actor(kinds)


def _statement(kinds: SubParsers) -> None:
    st = _common(kinds, "statement", "a statement, appended to its incident's statements")
    _in_incident(st)
    st.add_argument("--at", help="when it was said: YYYY-MM-DD, or an ISO datetime with its UTC offset "
                    "(e.g. 2026-03-06T09:30:00+04:00; minute precision)")
    st.add_argument("--precision", choices=list(models.TIME_PRECISIONS), help="override the precision --at implies")
    st.add_argument("--as-reported", help="the time as the page words it ('on Friday')")
    st.add_argument("--voice", choices=_choices(Voice), help="named (needs --speaker; the default with one), "
                    "publication (the page's own voice), unnamed (the default without --speaker)")
    st.add_argument("--speaker", help="the actor who said it (for an unnamed voice: the party they speak for)")
    st.add_argument("--unnamed-as", help="how the page refers to unnamed speakers ('officials')")
    st.add_argument("--unnamed-reason", help="why the speakers are unnamed")
    st.add_argument("--kind", required=True, choices=list(models.STATEMENT_KINDS))
    st.add_argument("--paraphrase", help="what was said, in our words")
    st.add_argument("--channel", help="how it was said ('statement', 'remarks to reporters')")
    st.add_argument("--carried-by", action="append", help="another document that prints it (repeatable)")
    st.add_argument("--responds-to", action="append", help="a statement it answers (repeatable)")
    st.add_argument("--credibility", type=int, choices=range(1, 7), metavar="1-6",
                    help="Admiralty information credibility (the model grades information on statements)")
    st.add_argument("--credibility-note", help="why this credibility")
    st.add_argument("--basis", choices=list(BASIS_VALUES),
                    help="with --voice publication: how the outlet knows (observed, restates, unattributed)")
    st.add_argument("--restates", action="append", help="with --basis restates: a statement it restates (repeatable)")
    st.add_argument("--restates-speaker", help="with --basis restates: whose statement, when we do not hold it")
    st.add_argument("--basis-note", help="what the page says about how it knows (its attribution line)")


def _proposition_and_discrepancy(kinds: SubParsers) -> None:
    pr = _common(kinds, "proposition", "a proposition, appended to its incident's propositions")
    pr.add_argument("--incident", required=True, help="the incident it belongs to; added to that incident's file")
    pr.add_argument("--text", required=True, help="a statement that can be asserted or denied ('Iran launched it')")
    pr.add_argument("--question", help="the question it answers")
    pr.add_argument("--topic", choices=_choices(models.Proposition.model_fields["topic"].annotation))
    pr.add_argument("--excludes", nargs="+", help="propositions that cannot be true with it")
    pr.add_argument("--answers", action="append", help="a proposition it answers without excluding it (repeatable)")
    pr.add_argument("--against", nargs="+", help="the parties it accuses or holds responsible (actor ids)")
    di = _common(kinds, "discrepancy", "a discrepancy, appended to its incident's discrepancies")
    di.add_argument("--incident", required=True, help="the incident it belongs to; added to that incident's file")
    di.add_argument("--title", required=True, help="the discrepancy in a few words, ours")
    di.add_argument("--kind", choices=_choices(models.Discrepancy.model_fields["kind"].annotation))
    di.add_argument("--concerns", nargs="+", help="ids of the records it concerns")
    di.add_argument("--source", action="append",
                    help="a source it rests on (repeatable; default: the documents of the records it concerns)")
    di.add_argument("--description", help="what disagrees with what, in our words")
    di.add_argument("--handling", help="what the records do about it")


def _source(kinds: SubParsers) -> None:
    src = _common(kinds, "source", "a source, appended to data/sources.yaml; id <outlet>-<NNN>, or agency-<name>")
    src.add_argument("url", nargs="?", help="its http(s) address")
    src.add_argument("--outlet", help="the publisher")
    src.add_argument("--title")
    src.add_argument("--kind", choices=_choices(models.SourceKind), default="article")
    src.add_argument("--published", help="YYYY-MM-DD, or an ISO datetime with its offset (sets published_at too)")
    src.add_argument("--retrieved", type=_date, help="when we read it, YYYY-MM-DD (default today; none second-hand)")
    src.add_argument("--language", default="en", help="BCP 47 code of the text we read (default en)")
    src.add_argument("--reliability", choices=_choices(models.Reliability), help="Admiralty source reliability A-F")
    src.add_argument("--reliability-note", help="why this grade, in our words")
    src.add_argument("--graded-on", type=_date, help="when the grade was given (default today, with --reliability)")
    src.add_argument("--republishes", action="append", help="a source it carries as is (repeatable)")
    src.add_argument("--rewrites", action="append", help="a source it rewrites (repeatable)")
    src.add_argument("--retrieval-note", help="how we read it, and how to find it again")
    src.add_argument("--second-hand", action="store_true", help="known only because another source cites it")
    src.add_argument("--affiliation", choices=list(AFFILIATION_KINDS),
                     help="how the outlet stands to the governments (aligned: with --aligned-with and a reference)")
    src.add_argument("--aligned-with", help="the party an aligned outlet is aligned with (an actor id)")
    src.add_argument("--affiliation-reason", help="why, in our words (required with --affiliation)")
    src.add_argument("--affiliation-ref", action="append",
                     help="a reference source that assesses the outlet (repeatable)")
    src.add_argument("--stored-copy", help="a copy we hold in the repository's tree: records local_copy and its sha256")


def _place_and_actor(kinds: SubParsers) -> None:
    pl = _common(kinds, "place", "a place, appended to data/places.yaml")
    pl.add_argument("--name", required=True, help="its name in English")
    pl.add_argument("--lat", type=float, required=True)
    pl.add_argument("--lon", type=float, required=True)
    pl.add_argument("--precision-m", type=int, required=True, help="radius in metres within which it lies")
    pl.add_argument("--kind", required=True, choices=_choices(models.PlaceKind))
    pl.add_argument("--geo-precision", choices=_choices(models.GeoPrecision), help="default: from the radius")
    pl.add_argument("--country", required=True, help="ISO alpha-3 code, e.g. AZE")
    pl.add_argument("--source", action="append", required=True, help="a source id (repeatable)")
    ac = _common(kinds, "actor", "an actor, appended to data/actors.yaml")
    ac.add_argument("--name", required=True, help="its name in English")
    ac.add_argument("--kind", required=True, choices=_choices(models.ActorKind))
    ac.add_argument("--parent", help="the actor it belongs to")
    ac.add_argument("--country", help="ISO alpha-3 code, e.g. AZE")
    ac.add_argument("--source", action="append", help="a source that names it (repeatable)")


def _new(args: argparse.Namespace) -> int:
    if not args.data_dir.is_dir():
        print(f"{display_path(args.data_dir)}:1:1: the data directory does not exist", file=sys.stderr)
        return 1
    index = index_records(args.data_dir)
    try:
        target, record = BUILDERS[args.kind_name](index, vars(args), dt.date.today())
        created = write_record(index, target, record)
    except ScaffoldError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{args.kind_name}  {created.id}  {display_path(created.path)}:{created.line}")
    return 0
