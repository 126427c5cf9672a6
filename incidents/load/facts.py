"""What the cross-file checks ask of each record that its own file settles: the references it makes, the dates it
holds, whether a text may name a weekday. `Located` works them out once (the parse cache keeps them), and the checks
in `references` and `weekdays` read them; this module imports neither, so the load stages stay one way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from incidents.load.parse import Loc
from incidents.model.records import Record
from incidents.model.registry import REFERENCES

LIST_ITEMS = "*"


def field_values(obj: Any, dotted: str, loc: Loc) -> Iterator[tuple[Loc, str]]:
    """Ids found at a dotted path ('*' walks a list), with their locations."""
    head, _, rest = dotted.partition(".")
    if head == LIST_ITEMS:
        for index, item in enumerate(obj or []):
            yield from field_values(item, rest, (*loc, index))
        return
    value = getattr(obj, head, None)
    if rest:
        yield from field_values(value, rest, (*loc, head))
    elif isinstance(value, str):
        yield (*loc, head), value
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, str):
                yield (*loc, head, index), item


def record_references(collection: str, record: Record, loc: Loc) -> Iterator[tuple[Loc, str, str]]:
    """(location, id, target collection key) of every reference a record of `collection` makes, in field order
    (`Located.refs`)."""
    for ref_path, target in REFERENCES[collection]:
        for ref_loc, ref in field_values(record, ref_path, loc):
            yield ref_loc, ref, target


def record_dates(value: Any, loc: Loc) -> Iterator[tuple[Loc, dt.date]]:
    """Every date below a value (a datetime's day), with its location (`Located.dates`)."""
    if isinstance(value, dt.date):
        yield loc, value if not isinstance(value, dt.datetime) else value.date()
    elif isinstance(value, Record):
        for name in type(value).model_fields:
            yield from record_dates(getattr(value, name), (*loc, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from record_dates(item, (*loc, index))


# A cheap first look (a weekday's first letters, and a digit) spares the full patterns most texts.
_MAYBE = re.compile(r"(?i)\b(?:mon|tue|wed|thu|fri|sat|sun)")
_DIGIT = re.compile(r"\d")


def may_name_a_weekday(text: str) -> bool:
    """The cheap first look: False only for a text that cannot hold a weekday beside a date."""
    return bool(_DIGIT.search(text) and _MAYBE.search(text))
