"""Lanes and rows: which band of the chart each record sits in, and on which row, so markers never overlap.

Times are handled as epoch milliseconds here: plain floats keep 10k records fast.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from components.timeline.axis import MS, epoch_ms
from components.timeline.style import MAX_ROWS, NO_COUNTRY, UNATTRIBUTED
from incidents.model.actors import ActorIndex
from incidents.model.dataset import Dataset
from incidents.model.queries import record_actor
from incidents.model.records import Event, Statement
from incidents.model.when import TimeWindow, time_window

Record = Event | Statement
LaneKey = tuple[str, str, str | None]  # (lane key, lane label, lane country)


@dataclass(frozen=True)
class Lane:
    """A horizontal band of the chart. Rows stack records whose windows would overlap."""

    key: str
    label: str
    country: str | None
    rows: int
    base: float

    @property
    def centre(self) -> float:
        """The y value in the middle of the lane's rows (where its label goes when rows are unlabelled)."""
        return self.base + (self.rows - 1) / 2


@dataclass(slots=True)
class Placed:
    """A record with its time window, lane and row (y position)."""

    record: Record
    window: TimeWindow
    lane: str
    y: float
    country: str | None
    actor: str | None
    # The window as epoch milliseconds (what the chart draws); start = end for an undated record.
    start_ms: float = 0.0
    end_ms: float = 0.0
    middle_ms: float = 0.0
    # Where the marker is drawn: the middle of the part of the window inside the visible range.
    marker_ms: float = 0.0


def lane_key(actors: ActorIndex, actor_id: str | None, group: str, names: dict[str, str]) -> LaneKey:
    """(lane key, lane label, lane country) of an actor under a grouping; `names` are the country names."""
    if actor_id is None:
        return UNATTRIBUTED, "Unattributed events", None
    if group == "country":
        country = actors.country(actor_id)
        if country is None:
            return NO_COUNTRY, "No country", None
        return country, names.get(country, country), country
    if group == "actor":
        return actor_id, actors.label(actor_id, actor_id), actors.country(actor_id)
    top = actors.top(actor_id)
    return top, actors.label(top, top), actors.country(top)


class LaneIndex:
    """Each actor's lane under one grouping, worked out once per figure (10k records share ~50 actors).

    Every answer comes from the dataset's ActorIndex; this only remembers the lane it composes from them.
    """

    def __init__(self, dataset: Dataset, group: str) -> None:
        self.actors = dataset.actor_index
        self.group = group
        self.names = self.actors.country_names()
        self._lanes: dict[str | None, LaneKey] = {}

    def lane(self, actor_id: str | None) -> LaneKey:
        """(lane key, lane label, lane country) of the actor's records."""
        found = self._lanes.get(actor_id)
        if found is None:
            found = self._lanes[actor_id] = lane_key(self.actors, actor_id, self.group, self.names)
        return found

    def country(self, actor_id: str | None) -> str | None:
        """The actor's own country (its marker colour), which may differ from its lane's."""
        return self.actors.country(actor_id)

    def label(self, actor_id: str | None) -> str:
        """The actor's short name, for hovers, rows and the table."""
        return self.actors.label(actor_id, actor_id or "no actor named")


@dataclass
class _Extents:
    """Per record (in input order): undated or not, its window in epoch ms, and the extent it claims on a row."""

    undated: list[bool]
    starts: list[float]
    ends: list[float]
    middles: list[float]
    left: list[float]
    right: list[float]


def _extents(windows: Sequence[TimeWindow], min_width: dt.timedelta | None) -> _Extents:
    """The drawn extent of each window: at least `min_width` (a point marker's width) around its middle."""
    count = len(windows)
    undated = [w.start is None for w in windows]
    ends = epoch_ms([w.end for w in windows])
    starts = epoch_ms([w.start if w.start is not None else w.end for w in windows])
    if not count:
        return _Extents(undated, [], [], [], [], [])
    middles = np.where(undated, ends, (starts + ends) / 2)
    if min_width is None:
        width = max(float(ends.max() - starts.min()) / 40, 1_800_000.0)
    else:
        width = min_width / MS
    dated = starts[~np.asarray(undated)]
    earliest = float(dated.min()) if len(dated) else float(ends.min())
    # An undated record has a lead-in from the left edge, so it claims its row up to its end.
    lead_in = np.minimum(earliest, ends) - width
    left = np.minimum(np.where(undated, lead_in, starts), middles - width / 2).tolist()
    right = np.maximum(ends, middles + width / 2).tolist()
    return _Extents(undated, starts.tolist(), ends.tolist(), middles.tolist(), left, right)


