"""The words of the monitor, defined once: record kinds, Admiralty grades, time and place precision.

Model field descriptions, the About page and `data/README.md` are written from these tables, so a label changed
here changes everywhere.
"""

from __future__ import annotations

from typing import Literal

# What each record kind is called on screen (statement kinds, and 'event').
KIND_LABELS: dict[str, str] = {
    "claim": "Claim",
    "denial": "Denial",
    "accusation": "Accusation",
    "alternative-explanation": "Alternative explanation",
    "demand": "Demand",
    "threat": "Threat",
    "assurance": "Assurance",
    "event": "Event",
}

# Admiralty code: source reliability (A-F) and information credibility (1-6).
RELIABILITY_TEXT: dict[str, str] = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
CREDIBILITY_TEXT: dict[int, str] = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}
UNGRADED = "ungraded"
# Airwars-style assessment of an incident as a whole; '' where the grade needs no gloss.
ASSESSMENT_TEXT: dict[str, str] = {
    "confirmed": "a belligerent accepted responsibility",
    "fair": "two or more credible sources",
    "weak": "a single source",
    "contested": "competing claims",
    "discounted": "",
}

# How precisely a time is known, as a phrase after "known …".
PRECISION_WORDS: dict[str, str] = {
    "minute": "to the minute",
    "hour": "to the hour",
    "part-of-day": "only to the part of the day",
    "day": "only to the day",
    "days": "only to a window of several days",
    "week": "only to the week",
    "month": "only to the month",
}


def reliability_grade(reliability: str | None) -> str:
    """A source's Admiralty reliability letter, or 'ungraded'."""
    return reliability or UNGRADED


def admiralty_grade(reliability: str | None, credibility: int | None) -> str:
    """The grade written together, e.g. 'F3'; '?' stands for a part not known."""
    return f"{reliability or '?'}{credibility or '?'}"


def source_label(title: str, publisher: str | None, reliability: str | None) -> str:
    """'Title (Publisher) · reliability B': how a source is named in lists, hovers and tooltips."""
    return f"{title} ({publisher or 'publisher not named'}) · reliability {reliability_grade(reliability)}"


def describe(table: dict[str, str] | dict[int, str], joiner: str = ", ") -> str:
    """'A completely reliable, B usually reliable, …': a vocabulary table as field-description text."""
    return joiner.join(f"{key} {text}" for key, text in table.items())


def credibility_text(credibility: int | None) -> str:
    """'credibility 3 (possibly true)', or 'credibility not graded'."""
    if credibility is None:
        return "credibility not graded"
    return f"credibility {credibility} ({CREDIBILITY_TEXT[credibility]})"


# A border crossing's recorded status (the values `Place.status` accepts) -> whether it counts as open or closed
# (closed fully or to some traffic) on the map.
CROSSING_STATES: dict[str, str] = {
    "open": "open",
    "closed": "closed",
    "closed to trucks": "closed",
    "closed to passengers": "closed",
    "restricted": "closed",
}


def crossing_state(status: str | None) -> str:
    """'open', 'closed' or 'unknown' (no status recorded) for a crossing's status."""
    return CROSSING_STATES.get(status, "unknown") if status else "unknown"


def describe_in_brackets(table: dict[str, str], joiner: str = ", ") -> str:
    """'confirmed (a belligerent accepted responsibility), …, discounted': keys with their gloss in brackets."""
    return joiner.join(f"{key} ({text})" if text else key for key, text in table.items())


