"""The briefing as data: the comparison the claims page shows, as JSON (`python -m incidents brief`).

Built from the same `Comparison` as the page and its Markdown export, so the three cannot disagree. The shape is
documented in `data/README.md` ("The briefing as data").
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from incidents.evidence.comparison import Comparison, StatementRef
from incidents.evidence.figures import FigureValue
from incidents.model.dataset import Dataset
from incidents.model.queries import chronological

# 2 (issue 22): propositions gain strength and discrepancies, statements their footing and basis, established its
# grounds, figures their own names and who disagrees; the brief gains discrepancies.
BRIEF_FORMAT = 2


def latest_incident(dataset: Dataset) -> str | None:
    """The most recent incident's id (the default of `brief` and of the pages)."""
    if not dataset.incidents:
        return None
    return max(dataset.incidents.values(), key=chronological).id


def _statement(statement: StatementRef, stance: str) -> dict[str, Any]:
    return {
        "id": statement.id,
        "speaker": statement.speaker,
        "speaker_name": statement.speaker_name,
        "voice": statement.voice,
        "kind": statement.kind,
        "stance": stance,
        "when": statement.when_label,
        "grade_nearest": statement.grade,
        "grade_chain": statement.chain_grade,
        "via": [source.id for source in statement.via],
        "carried_by": [source.id for source in statement.carried_by],
        "quotes": [quote.model_dump(exclude_none=True) for quote in statement.quotes],
        "footing": statement.footing,
        "counts_as": statement.footing_text,
        "basis": statement.basis,
        "restates": list(statement.restates),
    }


def _value(value: FigureValue) -> dict[str, Any]:
    found: dict[str, Any] = (
        {"value": value.value} if value.value is not None else {"low": value.low, "high": value.high}
    )
    found.update(
        by=value.by,
        by_name=value.by_name,
        as_of=value.as_of.replace(tzinfo=dt.UTC).isoformat(),
        as_of_text=value.as_of_text,
        statement=value.statement,
        revises=value.revises is not None,
        revises_statement=value.revises,
        voice=value.voice,
    )
    if value.civilians is not None:
        found["civilians"] = value.civilians
    return found


def _cell_stance(stance: str, competing: bool) -> str:
    """The party's stance; 'competing' when it said nothing here but supports a proposition that excludes this one."""
    return "competing" if stance == "none" and competing else stance


def to_brief(comparison: Comparison) -> dict[str, Any]:
    """incident, parties, propositions (status, stances by party, statements with chain grades), established (with
    why) and figures (every value with who gave it and when, and whether it revises the giver's earlier one)."""
    propositions = []
    for row in comparison.rows:
        propositions.append(
            {
                "id": row.proposition.id,
                "text": row.proposition.text,
                "status": row.status,
                "direction": row.direction,
                "status_text": row.status_text,
                "strength": row.strength,
                "discrepancies": [d.id for d in row.discrepancies],
                "excludes": list(row.proposition.excludes),
                "answers": list(row.proposition.answers),
                "stances": {cell.party: _cell_stance(cell.stance, bool(cell.competing)) for cell in row.cells},
                # What unnamed sources or aligned media say for a party here, apart from its own stance.
                "second_hand": {
                    cell.party: [{"footing": f, "stance": s} for f, s in cell.second_hand]
                    for cell in row.cells
                    if cell.second_hand
                },
                "statements": {
                    cell.party: [_statement(p.statement, p.stance) for p in cell.positions] for cell in row.cells
                },
                "reporting": [_statement(p.statement, p.stance) for p in row.reporting],
            }
        )
    return {
        "format": BRIEF_FORMAT,
        "data_version": comparison.data_version,
        "incident": {"id": comparison.incident.id, "title": comparison.incident.title},
        "parties": [{"id": p.id, "name": p.name, "accuser": p.accuser} for p in comparison.parties],
        "propositions": propositions,
        "established": [
            {
                "proposition": e.proposition.id,
                "tier": e.tier,
                "why": e.reason,
                "origins": list(e.origins),
                "grounds": [{"name": name, "why": why} for name, why in e.grounds],
            }
            for e in comparison.established
        ],
        "figures": [
            {
                "quantity": t.quantity,
                "name": t.name,
                "label": t.label,
                "disputed": t.disputed,
                "disagreement": t.disagreement,
                "values": [_value(v) for v in t.values],
            }
            for t in comparison.figures
        ],
        "discrepancies": [
            {
                "id": d.id,
                "title": d.title,
                "kind": d.kind,
                "status": d.status,
                "concerns": list(d.concerns),
                "resolved_by": list(d.resolved_by),
                "resolved_on": d.resolved_on.isoformat() if d.resolved_on else None,
                "superseded_by": d.superseded_by,
            }
            for d in comparison.discrepancies
        ],
    }


def to_json(comparison: Comparison) -> str:
    return json.dumps(to_brief(comparison), ensure_ascii=False, indent=2) + "\n"
