"""Benchmark: a long-running server's memory across new days. Each new day's load checks every record again; a
hosted loader (`for_edits=False`, as `components.records` makes it when only published records are shown) then drops
what only an edit's load reads, an editable one keeps it. Each mode runs in its own process, restored from the same
snapshot as a restarted server is, then loads `--days` new days, printing its RSS after each. Synthetic data of
`BENCH_INCIDENTS` incidents (1,000) in a temporary folder, never data/; or `--data DIR`."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_cache import rss_mb  # noqa: E402
from incidents.load import filecache  # noqa: E402
from incidents.load.filecache import FileCache  # noqa: E402
from incidents.load.incremental import Loader  # noqa: E402
from incidents.synth import generate  # noqa: E402

INCIDENTS = int(os.environ.get("BENCH_INCIDENTS", "1000"))
DAY = dt.date(2026, 12, 7)  # a fixed first day: the records are synthetic, and the run must not depend on today's


def one_mode(data_dir: Path, hosted: bool, days: int) -> None:
    """Restore, then `days` new days, in this process; prints one line per load."""
    loader = Loader(data_dir, FileCache(), for_edits=not hosted)
    label = "hosted (for_edits=False)" if hosted else "editable (for_edits=True)"
    for offset in range(days + 1):
        started = time.perf_counter()
        dataset = loader.load(DAY + dt.timedelta(days=offset))
        seconds = time.perf_counter() - started
        gc.collect()
        what = "restored from the snapshot" if loader.from_snapshot else f"new day {offset}"
        print(f"  {label:<26} {what:<28} {seconds:6.2f} s; RSS {rss_mb():,.0f} MB", flush=True)
        del dataset  # the app's cache keeps one version: the next load replaces it


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, metavar="DIR", help="an existing record directory")
    parser.add_argument("--days", type=int, default=4, help="new days to load after the restore (4)")
    parser.add_argument("--mode", choices=["hosted", "editable"], help=argparse.SUPPRESS)  # a child's own run
    args = parser.parse_args(argv)
    if args.mode is not None:
        one_mode(args.data, args.mode == "hosted", args.days)
        return
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.data or Path(tmp) / "synth"
        if args.data is None:
            generate(data_dir, INCIDENTS, seed=0)
        env = {**os.environ, filecache.CACHE_ENV: str(Path(tmp) / "cache")}
        os.environ[filecache.CACHE_ENV] = env[filecache.CACHE_ENV]
        first = Loader(data_dir, FileCache())
        first.background = False
        first.load(DAY)  # writes the snapshot both modes restore from
        print(f"{data_dir}: snapshot written for {DAY}; each mode in a new process")
        for mode in ("editable", "hosted"):
            subprocess.run([sys.executable, __file__, "--data", str(data_dir), "--days", str(args.days),
                            "--mode", mode], env=env, check=True)


if __name__ == "__main__":
    main()
