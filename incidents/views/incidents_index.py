"""The incidents index: one row per incident, with its claims status, filtered and sorted as the URL asks (pure).

`index_rows(dataset)` gives an `IndexRow` per incident (newest first), `kept_index_row` one of them, `headings` only
what names and dates each incident (no comparison made: the front page); `filter_rows` and `sort_rows` apply the
`/incidents` page's parameters (`year`, `type`, `party`, `status`, `sort`, declared in `incidents.views.params`);
`to_csv` and `to_json` are the page's exports. The claims status comes from the comparison engine
(`incidents.evidence.comparison.compare`), so the index and the claims page cannot disagree.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any, TypeVar

from incidents.evidence.comparison import Comparison, compare
from incidents.model.dataset import Dataset
from incidents.model.groups import groups
from incidents.model.records import Incident
from incidents.model.vocabulary import incident_kind
from incidents.model.when import date_text
from incidents.text import spreadsheet_safe
from incidents.views.params import INDEX_SORTS


@dataclass(frozen=True)
class Heading:
    """What names and dates an incident in a list: cheap, with no comparison made (the front page lists every
    incident this way and compares only the one it leads with)."""

    id: str
    title: str
    date: str  # at the precision the sources give: '2026-03-05', '2026-03-05 – 2026-03-08', 'March 2026'
    start: dt.date
    year: int
    kind: str


@dataclass(frozen=True)
class IndexRow(Heading):
    """One incident as the index lists it: its heading, then its places, parties and claims status."""

    places: tuple[str, ...]
    parties: tuple[str, ...]  # ids: the tops of the chains of every named speaker on it
    party_names: tuple[str, ...]
    contested: int
    one_sided: int
    agreed: int
    unaddressed: int
    established: int
    open_discrepancies: int
    sources: int

    @property
    def statuses(self) -> tuple[str, ...]:
        """The `status=` values this row matches."""
        found = [
            name
            for name, count in (
                ("contested", self.contested),
                ("one-sided", self.one_sided),
                ("agreed", self.agreed),
                ("established", self.established),
                ("open-discrepancies", self.open_discrepancies),
            )
            if count
        ]
        return tuple(found)

    def claims_text(self) -> str:
        """'2 contested · 1 one-sided · 0 agreed · something established'."""
        settled = f"{self.established} established" if self.established else "nothing established"
        return f"{self.contested} contested · {self.one_sided} one-sided · {self.agreed} agreed · {settled}"


def _sources(dataset: Dataset, incident: Incident) -> int:
    """Distinct sources cited by the incident and by its events, statements, propositions' rows and discrepancies."""
    grouped = groups(dataset)
    found = set(incident.sources)
    for event in grouped.events.get(incident.id, ()):
        found.update(event.sources)
    for statement in grouped.statements.get(incident.id, ()):
        found.update(statement.via)
        found.update(statement.carried_by)
    for discrepancy in grouped.discrepancies.get(incident.id, ()):
        found.update(discrepancy.sources)
    return len(found)


def heading(incident: Incident) -> Heading:
    """The incident's heading: the same values its index row starts with."""
    return Heading(
        id=incident.id,
        title=incident.short_title or incident.title,
        date=date_text(incident.when),
        start=incident.when.first_day,
        year=incident.when.first_day.year,
        kind=incident_kind(incident.kind, incident.sub_event_type),
    )


def _fields_of(head: Heading) -> dict[str, Any]:
    """A heading's fields by name, values as they are (`asdict` would copy them deep), for the row it starts."""
    return {f.name: getattr(head, f.name) for f in fields(head)}


def headings(dataset: Dataset) -> list[Heading]:
    """Every incident's heading, newest first, in the index's default order (kept on the dataset)."""

    def make() -> list[Heading]:
        return _newest_first([heading(incident) for incident in dataset.incidents.values()])

    return dataset.derive("incidents-headings", make)


def kept_index_row(dataset: Dataset, incident_id: str) -> IndexRow | None:
    """One incident's index row, made once per dataset and shared with `index_rows` (None for an unknown id)."""
    incident = dataset.incidents.get(incident_id)
    if incident is None:
        return None
    return dataset.derive(("index-row", incident_id), lambda: index_row(dataset, incident))


def index_row(dataset: Dataset, incident: Incident, comparison: Comparison | None = None) -> IndexRow:
    """The index row of one incident (`comparison` when already made)."""
    if comparison is None:
        made = compare(dataset, incident.id)
        comparison = made if isinstance(made, Comparison) else None
    counts = comparison.counts if comparison else {"contested": 0, "one-sided": 0, "agreed": 0, "unaddressed": 0}
    index = dataset.actor_index
    grouped = groups(dataset)
    parties = tuple(
        dict.fromkeys(
            index.top(s.speaker)
            for s in sorted(grouped.statements.get(incident.id, ()), key=lambda s: s.when.start_dt)
            if s.voice == "named" and s.speaker
        )
    )
    places = tuple(
        dict.fromkeys(
            dataset.places[role.place].names.en if role.place in dataset.places else role.place
            for role in incident.places
        )
    )
    open_discrepancies = sum(1 for d in grouped.discrepancies.get(incident.id, ()) if d.status == "open")
    head = heading(incident)
    return IndexRow(
        **_fields_of(head),
        places=places,
        parties=parties,
        party_names=tuple(index.label(p) for p in parties),
        contested=counts["contested"],
        one_sided=counts["one-sided"],
        agreed=counts["agreed"],
        unaddressed=counts["unaddressed"],
        established=len(comparison.established) if comparison else 0,
        open_discrepancies=open_discrepancies,
        sources=_sources(dataset, incident),
    )


