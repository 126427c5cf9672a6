"""A synthetic, obviously fictional data directory for benchmarks and scale tests (`python -m incidents synth`).

Laid out as `data/` is (actors.yaml, sources.yaml, places.yaml, incidents/*.yaml, one incident a file), in format 2,
and valid with 0 errors. One seed always writes byte-identical files. It never writes into the repository's `data/`
and never into a folder that holds anything but an earlier synthetic directory.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import yaml

from incidents.synth.incident import incident_file
from incidents.synth.world import build_world

REPO_DATA = Path(__file__).resolve().parents[2] / "data"
MARKER = "README.md"
MARKER_TITLE = "# Synthetic data (fictional)"
README = f"""{MARKER_TITLE}

Written by `python -m incidents synth --incidents {{incidents}} --seed {{seed}}`. Every actor, place, source,
incident and statement in this directory is invented: the names are placeholders ("Synthetic Azeria",
"Placeholder Place 12", "Fictional report 7"), the coordinates are random points in the region and the URLs
point at example.org. Only the country codes are real, so that the map and the colours work. Use it for
benchmarks and scale tests only, never as information about any real event.
"""


class _Dumper(yaml.CSafeDumper):
    """Writes a value met twice (a shared date) in full: record files never use aliases (`YAML_ALIAS`)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


class RefusedDirectory(Exception):
    """The output directory is the repository's data, or holds files that are not an earlier synthetic directory."""


def check_target(out: Path) -> Path:
    """The resolved output directory, or `RefusedDirectory` with the reason."""
    target = out.resolve()
    data = REPO_DATA.resolve()
    if target == data or data in target.parents or target in data.parents:
        raise RefusedDirectory(f"{out}: refusing to write synthetic records into or over the repository's data/")
    if target.is_dir() and any(target.iterdir()):
        marker = target / MARKER
        if not (marker.is_file() and marker.read_text(encoding="utf-8").startswith(MARKER_TITLE)):
            raise RefusedDirectory(f"{out}: not empty and not a synthetic data directory; choose an empty folder")
    elif target.exists() and not target.is_dir():
        raise RefusedDirectory(f"{out}: exists and is not a directory")
    return target


def dump(content: dict[str, Any]) -> bytes:
    """YAML as curators write it: block style, keys in record order, Unicode as is (deterministic bytes)."""
    text = yaml.dump(content, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)
    return text.encode("utf-8")


def generate(out: Path, incidents: int, seed: int = 0) -> list[Path]:
    """Write the synthetic directory; the files written. Refuses as `check_target` says."""
    target = check_target(out)
    rng = random.Random(seed)
    world = build_world(rng, incidents)
    (target / "incidents").mkdir(parents=True, exist_ok=True)
    for stale in (target / "incidents").glob("*.yaml"):  # an earlier run's incidents, so the result is exact
        stale.unlink()
    files: dict[Path, bytes] = {
        target / "actors.yaml": dump({"actors": world.actors}),
        target / "places.yaml": dump({"places": world.places}),
        target / "sources.yaml": dump({"sources": world.sources}),
    }
    for number in range(1, incidents + 1):
        name, content = incident_file(number, world, rng, incidents)
        files[target / "incidents" / name] = dump(content)
    files[target / MARKER] = README.format(incidents=incidents, seed=seed).encode()
    for path, body in files.items():
        path.write_bytes(body)
    return list(files)
