"""Record models for the incident monitor (pydantic v2).

Vocabularies follow ACLED (event types, precision), UCDP (casualty ranges),
Airwars (assessment grades) and the Admiralty code (source reliability A-F,
information credibility 1-6). Field descriptions feed `data/README.md`; those that list a vocabulary are written
from `incidents.vocabulary`. Ids, references and checked values live in `incidents.fields`.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from incidents.fields import (
    ANY_RECORD,
    ActorId,
    Entry,
    HttpUrl,
    Id,
    IncidentId,
    Latitude,
    Longitude,
    PlaceId,
    PropositionId,
    Record,
    RecordId,
    Ref,
    SourceId,
    StatementId,
)
from incidents.vocabulary import (
    ASSESSMENT_TEXT,
    CREDIBILITY_TEXT,
    RELIABILITY_TEXT,
    describe,
    describe_in_brackets,
)

# Re-exported: the rest of the project imports the record types from here.
__all__ = ["ANY_RECORD", "Entry", "Id", "Record", "Ref"]


TimePrecision = Literal["minute", "hour", "part-of-day", "day", "days", "week", "month", "undated"]
TIME_PRECISIONS: tuple[str, ...] = get_args(TimePrecision)


class When(Record):
    """A time as precisely as the sources give it, never more."""

    start: dt.date | dt.datetime | None = Field(
        None,
        description="Earliest moment it can have happened: YYYY-MM-DD, or an ISO datetime with offset (e.g. 2026-03-05T10:30:00+04:00). Empty only with precision 'undated'.",
    )
    end: dt.date | dt.datetime | None = Field(
        None, description="Latest moment, when the sources give only a window (e.g. 'between Wednesday and Thursday')."
    )
    precision: TimePrecision = Field(
        description="How precisely the time is known: minute, hour, part-of-day, day, days (a window of several days), week, month, undated (only a latest date, `end`, is known: 'has repeatedly said')."
    )
    approximate: bool = Field(False, description="True when the sources hedge the time ('around', 'early on').")
    as_reported: str | None = Field(
        None, description="The time exactly as the source words it, e.g. 'Wednesday (March 5)'."
    )
    note: str | None = Field(None, description="Why the time is uncertain, or how it was derived.")

    @model_validator(mode="after")
    def _end_not_before_start(self) -> When:
        if self.start is None:
            if self.precision != "undated" or self.end is None:
                raise PydanticCustomError(
                    "missing_start", "start is required unless precision is 'undated' with an end", {}
                )
            return self
        if self.precision == "undated":
            raise PydanticCustomError(
                "undated_with_start", "precision 'undated' takes only an end (the latest date)", {}
            )
        if self.end is not None and _as_datetime(self.end, end=True) < _as_datetime(self.start):
            raise PydanticCustomError(
                "end_before_start",
                "end {end} is before start {start}",
                {"end": str(self.end), "start": str(self.start)},
            )
        return self

    @property
    def start_dt(self) -> dt.datetime:
        """Earliest moment; an undated record sits at its latest date."""
        moment = self.start if self.start is not None else self.end
        if moment is None:  # the validator requires a start, or an end when undated
            raise ValueError("a time needs a start or an end")
        return _as_datetime(moment)

    @property
    def end_dt(self) -> dt.datetime:
        """End of the window the record may fall in (end of day for day precision)."""
        moment = self.end if self.end is not None else self.start
        if moment is None:  # the validator requires a start, or an end when undated
            raise ValueError("a time needs a start or an end")
        return _as_datetime(moment, end=True)

    @property
    def first_day(self) -> dt.date:
        return self.start_dt.date()

    @property
    def last_day(self) -> dt.date:
        return self.end_dt.date()

    def label(self) -> str:
        """Human text: the reported wording when there is one, plus the precision."""
        if self.start is None:
            span = f"undated, by {self.end}"
            return f"{self.as_reported} · {span}" if self.as_reported else span
        span = str(self.start) if self.end is None else f"{self.start} – {self.end}"
        text = f"{span} ({'~' if self.approximate else ''}{self.precision})"
        return f"{self.as_reported} · {text}" if self.as_reported else text


def _as_datetime(value: dt.datetime | dt.date, end: bool = False) -> dt.datetime:
    """Dates become naive-UTC datetimes at the start (or end) of the day, so mixed values compare."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value
    moment = dt.datetime.combine(value, dt.time.max if end else dt.time.min)
    return moment


