"""The command line, one module a command: each module's `register` adds its subparser and sets `run`.

Every command that reads records works on `data/`, or on the directory in `INCIDENTS_DATA_DIR` as the app does.
A new command is a module here with `register(commands)`, named in `COMMAND_MODULES`.
"""

from __future__ import annotations

import argparse
import importlib

# One entry a command module, in the order `--help` lists them.
COMMAND_MODULES = (
    "incidents.cli.records",
    "incidents.cli.edit",
    "incidents.cli.scaffold",
    "incidents.cli.add",
    "incidents.cli.find",
    "incidents.cli.quotes",
    "incidents.cli.archive",
    "incidents.cli.history",
    "incidents.cli.synth",
)


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
