"""Hover fields of a record's marker: title, kind and actor, the time as reported, its precision, the first source
and a discrepancy note; each short and HTML-escaped. They travel in the marker's customdata and HOVER_TEMPLATE
lays them out, so no point carries a long pre-joined string."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from components.timeline.labels import plot_text, precision_text, source_text
from components.timeline.lanes import LaneIndex, Placed
from components.timeline.style import FLAG_DISCREPANCY, KIND_NAMES
from incidents.load.review import marked
from incidents.model.dataset import Dataset
from incidents.model.records import Statement

# customdata is [record id, incident id, *HoverText fields]; the note field starts with its own <br> when present.
HOVER_TEMPLATE = (
    "<b>%{customdata[2]}</b><br>%{customdata[3]}<br>Time: %{customdata[4]}<br>%{customdata[5]}"
    "<br>First source: %{customdata[6]}%{customdata[7]}<extra></extra>"
)
TITLE_MAX = 80
WHEN_MAX = 60
SOURCE_MAX = 60
NOTE_MAX = 70


class HoverText:
    """Hover text per record; the parts shared by many records (actors, sources, notes) are escaped once."""

    def __init__(self, dataset: Dataset, lane_index: LaneIndex) -> None:
        self.dataset = dataset
        self.lanes = lane_index
        self._actors: dict[str | None, str] = {}
        self._sources: dict[str, str] = {}
        self._precisions: dict[tuple[str, bool, bool, bool], str] = {}
        self._notes: dict[str, str] = {}

    def __call__(self, placed: Placed, discrepancies: Sequence[str] = ()) -> tuple[str, str, str, str, str, str]:
        """(title, kind — actor, time, precision, first source, note) of one placed record; the note names the
        first of the given discrepancy ids."""
        record = placed.record
        if isinstance(record, Statement):
            kind, title, source_ids = KIND_NAMES[record.kind], record.paraphrase, record.via
        else:
            kind, title, source_ids = f"event · {record.type} · {record.status}", record.title, record.sources
        # Titles and times are inlined rather than passed through plot_text: this runs 10k times.
        title = marked(record, " ".join(title.split()))
        if len(title) > TITLE_MAX:
            title = title[: TITLE_MAX - 1] + "…"
        when = record.when.label()
        if len(when) > WHEN_MAX:
            when = when[: WHEN_MAX - 1] + "…"
        note = ""
        if discrepancies:
            note = "<br>" + self._note(discrepancies[0])
            if len(discrepancies) > 1:
                note += f" (+{len(discrepancies) - 1} more)"
        return (
            escape(title, False),
            f"{kind} — {self._actor(placed.actor)}",
            escape(when, False),
            self._precision(placed),
            self._source(source_ids),
            note,
        )

    def _actor(self, actor_id: str | None) -> str:
        found = self._actors.get(actor_id)
        if found is None:
            found = self._actors[actor_id] = plot_text(self.lanes.label(actor_id), 60)
        return found

    def _source(self, source_ids: Sequence[str]) -> str:
        if not source_ids:
            return "none"
        found = self._sources.get(source_ids[0])
        if found is None:
            found = self._sources[source_ids[0]] = plot_text(source_text(self.dataset, source_ids[0]), SOURCE_MAX)
        return found

    def _precision(self, placed: Placed) -> str:
        window = placed.window
        key = (window.precision, window.approximate, window.start is None, window.is_point)
        found = self._precisions.get(key)
        if found is None:
            found = self._precisions[key] = plot_text(precision_text(window))
        return found

    def _note(self, discrepancy_id: str) -> str:
        found = self._notes.get(discrepancy_id)
        if found is None:
            discrepancy = self.dataset.discrepancies.get(discrepancy_id)
            title = discrepancy.title if discrepancy else discrepancy_id
            found = self._notes[discrepancy_id] = (
                f"{FLAG_DISCREPANCY} Discrepancy: {plot_text(title, NOTE_MAX)}"
            )
        return found