ActorKind = Literal[
    "state",
    "government-body",
    "head-of-state",
    "armed-forces",
    "judiciary",
    "media",
    "news-agency",
    "person",
    "international-organisation",
    "group",
    "other",
]


class Actor(Entry):
    """A state, body, outlet or person that acts or speaks."""

    name: str = Field(description="Name in English.")
    short_name: str | None = Field(None, description="Short label for charts, e.g. 'AZ Defence Ministry'.")
    aliases: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Other names by language code (az, fa, ru, hy, en), e.g. {az: [Müdafiə Nazirliyi]}.",
    )
    kind: ActorKind = Field(
        description=f"What sort of actor: {', '.join(get_args(ActorKind))}."
    )
    country: str | None = Field(
        None, pattern=r"^[A-Z]{3}$", description="ISO 3166-1 alpha-3 code (AZE, IRN, ISR, GBR …); colours follow it."
    )
    parent: ActorId | None = Field(
        None,
        description="Id of the actor this one belongs to (ministry → state). Timeline lanes group by the top of this chain.",
    )
    sources: list[SourceId] = Field(default_factory=list, description="Sources that name this actor.")
    note: str | None = None


SourceKind = Literal[
    "article", "news-agency-report", "broadcast", "official-statement", "reference", "dataset", "other"
]
Reliability = Literal["A", "B", "C", "D", "E", "F"]


class Source(Entry):
    """A document we read, or one that a document we read cites."""

    title: str
    kind: SourceKind = "article"
    publisher: str | None = Field(
        None, description="Who published it. Leave empty when the document does not say, and explain in note."
    )
    author: str | None = None
    url: HttpUrl | None = Field(
        None, description="http(s) only. Empty when we only hold a copy or only know of the source second-hand."
    )
    archive_url: HttpUrl | None = Field(None, description="Archived copy (e.g. web.archive.org), http(s) only.")
    local_copy: str | None = Field(
        None, description="Path of a copy held by the project, relative to the repository root."
    )
    sha256: str | None = Field(
        None, pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the local copy (Berkeley Protocol chain of custody)."
    )
    published: dt.date | None = None
    retrieved: dt.date | None = Field(None, description="When we read it. Empty when known only second-hand.")
    language: str = Field("en", description="BCP 47 language code of the text we read.")
    reliability: Reliability | None = Field(
        None,
        description=f"Admiralty source reliability: {describe(RELIABILITY_TEXT)}. Empty = not yet graded (a warning).",
    )
    reliability_note: str | None = Field(None, description="Why this grade.")
    second_hand: bool = Field(False, description="True when we know this source only because another one cites it.")
    note: str | None = None


PlaceKind = Literal[
    "airport", "school", "city", "town", "border-crossing", "region", "embassy", "building", "country", "river", "other"
]
GeoPrecision = Literal["exact", "near", "settlement", "region", "country"]
# A border crossing's status as the records give it; incidents.vocabulary.CROSSING_STATES says which are closed.
CrossingStatus = Literal["open", "closed", "closed to trucks", "closed to passengers", "restricted"]


class PlaceNames(Record):
    en: str
    az: str | None = None
    fa: str | None = None
    hy: str | None = None
    ru: str | None = None


