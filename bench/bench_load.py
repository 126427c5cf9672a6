"""Benchmark: parse + validate 10,000 synthetic statements (never written into data/). Prints figures.

Also the cost of the bounded parsing (issue 14): the same load with a `*` in a comment (which switches on the alias
bookkeeping), and how fast hostile files are refused.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from incidents.load.pipeline import load_dataset  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RECORDS = 10_000


def synthetic_incident(count: int) -> str:
    head = (ROOT / "tests" / "fixtures" / "validation" / "valid" / "incidents" / "fixture-incident.yaml").read_text()
    lines = [head.split("statements:")[0].replace("[st-claim]", "[st-1]"), "statements:"]
    for index in range(count):
        lines.append(
            f"  - id: st-{index}\n    speaker: land-{'a-mod' if index % 2 else 'b'}\n    kind: claim\n"
            f"    when: {{start: 2026-03-05, precision: day}}\n    paraphrase: Synthetic statement {index}.\n"
            f"    via: [doc-{1 + index % 2}]\n    credibility: 3\n"
            f"    stances:\n      - {{proposition: p-b-fired, stance: asserts}}"
        )
    lines.append("propositions:\n  - id: p-b-fired\n    text: Land B fired the drone\n")
    return "\n".join(lines)


# The "billion laughs": nine levels of nine aliases (387 million strings if expanded).
BOMB = "\n".join(
    ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"{b}: &{b} [{', '.join(['*' + a] * 9)}]" for a, b in zip("abcdefgh", "bcdefghi", strict=True)]
)


def timed(func, runs: int = 5) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        shutil.copytree(ROOT / "tests" / "fixtures" / "validation" / "valid", data_dir)
        text = synthetic_incident(RECORDS)
        (data_dir / "incidents" / "fixture-incident.yaml").write_text(text)
        c_ms = timed(lambda: yaml.load(text, Loader=yaml.CSafeLoader))
        py_ms = timed(lambda: yaml.safe_load(text), runs=3)
        load_ms = timed(lambda: load_dataset(data_dir), runs=3)
        dataset = load_dataset(data_dir)
        print(f"{RECORDS:,} statements, {len(text) / 1e6:.1f} MB of YAML")
        print(f"  yaml CSafeLoader       {c_ms:8.0f} ms")
        print(f"  yaml safe_load         {py_ms:8.0f} ms   ({py_ms / c_ms:.1f}x slower)")
        print(f"  load_dataset (parse, duplicate keys, locate, validate, references) {load_ms:8.0f} ms; "
              f"{len(dataset.statements):,} valid statements, {len(dataset.errors)} errors")
        (data_dir / "incidents" / "fixture-incident.yaml").write_text(text + "\n# a * switches on alias checks\n")
        star_ms = timed(lambda: load_dataset(data_dir), runs=3)
        print(f"  load_dataset, with a '*' in the file (alias bookkeeping on) {star_ms:8.0f} ms")
        bench_hostile(Path(tmp) / "hostile")


def bench_hostile(data_dir: Path) -> None:
    """How fast the alias bomb, an oversized file and a deep file are refused, each beside the small valid fixture."""
    shutil.copytree(ROOT / "tests" / "fixtures" / "validation" / "valid", data_dir)
    incidents = data_dir / "incidents"
    hostile = {
        "alias bomb (10 lines)": ("bomb.yaml", BOMB.encode()),
        "oversized file (21 MB)": ("big.yaml", b"statements:\n" + b"#" * (21 * 2**20) + b"\n"),
        "deep file (5,000 levels)": ("deep.yaml", b"events:\n  - " + b"[" * 5000 + b"]" * 5000 + b"\n"),
    }
    for label, (name, body) in hostile.items():
        (incidents / name).write_bytes(body)
        ms = timed(lambda: load_dataset(data_dir))
        codes = sorted({p.code for p in load_dataset(data_dir).errors})
        print(f"  + {label:<26} load_dataset {ms:8.0f} ms; refused with {', '.join(codes)}")
        (incidents / name).unlink()


if __name__ == "__main__":
    main()
