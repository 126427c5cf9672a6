"""Commands over the whole record set: validate, schema, docs, codes, brief."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from incidents.cli.common import data_dir
from incidents.curate.docs import data_readme, json_schema, with_generated
from incidents.evidence import brief, briefing
from incidents.evidence.comparison import Comparison, compare
from incidents.load.pipeline import load_dataset
from incidents.load.review import (
    PUBLISHED_ONLY_ENV,
    for_mode,
    published_only,
    published_only_from,
    review_queue,
)
from incidents.model.codes import codes_table
from incidents.model.registry import COLLECTIONS, FILE_KINDS


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add validate, schema, docs, codes and brief."""
    validate = commands.add_parser("validate", help="validate the record files; exit 1 on errors")
    validate.add_argument("data_dir", nargs="?", default=data_dir(), type=Path)
    validate.add_argument("--strict", action="store_true", help="warnings fail the run too")
    validate.add_argument(
        "--hosted",
        action="store_true",
        help="validate what a hosted instance shows (published records only, references to drafts cut): its "
        "problems, its record counts and how many records it leaves out",
    )
    validate.add_argument(
        "--only",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="report (and fail on) only the problems in these files; every file is still read and cross-checked",
    )
    validate.set_defaults(run=_validate)
    schema = commands.add_parser("schema", help="print JSON Schema for the record files")
    schema.add_argument("file_kind", nargs="?", choices=list(FILE_KINDS), help="one file kind; all kinds when omitted")
    schema.set_defaults(run=_schema)
    docs = commands.add_parser("docs", help="print the field documentation (Markdown) generated from the models")
    docs.add_argument(
        "--write", type=Path, metavar="README", help="rewrite the generated part of this file (data/README.md) in place"
    )
    docs.set_defaults(run=_docs)
    codes = commands.add_parser("codes", help="list the problem codes: code, severity, description")
    codes.set_defaults(run=_codes)
    brief_parser = commands.add_parser(
        "brief", help="print an incident's comparison (the claims page) as JSON or Markdown; exit 1 if unknown"
    )
    brief_parser.add_argument("incident_id", nargs="?", help="the incident; the most recent one when omitted")
    brief_parser.add_argument("--format", choices=["json", "md"], default="json")
    brief_parser.add_argument("--data-dir", type=Path, default=data_dir())
    brief_parser.add_argument("--url", default="", help="the view's link, written into the Markdown note")
    brief_parser.add_argument(
        "--published-only",
        action="store_true",
        default=published_only_from(os.environ),
        help=f"only published records, as a hosted instance shows them (the default when {PUBLISHED_ONLY_ENV}=1)",
    )
    brief_parser.set_defaults(run=_brief)


def _validate(args: argparse.Namespace) -> int:
    full = load_dataset(args.data_dir)
    dataset = published_only(full) if args.hosted else full
    problems = dataset.problems
    if args.only:
        wanted = {path.resolve() for path in args.only}
        problems = [problem for problem in problems if Path(problem.path).resolve() in wanted]
    for problem in problems:
        print(problem)
    errors = [problem for problem in problems if problem.severity == "error"]
    warnings = [problem for problem in problems if problem.severity != "error"]
    # Drafts are normal work, not problems: listed after them, never counted as warnings.
    waiting = [] if args.hosted else review_queue(dataset)
    if waiting:
        print("Waiting for review:")
        print("\n".join(waiting))
    counts = {c.key: len(dataset.collection(c.key)) for c in COLLECTIONS}
    summary = ", ".join(f"{n} {name}" for name, n in counts.items())
    scope = f" in {len(args.only)} file(s)" if args.only else ""
    if args.hosted:
        left_out = sum(len(full.collection(c.key)) - len(dataset.collection(c.key)) for c in COLLECTIONS)
        scope += f" in the hosted view (left out of the hosted view: {left_out} record(s))"
    print(f"{len(errors)} error(s), {len(warnings)} warning(s){scope}; valid records: {summary}", file=sys.stderr)
    failed = bool(errors) or (args.strict and bool(warnings))
    return 1 if failed else 0


def _schema(args: argparse.Namespace) -> int:
    print(json.dumps(json_schema(args.file_kind), indent=2, ensure_ascii=False))
    return 0


def _codes(args: argparse.Namespace) -> int:
    print(codes_table(), end="")
    return 0


def _docs(args: argparse.Namespace) -> int:
    if args.write is None:
        print(data_readme(), end="")
        return 0
    current = args.write.read_text(encoding="utf-8") if args.write.is_file() else ""
    args.write.write_text(with_generated(current), encoding="utf-8")
    return 0


def _brief(args: argparse.Namespace) -> int:
    dataset = for_mode(load_dataset(args.data_dir), args.published_only)
    for problem in dataset.errors:
        print(problem, file=sys.stderr)
    result = compare(dataset, args.incident_id or brief.latest_incident(dataset))
    if not isinstance(result, Comparison):
        print(result.message, file=sys.stderr)
        return 1
    print(brief.to_json(result) if args.format == "json" else briefing.to_markdown(result, args.url), end="")
    return 0
