"""Pure helpers for the overview: the incident a page shows by default, and one-line summaries."""

from __future__ import annotations

from incidents.dataset import Dataset
from incidents.models import Incident, Place, Statement, When
from incidents.records import chronological

HEADLINE_KINDS = ("claim", "accusation", "denial", "alternative-explanation")


def current_incident(dataset: Dataset, selected: str | None) -> Incident | None:
    """The selected incident, else the most recent one."""
    if selected and selected in dataset.incidents:
        return dataset.incidents[selected]
    if not dataset.incidents:
        return None
    return max(dataset.incidents.values(), key=chronological)


def headline_statements(dataset: Dataset, incident_id: str) -> list[Statement]:
    """Claims, accusations, denials and alternatives about the incident, in time order."""
    found = [s for s in dataset.statements.values() if incident_id in s.incidents and s.kind in HEADLINE_KINDS]
    return sorted(found, key=chronological)


def casualty_lines(dataset: Dataset, incident: Incident) -> list[str]:
    """'Injured 4 (Prosecutor General's office)' per reporting source: ranges kept, never merged."""
    lines = []
    for report in incident.casualties:
        parts = []
        for label, low, high in (
            ("killed", report.killed_min, report.killed_max),
            ("injured", report.injured_min, report.injured_max),
        ):
            if low is None and high is None:
                continue
            figure = str(low if low is not None else high) if low == high or None in (low, high) else f"{low}–{high}"
            parts.append(f"{label} {figure}")
        if report.reported_by in dataset.actors:
            who = dataset.actor_index.name(report.reported_by)
        else:
            who = "; ".join(dataset.sources[s].title for s in report.sources if s in dataset.sources) or "source"
        civilians = " civilians" if report.civilians else ""
        lines.append(f"{', '.join(parts) or 'no figure'}{civilians} — per {who}")
    return lines


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
