"""One skeleton a record kind: the record `new` writes, and the file and list it goes into.

Each builder takes the command's options (`new source URL --outlet …` as a dict) and the record index, and
fills every required field: from the options, else with a placeholder, else with a stated default.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from incidents.curate.records_index import RecordIndex
from incidents.curate.scaffold import (
    ScaffoldError,
    Target,
    check_id,
    data_location,
    drafted,
    fresh_id,
    geo_precision_for,
    host_of,
    incident_record,
    require,
    when_for,
)
from incidents.load.copies import CopyTooLarge, relative_copy, sha256_of
from incidents.model.fields import placeholder
from incidents.text import is_http_url

Options = dict[str, Any]


def _id(index: RecordIndex, opts: Options, base: str, suffix: str = "") -> str:
    if opts.get("id"):
        check_id(index, opts["id"])
        return str(opts["id"])
    # An incident's id names its file too, so a file of that name (even one that does not parse) takes the id.
    files = {path.stem for path in (index.data_dir / "incidents").glob("*.y*ml")}
    return fresh_id(base, {r.id for r in index.records} | files, suffix)


def incident(index: RecordIndex, opts: Options, today: dt.date) -> tuple[Target, dict[str, Any]]:
    require(index, "sources", opts["source"], "--source")
    start = opts.get("date") or today
    record_id = _id(index, opts, opts.get("title") or "incident", start.isoformat())
    record = {
        "id": record_id,
        "title": opts.get("title") or placeholder("the incident in a few words"),
        "summary": placeholder("what happened, in our words, and who says so"),
        "when": {"start": start, "precision": "day", "as_reported": placeholder("the time as the sources word it")},
        "event_type": placeholder("ACLED event type, e.g. Explosions/Remote violence"),
        "sub_event_type": placeholder("ACLED sub-event type, e.g. Air/drone strike"),
        "assessment": {
            "grade": "weak",
            "rationale": placeholder("why this grade (weak until the sources are weighed)"),
            "assessed_on": today,
        },
        "sources": opts["source"],
        "first_published": today,
        "last_updated": today,
    }
    return Target(index.data_dir / "incidents" / f"{record_id}.yaml", "incident", new_file=True), drafted(record)


def event(index: RecordIndex, opts: Options, today: dt.date) -> tuple[Target, dict[str, Any]]:
    parent = incident_record(index, opts["incident"])
    require(index, "sources", opts["source"], "--source")
    when = when_for(opts.get("date"), parent)
    record = {
        "id": _id(index, opts, opts.get("title") or "event", when["start"].isoformat()),
        "incident": opts["incident"],
        "title": opts.get("title") or placeholder("what happened, in a few words"),
        "type": opts.get("type") or "other",
        "when": when,
        "status": opts.get("status") or "reported",
        "description": placeholder("what happened, per the sources"),
        "sources": opts["source"],
    }
    return Target(parent.file_path, "events"), drafted(record)


def statement(index: RecordIndex, opts: Options, today: dt.date) -> tuple[Target, dict[str, Any]]:
    parent = incident_record(index, opts["incident"])
    require(index, "sources", opts["source"], "--source")
    speaker = opts.get("speaker")
    if speaker:
        require(index, "actors", [speaker], "--speaker")
        voice: dict[str, Any] = {"voice": "named", "speaker": speaker}
    else:
        voice = {"voice": "unnamed", "unnamed_reason": placeholder("who speaks, and why the page does not name them")}
    when = when_for(opts.get("date"), parent)
    base = f"{speaker or 'unnamed'}-{opts['kind']}"
    record = {
        "id": _id(index, opts, base, when["start"].isoformat()),
        **voice,
        "kind": opts["kind"],
        "when": when,
        "quotes": [{"text": placeholder("the words exactly as printed, or delete this quote"), "language": "en"}],
        "paraphrase": placeholder("what was said, in our words"),
        "via": opts["source"],
        "incidents": [opts["incident"]],
    }
    return Target(parent.file_path, "statements"), drafted(record)


def _published(value: str | None, where: str) -> tuple[dt.date | None, dt.datetime | None]:
    """`--published`: a date, or a datetime with its UTC offset (then both `published` and `published_at`)."""
    if not value:
        return None, None
    try:
        if "T" not in value and " " not in value:
            return dt.date.fromisoformat(value), None
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise ScaffoldError(where, f"--published: {value!r} is not YYYY-MM-DD or an ISO datetime ({exc})") from exc
    if moment.tzinfo is None:
        raise ScaffoldError(where, f"--published: {value!r} needs its UTC offset, e.g. {value}+04:00")
    return moment.date(), moment


def _not_future(date: dt.date | None, today: dt.date, where: str) -> None:
    if date is not None and date > today:
        raise ScaffoldError(where, f"--published: {date} is after today ({today})")


def _stored_copy(index: RecordIndex, copy: str | None, today: dt.date, where: str) -> dict[str, Any]:
    if not copy:
        return {}
    path = Path(copy)
    try:
        digest = sha256_of(path)
    except (CopyTooLarge, OSError) as exc:
        raise ScaffoldError(where, f"--stored-copy: cannot read {copy}: {exc}") from exc
    return {"local_copy": relative_copy(index.data_dir, path), "sha256": digest, "retrieved": today}


def source(index: RecordIndex, opts: Options, today: dt.date) -> tuple[Target, dict[str, Any]]:
    where = data_location(index)
    url = opts.get("url")
    if url and not is_http_url(url):
        raise ScaffoldError(where, f"URL must be http(s) with a host, got {url[:80]!r}")
    if not url and not opts.get("second_hand") and not opts.get("stored_copy"):
        reason = "give the URL, or --second-hand (known only through another source), or --stored-copy"
        raise ScaffoldError(where, reason)
    require(index, "sources", opts.get("republishes") or [], "--republishes")
    require(index, "sources", opts.get("rewrites") or [], "--rewrites")
    published, published_at = _published(opts.get("published"), where)
    _not_future(published, today, where)
    base = host_of(url) if url else opts.get("outlet") or opts.get("title") or "source"
    record = {
        "id": _id(index, opts, base, published.isoformat() if published else ""),
        "title": opts.get("title") or placeholder("the headline as printed, or a descriptive title"),
        "kind": opts.get("kind") or "article",
        "publisher": opts.get("outlet") or placeholder("who published it; delete when the document does not say"),
        "url": url,
        "published": published,
        "published_at": published_at,
        **_stored_copy(index, opts.get("stored_copy"), today, where),
        "language": opts.get("language") or "en",
        "reliability_note": placeholder("grade it (reliability A-F) and say why"),
        "republishes": opts.get("republishes"),
        "rewrites": opts.get("rewrites"),
        "second_hand": True if opts.get("second_hand") else None,
        "retrieval_note": opts.get("retrieval_note"),
    }
    return Target(index.data_dir / "sources.yaml", "sources"), drafted(record)


def place(index: RecordIndex, opts: Options, today: dt.date) -> tuple[Target, dict[str, Any]]:
    require(index, "sources", opts["source"], "--source")
    record = {
        "id": _id(index, opts, opts["name"]),
        "names": {"en": opts["name"]},
        "kind": opts["kind"],
        "lat": opts["lat"],
        "lon": opts["lon"],
        "precision_m": opts["precision_m"],
        "geo_precision": opts.get("geo_precision") or geo_precision_for(opts["precision_m"]),
        "country": opts["country"],
        "location_note": placeholder("how the coordinates were found and what is uncertain about them"),
        "sources": opts["source"],
    }
    return Target(index.data_dir / "places.yaml", "places"), drafted(record)


def actor(index: RecordIndex, opts: Options, today: dt.date) -> tuple[Target, dict[str, Any]]:
    if opts.get("parent"):
        require(index, "actors", [opts["parent"]], "--parent")
    require(index, "sources", opts.get("source") or [], "--source")
    record = {
        "id": _id(index, opts, opts["name"]),
        "name": opts["name"],
        "kind": opts["kind"],
        "country": opts.get("country"),
        "parent": opts.get("parent"),
        "sources": opts.get("source"),
        "note": placeholder("who this is, per the sources"),
    }
    return Target(index.data_dir / "actors.yaml", "actors"), drafted(record)


Builder = Callable[[RecordIndex, Options, dt.date], tuple[Target, dict[str, Any]]]
BUILDERS: dict[str, Builder] = {
    "incident": incident,
    "event": event,
    "statement": statement,
    "source": source,
    "place": place,
    "actor": actor,
}
