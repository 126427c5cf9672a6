"""Who claims what: an incident's statements as a party × proposition matrix (pure; no UI imports).

`compare(dataset, incident_id)` gives a `Comparison` (or a `ComparisonError` for an unknown id):
- parties are the tops of the speakers' `parent` chains (a ministry speaks for its state), the accusing
  party first;
- rows are the incident's propositions; each cell holds one party's statements on it, in time order;
- a row is contested, one-sided, agreed, rejected (every party that spoke disputes it) or unaddressed;
- the "established" list holds what no party disputes and what independent documents carry;
- stance tracks show each party's positions over time, replies show who answered whom.

`refs` resolves statements and sources, `matrix` holds the shapes, `engine` builds them (all in this package).
Which stance counts for or against lives in `incidents.evidence.stances`; the briefing exports (Markdown, CSV)
in `incidents.evidence.briefing`.
"""

from incidents.evidence.engine import compare
from incidents.evidence.matrix import (
    PARTY_ORDER_CHOICES,
    ROW_STATUSES,
    STANCE_TEXT,
    STATUS_TEXT,
    TIER_TEXT,
    Cell,
    CellStance,
    Comparison,
    ComparisonError,
    Established,
    EstablishedTier,
    Party,
    PartyOrder,
    Position,
    Reply,
    Row,
    RowStatus,
    StanceStep,
    StanceTrack,
    party_order,
)
from incidents.evidence.refs import SourceRef, StatementRef, source_ref, statement_ref

__all__ = [
    "PARTY_ORDER_CHOICES",
    "ROW_STATUSES",
    "STANCE_TEXT",
    "STATUS_TEXT",
    "TIER_TEXT",
    "Cell",
    "CellStance",
    "Comparison",
    "ComparisonError",
    "Established",
    "EstablishedTier",
    "Party",
    "PartyOrder",
    "Position",
    "Reply",
    "Row",
    "RowStatus",
    "SourceRef",
    "StanceStep",
    "StanceTrack",
    "StatementRef",
    "compare",
    "party_order",
    "source_ref",
    "statement_ref",
]
