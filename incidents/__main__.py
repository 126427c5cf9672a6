"""Command line: `python -m incidents validate|schema|docs|codes`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from incidents.codes import codes_table
from incidents.docs import data_readme, json_schema
from incidents.loading import load_dataset
from incidents.registry import COLLECTIONS, FILE_KINDS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m incidents", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="validate the record files; exit 1 on errors")
    validate.add_argument("data_dir", nargs="?", default="data", type=Path)
    validate.add_argument("--strict", action="store_true", help="warnings fail the run too")
    schema = commands.add_parser("schema", help="print JSON Schema for the record files")
    schema.add_argument(
        "file_kind",
        nargs="?",
        choices=list(FILE_KINDS),
        help="one file kind; all kinds when omitted",
    )
    commands.add_parser("docs", help="print the field documentation (Markdown) generated from the models")
    commands.add_parser("codes", help="list the problem codes: code, severity, description")
    args = parser.parse_args(argv)

    if args.command == "validate":
        dataset = load_dataset(args.data_dir)
        for problem in dataset.problems:
            print(problem)
        counts = {c.key: len(dataset.collection(c.key)) for c in COLLECTIONS}
        summary = ", ".join(f"{n} {name}" for name, n in counts.items())
        print(
            f"{len(dataset.errors)} error(s), {len(dataset.warnings)} warning(s); valid records: {summary}",
            file=sys.stderr,
        )
        failed = bool(dataset.errors) or (args.strict and bool(dataset.warnings))
        return 1 if failed else 0
    if args.command == "schema":
        print(json.dumps(json_schema(args.file_kind), indent=2, ensure_ascii=False))
        return 0
    if args.command == "codes":
        print(codes_table(), end="")
        return 0
    print(data_readme(), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
