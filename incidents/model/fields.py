"""The building blocks of the record models: the base classes, ids and the references they make, checked values.

A reference is an id field marked with `Ref` (`ActorId = Annotated[Id, Ref("actors")]`); `incidents.model.registry`
derives the table of references from these marks, so the models are the one place references are declared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal
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


# The field-name sets that models share (`Record._share_layouts`), by content. Bounded: a hostile file could give
# each record its own combination of optional fields, and past this many a model keeps its own set.
MAX_SHARED_FIELD_SETS = 4096
_SHARED_FIELD_SETS: dict[frozenset[str], set[str]] = {}
# Per model class: an instance dictionary holding its field names, made by CPython as one whose keys the class's
# instances share (a "split" dictionary: each copy holds only its values). One per class, so bounded by the code.
_KEY_SHARING: dict[type, dict[str, Any]] = {}


def _key_sharing_dict(cls: type) -> dict[str, Any]:
    """The class's template: the dictionary of a bare instance (CPython gives it the class's shared keys), its
    field names set in order."""
    template = _KEY_SHARING.get(cls)
    if template is None:
        template = object.__new__(cls).__dict__
        for name in getattr(cls, "__pydantic_fields__", ()):
            template[name] = None
        template = _KEY_SHARING.setdefault(cls, template)
    return template


class Record(BaseModel):
    """Base for every record: unknown fields are errors, so typos surface."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @model_validator(mode="after")
    def _share_layouts(self) -> Record:
        """Point the model at what pydantic makes per model and models can share: one set of the field names it was
        given, and a dictionary whose keys it shares with the other models of its class. One method, inlined: it
        runs for each of the 174,337 models of a load at 1,000 incidents.

        The sets: pydantic makes one per model, and such a load has only 36 different ones, which took 60 MB.
        Bounded (`MAX_SHARED_FIELD_SETS`): a hostile file giving each record its own combination of fields only
        makes the models past the bound keep their own. Safe to share: the models are frozen, and pydantic copies
        the set before `model_copy(update=...)` adds to it.

        The dictionaries: pydantic makes an ordinary one per model, holding its own copy of the keys (a statement's
        takes 464 bytes); a copy of the class's key-sharing template holds only the values (192-288 bytes), which
        saved 32 MB of a restored server's 478 (bench/PROFILE.md, eighteenth pass). Only when the model holds
        exactly its class's fields, as pydantic makes them; a dictionary is a dictionary either way, only its
        memory differs.

        Both are replaced as each model is made, not after the load: the memory just freed is the same size as
        the next model's, so it is reused instead of left between live objects."""
        own = self.__pydantic_fields_set__
        key = frozenset(own)
        shared = _SHARED_FIELD_SETS.get(key)
        if shared is None and len(_SHARED_FIELD_SETS) < MAX_SHARED_FIELD_SETS:
            shared = _SHARED_FIELD_SETS.setdefault(key, own)
        if shared is not None:
            object.__setattr__(self, "__pydantic_fields_set__", shared)  # frozen: pydantic's own setattr refuses
        values = self.__dict__
        template = _KEY_SHARING.get(type(self)) or _key_sharing_dict(type(self))
        if values.keys() == template.keys():
            compact = template.copy()  # CPython copies a key-sharing dictionary as one
            compact.update(values)
            object.__setattr__(self, "__dict__", compact)
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
