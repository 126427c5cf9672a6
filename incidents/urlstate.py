"""URL query parameters <-> FilterValue, with a notice for every value that had to be ignored.

Links are hand-editable: dates are YYYY-MM-DD, ids are as in the data, lists are repeated keys
(`?actor=irn&actor=aze-mod`). A value equal to the default is left out, so links stay short.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace

from incidents.filtering import RECORD_KINDS, FilterValue

MAX_TEXT = 200
# Shared filters, bound in app.py; they survive page switches.
SHARED_PARAMS = ("from", "to", "actor", "kind", "q", "incident", "rec")
# Per-page state, bound on its page; and parameters Streamlit or the share link own.
PAGE_PARAMS = ("layers", "basemap", "group", "order", "table")
OTHER_PARAMS = ("v", "embed", "embed_options")
KNOWN_PARAMS = SHARED_PARAMS + PAGE_PARAMS + OTHER_PARAMS


@dataclass(frozen=True)
class Notice:
    """Why a URL parameter (or one of its values) was ignored."""

    param: str
    value: str
    reason: str

    def __str__(self) -> str:
        shown = self.value if len(self.value) <= 40 else self.value[:40] + "…"
        return f"Ignored `{self.param}={shown}`: {self.reason}."


def _date(param: str, values: list[str], notices: list[Notice]) -> dt.date | None:
    chosen: dt.date | None = None
    for index, raw in enumerate(values):
        if index > 0:
            notices.append(Notice(param, raw, "repeated; only the first value is used"))
            continue
        if raw == "":
            notices.append(Notice(param, raw, "empty"))
            continue
        try:
            chosen = dt.date.fromisoformat(raw)
            if len(raw) != 10:
                raise ValueError
        except ValueError:
            chosen = None
            notices.append(Notice(param, raw, "not a date; use YYYY-MM-DD"))
    return chosen


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
    ids = _ids(param, values[:1], known, what, notices)
    for raw in values[1:]:
        notices.append(Notice(param, raw, "repeated; only the first value is used"))
    return ids[0] if ids else None


def from_params(
    raw: Mapping[str, list[str]],
    *,
    actor_ids: Collection[str],
    incident_ids: Collection[str],
    record_ids: Collection[str],
) -> tuple[FilterValue, list[Notice]]:
    """Parse query parameters (each key -> all its values). Bad values are dropped with a notice, never raised."""
    notices: list[Notice] = []
    date_from = _date("from", list(raw.get("from", [])), notices)
    date_to = _date("to", list(raw.get("to", [])), notices)
    actors = _ids("actor", list(raw.get("actor", [])), actor_ids, "actor", notices)
    kinds = _ids("kind", list(raw.get("kind", [])), RECORD_KINDS, "record kind", notices)
    texts = list(raw.get("q", []))
    text = texts[0] if texts else ""
    for extra in texts[1:]:
        notices.append(Notice("q", extra, "repeated; only the first value is used"))
    if len(text) > MAX_TEXT:
        notices.append(Notice("q", text, f"longer than {MAX_TEXT} characters; cut to the first {MAX_TEXT}"))
        text = text[:MAX_TEXT]
    incident = _single_id("incident", list(raw.get("incident", [])), incident_ids, "incident", notices)
    record = _single_id("rec", list(raw.get("rec", [])), record_ids, "record", notices)
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
    return value, notices


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
