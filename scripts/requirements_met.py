"""Exit 0 when this Python already has every pinned requirement of the given files, else 1 (listing what is not).

The Makefile's install stamps ask this before running pip: a fresh checkout or worktree gives the requirement files
a new mtime, and an installed venv should go straight on. Only exact pins (`name==version`) and `-r` includes are
understood, which is all the requirement files use; anything else counts as not met, so pip decides.
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!-]+)$")


def unmet(path: Path, seen: set[Path] | None = None) -> list[str]:
    """What the file (and the files it includes with `-r`) pins that is not installed at that version."""
    seen = set() if seen is None else seen
    if path.resolve() in seen:
        return []
    seen.add(path.resolve())
    missing: list[str] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-r "):
            missing += unmet(path.parent / line[3:].strip(), seen)
            continue
        pin = PIN.match(line)
        if pin is None:
            missing.append(f"{line} (not an exact pin)")
            continue
        name, version = pin.groups()
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            missing.append(f"{name} (not installed)")
            continue
        if installed != version:
            missing.append(f"{name} ({installed} installed, {version} pinned)")
    return missing


def main(argv: list[str]) -> int:
    missing = [item for name in argv for item in unmet(Path(name))]
    for item in missing:
        print(f"requirement not met: {item}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
