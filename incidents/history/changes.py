"""What changed between two data versions, as records rather than lines of YAML (a pure function, `diff`).

Records are compared field by field on their validated form (`model_dump`); figures, propositions and
discrepancies on what the comparison engine computes from each version: each giver's latest figure per quantity
(a revision, 2 → 4), each proposition's status and "established" standing, each discrepancy's status.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from incidents.evidence.comparison import Comparison, compare
from incidents.model.dataset import Dataset
from incidents.model.registry import COLLECTIONS
from incidents.text import md_screen

Change = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class RecordChange:
    """A record added, removed or changed (then with each field that differs)."""

    collection: str
    id: str
    change: Change
    incidents: tuple[str, ...] = ()
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class FigureRevision:
    """A giver's latest value of a quantity before and after (None: it gave none), and the statement that gave it."""

    incident: str
    quantity: str
    by: str
    by_name: str
    old: str | None
    new: str | None
    statement: str | None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class DiscrepancyChange:
    """A discrepancy whose status changed; `None` when it did not exist on that side."""

    id: str
    incident: str
    title: str
    old: str | None
    new: str | None

    @property
    def event(self) -> str:
        """'opened', 'resolved', 'superseded', 'reopened' or 'removed', for people."""
        if self.new is None:
            return "removed"
        if self.new == "open":
            return "reopened" if self.old else "opened"
        return self.new


@dataclass(frozen=True)
class PropositionChange:
    """A proposition whose status or established standing changed (`None`: absent, or not established)."""

    id: str
    incident: str
    text: str
    old_status: str | None
    new_status: str | None
    old_established: str | None
    new_established: str | None
    # The statements added or changed in this version that take a stance on it, and the sources they cite.
    statements: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class DataDiff:
    """Everything that changed from version `old` to version `new`."""

    old: str
    new: str
    records: tuple[RecordChange, ...] = ()
    figures: tuple[FigureRevision, ...] = ()
    discrepancies: tuple[DiscrepancyChange, ...] = ()
    propositions: tuple[PropositionChange, ...] = ()
    incidents: tuple[str, ...] = field(default=(), compare=False)

    @property
    def empty(self) -> bool:
        return not (self.records or self.figures or self.discrepancies or self.propositions)

    def touching(self, incident_id: str) -> DataDiff:
        """Only what concerns one incident."""
        return replace(
            self,
            records=tuple(r for r in self.records if incident_id in r.incidents),
            figures=tuple(f for f in self.figures if f.incident == incident_id),
            discrepancies=tuple(d for d in self.discrepancies if d.incident == incident_id),
            propositions=tuple(p for p in self.propositions if p.incident == incident_id),
        )

    def to_json(self) -> dict[str, Any]:
        found = asdict(self)
        found.pop("incidents")
        for item, change in zip(found["discrepancies"], self.discrepancies, strict=True):
            item["event"] = change.event
        return found


def _record_incidents(collection: str, record: Any) -> tuple[str, ...]:
    if collection == "incidents":
        return (record.id,)
    if collection == "statements":
        return tuple(record.incidents)
    incident = getattr(record, "incident", None)
    return (incident,) if isinstance(incident, str) else ()


def _field_changes(path: str, was: Any, now: Any, depth: int = 0) -> list[FieldChange]:
    """Leaf by leaf: `stances[1].stance: asserts → implies`; a list whose length changed is one change."""
    if was == now:
        return []
    if depth < 4 and isinstance(was, dict) and isinstance(now, dict):
        keys = dict.fromkeys([*was, *now])
        named = ((f"{path}.{key}" if path else key, was.get(key), now.get(key)) for key in keys)
        return [change for name, old, new in named for change in _field_changes(name, old, new, depth + 1)]
    if depth < 4 and isinstance(was, list) and isinstance(now, list) and len(was) == len(now):
        pairs = enumerate(zip(was, now, strict=True))
        return [change for i, (old, new) in pairs for change in _field_changes(f"{path}[{i}]", old, new, depth + 1)]
    return [FieldChange(path, was, now)]


def _record_change(collection: str, record_id: str, before: Any, after: Any) -> RecordChange | None:
    if before is None:
        return RecordChange(collection, record_id, "added", _record_incidents(collection, after))
    if after is None:
        return RecordChange(collection, record_id, "removed", _record_incidents(collection, before))
    fields = tuple(_field_changes("", before.model_dump(mode="json"), after.model_dump(mode="json")))
    if not fields:
        return None
    incidents = dict.fromkeys([*_record_incidents(collection, after), *_record_incidents(collection, before)])
    return RecordChange(collection, record_id, "changed", tuple(incidents), fields)


def _records(old: Dataset, new: Dataset) -> list[RecordChange]:
    found: list[RecordChange] = []
    for collection in COLLECTIONS:
        before, after = old.collection(collection.name), new.collection(collection.name)
        for record_id in [*after, *(key for key in before if key not in after)]:
            change = _record_change(collection.name, record_id, before.get(record_id), after.get(record_id))
            if change is not None:
                found.append(change)
    return found


