"""The problem codes, declared once (frictionless-style): each has a severity, a message template and a description.

Every `Problem` is made through a code of this registry (`DUPLICATE_KEY.at(path, line, col, key=..., ...)`), so a
misspelt code is an `AttributeError` and a mypy error, never a new code in a report. `python -m incidents codes`
lists them and `data/README.md` documents them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from incidents.model.dataset import Problem, Severity


@dataclass(frozen=True)
class Code:
    """One kind of problem: `name` is what reports print, `template` is filled with the problem's fields."""

    name: str
    severity: Severity
    template: str
    description: str

    def at(self, path: str, line: int, col: int, **fields: Any) -> Problem:
        """A problem of this code at `path:line:col`, its message made from the template."""
        return self.again(path, line, col, self.template.format(**fields))

    def again(self, path: str, line: int, col: int, message: str) -> Problem:
        """A problem of this code with its message made already (by `at`, or an earlier load: the parse cache)."""
        return Problem(path, line, col, self.name, message, self.severity)


def _error(name: str, template: str, description: str) -> Code:
    return Code(name, "error", template, description)


def _warning(name: str, template: str, description: str) -> Code:
    return Code(name, "warning", template, description)


FILE_READ = _error("FILE_READ", "{reason}", "A file or the data directory cannot be read (missing, not UTF-8).")
YAML_SYNTAX = _error("YAML_SYNTAX", "{reason}", "The file is not valid YAML, or uses a tag that would build an object.")
# The limits themselves are `incidents.load.parse.MAX_BYTES` and `MAX_DEPTH`; the messages carry them.
FILE_TOO_LARGE = _error(
    "FILE_TOO_LARGE",
    "the file is larger than {limit} ({size}), so it is not read; split it (one file per incident)",
    "A record file is larger than the size limit; it is not read at all, so it cannot exhaust the memory.",
)
YAML_ALIAS = _error(
    "YAML_ALIAS",
    "alias *{name} is not allowed in a record file, so the file is not read; write the value out instead",
    "A record file uses a YAML alias (`*name`); a few nested ones can expand to billions of values "
    "(the \"billion laughs\"), so the file is not read.",
)
YAML_TOO_DEEP = _error(
    "YAML_TOO_DEEP",
    "nested deeper than {limit} levels, so the file is not read",
    "A record file nests mappings and lists deeper than the depth limit (records need 5 levels); it is not read.",
)
BAD_VALUE = _error(
    "BAD_VALUE",
    "{value!r} cannot be read: {reason}; the file is not read",
    "A value no program can hold: an impossible date (`2026-02-30`), an integer of thousands of digits or beyond "
    "±2^63, a number that is not finite. The file is not read, and the other files load as usual.",
)
TEXT_TOO_LONG = _error(
    "TEXT_TOO_LONG",
    "a text of {length:,} characters, over the limit of {limit:,}; the file is not read",
    "A text (or key) is longer than the limit per text field (the longest real one is about 1,200 characters); "
    "the file is not read, so one text cannot fill every page.",
)
TOTAL_TOO_LARGE = _error(
    "TOTAL_TOO_LARGE",
    "the record files so far hold {total} and this one would pass the limit of {limit} in all; it is not read",
    "The record files together are larger than the total limit (about twice the largest benchmarked data); the "
    "files past it are not read.",
)
TOO_MANY_RECORDS = _error(
    "TOO_MANY_RECORDS",
    "{count:,} records would pass the limit of {limit:,} in all; this file's records are not read",
    "The files hold more records than the total limit (about twice the largest benchmarked data); the files past "
    "it are not read, so a load stays within seconds and memory.",
)
DUPLICATE_KEY = _error(
    "DUPLICATE_KEY",
    "key {key!r} repeats the one at line {first_line}; YAML would silently keep only the last",
    "A mapping has the same key twice; YAML would silently keep only the last.",
)
SCHEMA = _error(
    "SCHEMA", "{reason}", "A file or record does not fit its model: a missing, unknown or mistyped field or key."
)
BAD_URL = _error("BAD_URL", "{field}: {reason}", "A URL is not http(s) with a host.")
COORD_RANGE = _error(
    "COORD_RANGE", "{field}: {reason}", "A latitude is outside -90..90 or a longitude outside -180..180."
)
END_BEFORE_START = _error("END_BEFORE_START", "{field}: {reason}", "A time's end is before its start.")
DUPLICATE_ID = _error(
    "DUPLICATE_ID",
    "id {id!r} is used both here and at {other}; ids are unique across the data: prefix one, e.g. {suggestion!r}",
    "Two records share an id (ids are unique across all kinds): both places are reported; the later one is left out.",
)
STANCE_VALUE = _error(
    "STANCE_VALUE",
    "{field}: {value!r} is not a stance; use one of {allowed}",
    "A stance is not one of the stance strengths (asserts, suggests, implies, denies, doubts, declines).",
)
FIGURE_VALUE = _error(
    "FIGURE_VALUE",
    "{field}: {reason}",
    "A figure is not a number or a low–high range (or gives both, or high is below low).",
)
BASIS_VALUE = _error(
    "BASIS_VALUE",
    "{field}: {reason}",
    "A statement's `basis` is not observed, restates or unattributed, is given for a voice other than the "
    "publication's own, or `restates` is given without basis restates.",
)
AFFILIATION_INCOMPLETE = _error(
    "AFFILIATION_INCOMPLETE",
    "{field}: {reason}",
    "A source's `affiliation` has no reason; or it is aligned (state-owned, state-controlled, government-aligned) "
    "without its party or the references that assess it; or it names a party while independent or unsettled.",
)
RESTATES_UNKNOWN = _error(
    "RESTATES_UNKNOWN",
    "{field}: restates {ref!r}, which is no statement we hold; link only held statements (else name restates_speaker)",
    "A statement's `restates` points nowhere: no statement has that id. The statement is left out.",
)
UNKNOWN_REF = _error(
    "UNKNOWN_REF",
    "{field}: unknown {what} {ref!r}",
    "A field names an id that no record of the expected kind has; the record is left out.",
)
INVALID_REF = _error(
    "INVALID_REF",
    "{field}: {ref!r} has errors, so this record is left out too",
    "A field names a record that has errors; the record is left out too, so every shown reference resolves.",
)
REF_CYCLE = _error(
    "REF_CYCLE",
    "actor {id!r} is its own ancestor through 'parent'",
    "An actor's parent chain leads back to itself.",
)
FUTURE_DATE = _error(
    "FUTURE_DATE", "{field}: {date} is after today ({today})", "A date is later than today."
)
SINGLE_SOURCE = _warning(
    "SINGLE_SOURCE",
    "claim {id!r} reaches us through one document only ({document}){what}",
    "A party's claim reaches us through documents of one origin only: a statement with no asserted stance whose "
    "`via` and `carried_by` come down to one document, or an asserted proposition that every statement asserting "
    "it brings through one document (each such stance is named, even when the statement's other stances are "
    "well sourced).",
)
STATEMENT_NO_INCIDENT = _warning(
    "STATEMENT_NO_INCIDENT",
    "statement {id!r} names no incident (`incidents:`), so no briefing or claims page shows it",
    "A statement without `incidents:` belongs to no incident: the briefing and the claims page, which are built per "
    "incident, leave it out. Name the incidents it concerns.",
)
HOSTED_HIDES = _warning(
    "HOSTED_HIDES",
    "published {kind} {id!r} is left out of the hosted view because {field} names unpublished {ref!r} ({state})",
    "A published record depends on a draft or in-review record (or on one that is itself left out), so the hosted "
    "instance does not show it until the other is published: `validate --hosted` shows the hosted view.",
)
HOSTED_CUTS = _warning(
    "HOSTED_CUTS",
    "published {kind} {id!r} is shown in the hosted view without {field} {ref!r} ({state}), which is cut",
    "A published record names a draft or in-review record that the hosted instance cuts from it: the record goes "
    "live without that reference (a source chain, a carrier, a proposition) until the other is published.",
)
BASIS_MISSING = _warning(
    "BASIS_MISSING",
    "statement {id!r} is in the publication's own voice but has no basis; it is not counted as corroboration",
    "A statement in the publication's own voice does not say how the outlet knows (basis observed, restates or "
    "unattributed); until it does, it is treated as unattributed.",
)
UNGRADED_SOURCE = _warning(
    "UNGRADED_SOURCE",
    "source {id!r} has no Admiralty reliability grade",
    "A source has no Admiralty reliability grade yet.",
)
UNREAD_FILE = _warning(
    "UNREAD_FILE",
    "this file is not read: {why}; records belong in {homes}",
    "A file in the data directory that the loader does not read (not a record file, or in the wrong place).",
)
MISPLACED_RECORDS = _warning(
    "MISPLACED_RECORDS",
    "this file is not read ({why}), so its records are not loaded; {placement}",
    "A file with records that the loader does not read, because it is in the wrong place; says where they belong.",
)
ORPHAN_PROPOSITION = _warning(
    "ORPHAN_PROPOSITION",
    "no statement takes a stance on proposition {id!r}",
    "No statement takes a stance on a proposition.",
)
PLACEHOLDER = _warning(
    "PLACEHOLDER",
    "{field}: placeholder {value!r} still to be written",
    "A value still holds the placeholder marker `TODO` that `python -m incidents new` writes into skeletons.",
)
# Stored copies (`local_copy`, relative to the repository root); the size cap is `incidents.load.copies.MAX_COPY_BYTES`.
STORED_COPY_MISSING = _warning(
    "STORED_COPY_MISSING",
    "local_copy: {copy} does not exist; a clean clone may not hold copies kept outside the repository",
    "A source's stored copy (`local_copy`) is not there; copies kept outside the repository are missing from a "
    "clean clone, so this is a warning.",
)
STORED_COPY_HASH = _error(
    "STORED_COPY_HASH",
    "sha256: the stored copy {copy} has SHA-256 {actual}, not the recorded {recorded}",
    "A source's stored copy exists but its SHA-256 differs from the recorded `sha256`: the copy changed.",
)
STORED_COPY_UNHASHED = _warning(
    "STORED_COPY_UNHASHED",
    "local_copy: {copy} has no sha256; record it ({actual})",
    "A source has a stored copy but no `sha256`, so a changed copy would go unnoticed.",
)
STORED_COPY_UNREADABLE = _warning(
    "STORED_COPY_UNREADABLE",
    "local_copy: {copy} cannot be checked: {reason}",
    "A source's stored copy cannot be read, or is larger than the size cap, so its hash is not checked.",
)
WEEKDAY_MISMATCH = _warning(
    "WEEKDAY_MISMATCH",
    "{field}: {text!r} says {said}, but {date} was a {actual}",
    "A text gives a weekday beside a date ('Wednesday (March 5)') that the calendar contradicts; the year is the "
    "record's own (its time, its publication date, or its incident's). English names only.",
)
# Reported by `python -m incidents check-quotes`, not by the validator.
QUOTE_MISMATCH = _error(
    "QUOTE_MISMATCH",
    "{field}: not in {copy} of {source!r}; nearest passage: {nearest!r}",
    "check-quotes: a quote is not found in the archived page or the stored copy of its source (whitespace, "
    "typographic quotes and dashes and Unicode forms aside).",
)
QUOTE_COPY_UNREADABLE = _error(
    "QUOTE_COPY_UNREADABLE",
    "{field}: the stored copy {copy} of {source!r} cannot be read: {reason}",
    "check-quotes: the stored copy a quote is checked against is unreadable or too large.",
)
QUOTE_NOT_CHECKED = _warning(
    "QUOTE_NOT_CHECKED",
    "{field}: not checked (no copy here): {why}",
    "check-quotes: no copy of the quote's page is on this machine: its source has no `archive` hash that this "
    "machine's archive holds (`python -m incidents archive URL --source ID` fills it) and no `local_copy` present "
    "(copies are kept outside the repository, so a fresh clone has none); the quote could not be checked. "
    "`--strict` makes this fail.",
)
NO_HISTORY = _error(
    "NO_HISTORY",
    "no git history of the data here ({reason}), so its versions cannot be read",
    "The data directory is not in a git repository (or git is missing): versions, diff and time travel need it.",
)
VERSION_SKIPPED = _warning(
    "VERSION_SKIPPED",
    "an old version cannot be read, so it is left out of the history: {reason}",
    "A commit's record files cannot be read from git (or loaded); that version is skipped and the others listed.",
)
UNKNOWN_VERSION = _error(
    "UNKNOWN_VERSION",
    "no data version {version!r} in the history; `python -m incidents versions` lists them",
    "A data version asked for (a `diff` argument) is not one of the versions in the git history.",
)

