"""Issue 28's targets, judged on one run's figures (`make bench-e2e` prints the table at the end).

Pure: no browser, no server; `tests/test_bench_targets.py` holds it to a table of made-up runs. Every figure comes
from a `RunFigures` the benchmark filled in; nothing here is typed in but the targets themselves.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

FILTER_SCRIPT_MAX_S = 0.3
RERUN_MAX_X_BARE = 1.5
RESTART_MAX_OVER_BARE_S = 1.0
EDIT_MAX_S = 1.0
COLD_MAX_X_BARE = 1.5
COLD_MAX_X_FLOOR = 1.2
DOM_MAX = 5_000
WS_MAX_BYTES = 1_000_000
RSS_MAX_MB = 600.0
SHIPPED_MAX_X_BARE = 1.5


@dataclass(frozen=True)
class PageRun:
    """One page of one app, as the browser measured it (seconds; NaN where the measurement failed)."""

    page: str
    cold_idle_s: float
    cold_drawn_s: float
    warm_idle_s: float = math.nan
    warm_drawn_s: float = math.nan
    ws_bytes: int = 0
    dom_nodes: int = 0
    rerun_s: float | None = None  # the browser's filter rerun to idle, median of 3
    script_s: float | None = None  # the same rerun's script by the server's own clock, median of 3


@dataclass(frozen=True)
class RunFigures:
    """What one `make bench-e2e` run measured. `floors` maps a page path of the big data to the cold-to-drawn time
    of its own floor app on the same data (the saved figure, the saved deck, or the frame alone)."""

    incidents: int
    bare: PageRun
    big: Sequence[PageRun]
    shipped: Sequence[PageRun]
    floors: dict[str, tuple[str, float]] = field(default_factory=dict)  # page -> (floor's name, cold drawn s)
    frame_floor_s: float = math.nan  # the frame alone on the big data, cold to drawn
    bare_restart_s: float = math.nan
    restart_s: float = math.nan  # the monitor on the big data, from its snapshot
    # The same restarts with the reader arriving after the server's warm-up (boot.py): arrival to first page idle.
    bare_arrival_s: float = math.nan
    arrival_s: float = math.nan
    edit_s: float = math.nan
    rss_ten_mb: float = math.nan  # the long-run server, after every page, filter and the edit
    rss_restarted_ten_mb: float = math.nan  # a server restarted from the snapshot, never edited (a hosted one)
    rss_cold_hosted_ten_mb: float = math.nan  # a hosted server whose first load had no cache (a new container)
    # The first filter on that restarted server (its columns read back, not built), by the server's clock.
    restarted_filter_script_s: float = math.nan


@dataclass(frozen=True)
class Target:
    target: str
    figure: str
    held: bool | None  # None: not measured in this run


def _bad(value: float | None) -> bool:
    return value is None or math.isnan(value)


def _worst(rows: Sequence[PageRun], value: Callable[[PageRun], float | None]) -> tuple[str, float] | None:
    """The page with the largest figure, or None when any page lacks it (a failed measurement is not a pass)."""
    found = [(row.page, value(row)) for row in rows]
    if not found or any(_bad(figure) for _, figure in found):
        return None
    page, figure = max(found, key=lambda item: item[1] or 0.0)
    return page, float(figure or 0.0)


def _range(rows: Sequence[PageRun], value: Callable[[PageRun], float | None], unit: str) -> str:
    figures = [(row.page, value(row)) for row in rows if not _bad(value(row))]
    if not figures:
        return "not measured"
    low, high = min(figures, key=lambda item: item[1] or 0.0), max(figures, key=lambda item: item[1] or 0.0)
    missing = [row.page for row in rows if _bad(value(row))]
    text = f"{_fmt(low[1], unit)} (`{low[0]}`) to {_fmt(high[1], unit)} (`{high[0]}`)"
    return text + (f"; not measured: {', '.join(f'`{page}`' for page in missing)}" if missing else "")


def _fmt(value: float | None, unit: str) -> str:
    value = value or 0.0
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "x":
        return f"{value:.1f}×"
    if unit == "B":
        return f"{value / 1000:,.0f} KB"
    return f"{value:,.0f}"


def _judge(rows: Sequence[PageRun], value: Callable[[PageRun], float | None], limit: float) -> bool | None:
    worst = _worst(rows, value)
    return None if worst is None else worst[1] <= limit


def _ratio(numerator: float | None, denominator: float | None) -> float:
    if _bad(numerator) or _bad(denominator) or not denominator:
        return math.nan
    return float(numerator or 0.0) / denominator


def targets(run: RunFigures) -> list[Target]:
    """Each of issue 28's targets with this run's figure and whether it held."""
    size = f"{run.incidents:,} incidents"
    rows: list[Target] = []
    script = lambda row: row.script_s  # noqa: E731 - one-line lookups read best beside their use
    rows.append(Target(
        f"a filter change ({size}): the server's script ≤ {FILTER_SCRIPT_MAX_S * 1000:.0f} ms (by the server's "
        "clock: the rerun's request to its `script_finished`, median of 3)",
        _range(run.big, script, "s"), _judge(run.big, script, FILTER_SCRIPT_MAX_S)))
    first = run.restarted_filter_script_s
    rows.append(Target(
        "… the first filter on a server restarted from the snapshot (what every filter reads is made on it)",
        _fmt(first, "s") if not _bad(first) else "not measured", None if _bad(first) else first <= FILTER_SCRIPT_MAX_S))
    rerun_x = lambda row: _ratio(row.rerun_s, run.bare.rerun_s)  # noqa: E731
    rows.append(Target(
        f"… the browser's rerun to idle ≤ {RERUN_MAX_X_BARE}× the bare app's "
        f"({_fmt(run.bare.rerun_s, 's') if not _bad(run.bare.rerun_s) else 'not measured'})",
        _range(run.big, rerun_x, "x"), _judge(run.big, rerun_x, RERUN_MAX_X_BARE)))
    restart_held = None if _bad(run.restart_s) or _bad(run.bare_restart_s) else (
        run.restart_s <= run.bare_restart_s + RESTART_MAX_OVER_BARE_S)
    rows.append(Target(
        f"a restart on unchanged data ({size}): first page ≤ the bare app's + {RESTART_MAX_OVER_BARE_S:.0f} s",
        f"{_fmt(run.restart_s, 's')} against the bare app's {_fmt(run.bare_restart_s, 's')}"
        if restart_held is not None else "not measured", restart_held))
    arrival_held = None if _bad(run.arrival_s) or _bad(run.bare_arrival_s) else (
        run.arrival_s <= run.bare_arrival_s + RESTART_MAX_OVER_BARE_S)
    rows.append(Target(
        "… the reader arriving after the server's warm-up (boot.py's log says it is done; the bare app: once it "
        "answers): arrival to first page idle",
        f"{_fmt(run.arrival_s, 's')} against the bare app's {_fmt(run.bare_arrival_s, 's')}"
        if arrival_held is not None else "not measured", arrival_held))
    rows.append(Target(
        f"a one-file edit ({size}): shown ≤ {EDIT_MAX_S:.0f} s after the next rerun",
        _fmt(run.edit_s, "s") if not _bad(run.edit_s) else "not measured",
        None if _bad(run.edit_s) else run.edit_s <= EDIT_MAX_S))
    cold_x = lambda row: _ratio(row.cold_drawn_s, run.bare.cold_drawn_s)  # noqa: E731
    rows.append(Target(
        f"every page cold ({size}, new context, to drawn) ≤ {COLD_MAX_X_BARE}× the bare app "
        f"({_fmt(run.bare.cold_drawn_s, 's')})",
        _range(run.big, cold_x, "x"), _judge(run.big, cold_x, COLD_MAX_X_BARE)))
    for page, (name, floor_s) in sorted(run.floors.items()):
        row = next((row for row in run.big if row.page == page), None)
        ratio = _ratio(row.cold_drawn_s if row else None, floor_s)
        rows.append(Target(
            f"… `{page}` within {COLD_MAX_X_FLOOR}× its own floor ({name}, {_fmt(floor_s, 's')})",
            _fmt(ratio, "x") if not _bad(ratio) else "not measured",
            None if _bad(ratio) else ratio <= COLD_MAX_X_FLOOR))
    frame_x = lambda row: _ratio(row.cold_drawn_s, run.frame_floor_s)  # noqa: E731
    rows.append(Target(
        f"… every page within {COLD_MAX_X_FLOOR}× the frame alone (sidebar and navigation, empty page: "
        f"{_fmt(run.frame_floor_s, 's') if not _bad(run.frame_floor_s) else 'not measured'})",
        _range(run.big, frame_x, "x"), _judge(run.big, frame_x, COLD_MAX_X_FLOOR)))
    dom = lambda row: float(row.dom_nodes) if row.dom_nodes else math.nan  # noqa: E731
    rows.append(Target(f"at most {DOM_MAX:,} DOM nodes on every page ({size})",
                       _range(run.big, dom, "n"), _judge(run.big, dom, DOM_MAX)))
    ws = lambda row: float(row.ws_bytes) if row.ws_bytes else math.nan  # noqa: E731
    rows.append(Target(f"at most {WS_MAX_BYTES / 1e6:.0f} MB over the websocket on every page ({size})",
                       _range(run.big, ws, "B"), _judge(run.big, ws, WS_MAX_BYTES)))
    rows.append(Target(
        f"server memory ≤ {RSS_MAX_MB:.0f} MB with 10 sessions ({size}): the benchmark's own server, after every "
        "page, filter and the edit",
        f"{run.rss_ten_mb:,.0f} MB" if not _bad(run.rss_ten_mb) else "not measured",
        None if _bad(run.rss_ten_mb) else run.rss_ten_mb <= RSS_MAX_MB))
    rows.append(Target(
        "… a server restarted from the snapshot and never edited (as a hosted one), its 10 sessions on `/`",
        f"{run.rss_restarted_ten_mb:,.0f} MB" if not _bad(run.rss_restarted_ten_mb) else "not measured",
        None if _bad(run.rss_restarted_ten_mb) else run.rss_restarted_ten_mb <= RSS_MAX_MB))
    rows.append(Target(
        "… a hosted server (`INCIDENTS_PUBLISHED_ONLY=1`) whose first load had no cache, as a new container's, its 10 "
        "sessions on `/`",
        f"{run.rss_cold_hosted_ten_mb:,.0f} MB" if not _bad(run.rss_cold_hosted_ten_mb) else "not measured",
        None if _bad(run.rss_cold_hosted_ten_mb) else run.rss_cold_hosted_ten_mb <= RSS_MAX_MB))
    shipped_x = lambda row: _ratio(row.cold_drawn_s, run.bare.cold_drawn_s)  # noqa: E731
    rows.append(Target(f"on the shipped data, every page cold (to drawn) ≤ {SHIPPED_MAX_X_BARE}× the bare app",
                       _range(run.shipped, shipped_x, "x"), _judge(run.shipped, shipped_x, SHIPPED_MAX_X_BARE)))
    return rows


def targets_table(rows: Sequence[Target]) -> str:
    """The targets as one Markdown table; a miss in bold."""
    verdict = {True: "yes", False: "**no**", None: "not measured"}
    lines = ["| issue 28 target | this run | held? |", "|---|---|---|"]
    lines += [f"| {row.target} | {row.figure} | {verdict[row.held]} |" for row in rows]
    held = sum(row.held is True for row in rows)
    lines.append(f"\n{held} of {len(rows)} targets held.")
    return "\n".join(lines)
