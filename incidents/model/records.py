"""Record models for the incident monitor (pydantic v2).

Vocabularies follow ACLED (event types, precision), UCDP (casualty ranges),
Airwars (assessment grades) and the Admiralty code (source reliability A-F,
information credibility 1-6). Field descriptions feed `data/README.md`; those that list a vocabulary are written
from `incidents.model.vocabulary`. Ids, references and checked values live in `incidents.model.fields`.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from incidents.model.evidence import (
    Affiliation,
    AssessmentGrade,
    Basis,
    EarlierAssessment,
    Figure,
    GradeChange,
    Quantity,
    Quote,
    Reliability,
    Stance,
    Voice,
)
from incidents.model.fields import (
    ANY_RECORD,
    ActorId,
    DiscrepancyId,
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
from incidents.model.vocabulary import (
    ASSESSMENT_TEXT,
    BASIS_TEXT,
    CREDIBILITY_TEXT,
    DISCREPANCY_STATUS_TEXT,
    INCIDENT_KIND_TEXT,
    RELIABILITY_TEXT,
    IncidentKind,
    describe,
    describe_in_brackets,
)
from incidents.model.when import TIME_PRECISIONS, TimePrecision, When

# Re-exported: the rest of the project imports the record types from here.
__all__ = ["ANY_RECORD", "TIME_PRECISIONS", "Entry", "Id", "Record", "Ref", "Stance", "TimePrecision", "When"]


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
    archive: str | None = Field(None, pattern=r"^sha256:[0-9a-f]{64}$", description="The page as we archived it (`python -m incidents archive URL --source ID`): `sha256:` and the SHA-256 of its raw bytes, kept with its main text in the archive directory outside the repository (`INCIDENTS_ARCHIVE_DIR`); the repository keeps only this hash, and `check-quotes` reads the archived text first.")
    published: dt.date | None = None
    published_at: dt.datetime | None = Field(
        None, description="Publication date and time with its UTC offset, where the page shows a time (e.g. 2026-03-05T12:41:00+04:00)."
    )
    retrieved: dt.date | None = Field(None, description="When we read it. Empty when known only second-hand.")
    language: str = Field("en", description="BCP 47 language code of the text we read.")
    reliability: Reliability | None = Field(
        None,
        description=f"Admiralty source reliability: {describe(RELIABILITY_TEXT)}. Empty = not yet graded (a warning).",
    )
    reliability_note: str | None = Field(None, description="Why this grade.")
    graded_on: dt.date | None = Field(None, description="When the grade was given (or last revised).")
    earlier_grades: list[GradeChange] = Field(default_factory=list, description="Grades it had before, oldest first.")
    republishes: list[SourceId] = Field(
        default_factory=list,
        description="Sources whose text this one carries as is (an outlet printing an agency's story): not independent.",
    )
    rewrites: list[SourceId] = Field(
        default_factory=list,
        description="Sources this one rewrites, with changes or additions of its own: not independent of them.",
    )
    second_hand: bool = Field(False, description="True when we know this source only because another one cites it.")
    affiliation: Affiliation | None = Field(
        None,
        description="How its outlet stands to the governments (aligned with a party, independent, or not settled), "
        "with our reason and the references that assess it. Give it on every source of an outlet; empty for pages "
        "that are no outlet's reporting (reference works).",
    )
    retrieval_note: str | None = Field(
        None, description="How we read it: where the stored copy is and how to find it again (e.g. the search query)."
    )
    note: str | None = None


PlaceKind = Literal[
    "airport", "school", "city", "town", "border-crossing", "region", "embassy", "building", "country", "river", "other"
]
GeoPrecision = Literal["exact", "near", "settlement", "region", "country"]
# A border crossing's status as the records give it; incidents.model.vocabulary.CROSSING_STATES says which are closed.
CrossingStatus = Literal["open", "closed", "closed to trucks", "closed to passengers", "restricted"]


class PlaceNames(Record):
    en: str
    az: str | None = None
    fa: str | None = None
    hy: str | None = None
    ru: str | None = None


class StatusChange(Record):
    """A crossing's status from a moment on, as its sources give it."""

    status: CrossingStatus
    when: When = Field(description="From when the status held, as precisely as the sources give it.")
    sources: list[SourceId] = Field(min_length=1, description="Sources that report the status.")
    note: str | None = None


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
    status_changes: list[StatusChange] = Field(
        default_factory=list,
        description="For crossings: the status over time, oldest first, each from its sources ('closed to trucks' from 5 March).",
    )
    location_note: str | None = Field(
        None, description="How the coordinates were found and what is uncertain about them."
    )
    sources: list[SourceId] = Field(min_length=1, description="Sources for the place and its coordinates.")


