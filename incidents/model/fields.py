"""The building blocks of the record models: the base classes, ids and the references they make, checked values.

A reference is an id field marked with `Ref` (`ActorId = Annotated[Id, Ref("actors")]`); `incidents.model.registry`
derives the table of references from these marks, so the models are the one place references are declared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Literal
from urllib.parse import urlparse

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
Id = Annotated[
    str,
    Field(
        pattern=ID_PATTERN,
        description="Stable id: lower-case letters, digits and hyphens. Used in links, so keep it short.",
    ),
]


@dataclass(frozen=True)
class Ref:
    """Marks an id field as a reference to a record collection (its key in the files: 'actors', 'incident');
    '*' accepts a record of any kind. `incidents.model.registry` derives the reference table from these marks."""

    target: str


ANY_RECORD = "*"
ActorId = Annotated[Id, Ref("actors")]
SourceId = Annotated[Id, Ref("sources")]
PlaceId = Annotated[Id, Ref("places")]
IncidentId = Annotated[Id, Ref("incident")]
StatementId = Annotated[Id, Ref("statements")]
PropositionId = Annotated[Id, Ref("propositions")]
DiscrepancyId = Annotated[Id, Ref("discrepancies")]
RecordId = Annotated[Id, Ref(ANY_RECORD)]


def _http_url(value: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise PydanticCustomError("bad_url", "URL must be http(s) with a host, got '{value}'", {"value": value[:80]})
    return value


HttpUrl = Annotated[str, AfterValidator(_http_url)]


def _latitude(value: float) -> float:
    if not -90 <= value <= 90:
        raise PydanticCustomError("coord_range", "latitude {value} is outside -90..90", {"value": value})
    return value


def _longitude(value: float) -> float:
    if not -180 <= value <= 180:
        raise PydanticCustomError("coord_range", "longitude {value} is outside -180..180", {"value": value})
    return value


Latitude = Annotated[float, AfterValidator(_latitude)]
Longitude = Annotated[float, AfterValidator(_longitude)]


# The field-name sets that models share (`Record._share_fields_set`), by content. Bounded: a hostile file could give
# each record its own combination of optional fields, and past this many a model keeps its own set.
MAX_SHARED_FIELD_SETS = 4096
_SHARED_FIELD_SETS: dict[frozenset[str], set[str]] = {}


class Record(BaseModel):
    """Base for every record: unknown fields are errors, so typos surface."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @model_validator(mode="after")
    def _share_fields_set(self) -> Record:
        """Point the model at one shared set of the field names it was given (pydantic makes a set per model).

        A load at 1,000 incidents makes 174,337 models with only 36 different sets, which took 60 MB. Replaced as
        each model is made, the set just freed is reused by the next model's, so the memory is saved (62 MB of a
        restored server's 415); replaced after the load, the freed blocks sat between live ones and 8 MB were
        (bench/PROFILE.md, sixteenth and seventeenth passes). Safe to share: the models are frozen, and pydantic
        copies the set before `model_copy(update=...)` adds to it."""
        own = self.__pydantic_fields_set__
        key = frozenset(own)
        shared = _SHARED_FIELD_SETS.get(key)
        if shared is None:
            if len(_SHARED_FIELD_SETS) >= MAX_SHARED_FIELD_SETS:
                return self
            shared = _SHARED_FIELD_SETS.setdefault(key, own)
        object.__setattr__(self, "__pydantic_fields_set__", shared)  # frozen: pydantic's own setattr refuses
        return self


# The one marker of a value still to be written (`new` fills skeletons with it; the validator warns where it is left).
PLACEHOLDER = "TODO"
PLACEHOLDER_PATTERN = re.compile(rf"\b{PLACEHOLDER}\b")


def placeholder(what: str) -> str:
    """A placeholder value that says what belongs there: 'TODO: what was said, in our words'."""
    return f"{PLACEHOLDER}: {what}"


# Where a record stands in review; only `published` records are shown by the hosted instance.
ReviewState = Literal["draft", "in-review", "published"]
REVIEW_STATES: tuple[str, ...] = ("draft", "in-review", "published")
REVIEW_KEY = "review"  # the field on a record, and the top-level key that sets it for a whole file


class Entry(Record):
    """A record of a collection: it has an id, unique across all kinds, by which other records refer to it."""

    id: Id
    review: ReviewState = Field(
        "published",
        description="Review state: draft, in-review or published. Hosted instances show only published records; "
        "a file's top-level `review` sets it for every record in the file that has none.",
    )
