"""The command line, one module a command: each module's `register` adds its subparser and sets `run`.

Every command that reads records works on `data/`, or on the directory in `INCIDENTS_DATA_DIR` as the app does.
A new command is a module here with `register(commands)`, named in `COMMAND_MODULES`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from incidents.records_index import RecordIndex

# One entry a command module, in the order `--help` lists them.
COMMAND_MODULES = (
    "incidents.cli.records",
    "incidents.cli.edit",
    "incidents.cli.scaffold",
    "incidents.cli.find",
    "incidents.cli.quotes",
    "incidents.cli.history",
    "incidents.cli.synth",
)


def data_dir() -> Path:
    """The data directory: `INCIDENTS_DATA_DIR`, or `data`, as the app reads it."""
    return Path(os.environ.get("INCIDENTS_DATA_DIR", "data"))


def indexed(data_dir: Path) -> RecordIndex:
    """The records of a data directory with their positions, for commands that read files as curators wrote them;
    the files that cannot be parsed are reported on stderr, and the rest are indexed."""
    from incidents.records_index import index_records

    index = index_records(data_dir)
    for problems in index.problems.values():
        for problem in problems:
            print(problem, file=sys.stderr)
    return index


def parser() -> argparse.ArgumentParser:
    """The full parser, with every command module's subcommands."""
    top = argparse.ArgumentParser(prog="python -m incidents", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(commands)
    return top


def main(argv: list[str] | None = None) -> int:
    """Run one command; its exit status (0 ok, 1 errors in the records, 2 usage)."""
    args = parser().parse_args(argv)
    status: int = args.run(args)
    return status
