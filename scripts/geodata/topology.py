"""TopoJSON input: fetch Natural Earth 1:10m from the npm package, decode its arcs and polygons.

The arcs are decoded here (not with a topojson library) so that the whole pipeline is visible.
"""

from __future__ import annotations

import json
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from shapely.geometry import Polygon

PACKAGE = "world-atlas"
VERSION = "2.0.2"
TOPO_FILE = "countries-10m.json"


def fetch_topology(path: Path | None = None) -> dict[str, Any]:
    """Load countries-10m.json from ``path``, or fetch it with ``npm pack``."""
    if path is not None:
        return json.loads(Path(path).read_text())
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent"],
            cwd=tmp,
            check=True,
            capture_output=True,
        )
        tarball = next(Path(tmp).glob(f"{PACKAGE}-{VERSION}.tgz"))
        with tarfile.open(tarball) as tar:
            member = tar.extractfile(f"package/{TOPO_FILE}")
            if member is None:
                raise FileNotFoundError(f"{TOPO_FILE} not in {tarball.name}")
            return json.loads(member.read())


def decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Decode all arcs of a TopoJSON topology into absolute (lon, lat) lists.

    Quantised topologies (with ``transform``) store each arc as deltas from the
    previous point: cumulative-sum, then scale, then translate.
    """
    transform = topology.get("transform")
    decoded: list[list[tuple[float, float]]] = []
    for arc in topology["arcs"]:
        if transform is None:
            decoded.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        decoded.append(pts)
    return decoded


def arc_ref(ref: int) -> tuple[int, bool]:
    """Map a TopoJSON arc reference to (arc index, reversed?); ``~i`` = -i-1."""
    return (~ref, True) if ref < 0 else (ref, False)


def ring_from_arcs(refs: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """Stitch a ring from arc references, dropping the repeated junction points."""
    ring: list[tuple[float, float]] = []
    for ref in refs:
        idx, rev = arc_ref(ref)
        pts = arcs[idx][::-1] if rev else arcs[idx]
        ring.extend(pts if not ring else pts[1:])
    return ring


def polygon_parts(geometry: dict[str, Any]) -> list[list[list[int]]]:
    """Return a TopoJSON Polygon/MultiPolygon as a list of polygons of arc refs."""
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["arcs"])
    return []


def part_arc_ids(part: list[list[int]]) -> set[int]:
    """Absolute arc indices used by one polygon (all its rings)."""
    return {arc_ref(r)[0] for ring in part for r in ring}


def build_polygon(part: list[list[int]], arcs: list[list[tuple[float, float]]]) -> Polygon:
    """Build a shapely Polygon from one TopoJSON polygon (outer ring + holes)."""
    rings = [ring_from_arcs(r, arcs) for r in part]
    return Polygon(rings[0], rings[1:])

