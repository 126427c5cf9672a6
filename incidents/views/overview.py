"""The front page of the monitor, computed (pure; no UI imports): the latest incident in brief, what is open across
the record, and incidents per year by kind.

`brief(dataset, selected)` is the incident the front page leads with (the one the link selects, else the latest) as
its index row says it; `open_items(dataset, found)` lists the open discrepancies and the accusations with no answer
on record (from `incidents.evidence.patterns`); `per_year(rows)` counts incidents per year and kind, every year from
the first to the last (a quiet year is a zero, not a gap). The latest changes come from the changes feed
(`incidents.history.changes.change_counts`), which sits above this package.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from incidents.evidence.patterns import Patterns, patterns
from incidents.model.dataset import Dataset
from incidents.model.queries import current_incident
from incidents.views.incidents_index import Heading, IndexRow, headings, kept_index_row
from incidents.views.params import INCIDENT_KINDS


@dataclass(frozen=True)
class Brief:
    """The incident the front page leads with."""

    row: IndexRow
    latest: bool  # True: the latest incident in the record; False: the one the link selects (`incident=`)


def kept_patterns(dataset: Dataset) -> Patterns:
    """`patterns` of the whole record, worked out once per dataset and kept with it (the front page, the patterns
    page and the server's warm-up share it)."""
    return dataset.derive("patterns", lambda: patterns(dataset))


def brief(dataset: Dataset, selected: str | None = None) -> Brief | None:
    """The selected incident's index row, else the latest incident's (the one that starts last); None without any.
    Only that incident is compared (its row is kept for the index)."""
    incident = current_incident(dataset, selected)
    if incident is None:
        return None
    row = kept_index_row(dataset, incident.id)
    if row is None:
        return None
    return Brief(row, latest=not (selected and selected in dataset.incidents))


@dataclass(frozen=True)
class OpenDiscrepancy:
    incident: str
    incident_title: str
    incident_dates: str
    id: str
    title: str


@dataclass(frozen=True)
class Unanswered:
    """An accusation the accused party has said nothing on record about."""

    incident: str
    incident_dates: str
    proposition: str
    accused: str
    accused_name: str
    accusers: tuple[str, ...]  # names
    text: str


@dataclass(frozen=True)
class OpenItems:
    discrepancies: tuple[OpenDiscrepancy, ...]
    unanswered: tuple[Unanswered, ...]

    @property
    def empty(self) -> bool:
        return not (self.discrepancies or self.unanswered)


def open_items(dataset: Dataset, found: Patterns, rows: Sequence[Heading] | None = None) -> OpenItems:
    """Open discrepancies and unanswered accusations across the record, newest incident first (then by id).

    A discrepancy counts when its status is `open`; one attached to no incident is listed under no incident. An
    accusation counts when its first (hence every) answer is 'said nothing on record'."""
    rows = headings(dataset) if rows is None else rows
    by_id = {row.id: row for row in rows}
    order = {row.id: index for index, row in enumerate(sorted(rows, key=lambda r: (r.start, r.id), reverse=True))}
    last = len(order)
    discrepancies = sorted(
        (
            OpenDiscrepancy(
                d.incident or "",
                by_id[d.incident].title if d.incident in by_id else "",
                by_id[d.incident].date if d.incident in by_id else "",
                d.id,
                d.title,
            )
            for d in dataset.discrepancies.values()
            if d.status == "open"
        ),
        key=lambda d: (order.get(d.incident, last), d.id),
    )
    names = found.party_names
    unanswered = sorted(
        (
            Unanswered(
                a.incident, a.incident_dates, a.proposition, a.accused, names.get(a.accused, a.accused),
                tuple(names.get(p, p) for p in a.accusers), a.text,
            )
            for a in found.accusations
            if a.answer == "no-answer"
        ),
        key=lambda u: (order.get(u.incident, last), u.accused, u.text),
    )
    return OpenItems(tuple(discrepancies), tuple(unanswered))


@dataclass(frozen=True)
class OpenGroup:
    """The open discrepancies of one incident (the front page lists incidents, not a wall of one incident's)."""

    incident: str
    incident_title: str
    incident_dates: str
    titles: tuple[str, ...]
    ids: tuple[str, ...]


def by_incident(discrepancies: Iterable[OpenDiscrepancy]) -> list[OpenGroup]:
    """Open discrepancies grouped by incident, in the order they come (newest incident first from `open_items`)."""
    groups: dict[str, list[OpenDiscrepancy]] = {}
    for item in discrepancies:
        groups.setdefault(item.incident, []).append(item)
    return [
        OpenGroup(key, items[0].incident_title, items[0].incident_dates, tuple(i.title for i in items),
                  tuple(i.id for i in items))
        for key, items in groups.items()
    ]


def per_year(rows: Iterable[Heading]) -> dict[int, dict[str, int]]:
    """year -> kind -> incidents starting that year, every year from the first to the last and every kind of
    `INCIDENT_KINDS` (zeros included, in that order); empty without incidents."""
    rows = list(rows)
    if not rows:
        return {}
    years = range(min(r.year for r in rows), max(r.year for r in rows) + 1)
    found = {year: dict.fromkeys(INCIDENT_KINDS, 0) for year in years}
    for row in rows:
        found[row.year][row.kind if row.kind in INCIDENT_KINDS else "other"] += 1
    return found


def per_year_text(counts: dict[int, dict[str, int]]) -> str:
    """The chart's text alternative: the total, the span, each year with incidents and its kinds; quiet years named."""
    if not counts:
        return "No incidents are on record, so there is nothing to count."
    total = sum(sum(kinds.values()) for kinds in counts.values())
    years = list(counts)
    parts = []
    for year, kinds in counts.items():
        n = sum(kinds.values())
        if n:
            listed = ", ".join(f"{count} {kind}" for kind, count in kinds.items() if count)
            parts.append(f"{year}: {n} ({listed})")
    quiet = year_ranges([year for year, kinds in counts.items() if not sum(kinds.values())])
    span = f"in {years[0]}" if len(years) == 1 else f"from {years[0]} to {years[-1]}"
    head = f"{total} incident{'s' if total != 1 else ''} {span}, by the year each started"
    tail = f" No incident is on record in {', '.join(quiet)}." if quiet else ""
    return f"{head}. " + "; ".join(parts) + "." + tail


def year_ranges(years: Iterable[int]) -> list[str]:
    """Runs of consecutive years as ranges: [2002, 2003, 2004, 2013] -> ['2002–2004', '2013']."""
    runs: list[list[int]] = []
    for year in sorted(set(years)):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return [f"{run[0]}" if len(run) == 1 else f"{run[0]}–{run[-1]}" for run in runs]


def clipped(text: str, limit: int) -> str:
    """`text` within `limit` characters: cut at the last word that fits, with an ellipsis to say so (a version's
    message on the front page)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ·,;:-(") + "…"
