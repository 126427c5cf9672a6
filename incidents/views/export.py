"""Exports of exactly the records a filter selects: CSV tables (zipped), JSON, GeoJSON.

Pure functions of (dataset, filter): no Streamlit here, so the sidebar can build them lazily on click
and tests can check them byte for byte. The same data and filter always give the same bytes (no
timestamps), and every export carries the filter and the data version in its metadata and file name.

What an export holds (`select`):
- incidents, events, statements, places: the filtered view (`apply_filter`), as the pages show it;
- actors, sources, propositions: those the selected records refer to (actors with their parent chain),
  so every id in the export can be looked up in it;
- discrepancies: those of the selected incidents that concern a selected record (or the incident itself).
`incident` and `rec` are selections in the app (they highlight); they do not narrow an export.
"""

from __future__ import annotations

import csv
import io
import json
import types
import typing
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel

from incidents.model.dataset import Dataset
from incidents.model.records import Entry, Event, Place
from incidents.model.registry import BY_MODEL, BY_NAME, COLLECTIONS
from incidents.text import spreadsheet_safe
from incidents.views.filtering import FilterValue, View, apply_filter
from incidents.views.urlstate import query_string, to_params

TITLE = "Azerbaijan–Iran Incident Monitor"
LIST_SEPARATOR = "; "
# Fixed timestamp for zip members, so the same export is the same bytes.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
EntryT = TypeVar("EntryT", bound=Entry)


@dataclass(frozen=True)
class ExportFile:
    """A finished export: what `st.download_button` needs."""

    name: str
    data: bytes
    mime: str


