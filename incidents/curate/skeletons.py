"""One skeleton a record kind: the record `new` writes, and the file and list it goes into.

Each builder takes the command's options (`new source URL --outlet …` as a dict) and the record index, and
fills every required field: from the options, else with a placeholder, else with a stated default.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from incidents.curate.records_index import RecordIndex
from incidents.curate.scaffold import (
    ID_MAX,
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
    slug,
    when_for,
)
from incidents.load.copies import CopyTooLarge, relative_copy, sha256_of
from incidents.model.evidence import Affiliation
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


def _at(value: str | None, where: str, flag: str = "--at") -> tuple[dt.date | dt.datetime | None, str | None]:
    """`--at`: a date (day precision) or an ISO datetime with its UTC offset (minute precision)."""
    if not value:
        return None, None
    try:
        if "T" not in value and " " not in value:
            return dt.date.fromisoformat(value), "day"
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise ScaffoldError(where, f"{flag}: {value!r} is not YYYY-MM-DD or an ISO datetime ({exc})") from exc
    if moment.tzinfo is None:
        raise ScaffoldError(where, f"{flag}: {value!r} needs its UTC offset, e.g. {value}+04:00")
    return moment, "minute"


def _voice(index: RecordIndex, opts: Options, where: str) -> dict[str, Any]:
    """`--voice` with `--speaker`: named needs a speaker, publication has none, unnamed says why."""
    speaker = opts.get("speaker")
    if speaker:
        require(index, "actors", [speaker], "--speaker")
    voice = opts.get("voice") or ("named" if speaker else "unnamed")
    if voice == "named":
        if not speaker:
            raise ScaffoldError(where, "--voice named needs --speaker (the actor who said it)")
        return {"voice": "named", "speaker": speaker}
    if voice == "publication":
        if speaker:
            raise ScaffoldError(where, "--voice publication is the page's own voice: give no --speaker")
        return {"voice": "publication"}
    reason = opts.get("unnamed_reason") or placeholder("who speaks, and why the page does not name them")
    return {"voice": "unnamed", "speaker": speaker, "unnamed_as": opts.get("unnamed_as"), "unnamed_reason": reason}


def statement(index: RecordIndex, opts: Options, today: dt.date) -> tuple[Target, dict[str, Any]]:
    where = data_location(index)
    parent = incident_record(index, opts["incident"])
    require(index, "sources", opts["source"], "--source")
    require(index, "sources", opts.get("carried_by") or [], "--carried-by")
    require(index, "statements", opts.get("responds_to") or [], "--responds-to")
    voice = _voice(index, opts, where)
    moment, precision = _at(opts.get("at"), where)
    if moment is not None and opts.get("date") is not None:
        raise ScaffoldError(where, "give --at or --date, not both")
    if isinstance(moment, dt.date) and (moment.date() if isinstance(moment, dt.datetime) else moment) > today:
        raise ScaffoldError(where, f"--at: {moment} is after today ({today})")
    when = when_for(opts.get("date") if moment is None else None, parent)
    if moment is not None:
        when = {"start": moment, "precision": opts.get("precision") or precision, "as_reported": when["as_reported"]}
    elif opts.get("precision"):
        when["precision"] = opts["precision"]
    if opts.get("as_reported"):
        when["as_reported"] = opts["as_reported"]
    day = when["start"].date() if isinstance(when["start"], dt.datetime) else when["start"]
    basis = _basis(index, opts, voice["voice"], where)
    base = f"{voice.get('speaker') or voice['voice']}-{opts['kind']}"
    record = {
        "id": _id(index, opts, base, day.isoformat()),
        **voice,
        "kind": opts["kind"],
        "when": when,
        "channel": opts.get("channel"),
        "paraphrase": opts.get("paraphrase") or placeholder("what was said, in our words"),
        "via": opts["source"],
        "carried_by": opts.get("carried_by"),
        "credibility": opts.get("credibility"),
        "credibility_note": opts.get("credibility_note"),
        "responds_to": opts.get("responds_to"),
        **basis,
        "incidents": [opts["incident"]],
    }
    return Target(parent.file_path, "statements"), drafted(record)


def _basis(index: RecordIndex, opts: Options, voice: str, where: str) -> dict[str, Any]:
    """`--basis` (the publication's own voice only): observed, restates (with what it restates) or unattributed."""
    basis = opts.get("basis")
    restates, speaker = opts.get("restates") or [], opts.get("restates_speaker")
    if basis is None:
        if restates or speaker or opts.get("basis_note"):
            raise ScaffoldError(where, "--restates, --restates-speaker and --basis-note go with --basis")
        return {}
    if voice != "publication":
        raise ScaffoldError(where, "--basis is for the publication's own voice only (--voice publication)")
    if (restates or speaker) and basis != "restates":
        raise ScaffoldError(where, "--restates and --restates-speaker go with --basis restates")
    require(index, "statements", restates, "--restates")
    if speaker:
        require(index, "actors", [speaker], "--restates-speaker")
    return {"basis": basis, "restates": restates, "restates_speaker": speaker, "basis_note": opts.get("basis_note")}


def _short(text: str, words: int = 6) -> str:
    """The first words of a text, for an id."""
    return " ".join(text.split()[:words])


def proposition(index: RecordIndex, opts: Options, today: dt.date) -> tuple[Target, dict[str, Any]]:
    parent = incident_record(index, opts["incident"])
    if not opts.get("text", "").strip():
        reason = "--text: the proposition, as a statement that can be asserted or denied"
        raise ScaffoldError(data_location(index), reason)
    require(index, "propositions", opts.get("excludes") or [], "--excludes")
    require(index, "propositions", opts.get("answers") or [], "--answers")
    require(index, "actors", opts.get("against") or [], "--against")
    record = {
        "id": _id(index, opts, _short(opts["text"])),
        "text": opts["text"].strip(),
        "question": opts.get("question"),
        "topic": opts.get("topic"),
        "excludes": opts.get("excludes"),
        "answers": opts.get("answers"),
        "against": opts.get("against"),
        "incident": opts["incident"],
    }
    return Target(parent.file_path, "propositions"), drafted(record)


def _sources_of(index: RecordIndex, ids: list[str]) -> list[str]:
    """The documents behind records a discrepancy concerns: a source itself, a statement's page, a record's sources."""
    found: list[str] = []
    by_id = index.by_id()
    for record_id in ids:
        record = by_id[record_id]
        if record.collection.key == "sources":
            candidates: list[Any] = [record_id]
        elif record.collection.key == "statements":
            via = record.data.get("via")
            candidates = [via[-1]] if isinstance(via, list) and via else []
        else:
            value = record.data.get("sources")
            candidates = value if isinstance(value, list) else []
        found += [c for c in candidates if isinstance(c, str) and c not in found]
    return found


def discrepancy(index: RecordIndex, opts: Options, today: dt.date) -> tuple[Target, dict[str, Any]]:
    where = data_location(index)
    parent = incident_record(index, opts["incident"])
    if not opts.get("title", "").strip():
        raise ScaffoldError(where, "--title: the discrepancy in a few words")
    concerns = opts.get("concerns") or []
    by_id = index.by_id()
    for ref in concerns:
        if ref not in by_id:
            raise ScaffoldError(where, f"--concerns: unknown record {ref!r}")
    require(index, "sources", opts.get("source") or [], "--source")
    sources = opts.get("source") or _sources_of(index, concerns)
    if not sources:
        raise ScaffoldError(where, "--source: name the documents it rests on (none follows from --concerns)")
    record = {
        "id": _id(index, opts, _short(opts["title"])),
        "title": opts["title"].strip(),
        "kind": opts.get("kind") or "between-sources",
        "description": opts.get("description") or placeholder("what disagrees with what, in our words"),
        "concerns": concerns,
        "sources": sources,
        "handling": opts.get("handling"),
        "recorded_on": today,
        "incident": opts["incident"],
    }
    return Target(parent.file_path, "discrepancies"), drafted(record)


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


NUMBERED_ID = re.compile(r"^(?P<outlet>[a-z0-9][a-z0-9-]*)-(?P<number>\d{3})$")
AGENCY_PREFIX = "agency-"


def source_id(index: RecordIndex, opts: Options) -> str:
    """A source's id by the data's conventions (data/sources.yaml's header): a page is `<outlet-slug>-<NNN>`, numbered
    after the highest number any source has; a second-hand agency or outlet is `agency-<slug>`."""
    if opts.get("id"):
        check_id(index, opts["id"])
        return str(opts["id"])
    taken = {r.id for r in index.records}
    if opts.get("second_hand"):
        return fresh_id(AGENCY_PREFIX + slug(opts.get("outlet") or opts.get("title") or "source"), taken)
    url = opts.get("url")
    outlet = slug(host_of(url)) if url else slug(opts.get("outlet") or opts.get("title") or "source")
    numbers = [int(m["number"]) for r in index.of_kind("sources") if (m := NUMBERED_ID.match(r.id))]
    number = max(numbers, default=0) + 1
    stem = outlet[: ID_MAX - 4].strip("-") or "source"
    while f"{stem}-{number:03d}" in taken:
        number += 1
    return f"{stem}-{number:03d}"


def _grade(opts: Options, today: dt.date, where: str) -> dict[str, Any]:
    reliability = opts.get("reliability")
    if not reliability:
        if opts.get("graded_on"):
            raise ScaffoldError(where, "--graded-on goes with --reliability")
        return {"reliability_note": placeholder("grade it (reliability A-F) and say why")}
    return {
        "reliability": reliability,
        "reliability_note": opts.get("reliability_note") or placeholder("why this grade"),
        "graded_on": opts.get("graded_on") or today,
    }


def source(index: RecordIndex, opts: Options, today: dt.date) -> tuple[Target, dict[str, Any]]:
    where = data_location(index)
    url = opts.get("url")
    if url and not is_http_url(url):
        raise ScaffoldError(where, f"URL must be http(s) with a host, got {url[:80]!r}")
    if not url and not opts.get("second_hand") and not opts.get("stored_copy"):
        reason = "give the URL, or --second-hand (known only through another source), or --stored-copy"
        raise ScaffoldError(where, reason)
    if opts.get("second_hand") and opts.get("retrieved"):
        raise ScaffoldError(where, "--retrieved: a second-hand source was not read by us; give no retrieval date")
    require(index, "sources", opts.get("republishes") or [], "--republishes")
    require(index, "sources", opts.get("rewrites") or [], "--rewrites")
    published, published_at = _published(opts.get("published"), where)
    _not_future(published, today, where)
    retrieved = opts.get("retrieved")
    if retrieved is not None and published is not None and retrieved < published:
        raise ScaffoldError(where, f"--retrieved: {retrieved} is before --published {published}")
    stored = _stored_copy(index, opts.get("stored_copy"), retrieved or today, where)
    # We read a page when we add it, unless it is second-hand: `retrieved` is then today unless given.
    read_on = None if opts.get("second_hand") else (retrieved or stored.pop("retrieved", None) or today)
    stored.pop("retrieved", None)
    record = {
        "id": source_id(index, opts),
        "title": opts.get("title") or placeholder("the headline as printed, or a descriptive title"),
        "kind": opts.get("kind") or "article",
        "publisher": opts.get("outlet") or placeholder("who published it; delete when the document does not say"),
        "url": url,
        "published": published,
        "published_at": published_at,
        **stored,
        "retrieved": read_on,
        "language": opts.get("language") or "en",
        **_grade(opts, today, where),
        "republishes": opts.get("republishes"),
        "rewrites": opts.get("rewrites"),
        "second_hand": True if opts.get("second_hand") else None,
        "retrieval_note": opts.get("retrieval_note"),
        "affiliation": _affiliation(index, opts, today, where),
    }
    return Target(index.data_dir / "sources.yaml", "sources"), drafted(record)


def _affiliation(index: RecordIndex, opts: Options, today: dt.date, where: str) -> dict[str, Any] | None:
    """`--affiliation KIND` with its party, reason and references, checked as the model checks it."""
    kind = opts.get("affiliation")
    if kind is None:
        if opts.get("aligned_with") or opts.get("affiliation_reason") or opts.get("affiliation_ref"):
            reason = "--aligned-with, --affiliation-reason and --affiliation-ref go with --affiliation"
            raise ScaffoldError(where, reason)
        return None
    if opts.get("aligned_with"):
        require(index, "actors", [opts["aligned_with"]], "--aligned-with")
    require(index, "sources", opts.get("affiliation_ref") or [], "--affiliation-ref")
    value = {
        "kind": kind,
        "party": opts.get("aligned_with"),
        "reason": opts.get("affiliation_reason"),
        "references": opts.get("affiliation_ref") or [],
        "assessed_on": today,
    }
    try:
        Affiliation.model_validate(value)
    except ValidationError as exc:
        raise ScaffoldError(where, f"--affiliation: {exc.errors()[0]['msg']}") from exc
    return {k: v for k, v in value.items() if v not in (None, [])}


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
    "proposition": proposition,
    "discrepancy": discrepancy,
    "source": source,
    "place": place,
    "actor": actor,
}
