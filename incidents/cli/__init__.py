"""The command line, one module a command: each module's `register` adds its subparser and sets `run`.

Every command that reads records works on `data/`, or on the directory in `INCIDENTS_DATA_DIR` as the app does.
A new command is a module here with `register(commands)`, named in `COMMAND_MODULES`.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import sys
from collections.abc import Iterator
from typing import TextIO

from incidents.text import terminal_text

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
    "incidents.cli.patterns",
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
    # Record text and commit subjects reach the terminal: controls (ANSI escapes) are replaced on the way out.
    with _CleanStream.around("stdout"), _CleanStream.around("stderr"):
        status: int = args.run(args)
    return status


class _CleanStream(io.TextIOBase):
    """A text stream that writes through `terminal_text`: one escaping rule for the terminal, for every command."""

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner

    def write(self, text: str) -> int:
        self.inner.write(terminal_text(text))
        return len(text)

    def flush(self) -> None:
        self.inner.flush()

    def isatty(self) -> bool:
        return self.inner.isatty()

    @staticmethod
    @contextlib.contextmanager
    def around(name: str) -> Iterator[None]:
        inner = getattr(sys, name)
        setattr(sys, name, _CleanStream(inner))
        try:
            yield
        finally:
            setattr(sys, name, inner)