def _comparisons(dataset: Dataset) -> dict[str, Comparison]:
    found = {}
    for incident_id in dataset.incidents:
        result = compare(dataset, incident_id)
        if isinstance(result, Comparison):
            found[incident_id] = result
    return found


def _latest_figures(comparisons: dict[str, Comparison]) -> dict[tuple[str, str, str], tuple[str, str, str]]:
    """(incident, quantity, giver) -> (label, giver's name, statement) of each giver's latest value."""
    return {
        (incident_id, track.quantity, by): (value.label, value.by_name, value.statement)
        for incident_id, comparison in comparisons.items()
        for track in comparison.figures
        for by, value in track.latest.items()
    }


def _figures(new: Dataset, before: dict[str, Comparison], after: dict[str, Comparison]) -> list[FigureRevision]:
    was, now = _latest_figures(before), _latest_figures(after)
    found = []
    for key in [*now, *(key for key in was if key not in now)]:
        old, current = was.get(key), now.get(key)
        if (old and old[0]) == (current and current[0]):
            continue
        statement = current[2] if current else None
        record = new.statements.get(statement or "")
        found.append(FigureRevision(
            key[0], key[1], key[2], (current or old or ("", key[2], ""))[1],
            old[0] if old else None, current[0] if current else None, statement,
            tuple(record.via) if record else (),
        ))
    return found


def _discrepancies(old: Dataset, new: Dataset) -> list[DiscrepancyChange]:
    found = []
    for item_id in [*new.discrepancies, *(key for key in old.discrepancies if key not in new.discrepancies)]:
        was, now = old.discrepancies.get(item_id), new.discrepancies.get(item_id)
        if (was and was.status) != (now and now.status):
            shown = now or was
            assert shown is not None
            found.append(DiscrepancyChange(
                item_id, shown.incident or "", shown.title, was.status if was else None, now.status if now else None
            ))
    return found


def _standing(comparisons: dict[str, Comparison]) -> dict[str, tuple[str, str, str, str | None]]:
    """proposition -> (incident, text, status, established tier or None)."""
    found: dict[str, tuple[str, str, str, str | None]] = {}
    for incident_id, comparison in comparisons.items():
        tiers = {item.proposition.id: item.tier for item in comparison.established}
        for row in comparison.rows:
            found[row.proposition.id] = (incident_id, row.proposition.text, row.status, tiers.get(row.proposition.id))
    return found


def _propositions(before: dict[str, Comparison], after: dict[str, Comparison]) -> list[PropositionChange]:
    was, now = _standing(before), _standing(after)
    found = []
    for prop_id in [*now, *(key for key in was if key not in now)]:
        old, current = was.get(prop_id), now.get(prop_id)
        if (old and old[2:]) == (current and current[2:]):
            continue
        shown = current or old
        assert shown is not None
        found.append(PropositionChange(
            prop_id, shown[0], shown[1], old[2] if old else None, current[2] if current else None,
            old[3] if old else None, current[3] if current else None,
        ))
    return found


def _with_statements(
    old: Dataset, new: Dataset, records: list[RecordChange], change: PropositionChange
) -> PropositionChange:
    """Name the statements added, changed or removed here that take a stance on the proposition, and their sources."""
    touched = [
        (new if r.change != "removed" else old).statements[r.id] for r in records
        if r.collection == "statements" and r.id in (new if r.change != "removed" else old).statements
    ]
    taking = [s for s in touched if any(stance.proposition == change.id for stance in s.stances)]
    sources = dict.fromkeys(source for statement in taking for source in statement.via)
    return replace(change, statements=tuple(s.id for s in taking), sources=tuple(sources))


def diff(old: Dataset, new: Dataset) -> DataDiff:
    """Records added, removed and changed; figures revised; discrepancies opened and resolved; propositions whose
    status or established standing changed, from `old` to `new`."""
    before, after = _comparisons(old), _comparisons(new)
    records = _records(old, new)
    return DataDiff(
        old=old.version,
        new=new.version,
        records=tuple(records),
        figures=tuple(_figures(new, before, after)),
        discrepancies=tuple(_discrepancies(old, new)),
        propositions=tuple(_with_statements(old, new, records, p) for p in _propositions(before, after)),
        incidents=tuple(dict.fromkeys([*new.incidents, *old.incidents])),
    )


@dataclass(frozen=True)
class HistoryStep:
    """One change to a proposition (or a figure) in one version, for the claims page's history."""

    version: str
    date: str
    subject: str  # the proposition id, or the figure's quantity
    change: str
    statements: tuple[str, ...]
    sources: tuple[str, ...]


