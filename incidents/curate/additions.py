"""Adding to an existing statement from the command line (`python -m incidents add figure|quote|carrier|stance`).

Each addition is checked against its model and against the records it names, then inserted into the statement's
block as text (`incidents.curate.yamledit.append_to_field`), so nothing else in the file changes; the statement as
it would then read is validated before anything is written, and refused with a located message when it would not be
valid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from incidents.curate.records_index import RawRecord, RecordIndex
from incidents.curate.scaffold import Created, ScaffoldError, data_location, require, write_atomic
from incidents.curate.yamledit import EditError, append_to_field
from incidents.load.migrate import migrate
from incidents.load.parse import display_path
from incidents.model.evidence import Figure, Quote, Stance
from incidents.model.records import Statement

Options = dict[str, Any]


@dataclass(frozen=True)
class Addition:
    """What goes where: the statement, the list field, the item (as YAML data), and a label for the printed line."""

    statement: RawRecord
    key: str
    item: Any
    label: str


def statement_record(index: RecordIndex, statement_id: str) -> RawRecord:
    """The statement to add to, or a located refusal (a file that cannot be parsed is named)."""
    found = index.of("statements").get(statement_id)
    if found is None:
        unparsed = ", ".join(display_path(path) for path in index.problems)
        more = f" (these files cannot be parsed: {unparsed})" if unparsed else ""
        raise ScaffoldError(data_location(index), f"unknown statement {statement_id!r}{more}")
    return found


def _checked(model: type[BaseModel], item: dict[str, Any], where: str, what: str) -> dict[str, Any]:
    """The item as its model reads it; a refusal naming the first problem otherwise."""
    try:
        model.model_validate(item)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise ScaffoldError(where, f"{what}: {field + ': ' if field else ''}{first['msg']}") from exc
    return {key: value for key, value in item.items() if value not in (None, [], {}, False)}


def _moment(value: str | None, where: str) -> dt.date | dt.datetime | None:
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ScaffoldError(where, f"--as-of: {value!r} is not YYYY-MM-DD or an ISO datetime ({exc})") from exc
    if isinstance(moment, dt.datetime) and moment.tzinfo is None:
        raise ScaffoldError(where, f"--as-of: {value!r} needs its UTC offset, e.g. {value}+04:00")
    return moment


def figure(index: RecordIndex, statement: RawRecord, opts: Options, where: str) -> Addition:
    item = {
        "quantity": opts["quantity"],
        "value": opts.get("value"),
        "low": opts.get("low"),
        "high": opts.get("high"),
        "as_of": _moment(opts.get("as_of"), where),
        "civilians": opts.get("civilians"),
        "note": opts.get("note"),
    }
    item = _checked(Figure, item, where, "figure")
    # Whole numbers are written as such (`value: 2`, not `2.0`), as the shipped files write them.
    item = {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in item.items()}
    if opts.get("civilians") is False:
        item["civilians"] = False
    return Addition(statement, "figures", item, f"{opts['quantity']}")


def quote(index: RecordIndex, statement: RawRecord, opts: Options, where: str) -> Addition:
    if not opts["text"].strip():
        raise ScaffoldError(where, "the quote's text is empty")
    language = opts.get("language") or "en"
    if not language.lower().startswith("en") and not opts.get("translation") and not opts.get("printed_as_translation"):
        raise ScaffoldError(where, f"--translation: a quote in {language!r} needs our English translation")
    if opts.get("source"):
        require(index, "sources", [opts["source"]], "--source")
    item = {
        "text": opts["text"],
        "language": language,
        "translation": opts.get("translation"),
        "printed_as_translation": opts.get("printed_as_translation"),
        "source": opts.get("source"),
    }
    item = _checked(Quote, item, where, "quote")
    item.setdefault("language", language)
    return Addition(statement, "quotes", item, "quote")


def carrier(index: RecordIndex, statement: RawRecord, opts: Options, where: str) -> Addition:
    source_id = opts["source_id"]
    require(index, "sources", [source_id], "carrier")
    taken = [*(statement.data.get("via") or []), *(statement.data.get("carried_by") or [])]
    if source_id in taken:
        raise ScaffoldError(where, f"{source_id!r} is already in {statement.id!r}'s via or carried_by")
    return Addition(statement, "carried_by", source_id, source_id)


def stance(index: RecordIndex, statement: RawRecord, opts: Options, where: str) -> Addition:
    require(index, "propositions", [opts["proposition"]], "--proposition")
    stances = statement.data.get("stances") or []
    if any(isinstance(s, dict) and s.get("proposition") == opts["proposition"] for s in stances):
        raise ScaffoldError(where, f"{statement.id!r} already takes a stance on {opts['proposition']!r}")
    item = _checked(Stance, {"proposition": opts["proposition"], "stance": opts["stance"], "note": opts.get("note")},
                    where, "stance")
    return Addition(statement, "stances", item, opts["proposition"])


Adder = Callable[[RecordIndex, RawRecord, Options, str], Addition]
ADDERS: dict[str, Adder] = {"figure": figure, "quote": quote, "carrier": carrier, "stance": stance}


def _valid_after(text: str, addition: Addition, where: str) -> None:
    """The statement as the new text has it must still be a valid statement (references are checked above)."""
    data = migrate("incident", yaml.load(text, Loader=yaml.CSafeLoader))
    record: Any = data
    for part in addition.statement.loc:
        record = record[part]
    try:
        Statement.model_validate(record)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise ScaffoldError(where, f"the statement would not be valid: {field}: {first['msg']}") from exc


def add(index: RecordIndex, kind: str, opts: Options) -> Created:
    """Insert the addition into its statement's block and return where it starts."""
    statement = statement_record(index, opts["statement"])
    line, col = statement.where()
    where = f"{statement.file.path}:{line}:{col}"  # refusals point at the statement they would change
    addition = ADDERS[kind](index, statement, opts, where)
    path = statement.file_path
    problems = index.problems.get(path)
    if problems:
        first = problems[0]
        raise ScaffoldError(f"{first.path}:{first.line}:{first.col}", f"the file cannot be parsed: {first.message}")
    old = path.read_text(encoding="utf-8")
    try:
        inserted = append_to_field(old, statement.loc, addition.key, addition.item)
    except EditError as exc:
        raise ScaffoldError(f"{display_path(path)}:{exc.line}:{exc.col}", exc.reason) from exc
    _valid_after(inserted.text, addition, where)
    write_atomic(path, inserted.text)
    return Created(statement.id, path, inserted.line)