def _lane_members(
    actors: Sequence[str | None], starts: Sequence[float], index: LaneIndex
) -> tuple[dict[str, list[int]], dict[str, tuple[str, str | None]], dict[str, float]]:
    """Lane key -> its records' positions, its (label, country), and its earliest start."""
    members: dict[str, list[int]] = {}
    info: dict[str, tuple[str, str | None]] = {}
    first: dict[str, float] = {}
    for position, actor in enumerate(actors):
        key, label, country = index.lane(actor)
        members.setdefault(key, []).append(position)
        if key not in info:
            info[key] = (label, country)
            first[key] = starts[position]
        elif starts[position] < first[key]:
            first[key] = starts[position]
    return members, info, first


def _packed_rows(indices: list[int], extents: _Extents, records: Sequence[Record], rows_of: list[int]) -> int:
    """Greedy packing: each record takes the row that freed first, a new one while under MAX_ROWS. Rows used."""
    left, right = extents.left, extents.right
    # Undated records go to the bottom of their lane: they belong to no point in the order.
    indices = sorted(indices, key=lambda i: (extents.undated[i], left[i], records[i].id))
    free: list[tuple[float, int]] = []  # (end of the last extent in the row, row)
    used = 0
    for index in indices:
        if free and free[0][0] <= left[index]:
            row = heapq.heappop(free)[1]
        elif used < MAX_ROWS:
            row = used
            used += 1
        else:
            row = heapq.heappop(free)[1]  # a crowded lane: overlap on the row that frees first
        rows_of[index] = row
        heapq.heappush(free, (right[index], row))
    return max(used, 1)


def _labelled_rows(indices: list[int], extents: _Extents, records: Sequence[Record], rows_of: list[int]) -> int:
    """A row per record in time order, undated last, under a header row (row 0). Rows used, header included."""
    undated, starts, right = extents.undated, extents.starts, extents.right
    indices = sorted(indices, key=lambda i: (undated[i], starts[i], right[i], records[i].id))
    for row, index in enumerate(indices, start=1):
        rows_of[index] = row
    return len(indices) + 1


def place_records(
    dataset: Dataset,
    records: Sequence[Record],
    group: str = "hierarchy",
    min_width: dt.timedelta | None = None,
    lane_index: LaneIndex | None = None,
    labelled: bool = False,
) -> tuple[list[Lane], list[Placed]]:
    """Assign lanes (ordered by their first record, unattributed last) and rows within each lane.

    Rows are packed greedily so records whose drawn extent overlaps do not sit on each other; `min_width` is the
    extent given to a point marker. A lane has at most MAX_ROWS rows; beyond that rows are reused.
    With `labelled`, each lane starts with a header row and then gives every record its own row, in time order
    (so each row can carry that record's label).
    """
    index = lane_index or LaneIndex(dataset, group)
    windows = [time_window(r.when) for r in records]
    extents = _extents(windows, min_width)
    actors = [record_actor(record) for record in records]
    members, info, first = _lane_members(actors, extents.starts, index)
    lanes: list[Lane] = []
    rows_of = [0] * len(records)
    base = 0.0
    for key in sorted(members, key=lambda k: (k == UNATTRIBUTED, first[k], info[k][0])):
        arrange = _labelled_rows if labelled else _packed_rows
        rows = arrange(members[key], extents, records, rows_of)
        lanes.append(Lane(key, info[key][0], info[key][1], rows, base))
        base += rows + (0.4 if labelled else 0.8)  # the gap between lanes
    lane_base = {lane.key: lane.base for lane in lanes}
    # Per actor once: its lane and its own country.
    where = {actor: (index.lane(actor)[0], index.country(actor)) for actor in set(actors)}
    placed: list[Placed] = []
    for record, window, actor, row, start, end, middle in zip(
        records, windows, actors, rows_of, extents.starts, extents.ends, extents.middles, strict=True
    ):
        key, country = where[actor]
        placed.append(Placed(record, window, key, lane_base[key] + row, country, actor, start, end, middle))
    return lanes, placed