def history_steps(changes: Iterable[tuple[str, str, DataDiff]], incident_id: str) -> list[HistoryStep]:
    """Each proposition's status and standing, and each figure, over the versions: `changes` are (version, date,
    its diff from the version before), oldest first; only what concerns `incident_id`."""
    steps = []
    for version, date, change in changes:
        shown = change.touching(incident_id)
        for prop in shown.propositions:
            parts = []
            if prop.old_status != prop.new_status:
                parts.append(f"became {prop.new_status or 'absent'} (was {prop.old_status or 'absent'})")
            if prop.old_established != prop.new_established:
                parts.append(f"established: {prop.new_established or 'no'} (was {prop.old_established or 'no'})")
            steps.append(HistoryStep(version, date, prop.id, "; ".join(parts), prop.statements, prop.sources))
        for figure in shown.figures:
            text = f"{figure.by_name}: {figure.old or 'none'} → {figure.new or 'none'}"
            steps.append(HistoryStep(version, date, figure.quantity, text, (figure.statement,) if figure.statement
                                     else (), figure.sources))
    return steps


def _one_line(item: Any) -> str:
    text = json.dumps(item, ensure_ascii=False) if not isinstance(item, str) else item
    return " ".join(text.split())  # one line: a blank line would end the code span and let the rest render


def _values(old: Any, new: Any, escape: Callable[[str], str], width: int = 120) -> str:
    """'old → new', each cut to `width` around where they first differ (two long notes differ deep inside)."""
    before, after = _one_line(old), _one_line(new)
    same = len(os.path.commonprefix([before, after]))
    start = max(0, same - 30) if max(len(before), len(after)) > width else 0

    def cut(text: str) -> str:
        shown = ("…" if start else "") + text[start:start + width]
        shown += "…" if len(text) > start + width else ""
        return f"`{shown}`" if "`" not in shown else escape(shown)

    return f"{cut(before)} → {cut(after)}"


def markdown_lines(change: DataDiff, escape: Callable[[str], str] = md_screen) -> list[str]:
    """The diff as Markdown bullet lines, record text passed through `escape` (the feed's plain text: none, since
    its XML writer escapes), for the CLI, the changes page and the feed."""
    if change.empty:
        return ["- No change to the records."]
    lines = []
    for figure in change.figures:
        old, new = figure.old or "none", figure.new or "none"
        source = f" (statement `{figure.statement}`)" if figure.statement else ""
        lines.append(f"- Figure revised: {escape(figure.quantity)} by {escape(figure.by_name)}: "
                     f"{escape(old)} → {escape(new)}{source}")
    for item in change.discrepancies:
        lines.append(f"- Discrepancy {item.event}: `{item.id}` ({escape(item.title)})")
    for prop in change.propositions:
        parts = []
        if prop.old_status != prop.new_status:
            parts.append(f"status {prop.old_status or 'absent'} → {prop.new_status or 'absent'}")
        if prop.old_established != prop.new_established:
            parts.append(f"established {prop.old_established or 'no'} → {prop.new_established or 'no'}")
        lines.append(f"- Proposition `{prop.id}` ({escape(prop.text)}): {'; '.join(parts)}")
    for record in change.records:
        lines.append(f"- {record.change.capitalize()}: {record.collection} `{record.id}`")
        lines += [f"  - {f.field}: {_values(f.old, f.new, escape)}" for f in record.fields]
    return lines


def _counted(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def change_counts(change: DataDiff) -> str:
    """One line for a version in a list of the latest changes (the front page): how many records were added,
    changed and removed, figures revised, discrepancies opened or settled, propositions whose standing moved."""
    if change.empty:
        return "no change to the records"
    parts = []
    by_change = {kind: sum(1 for r in change.records if r.change == kind) for kind in ("added", "changed", "removed")}
    records = [f"{count} {kind}" for kind, count in by_change.items() if count]
    if records:
        total = len(change.records)
        parts.append(f"{_counted(total, 'record', 'records')} ({', '.join(records)})")
    if change.figures:
        parts.append(f"{_counted(len(change.figures), 'figure', 'figures')} revised")
    events: dict[str, int] = {}
    for item in change.discrepancies:
        events[item.event] = events.get(item.event, 0) + 1
    parts += [f"{_counted(count, 'discrepancy', 'discrepancies')} {event}" for event, count in events.items()]
    if change.propositions:
        parts.append(f"{_counted(len(change.propositions), 'proposition', 'propositions')} changed standing")
    return "; ".join(parts)


def touched_incidents(change: DataDiff) -> tuple[str, ...]:
    """The incidents a version's changes concern, in the order they first appear."""
    found = [i for r in change.records for i in r.incidents]
    found += [f.incident for f in change.figures] + [d.incident for d in change.discrepancies]
    found += [p.incident for p in change.propositions]
    return tuple(dict.fromkeys(i for i in found if i))


def to_markdown(change: DataDiff) -> str:
    """The whole diff as a Markdown document."""
    return "\n".join([f"# Changes from {change.old} to {change.new}", "", *markdown_lines(change)]) + "\n"
