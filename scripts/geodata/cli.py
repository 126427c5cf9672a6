"""The command: build every file of data/geo/ from the topology, or only derived.json from the shipped files."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from scripts.geodata.build import build
from scripts.geodata.derived import derive, read_shipped
from scripts.geodata.topology import TOPO_FILE, fetch_topology

GEO_DIR = Path(__file__).resolve().parents[2] / "data" / "geo"


def write_outputs(docs: dict[str, Any], out_dir: Path) -> None:
    """Write the JSON files present in `docs` (compact GeoJSON and derived values, readable figures)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in ("countries", "borders", "labels"):
        if name in docs:
            text = json.dumps(docs[name], separators=(",", ":"), ensure_ascii=False)
            (out_dir / f"{name}.geojson").write_text(text + "\n")
    if "figures" in docs:
        (out_dir / "figures.json").write_text(json.dumps(docs["figures"], indent=2, ensure_ascii=False) + "\n")
    if "derived" in docs:
        text = json.dumps(docs["derived"], separators=(",", ":"), ensure_ascii=False)
        (out_dir / "derived.json").write_text(text + "\n")


def main(argv: list[str] | None = None) -> None:
    """CLI entry point."""
    parser = argparse.ArgumentParser(description="Build the regional boundary geodata shipped in data/geo/.")
    parser.add_argument("topojson", nargs="?", type=Path, help=f"local {TOPO_FILE} (default: npm pack)")
    parser.add_argument("--out", type=Path, default=GEO_DIR)
    parser.add_argument(
        "--derived-only",
        action="store_true",
        help="offline: recompute only derived.json from the files already in --out",
    )
    args = parser.parse_args(argv)
    if args.derived_only:
        write_outputs({"derived": derive(read_shipped(args.out))}, args.out)
    else:
        docs = build(fetch_topology(args.topojson))
        write_outputs(docs, args.out)
        for f in docs["figures"]["figures"]:
            src = f" (source: {f['source_figure']})" if f["source_figure"] is not None else ""
            print(f"{f['id']:28s} {f['computed']:>10} {f['unit']}{src}")
    for p in sorted(args.out.iterdir()):
        print(f"{p.name:20s} {p.stat().st_size / 1024:7.1f} KB")
