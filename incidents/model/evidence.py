"""The evidence model's parts: stances and their strength, quoted fragments, figures, grade and assessment history.

Kept apart from `incidents.model.records` so that the record models stay readable; the models compose these.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from incidents.model.fields import ActorId, PropositionId, Record, SourceId
from incidents.model.vocabulary import (
    AFFILIATION_TEXT,
    ALIGNED_KINDS,
    ASSESSMENT_TEXT,
    QUANTITY_TEXT,
    RELIABILITY_TEXT,
    STANCE_STRENGTH_TEXT,
    describe,
    describe_in_brackets,
)

StanceValue = Literal["asserts", "suggests", "implies", "denies", "doubts", "declines"]
STANCE_VALUES: tuple[str, ...] = get_args(StanceValue)
Voice = Literal["named", "publication", "unnamed"]
Quantity = Literal[
    "killed",
    "injured",
    "drones-fired",
    "drones-intercepted",
    "trucks-waiting",
    "diplomats-evacuated",
    "passengers-diverted",
    "aid-tonnes",
    "other",
]
Reliability = Literal["A", "B", "C", "D", "E", "F"]
Basis = Literal["observed", "restates", "unattributed"]
BASIS_VALUES: tuple[str, ...] = get_args(Basis)
AffiliationKind = Literal["state-owned", "state-controlled", "government-aligned", "independent", "unsettled"]
AFFILIATION_KINDS: tuple[str, ...] = get_args(AffiliationKind)
AssessmentGrade = Literal["confirmed", "fair", "weak", "contested", "discounted"]


class Stance(Record):
    """A statement's position on one proposition, with its strength."""

    proposition: PropositionId
    stance: StanceValue = Field(
        description=f"{describe_in_brackets(STANCE_STRENGTH_TEXT)}. Only `asserts` is a full assertion."
    )
    note: str | None = None


class Quote(Record):
    """Words the page prints as a quotation, in the language it prints them."""

    text: str = Field(description="Exactly as printed, in its language and script.")
    language: str = Field("en", description="BCP 47 code of the words as printed.")
    translation: str | None = Field(
        None, description="Our English translation, when the words are not English (always ours, marked as such)."
    )
    printed_as_translation: bool = Field(
        False, description="True when the page itself prints a translation of words said in another language."
    )
    source: SourceId | None = Field(None, description="The document that prints it, when not the statement's last `via`.")


class Figure(Record):
    """A value a statement puts on a quantity, at the time it was given. Never summed or averaged."""

    quantity: Quantity = Field(description=f"{describe_in_brackets(QUANTITY_TEXT)}.")
    value: float | None = Field(None, ge=0, description="The figure, when one number is given.")
    low: float | None = Field(None, ge=0, description="The low end, when a range ('two to four') is given.")
    high: float | None = Field(None, ge=0, description="The high end of the range.")
    item: str | None = Field(
        None,
        description="What exactly it counts, in a few words: required for quantity `other` ('flights planned'), and "
        "for each of several values one statement gives for one quantity ('flour', 'rice'): those are separate items, "
        "never revisions of each other.",
    )
    as_of: dt.datetime | dt.date | None = Field(
        None, description="When the figure was given (ISO datetime with offset); the statement's time when empty."
    )
    civilians: bool | None = Field(None, description="True when the speaker says they are civilians.")
    note: str | None = None

    @model_validator(mode="after")
    def _value_or_range(self) -> Figure:
        has_range = self.low is not None or self.high is not None
        if (self.value is None) == (not has_range) or (has_range and (self.low is None or self.high is None)):
            raise PydanticCustomError(
                "figure_value", "give either value, or both low and high (a range), not both and not neither", {}
            )
        if self.low is not None and self.high is not None and self.high < self.low:
            raise PydanticCustomError("figure_value", "high {high} is below low {low}", {"low": self.low, "high": self.high})
        if self.quantity == "other" and not self.item:
            raise PydanticCustomError("figure_value", "quantity other needs `item`: what it counts, in a few words", {})
        return self

    @property
    def name(self) -> str:
        """The quantity's own name: 'injured', 'aid-tonnes: flour', 'flights planned' (an `other` is its item)."""
        if self.quantity == "other":
            return self.item or "other"
        return f"{self.quantity}: {self.item}" if self.item else self.quantity

    def label(self) -> str:
        """'4', or '2–4'; whole numbers without a decimal point."""

        def number(x: float) -> str:
            return str(int(x)) if float(x).is_integer() else f"{x:g}"

        if self.value is not None:
            return number(self.value)
        return f"{number(self.low or 0)}–{number(self.high or 0)}"


class GradeChange(Record):
    """An earlier reliability grade of a source, kept when it is re-graded."""

    reliability: Reliability = Field(description=f"{describe(RELIABILITY_TEXT)}.")
    graded_on: dt.date
    note: str | None = Field(None, description="Why it was graded so then.")


class EarlierAssessment(Record):
    """An earlier version of an incident's assessment, kept when it is revised."""

    grade: AssessmentGrade = Field(description=f"{describe_in_brackets(ASSESSMENT_TEXT)}.")
    rationale: str
    assessed_on: dt.date
    assessed_by: str | None = None


class Affiliation(Record):
    """How an outlet stands to the governments: aligned with a party (its unattributed reporting is that party's
    voice, never corroboration), independent of them, or not settled. Always with our reason and, for an aligned
    outlet, the reference records that assess it."""

    kind: AffiliationKind = Field(description=f"{describe_in_brackets(AFFILIATION_TEXT)}.")
    party: ActorId | None = Field(
        None, description="The party it is aligned with (a state actor: aze, irn, rus, tur). Only for an aligned kind."
    )
    reason: str | None = Field(None, description="Why, in our words (required): what the cited pages say, or what is missing.")
    references: list[SourceId] = Field(
        default_factory=list,
        description="Ids of the source records (kind: reference) of the pages that assess the outlet: a press-freedom "
        "monitor's page, a media-ownership register, the outlet's own about page. Required for an aligned kind.",
    )
    assessed_on: dt.date | None = Field(None, description="When we settled it.")

    @model_validator(mode="after")
    def _complete(self) -> Affiliation:
        if not self.reason:
            raise PydanticCustomError("affiliation", "an affiliation needs a reason (our words: why)", {})
        if self.kind in ALIGNED_KINDS and (self.party is None or not self.references):
            raise PydanticCustomError(
                "affiliation", "an aligned outlet ({kind}) names its party and the references that assess it", {"kind": self.kind}
            )
        if self.kind not in ALIGNED_KINDS and self.party is not None:
            raise PydanticCustomError(
                "affiliation", "party is only for an aligned outlet, not for one that is {kind}", {"kind": self.kind}
            )
        return self

    @property
    def aligned(self) -> bool:
        return self.kind in ALIGNED_KINDS
