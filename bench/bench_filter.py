"""Benchmark: the shared filter on a synthetic 1,000-incident directory, the columnar masks (`incidents.views.columnar`)
beside the former loop over models, for the table of filters `tests/test_columnar.py` checks; each view is checked
equal to the loop's. `--data DIR` uses an existing synthetic directory; `BENCH_INCIDENTS` changes the size."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from incidents.load.incremental import Loader  # noqa: E402
from incidents.synth import generate  # noqa: E402
from incidents.views.filtering import FilterIndex, _select, filter_index  # noqa: E402
from tests.test_columnar import _ids, filters, loop_select  # noqa: E402

INCIDENTS = int(os.environ.get("BENCH_INCIDENTS", "1000"))


def run(data_dir: Path) -> None:
    start = time.perf_counter()
    dataset = Loader(data_dir).load()
    print(f"loaded {len(dataset.events) + len(dataset.statements):,} events and statements in "
          f"{time.perf_counter() - start:.1f} s; load average {os.getloadavg()[0]:.1f}")
    index: FilterIndex = filter_index(dataset)
    start = time.perf_counter()
    _ = index.events, index.statements, index.text
    print(f"  time order and search text (before, shared): {time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    _ = index.columns
    print(f"  columns, built once per data version: {time.perf_counter() - start:.2f} s")
    columnar, loop = [], []
    for value in filters(dataset):
        start = time.perf_counter()
        got = _select(index, value)  # not the kept views: each filter is new here
        columnar.append(time.perf_counter() - start)
        start = time.perf_counter()
        want = loop_select(dataset, value)
        loop.append(time.perf_counter() - start)
        assert _ids(got) == _ids(want), value
    print(f"  {len(columnar)} filters, each view equal to the loop's")
    print(f"  columnar: median {statistics.median(columnar) * 1000:.0f} ms, max {max(columnar) * 1000:.0f} ms")
    print(f"  loop over models: median {statistics.median(loop) * 1000:.0f} ms, max {max(loop) * 1000:.0f} ms")
    print(f"  load average at the end {os.getloadavg()[0]:.1f}")


def main() -> None:
    if "--data" in sys.argv:
        run(Path(sys.argv[sys.argv.index("--data") + 1]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "synth"
        generate(data_dir, INCIDENTS, seed=0)
        run(data_dir)


if __name__ == "__main__":
    main()
