"""Record skeletons for `python -m incidents new`: the required fields, a fresh id, placeholders, `review: draft`.

Each skeleton validates with no errors; every value we cannot know is a placeholder
(`incidents.model.fields.PLACEHOLDER`), which the validator reports as a warning until it is written. The skeleton
is inserted into its file as text (`incidents.curate.yamledit`), so nothing in the file changes but the new lines.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from incidents.curate.records_index import RawRecord, RecordIndex
from incidents.curate.yamledit import EditError, append_to_list, dump_block
from incidents.load.migrate import CURRENT_FORMAT, FORMAT_KEY
from incidents.load.parse import display_path
from incidents.model.fields import ID_PATTERN, placeholder

ID_RE = re.compile(ID_PATTERN)
ID_MAX = 64  # the pattern's length limit
DRAFT = {"review": "draft"}
# The geo_precision a radius suggests (`new place` without --geo-precision): the smallest rung that holds it.
GEO_PRECISION_BY_RADIUS = ((100, "exact"), (5_000, "near"), (25_000, "settlement"), (500_000, "region"))


class ScaffoldError(ValueError):
    """Bad input for a skeleton: `where` is `path:line:col` (or the data directory's `path:1:1`)."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")


def slug(text: str) -> str:
    """Lower-case ASCII letters, digits and hyphens: 'Dəmirçilu, Abbas' -> 'demircilu-abbas'."""
    text = unicodedata.normalize("NFKD", text.replace("ə", "e").replace("Ə", "E").replace("ı", "i"))
    ascii_text = text.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def fresh_id(base: str, taken: set[str], suffix: str = "") -> str:
    """`base`'s slug with `-suffix` (a date), cut to fit the id limit, then `-2`, `-3`… until it is not taken."""
    tail = f"-{suffix}" if suffix else ""
    stem = slug(base)[: ID_MAX - len(tail) - 3].strip("-") or "record"
    candidate = f"{stem}{tail}"
    number = 2
    while candidate in taken:
        candidate = f"{stem}{tail}-{number}"
        number += 1
    return candidate


def host_of(url: str) -> str:
    """A URL's host without `www.`: the base of a source's id."""
    host = urlparse(url).hostname or ""
    return host.removeprefix("www.")


def geo_precision_for(radius_m: int) -> str:
    """The ACLED-style rung a radius suggests."""
    return next((rung for limit, rung in GEO_PRECISION_BY_RADIUS if radius_m <= limit), "country")


@dataclass(frozen=True)
class Target:
    """Where a skeleton goes: the file, and the list in it (`key`); `new_file` for a new incident file."""

    path: Path
    key: str
    new_file: bool = False


@dataclass(frozen=True)
class Created:
    """The new record's id and where it starts."""

    id: str
    path: Path
    line: int


def data_location(index: RecordIndex) -> str:
    """`data:1:1`, where problems with the command's input (not with a file) are reported."""
    return f"{display_path(index.data_dir)}:1:1"


def check_id(index: RecordIndex, record_id: str) -> None:
    """A chosen id must fit the pattern and be free across every kind."""
    if not ID_RE.match(record_id):
        raise ScaffoldError(data_location(index), f"id {record_id!r} must match {ID_RE.pattern}")
    taken = index.by_id().get(record_id)
    if taken is not None:
        line, col = taken.where("id")
        raise ScaffoldError(
            f"{taken.file.path}:{line}:{col}", f"id {record_id!r} is taken by this {taken.collection.singular}"
        )


def require(index: RecordIndex, collection_key: str, ids: list[str], flag: str) -> None:
    """Every id given to a flag names a record of that collection."""
    known = index.of(collection_key)
    for ref in ids:
        if ref not in known:
            what = "incident" if collection_key == "incident" else collection_key.removesuffix("s")
            raise ScaffoldError(data_location(index), f"{flag}: unknown {what} {ref!r}")


def incident_record(index: RecordIndex, incident_id: str) -> RawRecord:
    """The incident record an event or statement goes with (its file is where they are added)."""
    if incident_id not in index.of("incident") and index.problems:
        unparsed = ", ".join(display_path(path) for path in index.problems)
        reason = f"--incident: unknown incident {incident_id!r} (these files cannot be parsed: {unparsed})"
        raise ScaffoldError(data_location(index), reason)
    require(index, "incident", [incident_id], "--incident")
    return index.of("incident")[incident_id]


def when_for(date: dt.date | None, incident: RawRecord | None) -> dict[str, Any]:
    """A `when` at day precision on the given date, else on the incident's start (saying so), else today."""
    when: dict[str, Any] = {"precision": "day", "as_reported": placeholder("the time as the source words it")}
    if date is not None:
        return {"start": date, **when}
    raw = incident.data.get("when") if incident is not None else None
    start = raw.get("start") if isinstance(raw, dict) else None
    if isinstance(start, dt.date):
        day = start.date() if isinstance(start, dt.datetime) else start
        return {"start": day, **when, "note": placeholder("the incident's start; give this record's own time")}
    return {"start": dt.date.today(), **when, "note": placeholder("today; give the record's own time")}


def write_record(index: RecordIndex, target: Target, record: dict[str, Any]) -> Created:
    """Insert the record into its file (or write a new incident file) and return where it starts."""
    display = display_path(target.path)
    if target.new_file:
        if target.path.exists():
            raise ScaffoldError(f"{display}:1:1", "the file already exists")
        head = f"{FORMAT_KEY}: {CURRENT_FORMAT}\n\n{target.key}:\n"
        write_atomic(target.path, head + dump_block(record, 2))
        return Created(record["id"], target.path, head.count("\n") + 1)
    problems = index.problems.get(target.path)
    if problems:
        first = problems[0]
        raise ScaffoldError(f"{first.path}:{first.line}:{first.col}", f"the file cannot be parsed: {first.message}")
    old = target.path.read_text(encoding="utf-8") if target.path.exists() else ""
    try:
        inserted = append_to_list(old, target.key, record)
    except EditError as exc:
        raise ScaffoldError(f"{display}:{exc.line}:{exc.col}", exc.reason) from exc
    write_atomic(target.path, inserted.text)
    return Created(record["id"], target.path, inserted.line)


def write_atomic(path: Path, text: str) -> None:
    """Replace the file in one step, so a failure never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        if path.exists():
            os.chmod(temp, path.stat().st_mode & 0o777)
        else:
            os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def drafted(record: dict[str, Any]) -> dict[str, Any]:
    """The record with `review: draft` after its id, and without the fields left empty."""
    first, rest = {"id": record["id"]}, {k: v for k, v in record.items() if k != "id"}
    return {**first, **DRAFT, **{k: v for k, v in rest.items() if v not in (None, [], {})}}
