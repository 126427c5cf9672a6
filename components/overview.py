"""Pure helpers for the overview: the incident a page shows by default, and one-line summaries."""

from __future__ import annotations

from incidents.loading import Dataset
from incidents.models import Incident, Statement

HEADLINE_KINDS = ("claim", "accusation", "denial", "alternative-explanation")


def current_incident(dataset: Dataset, selected: str | None) -> Incident | None:
    """The selected incident, else the most recent one."""
    if selected and selected in dataset.incidents:
        return dataset.incidents[selected]
    if not dataset.incidents:
        return None
    return max(dataset.incidents.values(), key=lambda incident: (incident.when.start_dt, incident.id))


def headline_statements(dataset: Dataset, incident_id: str) -> list[Statement]:
    """Claims, accusations, denials and alternatives about the incident, in time order."""
    found = [s for s in dataset.statements.values() if incident_id in s.incidents and s.kind in HEADLINE_KINDS]
    return sorted(found, key=lambda s: (s.when.start_dt, s.id))


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
        who = dataset.actors[report.reported_by].name if report.reported_by in dataset.actors else "source"
        civilians = " civilians" if report.civilians else ""
        lines.append(f"{', '.join(parts) or 'no figure'}{civilians} — per {who}")
    return lines