CODES: dict[str, Code] = {
    code.name: code
    for code in (
        FILE_READ,
        YAML_SYNTAX,
        FILE_TOO_LARGE,
        YAML_ALIAS,
        YAML_TOO_DEEP,
        BAD_VALUE,
        TEXT_TOO_LONG,
        TOTAL_TOO_LARGE,
        TOO_MANY_RECORDS,
        DUPLICATE_KEY,
        SCHEMA,
        BAD_URL,
        COORD_RANGE,
        END_BEFORE_START,
        DUPLICATE_ID,
        STANCE_VALUE,
        FIGURE_VALUE,
        BASIS_VALUE,
        AFFILIATION_INCOMPLETE,
        RESTATES_UNKNOWN,
        UNKNOWN_REF,
        INVALID_REF,
        REF_CYCLE,
        FUTURE_DATE,
        SINGLE_SOURCE,
        STATEMENT_NO_INCIDENT,
        HOSTED_HIDES,
        HOSTED_CUTS,
        BASIS_MISSING,
        UNGRADED_SOURCE,
        ORPHAN_PROPOSITION,
        UNREAD_FILE,
        MISPLACED_RECORDS,
        PLACEHOLDER,
        STORED_COPY_MISSING,
        STORED_COPY_HASH,
        STORED_COPY_UNHASHED,
        STORED_COPY_UNREADABLE,
        WEEKDAY_MISMATCH,
        QUOTE_MISMATCH,
        QUOTE_COPY_UNREADABLE,
        QUOTE_NOT_CHECKED,
        NO_HISTORY,
        VERSION_SKIPPED,
        UNKNOWN_VERSION,
    )
}
# Warnings the app shows in its data-problems panel beside the errors: a file it does not read loses records.
UNREAD_CODES: frozenset[str] = frozenset({UNREAD_FILE.name, MISPLACED_RECORDS.name})


def codes_table() -> str:
    """The codes as aligned text lines: code, severity, description (what `python -m incidents codes` prints)."""
    width = max(len(name) for name in CODES)
    return "".join(f"{c.name:<{width}}  {c.severity:<7}  {c.description}\n" for c in CODES.values())