def index_rows(dataset: Dataset) -> list[IndexRow]:
    """Every incident's row, newest first (kept on the dataset: it never changes once loaded)."""

    def make() -> list[IndexRow]:
        rows = [kept_index_row(dataset, incident_id) for incident_id in dataset.incidents]
        return sort_rows([row for row in rows if row is not None], INDEX_SORTS[0])

    return dataset.derive("incidents-index", make)


def filter_rows(
    rows: Iterable[IndexRow],
    *,
    years: Sequence[int] = (),
    kinds: Sequence[str] = (),
    parties: Sequence[str] = (),
    statuses: Sequence[str] = (),
) -> list[IndexRow]:
    """The rows that match every given filter; within one filter, any of its values (an empty filter matches all)."""
    return [
        row
        for row in rows
        if (not years or row.year in years)
        and (not kinds or row.kind in kinds)
        and (not parties or set(parties) & set(row.parties))
        and (not statuses or set(statuses) & set(row.statuses))
    ]


def sort_rows(rows: Iterable[IndexRow], sort: str) -> list[IndexRow]:
    """`newest` (default), `oldest`, `contested` (most contested propositions first), `sources` (most first),
    `title`; ties by date, newest first, then id. An unknown value sorts as the default."""
    by_date = _newest_first(rows)
    if sort == "oldest":
        return sorted(by_date, key=lambda r: r.start)
    if sort == "contested":
        return sorted(by_date, key=lambda r: -r.contested)
    if sort == "sources":
        return sorted(by_date, key=lambda r: -r.sources)
    if sort == "title":
        return sorted(by_date, key=lambda r: r.title.casefold())
    return by_date


H = TypeVar("H", bound=Heading)


def _newest_first(rows: Iterable[H]) -> list[H]:
    """By start, newest first; ties by id."""
    by_date = sorted(rows, key=lambda r: r.id)
    by_date.sort(key=lambda r: r.start, reverse=True)
    return by_date


COLUMNS: tuple[str, ...] = (
    "id", "date", "title", "kind", "places", "parties", "contested", "one_sided", "agreed", "unaddressed",
    "established", "open_discrepancies", "sources",
)


def _flat(row: IndexRow) -> dict[str, object]:
    data = asdict(row)
    data["places"] = "; ".join(row.places)
    data["parties"] = "; ".join(row.party_names)
    return {column: data[column] for column in COLUMNS}


def to_csv(rows: Iterable[IndexRow]) -> bytes:
    """The index as CSV, text guarded against spreadsheet formulas (`incidents.text.spreadsheet_safe`)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: spreadsheet_safe(v) if isinstance(v, str) else v for k, v in _flat(row).items()})
    # A BOM, so spreadsheet programs read Azerbaijani, Persian and Russian names as UTF-8 (as the record exports).
    return buffer.getvalue().encode("utf-8-sig")


def to_json(rows: Iterable[IndexRow]) -> bytes:
    """The index as JSON: a list of rows with every field (places and party names as lists)."""
    items = []
    for row in rows:
        data = asdict(row)
        data["start"] = row.start.isoformat()
        data["places"] = list(row.places)
        data["parties"] = list(row.parties)
        data["party_names"] = list(row.party_names)
        data["statuses"] = list(row.statuses)
        items.append(data)
    return json.dumps({"incidents": items}, ensure_ascii=False, indent=2).encode("utf-8")


def index_options(dataset: Dataset) -> dict[str, tuple[str, ...]]:
    """The values the index's data-dependent URL parameters accept: `year` (the years incidents start in) and
    `party` (every party that spoke on record). Cheap: no comparison is made, so the frame can check every link."""

    def make() -> dict[str, tuple[str, ...]]:
        years = sorted({incident.when.first_day.year for incident in dataset.incidents.values()}, reverse=True)
        index = dataset.actor_index
        # Each speaker's party once, not once per statement (0.07 s of every edit's next run at 1,000 incidents).
        speakers = {s.speaker for s in dataset.statements.values() if s.voice == "named" and s.incidents and s.speaker}
        parties = {index.top(speaker) for speaker in speakers}
        return {"year": tuple(str(y) for y in years), "party": tuple(sorted(parties))}

    return dataset.derive("incidents-index-options", make)
