"""Benchmark: where a rerun's script time goes, page by page, through AppTest (the script only, no browser).

For each page: a rerun with nothing changed, a change of the shared text filter (`q`), and, with `--profile`, the
cProfile of the filter change with the frame's pieces (app.py's calls) and the page's own run summed apart.
`--data DIR` runs on that directory (e.g. one written by `python -m incidents synth`); default the shipped data.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402
from streamlit.testing.v1.local_script_runner import LocalScriptRunner  # noqa: E402

PAGES = ["overview", "timeline", "map", "incidents", "claims", "patterns", "sources", "changes", "about"]
# app.py's own calls (the frame), by the function's name as cProfile reports it.
FRAME = [
    "fingerprint_digest", "load", "travel", "shown_dataset", "publish_feed", "url_notices", "shared_filters",
    "apply_filter", "render_travel", "render_notices", "render_data_problems", "render_review_notice",
    "render_share_link", "render_exports", "share_link", "navigation", "run",
]
_profiler: list[cProfile.Profile] = []
_original = LocalScriptRunner._run_script_thread


def _profiled(self: LocalScriptRunner) -> None:
    """The script thread, under the profiler when one is set (cProfile sees only the thread it runs in)."""
    if not _profiler:
        return _original(self)
    _profiler[0].enable()
    try:
        return _original(self)
    finally:
        _profiler[0].disable()


LocalScriptRunner._run_script_thread = _profiled  # type: ignore[method-assign]


def _timed(at: AppTest) -> float:
    start = time.perf_counter()
    at.run()
    return time.perf_counter() - start


def frame_profile(profile: cProfile.Profile) -> list[tuple[str, float]]:
    """Cumulative seconds of app.py's calls and of the page file, from a profile of one rerun."""
    stats = pstats.Stats(profile)
    rows: dict[str, float] = {}
    for (filename, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if name == "<module>" and "/app_pages/" in filename:
            rows[f"page {Path(filename).stem}"] = rows.get(f"page {Path(filename).stem}", 0.0) + ct
        elif name == "<module>" and filename.endswith("/app.py"):
            rows["app.py in all"] = ct
        elif name in FRAME and ("/components/" in filename or "/incidents/" in filename or "app.py" in filename):
            rows[name] = rows.get(name, 0.0) + ct
    return sorted(rows.items(), key=lambda item: -item[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--pages", nargs="*", default=PAGES)
    parser.add_argument("--profile", action="store_true", help="cProfile each page's filter change")
    parser.add_argument("--top", type=int, default=0, help="also print the N costliest functions (cumulative)")
    args = parser.parse_args()
    os.environ["INCIDENTS_DATA_DIR"] = str(args.data)
    print(f"data {args.data}; load average {os.getloadavg()[0]:.1f}")
    for page in args.pages:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        first = _timed(at)
        if page != "overview":
            at.switch_page(f"app_pages/{page}.py")
            first += _timed(at)
        assert not at.exception, [e.value for e in at.exception]
        same = statistics.median(_timed(at) for _ in range(3))
        changes = []
        for word in ("a", "e", ""):  # a new view each time, then every record again
            at.sidebar.text_input(key="q").set_value(word)
            changes.append(_timed(at))
        print(f"{page:10} first {first:6.2f} s · rerun unchanged {same * 1000:6.0f} ms · "
              f"filter change {', '.join(f'{c * 1000:.0f}' for c in changes)} ms")
        if args.profile:
            profile = cProfile.Profile()
            _profiler[:] = [profile]
            at.sidebar.text_input(key="q").set_value("o")
            _timed(at)
            _profiler.clear()
            print("   " + " · ".join(f"{name} {seconds * 1000:.0f}" for name, seconds in frame_profile(profile)
                                     if seconds >= 0.002))
            if args.top:
                pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