class Place(Entry):
    """A located place. The radius says how well we know where it is."""

    names: PlaceNames = Field(
        description="Names by language: en (required), az, fa, hy, ru where known. Persian and Armenian keep their script."
    )
    kind: PlaceKind
    lat: Latitude = Field(description="WGS84 latitude in decimal degrees.")
    lon: Longitude = Field(description="WGS84 longitude in decimal degrees.")
    precision_m: int = Field(
        gt=0, le=2_000_000, description="Radius in metres within which the place lies. Drawn as a circle, not a pin."
    )
    geo_precision: GeoPrecision = Field(
        description="ACLED-style ladder: exact, near (within a few km of a known point), settlement, region (only the area is known), country."
    )
    country: str = Field(pattern=r"^[A-Z]{3}$", description="ISO alpha-3 code of the country it lies in.")
    admin1: str | None = Field(None, description="First-level area, e.g. 'Nakhchivan Autonomous Republic'.")
    admin2: str | None = None
    within: PlaceId | None = Field(None, description="Id of a larger place this one lies in, when only that is known.")
    status: CrossingStatus | None = Field(
        None, description="For crossings: current status from the records, e.g. 'closed to trucks'."
    )
    status_source: list[SourceId] = Field(default_factory=list, description="Sources for the status.")
    location_note: str | None = Field(
        None, description="How the coordinates were found and what is uncertain about them."
    )
    sources: list[SourceId] = Field(min_length=1, description="Sources for the place and its coordinates.")


class PlaceRole(Record):
    place: PlaceId
    role: Literal["impact", "target", "launch-claimed", "affected", "diplomatic", "border", "context"]
    note: str | None = None


class Casualties(Record):
    """One reporting source's figures, as a range (UCDP low/high)."""

    reported_by: ActorId | None = Field(None, description="Actor that gave the figure.")
    statement: StatementId | None = Field(None, description="Statement that carries the figure.")
    killed_min: int | None = Field(None, ge=0)
    killed_max: int | None = Field(None, ge=0)
    injured_min: int | None = Field(None, ge=0)
    injured_max: int | None = Field(None, ge=0)
    civilians: bool | None = Field(None, description="True when the source says the casualties are civilians.")
    sources: list[SourceId] = Field(min_length=1)
    note: str | None = None

    @model_validator(mode="after")
    def _ranges(self) -> Casualties:
        for low, high in ((self.killed_min, self.killed_max), (self.injured_min, self.injured_max)):
            if low is not None and high is not None and high < low:
                raise PydanticCustomError("range", "max {high} is below min {low}", {"low": low, "high": high})
        return self


AssessmentGrade = Literal["confirmed", "fair", "weak", "contested", "discounted"]


class Assessment(Record):
    """Airwars-style grading of the incident as a whole."""

    grade: AssessmentGrade = Field(
        description=f"{describe_in_brackets(ASSESSMENT_TEXT)}."
    )
    rationale: str
    assessed_on: dt.date
    assessed_by: str | None = Field(None, description="Curator or team.")


class Incident(Entry):
    title: str
    summary: str
    when: When
    places: list[PlaceRole] = Field(default_factory=list)
    event_type: str = Field(description="ACLED event type, e.g. 'Explosions/Remote violence'.")
    sub_event_type: str = Field(description="ACLED sub-event type, e.g. 'Air/drone strike'.")
    civilian_targeting: bool | None = Field(
        None, description="ACLED flag: civilians were the main target, per the claims. Empty when unknown."
    )
    casualties: list[Casualties] = Field(default_factory=list)
    assessment: Assessment
    tags: list[str] = Field(default_factory=list)
    sources: list[SourceId] = Field(min_length=1)
    first_published: dt.date = Field(description="When this record was first published by the project.")
    last_updated: dt.date = Field(description="When this record last changed.")


EventType = Literal[
    "launch",
    "interception",
    "impact",
    "crash",
    "damage",
    "injury",
    "diplomatic-withdrawal",
    "border-closure",
    "retaliation-order",
    "security-meeting",
    "other",
]
EventStatus = Literal["confirmed", "reported", "claimed", "disputed"]


class Event(Entry):
    """Something that happened (or is reported to have happened)."""

    title: str
    type: EventType
    when: When
    place: PlaceId | None = Field(None, description="Where it happened; empty when not located.")
    place_note: str | None = Field(None, description="What the sources say about the place, and what is unknown.")
    actors: list[ActorId] = Field(
        default_factory=list, description="Actors that carried it out, per the statements that report it."
    )
    reported_in: list[StatementId] = Field(
        default_factory=list,
        description="Statements that report it; the map tooltip names their speakers as claimants.",
    )
    status: EventStatus = Field(
        description="confirmed (independently or undisputed), reported (one side, undisputed), claimed (asserted by a party), disputed (denied by a party)."
    )
    description: str | None = None
    sources: list[SourceId] = Field(min_length=1)
    incident: IncidentId | None = Field(None, description="Filled from the file's incident when omitted.")


