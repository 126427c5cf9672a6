"""Build the regional boundary geodata shipped in ``data/geo/`` (the code is in ``scripts/geodata/``).

Source: Natural Earth 1:10m Admin-0 countries as TopoJSON, from the npm package
``world-atlas@2.0.2`` (ISC package; the Natural Earth data is public domain).

Usage::

    .venv/bin/python scripts/build_geodata.py                 # fetches via `npm pack`
    .venv/bin/python scripts/build_geodata.py path/to/countries-10m.json
    .venv/bin/python scripts/build_geodata.py --derived-only  # offline: derived.json from the shipped files

Build-time only: needs shapely and pyproj. The app reads the output files with
``incidents/views/geometry.py`` (stdlib only) and never fetches anything at run time.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.geodata.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
