"""`synth`: write a synthetic, obviously fictional data directory for benchmarks and scale tests."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from incidents.synth import RefusedDirectory, generate


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add synth."""
    synth = commands.add_parser(
        "synth", help="write a synthetic data directory (fictional records, valid, deterministic); never into data/"
    )
    synth.add_argument("--incidents", type=int, required=True, help="how many incidents (one file each)")
    synth.add_argument("--out", type=Path, required=True, help="an empty folder, or an earlier synthetic one")
    synth.add_argument("--seed", type=int, default=0, help="same seed, same bytes (default 0)")
    synth.set_defaults(run=_synth)


def _synth(args: argparse.Namespace) -> int:
    if not 1 <= args.incidents <= 100_000:
        print(f"{args.out}:1:1: --incidents must be between 1 and 100,000, not {args.incidents}", file=sys.stderr)
        return 2
    try:
        files = generate(args.out, args.incidents, args.seed)
    except RefusedDirectory as refused:
        print(f"{refused}", file=sys.stderr)
        return 2
    size = sum(path.stat().st_size for path in files)
    print(f"{args.out}: {len(files)} files, {size / 1e6:.1f} MB, {args.incidents} incidents (seed {args.seed})")
    return 0
