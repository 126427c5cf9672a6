"""Timeline builders: lanes by actor group, markers by record kind, spans for coarse times; table and CSV.

`build_timeline_figure` (figure.py) draws; lanes.py places records on lanes and rows; traces.py, hover.py and
labels.py make the figure's parts; table.py the chronological table and CSV; style.py the shapes, colours and
limits. The rules about records (time windows, the visible range, discrepancies) live in `incidents/`.
"""

from __future__ import annotations

from components.timeline.axis import epoch_ms, ms_to_datetime
from components.timeline.figure import build_timeline_figure
from components.timeline.labels import precision_label, row_label
from components.timeline.lanes import Lane, LaneIndex, Placed, lane_key, place_records
from components.timeline.selection import selected_ids
from components.timeline.style import (
    DISCREPANCY_COLOUR,
    FLAG_APPROXIMATE,
    FLAG_DISCREPANCY,
    FLAG_UNDATED,
    GL_THRESHOLD,
    GROUPING_HELP,
    KIND_NAMES,
    KIND_SYMBOLS,
    ROW_LABEL_CHARS,
    ROW_LABEL_MAX,
    SYMBOL_CODES,
    country_colours,
)
from components.timeline.table import (
    TABLE_COLUMNS,
    TableRows,
    timeline_csv,
    timeline_csv_name,
    timeline_frame,
    timeline_rows,
)
from incidents.views.params import GROUPINGS

__all__ = [
    "DISCREPANCY_COLOUR",
    "FLAG_APPROXIMATE",
    "FLAG_DISCREPANCY",
    "FLAG_UNDATED",
    "GL_THRESHOLD",
    "GROUPINGS",
    "GROUPING_HELP",
    "KIND_NAMES",
    "KIND_SYMBOLS",
    "ROW_LABEL_CHARS",
    "ROW_LABEL_MAX",
    "SYMBOL_CODES",
    "TABLE_COLUMNS",
    "Lane",
    "LaneIndex",
    "Placed",
    "TableRows",
    "build_timeline_figure",
    "country_colours",
    "epoch_ms",
    "lane_key",
    "ms_to_datetime",
    "place_records",
    "precision_label",
    "row_label",
    "selected_ids",
    "timeline_csv",
    "timeline_csv_name",
    "timeline_frame",
    "timeline_rows",
]
