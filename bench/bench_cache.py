"""Benchmark: loading a synthetic 1,000-incident directory (written to a temporary folder, never data/) from cold,
through the per-file parse cache from disk (a restart) and from memory (a rerun after a one-file edit), beside a bare
CSafeLoader parse of the same bytes. Prints times and the process's memory. `BENCH_INCIDENTS` changes the size."""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from incidents.load import filecache  # noqa: E402
from incidents.load.filecache import FileCache  # noqa: E402
from incidents.load.incremental import Loader  # noqa: E402
from incidents.load.memory import gc_paused  # noqa: E402
from incidents.load.parse import data_files  # noqa: E402
from incidents.load.pipeline import load_dataset  # noqa: E402
from incidents.synth import generate  # noqa: E402

INCIDENTS = int(os.environ.get("BENCH_INCIDENTS", "1000"))


def rss_mb() -> float:
    """The process's resident memory (VmRSS), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def timed(label: str, func, baseline: float | None = None) -> float:
    gc.collect()
    start = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - start
    ratio = f" ({seconds / baseline:.2f}x bare)" if baseline else ""
    errors = f"; {len(result.errors)} errors, {len(result.warnings)} warnings" if hasattr(result, "errors") else ""
    print(f"  {label:<52} {seconds:7.2f} s{ratio}{errors}; RSS {rss_mb():,.0f} MB", flush=True)
    return seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--incremental", type=Path, metavar="DIR",
        help="only the incremental loader (restart from the snapshot, a one-file edit) on an existing synthetic "
        "directory (`python -m incidents synth`); its last incident file is edited and put back",
    )
    args = parser.parse_args(argv)
    if args.incremental is not None:
        data_dir = args.incremental
        if not (data_dir / "incidents").is_dir():
            parser.error(f"{data_dir} has no incidents/ folder: write one with `python -m incidents synth`")
        edited = sorted((data_dir / "incidents").glob("*.yaml"))[-1]
        original = edited.read_text()
        try:
            incremental(data_dir, edited, original, None)
        finally:
            edited.write_text(original)
        return
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; RSS at start {rss_mb():,.0f} MB")
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "synth"
        files = generate(data_dir, INCIDENTS, seed=0)
        os.environ[filecache.CACHE_ENV] = str(Path(tmp) / "cache")
        raws = [path.read_bytes() for path, _ in data_files(data_dir)]
        records_mb = sum(len(raw) for raw in raws) / 1e6
        print(f"{INCIDENTS:,} incidents: {len(files):,} files, {records_mb:.1f} MB of record YAML")
        bare = timed("bare CSafeLoader parse of the same bytes", lambda: [yaml.load(r, yaml.CSafeLoader) for r in raws])
        with gc_paused():  # the loader pauses the GC while it loads: the same for the baseline, its best case
            paused = timed("bare CSafeLoader, GC paused as the loader does",
                           lambda: [yaml.load(r, yaml.CSafeLoader) for r in raws])
        print(f"  ratios below are to the bare parse with the GC on; to the paused one: × {bare / paused:.2f}")
        raws.clear()
        timed("load_dataset, no cache (parse + validate + checks)", lambda: load_dataset(data_dir, cache=None), bare)
        first = FileCache()
        timed("load_dataset, cold cache (and writing it)", lambda: load_dataset(data_dir, cache=first), bare)
        restart = FileCache()
        dataset = load_dataset(data_dir, cache=restart)  # warm the OS page cache and the imports
        restart = FileCache()
        timed("restart: load_dataset from the disk cache", lambda: load_dataset(data_dir, cache=restart), bare)
        records = sum(len(dataset.collection(c)) for c in ("actors", "sources", "places", "incidents", "events",
                                                          "statements", "propositions", "discrepancies"))
        print(f"  records: {records:,}; RSS with the dataset held: {rss_mb():,.0f} MB")
        timed("rerun, nothing changed: load_dataset from memory", lambda: load_dataset(data_dir, cache=restart), bare)
        edited = sorted((data_dir / "incidents").glob("*.yaml"))[-1]
        original = edited.read_text()
        edited.write_text(original.replace("title: Fictional incident", "title: Edited incident", 1))
        timed("one file of all edited: load_dataset from memory", lambda: load_dataset(data_dir, cache=restart), bare)
        edited.write_text(original)
        incremental(data_dir, edited, original, bare)


def incremental(data_dir: Path, edited: Path, original: str, bare: float | None) -> None:
    """The app's loader (`incidents.load.incremental`): the first load writes the snapshot, a restart reads it, an
    edit re-checks what it touches."""
    print(f"incremental loader (load average {os.getloadavg()[0]:.1f})")
    first = Loader(data_dir, FileCache())
    first.background = False
    timed("first load (parse cache warm), writing the snapshot", first.load, bare)
    restart = Loader(data_dir, FileCache())
    timed("restart: from the snapshot", restart.load, bare)
    print(f"  served from the snapshot: {restart.from_snapshot}")
    timed("rerun, nothing changed", restart.load, bare)
    edited.write_text(original.replace("title: Fictional incident", "title: Edited incident", 1))
    timed("one file edited (first edit after the restart)", restart.load, bare)
    checks = restart.checks
    assert checks is not None, "the loader kept no checks after a load"
    print(f"  records re-checked: {len(checks.rechecked)} of {len(checks.records):,}")
    edited.write_text(original.replace("title: Fictional incident", "title: Edited again", 1))
    timed("one file edited again", restart.load, bare)
    checks = restart.checks
    assert checks is not None, "the loader kept no checks after a load"
    print(f"  records re-checked: {len(checks.rechecked)}; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
