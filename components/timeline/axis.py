"""Time on the chart's x axis: naive-UTC datetimes as epoch milliseconds, and back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

from incidents.model.when import POINT_WIDTH

EPOCH = dt.datetime(1970, 1, 1)
MS = dt.timedelta(milliseconds=1)
# Windows at most this wide are drawn as a marker only (in epoch ms, as the chart works).
POINT_MS = POINT_WIDTH / MS


def to_ms(moment: dt.datetime) -> float:
    """One naive-UTC datetime as epoch milliseconds."""
    return (moment - EPOCH) / MS


def epoch_ms(moments: Sequence[dt.datetime]) -> np.ndarray:
    """Naive-UTC datetimes as float milliseconds since the epoch: what a plotly date axis reads, and what plotly
    sends as a compact typed array (strings would be ten times the size)."""
    return np.fromiter(((m - EPOCH) / MS for m in moments), dtype=np.float64, count=len(moments))


def ms_to_datetime(value: float) -> dt.datetime:
    """Inverse of epoch_ms (for reading figures back)."""
    return EPOCH + dt.timedelta(milliseconds=value)


def iso(moment: dt.datetime) -> str:
    """'YYYY-MM-DD HH:MM:SS', as the figure writes axis ranges and arrow ends."""
    return moment.isoformat(sep=" ", timespec="seconds")


def segments(starts: list[float], ends: list[float], ys: list[float]) -> tuple[np.ndarray, np.ndarray]:
    """x/y arrays of separate line segments (x in epoch ms), NaN between them (a gap in plotly)."""
    count = len(starts)
    x = np.full(count * 3, np.nan)
    y = np.full(count * 3, np.nan)
    x[0::3], x[1::3] = starts, ends
    y[0::3] = y[1::3] = ys
    return x, y
