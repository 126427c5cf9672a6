"""URL query parameters <-> FilterValue, with a notice for every value that had to be ignored.

Links are hand-editable: dates are YYYY-MM-DD, ids are as in the data, lists are repeated keys
(`?actor=irn&actor=aze-mod`). A value equal to the default is left out, so links stay short. Which parameters
exist, which repeat and which value of a repeated key counts come from the table in `incidents.views.params`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from typing import Any, TypeVar
from urllib.parse import urlencode

from incidents.views.filtering import RECORD_KINDS, FilterValue
from incidents.views.params import BY_NAME, PAGE_PARAMS, PARAMS, Param

T = TypeVar("T")


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


def _repeated(param: Param) -> str:
    return f"repeated; only the {param.keeps} value is used"


def _date(param: Param, values: list[str], notices: list[Notice]) -> dt.date | None:
    """Mirrors the bound date input: the kept value, but nothing at all when any value is unreadable."""
    parsed = [parse_date(raw) for raw in values]
    for raw, day in zip(values, parsed, strict=True):
        if raw == "":
            notices.append(Notice(param.name, raw, "empty"))
        elif day is None:
            notices.append(Notice(param.name, raw, f"not a date from {DATE_MIN} to {DATE_MAX}; use YYYY-MM-DD"))
    if not values or None in parsed:
        for raw, day in zip(values, parsed, strict=True):
            if day is not None:
                notices.append(Notice(param.name, raw, "given with an unreadable value, so the parameter is ignored"))
        return None
    kept = 0 if param.keeps == "first" else len(values) - 1
    notices.extend(Notice(param.name, raw, _repeated(param)) for index, raw in enumerate(values) if index != kept)
    return parsed[kept]


def _ids(param: Param, values: list[str], known: Collection[str], notices: list[Notice]) -> tuple[str, ...]:
    chosen: list[str] = []
    for raw in values:
        if raw == "":
            notices.append(Notice(param.name, raw, "empty"))
        elif raw not in known:
            notices.append(Notice(param.name, raw, f"no {param.noun} has this id"))
        elif raw in chosen:
            notices.append(Notice(param.name, raw, "repeated"))
        else:
            chosen.append(raw)
    return tuple(chosen)


def _single(param: Param, values: list[str], notices: list[Notice], read: Callable[[str | None], T]) -> T:
    """Read the one value a single-valued key keeps (`param.keeps`); each other value gets a notice, in link order."""
    if param.keeps == "first":
        kept, dropped = values[:1], values[1:]
    else:
        kept, dropped = values[-1:], values[:-1]
    repeats = [Notice(param.name, raw, _repeated(param)) for raw in dropped]
    if param.keeps == "last":
        notices.extend(repeats)
    result = read(kept[0] if kept else None)
    if param.keeps == "first":
        notices.extend(repeats)
    return result


def _text(param: Param, raw: str | None, notices: list[Notice]) -> str:
    text = raw or ""
    if raw == "":
        notices.append(Notice(param.name, text, "empty"))
    if param.max_length is not None and len(text) > param.max_length:
        limit = param.max_length
        notices.append(Notice(param.name, text, f"longer than {limit} characters; cut to the first {limit}"))
        text = text[:limit]
    return text.strip()


def _version(param: Param, raw: str | None, notices: list[Notice]) -> None:
    if raw is not None and not VERSION.fullmatch(raw):
        notices.append(Notice(param.name, raw, "not a data version (8 hexadecimal digits)"))


def _read(param: Param, values: list[str], known: Collection[str], notices: list[Notice]) -> Any:
    """One parameter's values as its FilterValue field holds them (None for a parameter that fills none)."""
    if param.kind == "date":
        return _date(param, values, notices)
    if param.kind in ("id", "kind") and param.repeatable:
        return _ids(param, values, known, notices)
    if param.kind in ("id", "kind"):
        ids = _single(param, values, notices, lambda raw: _ids(param, [] if raw is None else [raw], known, notices))
        return ids[0] if ids else None
    if param.kind == "text":
        return _single(param, values, notices, lambda raw: _text(param, raw, notices))
    if param.kind == "version":
        _single(param, values, notices, lambda raw: _version(param, raw, notices))
    return None


def _field(param: Param) -> str:
    if param.field is None:
        raise KeyError(f"the URL parameter {param.name!r} fills no filter field")
    return param.field


def filter_value(by_param: Mapping[str, Any]) -> FilterValue:
    """A FilterValue from the shared filters' values keyed by parameter name (the sidebar widgets' keys)."""
    return FilterValue(**{_field(BY_NAME[name]): item for name, item in by_param.items()})


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
    known: dict[str, Collection[str]] = {
        "actor": actor_ids, "kind": RECORD_KINDS, "incident": incident_ids, "rec": record_ids,
    }
    notices: list[Notice] = []
    fields: dict[str, Any] = {}
    for param in PARAMS:
        if param.scope == "page":  # checked against `page_options` below, as their widgets accept
            continue
        read = _read(param, list(raw.get(param.name, [])), known.get(param.name, ()), notices)
        if param.field is not None:
            fields[param.field] = read
    for name, options in (page_options or {}).items():
        for item in raw.get(name, []):
            if item not in options:
                shown = ", ".join(option or "(empty)" for option in options)
                notices.append(Notice(name, item, f"not one of {shown}"))
    for name, values in raw.items():
        if name not in BY_NAME:
            notices.append(Notice(name, values[0] if values else "", "unknown parameter"))
    return normalise(FilterValue(**fields), notices)


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


def _encode(item: object) -> list[str]:
    """A FilterValue field as URL values; an unset field (None, empty) as none, so defaults are left out."""
    if not item:
        return []
    if isinstance(item, dt.date):
        return [item.isoformat()]
    if isinstance(item, tuple | list):
        return [str(element) for element in item]
    return [str(item)]


def to_params(value: FilterValue) -> dict[str, list[str]]:
    """Query parameters for a filter, in table order, defaults left out."""
    params: dict[str, list[str]] = {}
    for param in PARAMS:
        encoded = _encode(getattr(value, param.field)) if param.field is not None else []
        if encoded:
            params[param.name] = encoded
    return params


def link_params(value: FilterValue, page_params: Mapping[str, list[str]], version: str) -> dict[str, list[str]]:
    """Every parameter of a view's link: the filter, the page's own controls (defaults left out), the data version.

    A page control that is not in the table is a programming error, so it raises instead of vanishing."""
    unknown = set(page_params) - set(PAGE_PARAMS)
    if unknown:
        raise KeyError(f"page parameters missing from incidents.views.params.PARAMS: {sorted(unknown)}")
    params = to_params(value)
    for param in PARAMS:
        values = page_params.get(param.name)
        if param.scope == "page" and values is not None and values != [param.default]:
            params[param.name] = list(values)
    params.update({param.name: [version] for param in PARAMS if param.scope == "link"})
    return params


def query_string(params: Mapping[str, list[str]]) -> str:
    """Encode repeated keys in a stable order."""
    return urlencode([(key, item) for key, values in params.items() for item in values])
