"""Build the regional boundary geodata shipped in ``data/geo/`` (entry point: ``scripts/build_geodata.py``).

Modules: ``topology`` (fetch and decode the TopoJSON), ``shapes`` (build-time geometry helpers), ``build`` (the
documents), ``labels`` (label points), ``derived`` (derived.json, also offline), ``cli`` (writing and the command).
"""