@dataclass(frozen=True)
class Selection:
    """Every record an export holds, by collection name ('incidents'), in a stable order."""

    records: dict[str, Sequence[Entry]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = set(self.records) - set(BY_NAME)
        if unknown:
            raise KeyError(f"not record collections: {sorted(unknown)}")

    def collections(self) -> Iterator[tuple[str, Sequence[Entry]]]:
        """(collection name, records) of every collection, in the registry's order (empty ones too)."""
        for collection in COLLECTIONS:
            yield collection.name, self.records.get(collection.name, [])

    def counts(self) -> dict[str, int]:
        return {name: len(records) for name, records in self.collections()}

    def of(self, model: type[EntryT]) -> list[EntryT]:
        """The selected records of one model's collection, typed: `selection.of(Place)`."""
        return [r for r in self.records.get(BY_MODEL[model].name, []) if isinstance(r, model)]


def select(dataset: Dataset, view: View) -> Selection:
    """The view's records plus the records they refer to (see the module docstring)."""
    incidents, events, statements, places = view.incidents, view.events, view.statements, view.places

    actor_ids: set[str] = set()
    for event in events:
        actor_ids.update(event.actors)
    actor_ids.update(statement.speaker for statement in statements if statement.speaker)
    # Parents too: the actor filter and the timeline lanes work through the hierarchy.
    actor_ids.update(parent for actor_id in list(actor_ids) for parent in dataset.actor_index.ancestors(actor_id))
    actors = [a for a in dataset.actors.values() if a.id in actor_ids]

    proposition_ids = {stance.proposition for s in statements for stance in s.stances}
    propositions = [p for p in dataset.propositions.values() if p.id in proposition_ids]

    incident_ids = {i.id for i in incidents}
    selected_ids = incident_ids | {r.id for r in (*events, *statements, *places)}
    discrepancies = [
        d
        for d in dataset.discrepancies.values()
        if (d.incident is None or d.incident in incident_ids)
        and (selected_ids.intersection(d.concerns) if d.concerns else d.incident in incident_ids)
    ]

    source_ids: set[str] = set()
    for incident in incidents:
        source_ids.update(incident.sources)
    for event in events:
        source_ids.update(event.sources)
    for statement in statements:
        source_ids.update(statement.via)
        source_ids.update(statement.carried_by)
        source_ids.update(q.source for q in statement.quotes if q.source)
    for place in places:
        source_ids.update(place.sources)
        source_ids.update(place.status_source)
    for actor in actors:
        source_ids.update(actor.sources)
    for discrepancy in discrepancies:
        source_ids.update(discrepancy.sources)
    sources = [s for s in dataset.sources.values() if s.id in source_ids]

    return Selection(
        {
            "actors": actors,
            "sources": sources,
            "places": list(places),
            "incidents": list(incidents),
            "events": list(events),
            "statements": list(statements),
            "propositions": propositions,
            "discrepancies": discrepancies,
        }
    )


def file_stem(dataset: Dataset, value: FilterValue) -> str:
    """`incidents_<version>_<from>_<to>`: the data version and date range are visible in the file name."""
    version = dataset.version or "unversioned"
    start = value.date_from.isoformat() if value.date_from else "start"
    end = value.date_to.isoformat() if value.date_to else "end"
    return f"incidents_{version}_{start}_{end}"


def metadata(dataset: Dataset, value: FilterValue, selection: Selection, link: str | None = None) -> dict[str, Any]:
    """What an export says about itself: the filter (text and query parameters), the data version, the counts."""
    params = to_params(value)
    meta: dict[str, Any] = {
        "title": f"{TITLE}: records selected by a filter",
        "data_version": dataset.version,
        "filter": value.describe(),
        "query": params,
        "query_string": query_string(params),
        "counts": selection.counts(),
        "note": (
            "incident and rec in the query are selections in the app (they highlight a record); "
            "they do not narrow the export. Actors, sources and propositions are those the selected records "
            "refer to; actors include their parent bodies."
        ),
    }
    if dataset.last_updated:
        meta["data_last_updated"] = dataset.last_updated.isoformat()
    if link:
        meta["link"] = link
    return meta


def _prepare(
    dataset: Dataset, value: FilterValue, view: View | None, link: str | None
) -> tuple[Selection, dict[str, Any]]:
    selection = select(dataset, view if view is not None else apply_filter(dataset, value))
    return selection, metadata(dataset, value, selection, link)


def _dump(record: BaseModel) -> dict[str, Any]:
    """A record as written in the YAML: the validated fields, empty ones left out."""
    return record.model_dump(mode="json", exclude_none=True)


def _dumps(obj: Any) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- JSON ---------------------------------------------------------------------------------------------------------


def to_json(dataset: Dataset, value: FilterValue, view: View | None = None, link: str | None = None) -> ExportFile:
    """`{"metadata": …, "actors": […], "sources": […], …}`: one list per record collection, each record as in the
    YAML (`model_dump(mode="json", exclude_none=True)`), so it validates back through the same models."""
    selection, meta = _prepare(dataset, value, view, link)
    document: dict[str, Any] = {"metadata": meta}
    for name, records in selection.collections():
        document[name] = [_dump(record) for record in records]
    return ExportFile(f"{file_stem(dataset, value)}.json", _dumps(document), "application/json")


# --- CSV ----------------------------------------------------------------------------------------------------------


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The model class in `Model` or `Model | None`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        models = [a for a in typing.get_args(annotation) if isinstance(a, type) and issubclass(a, BaseModel)]
        return models[0] if len(models) == 1 else None
    return None


def _list_model(annotation: Any) -> type[BaseModel] | None:
    """The model class in `list[Model]` (a child table)."""
    if typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation)
        return _model_of(item)
    return None


def _is_mapping(annotation: Any) -> bool:
    return typing.get_origin(annotation) is dict


