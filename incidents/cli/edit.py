"""Commands that rewrite files for curators and editors: `fmt` (the canonical layout) and `schema --write`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from incidents.cli.common import data_dir
from incidents.curate.docs import json_schema
from incidents.curate.fmt import SCHEMAS_DIR, format_file, kinds, record_files, schema_file


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add fmt and write-schemas."""
    fmt = commands.add_parser(
        "fmt",
        help="rewrite record files in the canonical layout, keeping comments; exit 1 if a file is refused "
        "(or, with --check, would change)",
    )
    fmt.add_argument("files", nargs="*", type=Path, help="record files to format (default: every record file)")
    fmt.add_argument("--data-dir", type=Path, default=data_dir())
    fmt.add_argument("--check", action="store_true", help="change nothing; list the files that would change")
    fmt.set_defaults(run=_fmt)
    schemas = commands.add_parser(
        "write-schemas", help="write each record file kind's JSON Schema to schemas/ (for editors' completion)"
    )
    schemas.add_argument("--out", type=Path, default=Path(SCHEMAS_DIR), help="folder to write into (default schemas/)")
    schemas.add_argument("--check", action="store_true", help="write nothing; exit 1 if a schema file is stale")
    schemas.set_defaults(run=_write_schemas)


def _fmt(args: argparse.Namespace) -> int:
    files = record_files(args.data_dir, args.files)
    unknown = [path for path in args.files if path.resolve() not in {p.resolve() for p, _ in files}]
    for path in unknown:  # pre-commit passes every touched YAML file; only record files are ours to format
        print(f"{path}: skipped: not a record file under {args.data_dir}", file=sys.stderr)
    failed = False
    for path, kind in files:
        result = format_file(path, args.data_dir, kind, write=not args.check)
        for problem in result.problems:
            print(problem)
            failed = True
        if result.changed:
            print(f"{path}: {'would be reformatted' if args.check else 'reformatted'}")
            failed = failed or args.check
    return 1 if failed else 0


def schema_text(kind: str) -> str:
    """A file kind's JSON Schema as `schemas/` holds it."""
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"


def _write_schemas(args: argparse.Namespace) -> int:
    stale = []
    for kind in kinds():
        target = args.out / schema_file(kind)
        text = schema_text(kind)
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current == text:
            continue
        stale.append(target)
        if not args.check:
            args.out.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    for target in stale:
        print(f"{target}: {'stale' if args.check else 'written'}")
    return 1 if args.check and stale else 0