StatementKind = Literal["claim", "denial", "accusation", "alternative-explanation", "demand", "threat", "assurance"]
STATEMENT_KINDS: tuple[str, ...] = get_args(StatementKind)
StanceValue = Literal["asserts", "denies", "alternative"]


class Stance(Record):
    proposition: PropositionId
    stance: StanceValue = Field(description="asserts, denies, or alternative (offers another explanation).")
    note: str | None = None


class Statement(Entry):
    """What an actor said, when, through which channel, as carried by a chain of sources."""

    speaker: ActorId = Field(description="Actor who said it.")
    kind: StatementKind = Field(
        description=f"{', '.join(get_args(StatementKind))}."
    )
    when: When = Field(description="When it was said (not when it was reported), as precisely as known.")
    channel: str | None = Field(None, description="How it was said: 'statement', 'remarks at the Security Council', …")
    quote: str | None = Field(
        None,
        description="Verbatim words, exactly as the nearest source gives them. Empty when only a paraphrase exists.",
    )
    quote_language: str = Field("en", description="Language of the quote as given (BCP 47).")
    quote_is_translation: bool = Field(False, description="True when the quote is a translation of the original words.")
    paraphrase: str = Field(description="What was said, in neutral words.")
    via: list[SourceId] = Field(
        min_length=1,
        description="Chain of sources, nearest to the speaker first, ending with the document we read. 'Iran's suggestion via a BBC report via this article' = [bbc-report, article].",
    )
    credibility: int | None = Field(
        None,
        ge=1,
        le=6,
        description=f"Admiralty information credibility: {describe(CREDIBILITY_TEXT)}.",
    )
    credibility_note: str | None = None
    responds_to: list[StatementId] = Field(default_factory=list, description="Statements this one answers.")
    stances: list[Stance] = Field(default_factory=list, description="Positions taken on the incident's propositions.")
    incidents: list[IncidentId] = Field(
        default_factory=list, description="Incidents it concerns; the file's incident is added when omitted."
    )
    note: str | None = None


class Proposition(Entry):
    """A contested question within an incident; statements take stances on it."""

    text: str = Field(
        description="The proposition as a statement that can be asserted or denied, e.g. 'Iran launched the drones'."
    )
    question: str | None = Field(None, description="The question it answers, e.g. 'Who launched the drones?'.")
    topic: Literal["attribution", "target", "damage", "casualties", "intent", "responsibility", "response", "other"] = (
        "other"
    )
    note: str | None = None
    incident: IncidentId | None = Field(None, description="Filled from the file's incident when omitted.")


class Discrepancy(Entry):
    """An inconsistency or gap inside or between sources, recorded rather than resolved."""

    title: str
    kind: Literal["internal", "between-sources", "calendar", "gap", "geometry"] = Field(
        description="internal (one source contradicts itself), between-sources, calendar (a date and weekday disagree), gap (something the sources leave out), geometry (a figure the map data does not bear out)."
    )
    description: str
    concerns: list[RecordId] = Field(
        default_factory=list, description="Ids of the events, statements, places or sources it concerns."
    )
    sources: list[SourceId] = Field(min_length=1)
    handling: str | None = Field(
        None, description="What the records do about it (e.g. 'date kept as 5 March, precision widened')."
    )
    incident: IncidentId | None = Field(None, description="Filled from the file's incident when omitted.")


class ActorsFile(Record):
    actors: list[Actor]


class SourcesFile(Record):
    sources: list[Source]


class PlacesFile(Record):
    places: list[Place]


class IncidentFile(Record):
    incident: Incident
    events: list[Event] = Field(default_factory=list)
    statements: list[Statement] = Field(default_factory=list)
    propositions: list[Proposition] = Field(default_factory=list)
    discrepancies: list[Discrepancy] = Field(default_factory=list)