# How strongly a statement takes a position (the evidence model): only `asserts` is a full assertion.
STANCE_STRENGTH_TEXT: dict[str, str] = {
    "asserts": "says it is so",
    "suggests": "says it may be so (hedged: 'may have been')",
    "implies": "does not say it, but what it says presupposes it (our inference, marked as such)",
    "denies": "says it is not so",
    "doubts": "says it is unclear or unknown",
    "declines": "declines to comment",
}
# Who speaks in a statement.
VOICE_TEXT: dict[str, str] = {
    "named": "a named actor",
    "publication": "the publication's own voice (no one else is quoted for it)",
    "unnamed": "unnamed sources ('officials said', 'reports'), with the reason they are unnamed",
}
# Quantities a figure can put a value on.
QUANTITY_TEXT: dict[str, str] = {
    "killed": "people killed",
    "injured": "people injured",
    "drones-fired": "drones fired",
    "drones-intercepted": "drones intercepted or disabled",
    "trucks-waiting": "trucks waiting at the border",
    "diplomats-evacuated": "diplomats and staff evacuated",
    "passengers-diverted": "passengers on diverted flights",
    "aid-tonnes": "tonnes of humanitarian aid",
    "other": "another quantity (name it in `item`: 'flights planned', 'hours closed')",
}
# The basis of a statement in the publication's own voice: only `observed` reporting can corroborate.
BASIS_TEXT: dict[str, str] = {
    "observed": "its own reporting: its correspondent saw it, it verified footage itself, or it saw the documents",
    "restates": "it restates a party's statement or figure (linked in `restates` when we hold the statement)",
    "unattributed": "it says so without saying how it knows (a recap, a background line)",
}
# How an outlet stands to the governments: the first three make its unattributed reporting its party's voice.
AFFILIATION_TEXT: dict[str, str] = {
    "state-owned": "the state owns it",
    "state-controlled": "the state or its appointees control it, whoever owns it",
    "government-aligned": "privately held but loyal to a government (pro-government, 'captured private')",
    "independent": "independent of the governments concerned (says which in `reason`)",
    "unsettled": "not settled: what we could find does not decide it (`reason` says what is missing)",
}
ALIGNED_KINDS: tuple[str, ...] = ("state-owned", "state-controlled", "government-aligned")
# A discrepancy's life: recorded, then settled by a source, or replaced by a better-framed one.
DISCREPANCY_STATUS_TEXT: dict[str, str] = {
    "open": "unresolved",
    "resolved": "settled by a later or better source (named, with the date)",
    "superseded": "replaced by another discrepancy (named)",
}

# What sort of incident it is (`Incident.kind`): the incidents index filters by it. Kept short on purpose; a new kind
# is one line here (the model's field, data/README.md and the index read this table).
INCIDENT_KIND_TEXT: dict[str, str] = {
    "strike": "a strike or attack by drones, missiles, aircraft or artillery",
    "attack-on-mission": "an attack on an embassy, consulate or diplomat",
    "detention": "an arrest or detention of another country's citizens or officials",
    "drills": "military exercises near the border that the other side reads as a threat",
    "expulsion": "diplomats expelled, recalled or a mission closed",
    "airspace": "an airspace violation, closure or diversion",
    "border": "a border crossing closed, restricted or reopened",
    "accusation": "an accusation between the governments with no event of its own (espionage, plots, insults)",
    "other": "anything else (say what in the summary)",
}
# `Incident.kind`'s type: the keys above (a test holds them equal).
IncidentKind = Literal[
    "strike", "attack-on-mission", "detention", "drills", "expulsion", "airspace", "border", "accusation", "other"
]
# ACLED sub-event types -> the incident kind an incident without `kind` is listed under (anything else: 'other').
KIND_FROM_SUB_EVENT: dict[str, str] = {
    "Air/drone strike": "strike",
    "Shelling/artillery/missile attack": "strike",
    "Remote explosive/landmine/IED": "strike",
    "Armed clash": "strike",
    "Attack": "strike",
    "Arrests": "detention",
}


def incident_kind(kind: str | None, sub_event_type: str) -> str:
    """An incident's kind: the one curated (`Incident.kind`), else read from its ACLED sub-event type, else 'other'."""
    return kind or KIND_FROM_SUB_EVENT.get(sub_event_type, "other")


# How a party answered an accusation made against it (incidents.evidence.patterns): the first that fits, in this order.
ANSWER_TEXT: dict[str, str] = {
    "acknowledged": "acknowledged: it asserted or conceded what it was accused of",
    "blamed-third-party": "blamed a third party: it asserted a competing version that holds another party "
    "responsible",
    "other-account": "gave another account or motive: it asserted a competing version that blames no other party",
    "denied": "denied: it said the accusation is not so, and offered no competing version",
    "investigation": "promised an investigation: it answered with an assurance that takes no side yet",
    "declined": "declined to comment, or said it is unclear, on record",
    "no-answer": "said nothing on record: no statement of it on the accusation is held",
}
ANSWER_LABELS: dict[str, str] = {
    "acknowledged": "Acknowledged",
    "blamed-third-party": "Blamed a third party",
    "other-account": "Another account or motive",
    "denied": "Denied",
    "investigation": "Promised an investigation",
    "declined": "Declined to comment",
    "no-answer": "Nothing on record",
}
