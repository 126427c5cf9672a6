"""From a data directory to a `Dataset` and its report; `pipeline.load_dataset` runs the stages in order:

read files → parse (`parse`, through the per-file cache `filecache`) → validate each record (`validate`, after
`migrate`; per-record facts in `facts`) → cross-file checks (`references`) → warnings (`warn`, `weekdays`, `copies`)
→ `Dataset`. `review` applies the hosted published-only rule to a loaded dataset; `memory` pauses the GC while loading.

May import: `incidents.model`, `incidents.text`. A stage imports only the stages before it (`tests/test_layers.py`).
"""