def _template(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Columns a model always has: nested models become `parent_field`, child lists are left to their own table."""
    columns: list[str] = []
    for name, info in model.model_fields.items():
        nested = _model_of(info.annotation)
        if nested is not None:
            columns += _template(nested, f"{prefix}{name}_")
        elif _list_model(info.annotation) is None and not _is_mapping(info.annotation):
            columns.append(prefix + name)
    return columns


def _cell(value: Any) -> str:
    """One CSV cell: lists joined, booleans as true/false, text guarded against spreadsheet formulas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(_cell(item) for item in value)
    if isinstance(value, str):
        return spreadsheet_safe(value)
    return str(value)


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested mappings become `parent_key` columns; lists of mappings are not expected here (child tables)."""
    flat: dict[str, Any] = {}
    for key, item in data.items():
        if isinstance(item, dict):
            flat.update(_flatten(item, f"{prefix}{key}_"))
        else:
            flat[prefix + key] = item
    return flat


@dataclass
class _Table:
    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(self, row: dict[str, Any]) -> None:
        for column in row:
            if column not in self.columns:
                self.columns.append(column)
        self.rows.append(row)


def csv_tables(selection: Selection) -> dict[str, tuple[list[str], list[dict[str, Any]]]]:
    """Table name -> (columns, rows of JSON values). One table per collection, plus one per list of sub-records
    (`incident_places`, `statement_stances`, `statement_quotes`, `statement_figures`, …) with the parent's id in its
    first column."""
    tables: dict[str, _Table] = {}
    for collection in COLLECTIONS:
        name, model, records = collection.name, collection.model, selection.records.get(collection.name, [])
        children = {
            field_name: child
            for field_name, info in model.model_fields.items()
            if (child := _list_model(info.annotation)) is not None
        }
        main = tables[name] = _Table(_template(model))
        parent = collection.singular
        child_tables = {
            field_name: tables.setdefault(f"{parent}_{field_name}", _Table([parent, *_template(child)]))
            for field_name, child in children.items()
        }
        for record in records:
            data = record.model_dump(mode="json")
            for field_name, table in child_tables.items():
                for item in data.pop(field_name):
                    table.add({parent: record.id, **_flatten(item)})
            main.add(_flatten(data))
    return {name: (table.columns, table.rows) for name, table in tables.items()}


def _csv_bytes(columns: list[str], rows: Iterable[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    # A BOM, so spreadsheet programs read Azerbaijani, Persian and Russian names as UTF-8.
    return buffer.getvalue().encode("utf-8-sig")


def to_csv_zip(dataset: Dataset, value: FilterValue, view: View | None = None, link: str | None = None) -> ExportFile:
    """A zip of CSV tables (`events.csv`, `statements.csv`, …) and `_meta.json` (filter, version, tables)."""
    selection, meta = _prepare(dataset, value, view, link)
    tables = csv_tables(selection)
    meta = {
        **meta,
        "format": {
            "encoding": "UTF-8 with a byte-order mark",
            "lists": f"joined with {LIST_SEPARATOR!r}",
            "nested fields": "one column each, named parent_field (e.g. when_start, names_en)",
            "sub-records": "own tables (incident_places, statement_stances, statement_quotes, statement_figures, …), "
            "keyed by the parent's id",
            "formulas": "text that begins with = + - @ is prefixed with ' so spreadsheets do not run it; "
            "the JSON export has the exact text",
        },
        "tables": {f"{name}.csv": {"rows": len(rows), "columns": columns} for name, (columns, rows) in tables.items()},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        members = [("_meta.json", _dumps(meta))]
        members += [(f"{name}.csv", _csv_bytes(columns, rows)) for name, (columns, rows) in tables.items()]
        for member, data in members:
            info = zipfile.ZipInfo(member, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return ExportFile(f"{file_stem(dataset, value)}.zip", buffer.getvalue(), "application/zip")


# --- GeoJSON ------------------------------------------------------------------------------------------------------


def _feature(record: Place | Event, place: Place, kind: str) -> dict[str, Any]:
    properties = _flatten(_dump(record))
    if isinstance(record, Place):
        # `kind` says which record a feature is; the place's own kind (airport, school …) keeps its meaning here.
        properties["place_kind"] = properties.pop("kind")
    else:
        properties["place_name"] = place.names.en
        properties["precision_m"] = place.precision_m
    properties["kind"] = kind
    properties["precision"] = place.geo_precision
    return {
        "type": "Feature",
        "id": record.id,
        "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
        "properties": properties,
    }


def located_features(dataset: Dataset, selection: Selection) -> list[dict[str, Any]]:
    """One Point per selected place, then one per selected event that has a place (drawn at that place)."""
    features = [_feature(place, place, "place") for place in selection.of(Place)]
    for event in selection.of(Event):
        place = dataset.places.get(event.place) if event.place else None
        if place is not None:
            features.append(_feature(event, place, "event"))
    return features


def to_geojson(dataset: Dataset, value: FilterValue, view: View | None = None, link: str | None = None) -> ExportFile:
    """A GeoJSON FeatureCollection (RFC 7946, [lon, lat] as in the YAML) with a `metadata` foreign member.

    Properties are the record's fields (nested ones as `parent_field`), plus `kind` (place or event) and
    `precision` (the place's geo_precision; `precision_m` is the radius in metres)."""
    selection, meta = _prepare(dataset, value, view, link)
    features = located_features(dataset, selection)
    meta = {**meta, "features": len(features)}
    collection = {"type": "FeatureCollection", "metadata": meta, "features": features}
    return ExportFile(f"{file_stem(dataset, value)}.geojson", _dumps(collection), "application/geo+json")
