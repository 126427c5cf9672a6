"""URL query parameters <-> FilterValue, with a notice for every value that had to be ignored.

Links are hand-editable: dates are YYYY-MM-DD, ids are as in the data, lists are repeated keys
(`?actor=irn&actor=aze-mod`). A value equal to the default is left out, so links stay short.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace

from incidents.filtering import RECORD_KINDS, FilterValue
from incidents.params import KNOWN_PARAMS

MAX_TEXT = 200


@dataclass(frozen=True)
class Notice:
    """Why a URL parameter (or one of its values) was ignored."""

    param: str
    value: str
    reason: str

    def __str__(self) -> str:
        shown = self.value if len(self.value) <= 40 else self.value[:40] + "…"
        return f"Ignored `{self.param}={shown}`: {self.reason}."


# The sidebar's date inputs take dates in this range; Streamlit drops a URL date outside it.
DATE_MIN = dt.date(1990, 1, 1)
DATE_MAX = dt.date(2100, 1, 1)
VERSION = re.compile(r"[0-9a-f]{8}")
# Markup in a search is never meant as a search (records hold no HTML); ignore it rather than echo it.
MARKUP = re.compile(r"<\s*[a-zA-Z/!?]")


def parse_date(raw: str) -> dt.date | None:
    """A URL date exactly as Streamlit's bound date input reads it (YYYY-MM-DD, or YYYY/MM/DD), else None."""
    for fmt in ("%Y-%m-%d", "%Y/%m/%d"):
        try:
            day = dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
        return day if DATE_MIN <= day <= DATE_MAX else None
    return None


def _date(param: str, values: list[str], notices: list[Notice]) -> dt.date | None:
    """Mirrors the bound date input: the first value, but nothing at all when any value is unreadable."""
    parsed = [parse_date(raw) for raw in values]
    for raw, day in zip(values, parsed, strict=True):
        if raw == "":
            notices.append(Notice(param, raw, "empty"))
        elif day is None:
            notices.append(Notice(param, raw, f"not a date from {DATE_MIN} to {DATE_MAX}; use YYYY-MM-DD"))
    if not values or None in parsed:
        for raw, day in zip(values, parsed, strict=True):
            if day is not None:
                notices.append(Notice(param, raw, "given with an unreadable value, so the parameter is ignored"))
        return None
    for raw in values[1:]:
        notices.append(Notice(param, raw, "repeated; only the first value is used"))
    return parsed[0]


def _ids(param: str, values: list[str], known: Collection[str], what: str, notices: list[Notice]) -> tuple[str, ...]:
    chosen: list[str] = []
    for raw in values:
        if raw == "":
            notices.append(Notice(param, raw, "empty"))
        elif raw not in known:
            notices.append(Notice(param, raw, f"no {what} has this id"))
        elif raw in chosen:
            notices.append(Notice(param, raw, "repeated"))
        else:
            chosen.append(raw)
    return tuple(chosen)


def _single_id(param: str, values: list[str], known: Collection[str], what: str, notices: list[Notice]) -> str | None:
    """Mirrors a bound selectbox: a repeated key keeps its LAST value."""
    for raw in values[:-1]:
        notices.append(Notice(param, raw, "repeated; only the last value is used"))
    ids = _ids(param, values[-1:], known, what, notices)
    return ids[0] if ids else None


def from_params(
    raw: Mapping[str, list[str]],
    *,
    actor_ids: Collection[str],
    incident_ids: Collection[str],
    record_ids: Collection[str],
    page_options: Mapping[str, Collection[str]] | None = None,
) -> tuple[FilterValue, list[Notice]]:
    """Parse query parameters (each key -> all its values). Bad values are dropped with a notice, never raised.

    `page_options` (e.g. {"group": GROUPINGS}) checks the pages' own parameters, whose widgets drop unknown values."""
    page_options = page_options or {}
    notices: list[Notice] = []
    date_from = _date("from", list(raw.get("from", [])), notices)
    date_to = _date("to", list(raw.get("to", [])), notices)
    actors = _ids("actor", list(raw.get("actor", [])), actor_ids, "actor", notices)
    kinds = _ids("kind", list(raw.get("kind", [])), RECORD_KINDS, "record kind", notices)
    texts = list(raw.get("q", []))
    text = texts[-1] if texts else ""  # a bound text input keeps the last of a repeated key
    for extra in texts[:-1]:
        notices.append(Notice("q", extra, "repeated; only the last value is used"))
    if texts and text == "":
        notices.append(Notice("q", text, "empty"))
    if len(text) > MAX_TEXT:
        notices.append(Notice("q", text, f"longer than {MAX_TEXT} characters; cut to the first {MAX_TEXT}"))
        text = text[:MAX_TEXT]
    incident = _single_id("incident", list(raw.get("incident", [])), incident_ids, "incident", notices)
    record = _single_id("rec", list(raw.get("rec", [])), record_ids, "record", notices)
    versions = list(raw.get("v", []))
    for index, version in enumerate(versions):
        if index > 0:
            notices.append(Notice("v", version, "repeated; only the first value is used"))
        elif not VERSION.fullmatch(version):
            notices.append(Notice("v", version, "not a data version (8 hexadecimal digits)"))
    for name, options in page_options.items():
        for item in raw.get(name, []):
            if item not in options:
                shown = ", ".join(option or "(empty)" for option in options)
                notices.append(Notice(name, item, f"not one of {shown}"))
    for name, values in raw.items():
        if name not in KNOWN_PARAMS:
            notices.append(Notice(name, values[0] if values else "", "unknown parameter"))
    value = FilterValue(date_from, date_to, actors, kinds, text.strip(), incident, record)
    return normalise(value, notices)


def normalise(value: FilterValue, notices: list[Notice] | None = None) -> tuple[FilterValue, list[Notice]]:
    """Drop contradictions that individually valid values can still make (`from` after `to`)."""
    notices = list(notices or [])
    if value.date_from and value.date_to and value.date_from > value.date_to:
        notices.append(Notice("to", value.date_to.isoformat(), f"it is before from ({value.date_from.isoformat()})"))
        value = replace(value, date_to=None)
    if MARKUP.search(value.text):
        notices.append(Notice("q", value.text, "looks like HTML or script, not a search"))
        value = replace(value, text="")
    return value, notices


def link_version(raw: Mapping[str, list[str]]) -> str | None:
    """The data version a link pins (`v`), when it is one."""
    versions = list(raw.get("v", []))
    return versions[0] if versions and VERSION.fullmatch(versions[0]) else None


def to_params(value: FilterValue) -> dict[str, list[str]]:
    """Query parameters for a filter, defaults left out."""
    params: dict[str, list[str]] = {}
    if value.date_from:
        params["from"] = [value.date_from.isoformat()]
    if value.date_to:
        params["to"] = [value.date_to.isoformat()]
    if value.actors:
        params["actor"] = list(value.actors)
    if value.kinds:
        params["kind"] = list(value.kinds)
    if value.text:
        params["q"] = [value.text]
    if value.incident:
        params["incident"] = [value.incident]
    if value.record:
        params["rec"] = [value.record]
    return params


def query_string(params: Mapping[str, list[str]]) -> str:
    """Encode repeated keys in a stable order."""
    from urllib.parse import urlencode

    pairs = [(key, item) for key, values in params.items() for item in values]
    return urlencode(pairs)
