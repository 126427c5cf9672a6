"""The UI-free domain of the Azerbaijan–Iran Incident Monitor, in packages by stage (lowest first):

- `text`: escaping and text helpers every stage may use;
- `model`: the record models, their vocabulary and registry, the `Dataset` and its located `Problem`s;
- `load`: files → parse (through the cache) → validate → cross-file checks → warnings → `Dataset`;
- `evidence`: who claims what (the comparison engine, stances, figures, briefings);
- `views`: what the pages show (filters, URL state, time windows and lags, map rows, exports);
- `history`: versions of the data in git, what changed, the feed, time travel;
- `curate`: the curators' tools (scaffolds, search, formatting, quote checks, generated docs);
- `synth`: synthetic data for benchmarks; `cli`: `python -m incidents`.

Imports run one way, down that list (`tests/test_layers.py` holds them). This file imports nothing, so importing a
model never pays for loading. It must never import streamlit, plotly or pydeck (a test checks `sys.modules`).
"""