class PlaceRole(Record):
    place: PlaceId
    role: Literal["impact", "target", "launch-claimed", "affected", "diplomatic", "border", "context"]
    note: str | None = None


class Assessment(Record):
    """Airwars-style grading of the incident as a whole."""

    grade: AssessmentGrade = Field(
        description=f"{describe_in_brackets(ASSESSMENT_TEXT)}."
    )
    rationale: str
    assessed_on: dt.date
    assessed_by: str | None = Field(None, description="Curator or team.")
    earlier: list[EarlierAssessment] = Field(
        default_factory=list, description="Earlier versions of this assessment, oldest first: a revision keeps them."
    )


class Incident(Entry):
    title: str
    short_title: str | None = Field(None, description="A few words for the index and charts: 'Nakhchivan drone strike'.")
    kind: IncidentKind | None = Field(None, description=f"What sort of incident: {describe_in_brackets(INCIDENT_KIND_TEXT)}. Empty: read from `sub_event_type` (an air/drone strike or shelling is a strike, arrests a detention), else other.")
    summary: str
    when: When
    places: list[PlaceRole] = Field(default_factory=list)
    event_type: str = Field(description="ACLED event type, e.g. 'Explosions/Remote violence'.")
    sub_event_type: str = Field(description="ACLED sub-event type, e.g. 'Air/drone strike'.")
    civilian_targeting: bool | None = Field(None, description="ACLED flag: civilians were the main target, per the claims. Empty when unknown.")
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
    incident: IncidentId | None = Field(None, description="The incident it belongs to.")


StatementKind = Literal["claim", "denial", "accusation", "alternative-explanation", "demand", "threat", "assurance"]
STATEMENT_KINDS: tuple[str, ...] = get_args(StatementKind)
class Statement(Entry):
    """What was said, by whom, when, through which channel, as carried by a chain of sources."""

    voice: Voice = Field(
        "named",
        description="Who speaks: named (a named actor, `speaker`), publication (the page's own voice: no speaker), unnamed (unnamed sources; `unnamed_reason` says why; `speaker` is the party they speak for, when the page says).",
    )
    speaker: ActorId | None = Field(None, description="Actor who said it. Required for a named voice.")
    unnamed_as: str | None = Field(None, description="How the page refers to unnamed speakers: 'officials', 'reports'.")
    unnamed_reason: str | None = Field(None, description="Why the speakers are unnamed (what the page says, or that it says nothing).")
    kind: StatementKind = Field(
        description=f"{', '.join(get_args(StatementKind))}."
    )
    when: When = Field(description="When it was said (not when it was reported), as precisely as known.")
    channel: str | None = Field(None, description="How it was said: 'statement', 'remarks at the Security Council', …")
    quotes: list[Quote] = Field(
        default_factory=list,
        description="Fragments the page prints as quotations, each in its language (with our translation). Empty when only a paraphrase exists.",
    )
    paraphrase: str = Field(description="What was said, in neutral words (ours).")
    via: list[SourceId] = Field(
        min_length=1,
        description="Chain of sources, nearest to the speaker first, ending with the document we read. 'Iran's suggestion via a BBC report via this article' = [bbc-report, article].",
    )
    carried_by: list[SourceId] = Field(
        default_factory=list,
        description="Other documents that print the same statement. They carry it; they do not corroborate it.",
    )
    basis: Basis | None = Field(
        None,
        description=f"For the publication's own voice only, how it knows: {describe_in_brackets(BASIS_TEXT)}. "
        "Only `observed` reporting from an outlet aligned with no party corroborates.",
    )
    restates: list[StatementId] = Field(default_factory=list, description="With basis restates: the statements it restates.")
    restates_speaker: ActorId | None = Field(
        None, description="With basis `restates`: whose statement it restates, when we do not hold that statement."
    )
    basis_note: str | None = Field(None, description="What the page says about how it knows (its attribution line).")
    credibility: int | None = Field(
        None,
        ge=1,
        le=6,
        description=f"Admiralty information credibility: {describe(CREDIBILITY_TEXT)}.",
    )
    credibility_note: str | None = None
    responds_to: list[StatementId] = Field(default_factory=list, description="Statements this one answers.")
    stances: list[Stance] = Field(default_factory=list, description="Positions taken on propositions.")
    figures: list[Figure] = Field(default_factory=list, description="Values the statement gives for quantities.")
    incidents: list[IncidentId] = Field(default_factory=list, description="The incidents it concerns (named, never implied by the file).")
    note: str | None = None

    @model_validator(mode="after")
    def _speaker_fits_voice(self) -> Statement:
        if self.voice == "named" and self.speaker is None:
            raise PydanticCustomError("voice", "a named voice needs a speaker", {})
        if self.voice == "publication" and self.speaker is not None:
            raise PydanticCustomError("voice", "the publication's own voice has no speaker; use voice: named", {})
        if self.voice == "unnamed" and not self.unnamed_reason:
            raise PydanticCustomError("voice", "unnamed speakers need unnamed_reason", {})
        if self.basis is not None and self.voice != "publication":
            raise PydanticCustomError("basis_value", "basis is for the publication's own voice only", {})
        if (self.restates or self.restates_speaker) and self.basis != "restates":
            raise PydanticCustomError("basis_value", "restates and restates_speaker go with basis: restates", {})
        return self

    @property
    def quote(self) -> str | None:
        """The first quoted fragment's words, for one-line displays."""
        return self.quotes[0].text if self.quotes else None


