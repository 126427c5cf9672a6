"""The record collections, declared once: their models, the file kind that holds them, and their references.

Everything is derived from the file models in `incidents.model.records`: a file kind's fields are the collections it
holds (`list[Event]` -> the `events` collection of Event), and the reference table comes from the `Ref` marks on the
models' id fields, nested models included (`stances.*.proposition`). The loader, the dataset, the docs, the exports
and the command line all read these tables, so adding a collection or a reference is one edit in the models.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from incidents.model.records import ActorsFile, Entry, IncidentFile, PlacesFile, Record, Ref, SourcesFile


@dataclass(frozen=True)
class FileKind:
    """A kind of record file: `<name>.yaml` in the data directory, or one file per record set in `directory`."""

    name: str
    model: type[Record]
    directory: str | None = None


@dataclass(frozen=True)
class Collection:
    """A record collection: `key` in its file and in references ('incident'), `name` on the dataset ('incidents')."""

    key: str
    name: str
    singular: str
    model: type[Entry]
    file_kind: str
    many: bool  # a list of records in its file; False for the one incident mapping of an incident file


# In load order: a file's records may refer to records of the files before it, and to their own file's.
FILE_KINDS: dict[str, FileKind] = {
    kind.name: kind
    for kind in (
        FileKind("actors", ActorsFile),
        FileKind("sources", SourcesFile),
        FileKind("places", PlacesFile),
        FileKind("incident", IncidentFile, directory="incidents"),
    )
}

# The one irregular plural: `incident` is a mapping in its file, `incidents` the collection of all files' incidents.
_PLURALS = {"incident": "incidents"}
_SINGULARS = {"discrepancies": "discrepancy", "incident": "incident"}


def _entry_model(annotation: Any) -> tuple[type[Entry], bool] | None:
    """(model, many) for a file model's field: `list[Event]` -> (Event, True), `Incident` -> (Incident, False)."""
    many = typing.get_origin(annotation) is list
    model = typing.get_args(annotation)[0] if many else annotation
    if isinstance(model, type) and issubclass(model, Entry):
        return model, many
    return None


def _collections() -> Iterator[Collection]:
    for kind in FILE_KINDS.values():
        for key, info in kind.model.model_fields.items():
            found = _entry_model(info.annotation)
            if found is None:
                raise TypeError(f"{kind.model.__name__}.{key} is not a collection of records")
            model, many = found
            name = _PLURALS.get(key, key)
            singular = _SINGULARS.get(key, key.removesuffix("s"))
            yield Collection(key, name, singular, model, kind.name, many)


COLLECTIONS: tuple[Collection, ...] = tuple(_collections())
BY_KEY: dict[str, Collection] = {c.key: c for c in COLLECTIONS}
BY_NAME: dict[str, Collection] = {c.name: c for c in COLLECTIONS}
BY_MODEL: dict[type[Entry], Collection] = {c.model: c for c in COLLECTIONS}


def file_collections(file_kind: str) -> tuple[Collection, ...]:
    """The collections a file kind holds, in the order of its fields."""
    return tuple(c for c in COLLECTIONS if c.file_kind == file_kind)


def _ref_in(metadata: Any) -> str | None:
    return next((m.target for m in metadata if isinstance(m, Ref)), None)


def _annotation_refs(annotation: Any, path: str) -> Iterator[tuple[str, str]]:
    """(dotted path, target) of the references inside one annotation: `X | None`, `list[X]`, nested models."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        target = _ref_in(annotation.__metadata__)
        if target is not None:
            yield path, target
            return
        yield from _annotation_refs(typing.get_args(annotation)[0], path)
    elif origin is list:
        (item,) = typing.get_args(annotation)
        # A list of ids is one path (its ids are walked by the loader); a list of models walks each item.
        item_path = f"{path}.*" if _is_model(_unwrap(item)) else path
        yield from _annotation_refs(item, item_path)
    elif origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            yield from _annotation_refs(arg, path)
    elif _is_model(annotation):
        yield from model_references(annotation, f"{path}.")


def _unwrap(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def model_references(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(dotted field path, target collection key) of every reference in a model; '*' in a path walks a list."""
    for name, info in model.model_fields.items():
        # Pydantic moves the marks of a plain `Annotated[...]` field into `metadata`; in `X | None` they stay put.
        target = _ref_in(info.metadata)
        if target is not None:
            yield prefix + name, target
        else:
            yield from _annotation_refs(info.annotation, prefix + name)


REFERENCES: dict[str, tuple[tuple[str, str], ...]] = {c.key: tuple(model_references(c.model)) for c in COLLECTIONS}
