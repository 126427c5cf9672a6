"""Pure helpers for the overview: the incident a page shows by default, and one-line summaries."""

from __future__ import annotations

from collections.abc import Iterable

from incidents.evidence.figures import DISAGREEMENT_TEXT, FigureTrack
from incidents.model.dataset import Dataset
from incidents.model.queries import chronological, current_incident
from incidents.model.records import Place, Statement, When

__all__ = ["current_incident"]  # the pages read it here, beside the overview's other helpers

HEADLINE_KINDS = ("claim", "accusation", "denial", "alternative-explanation")


def headline_statements(dataset: Dataset, incident_id: str) -> list[Statement]:
    """Claims, accusations, denials and alternatives about the incident, in time order."""
    found = [s for s in dataset.statements.values() if incident_id in s.incidents and s.kind in HEADLINE_KINDS]
    return sorted(found, key=chronological)


def figure_lines(tracks: Iterable[FigureTrack]) -> list[str]:
    """'people injured: 4 (Prosecutor General's Office, 4 Mar) → …' per quantity: every value with who gave it and
    when, in time order; revisions and disagreements said, values never summed or averaged."""
    lines = []
    for track in tracks:
        steps = []
        for value in track.values:
            civilians = " civilians" if value.civilians else ""
            revised = " (revises this voice's earlier figure)" if value.revises else ""
            steps.append(f"{value.label}{civilians} per {value.by_name} ({value.as_of_text}){revised}")
        flag = f" — {DISAGREEMENT_TEXT[track.disagreement]}" if track.disagreement else ""
        lines.append(f"{track.label}: {' → '.join(steps)}{flag}")
    return lines


def headline_figure(tracks: Iterable[FigureTrack], quantity: str) -> str:
    """Each giver's latest value of one quantity, lowest to highest ('4', or '2–4' when they differ)."""
    for track in tracks:
        if track.quantity == quantity:
            latest = sorted(track.latest.values(), key=lambda v: (v.low if v.value is None else v.value) or 0)
            labels = list(dict.fromkeys(v.label for v in latest))
            return labels[0] if len(labels) == 1 else f"{labels[0]} to {labels[-1]}"
    return "unknown"


def short_dates(when: When) -> str:
    """'4–5 Mar 2026' for a window, '5 Mar 2026' for a day; the full label goes in the caption."""
    first, last = when.first_day, when.last_day
    if first == last:
        return f"{first.day} {first:%b %Y}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {last:%b %Y}"
    return f"{first.day} {first:%b} – {last.day} {last:%b %Y}"


def short_place(places: list[Place]) -> str:
    """The region the impact places share (e.g. the exclave), else the first place's name."""
    if not places:
        return "not located"
    regions = {p.admin1 for p in places if p.admin1}
    if len(regions) == 1:
        return regions.pop().replace(" Autonomous Republic", "")
    return places[0].names.en