class Proposition(Entry):
    """A contested question within an incident; statements take stances on it."""

    text: str = Field(description="The proposition as a statement that can be asserted or denied, e.g. 'Iran launched the drones'.")
    question: str | None = Field(None, description="The question it answers, e.g. 'Who launched the drones?'.")
    topic: Literal["attribution", "target", "damage", "casualties", "intent", "responsibility", "response", "other"] = "other"
    excludes: list[PropositionId] = Field(
        default_factory=list,
        description="Propositions that cannot be true together with this one (a false flag excludes 'Iran launched the drones'; an assurance excludes the accusation it answers). A stance for either counts against the other.",
    )
    answers: list[PropositionId] = Field(
        default_factory=list,
        description="Propositions this one answers without excluding them (an assurance answering an accusation): a stance for this one counts against those, one way.",
    )
    against: list[ActorId] = Field(
        default_factory=list,
        description="The parties it accuses or holds responsible. It counts as established by acceptance only when one of them asserts it.",
    )
    states: list[Quantity] = Field(
        default_factory=list,
        description="The quantities it states a value for ('Four people were injured': injured). While the givers of "
        "such a figure disagree, it is not established.",
    )
    recurs_as: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", description="A key shared by propositions of different incidents that say the same thing ('israeli-presence', 'mission-attacked', 'border-closed'): the patterns page lists them as one recurring proposition. Only this key groups them, never similar wording.")
    note: str | None = None
    incident: IncidentId | None = Field(None, description="The incident it belongs to.")


DiscrepancyStatus = Literal["open", "resolved", "superseded"]


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
    recorded_on: dt.date | None = Field(None, description="When we recorded it.")
    status: DiscrepancyStatus = Field("open", description=f"{describe_in_brackets(DISCREPANCY_STATUS_TEXT)}.")
    resolved_by: list[SourceId] = Field(default_factory=list, description="The sources that settle it (status resolved).")
    resolved_on: dt.date | None = Field(None, description="When it was settled.")
    superseded_by: DiscrepancyId | None = Field(None, description="The discrepancy that replaces it (status superseded).")
    incident: IncidentId | None = Field(None, description="The incident it belongs to.")

    @model_validator(mode="after")
    def _status_complete(self) -> Discrepancy:
        if self.status == "resolved" and not (self.resolved_by and self.resolved_on):
            raise PydanticCustomError("status", "a resolved discrepancy names resolved_by and resolved_on", {})
        if self.status == "superseded" and not self.superseded_by:
            raise PydanticCustomError("status", "a superseded discrepancy names superseded_by", {})
        return self


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

