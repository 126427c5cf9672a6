"""A weekday given beside a date, checked against the calendar: "Wednesday (March 5)" in 2026 was a Thursday.

Found in every text of a record ("Wednesday (March 5)", "Thursday, 5 March", "Wed 5 Mar 2026", "5 March
(Thursday)"); English weekday and month names only. The year is the text's own, else the record's (its time, its
publication date, or its incident's time). The patterns have only bounded repeats, so no input can make them
backtrack for long.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from incidents.load.facts import may_name_a_weekday
from incidents.load.parse import loc_text
from incidents.load.validate import Located
from incidents.model import codes
from incidents.model.dataset import Dataset, Problem
from incidents.model.records import Entry

# English names, written out: `calendar` and `strftime` follow the machine's locale.
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
_WEEKDAY_WORDS = {name.lower(): number for number, name in enumerate(WEEKDAY_NAMES)}
_WEEKDAY_WORDS |= {"tues": 1, "thur": 3, "thurs": 3} | {name[:3].lower(): n for n, name in enumerate(WEEKDAY_NAMES)}
_MONTH_WORDS = {name.lower(): number for number, name in enumerate(MONTH_NAMES, 1)}
_MONTH_WORDS |= {name[:3].lower(): number for number, name in enumerate(MONTH_NAMES, 1)} | {"sept": 9}


def _words(names: dict[str, int]) -> str:
    return "|".join(sorted(names, key=len, reverse=True))


_WD, _MON = _words(_WEEKDAY_WORDS), _words(_MONTH_WORDS)
_DAY = r"[0-3]?\d(?:st|nd|rd|th)?"
_SEP = r"[\s,(]{0,4}"
_YEAR = r"(?:,?\s{0,2}(?P<year>\d{4})\b)?"
_DATE = rf"(?:(?P<m1>{_MON})\.?\s{{1,3}}(?P<d1>{_DAY})|(?P<d2>{_DAY})\s{{1,3}}(?:of\s{{1,3}})?(?P<m2>{_MON})\.?)\b"
# "Wednesday (March 5)", "Thursday, 5 March", "Wed 5 Mar 2026"
WEEKDAY_FIRST = re.compile(rf"\b(?P<wd>{_WD})\b\.?{_SEP}{_DATE}\)?{_YEAR}", re.IGNORECASE)
# "5 March (Thursday)", "March 5, 2026 (Thu)"
WEEKDAY_AFTER = re.compile(
    rf"\b{_DATE}{_YEAR}\s{{0,3}},?\s{{0,3}}\(\s{{0,2}}(?P<wd>{_WD})\.?\s{{0,2}}\)", re.IGNORECASE
)


@dataclass(frozen=True)
class WeekdayDate:
    """A weekday named beside a day and month in a text, and the year given with them (if any)."""

    text: str
    weekday: int
    day: int
    month: int
    year: int | None


def weekday_dates(text: str) -> Iterator[WeekdayDate]:
    """Every weekday-beside-a-date in a text, in order."""
    if not may_name_a_weekday(text):
        return
    found = [m for pattern in (WEEKDAY_FIRST, WEEKDAY_AFTER) for m in pattern.finditer(text)]
    for match in sorted(found, key=lambda m: m.start()):
        groups = match.groupdict()
        month = groups["m1"] or groups["m2"]
        day = groups["d1"] or groups["d2"]
        year = int(groups["year"]) if groups["year"] else None
        yield WeekdayDate(
            " ".join(match.group(0).split()), _WEEKDAY_WORDS[groups["wd"].lower()], int(re.sub(r"\D", "", day)),
            _MONTH_WORDS[month.lower()], year,
        )


def mismatch(found: WeekdayDate, year: int) -> tuple[str, str, str] | None:
    """(said, the date, actual weekday) when the calendar contradicts the text; None when it agrees or no such day."""
    try:
        date = dt.date(found.year or year, found.month, found.day)
    except ValueError:
        return None
    if date.weekday() == found.weekday:
        return None
    written = f"{date.day} {MONTH_NAMES[date.month - 1]} {date.year}"
    return WEEKDAY_NAMES[found.weekday], written, WEEKDAY_NAMES[date.weekday()]


def record_year(record: Entry, dataset: Dataset) -> int | None:
    """The year a record's texts speak of: its time's start, its publication, or its incident's time."""
    when = getattr(record, "when", None)
    if when is not None:
        return when.start_dt.year
    published = getattr(record, "published", None)
    if isinstance(published, dt.date):
        return published.year
    incident_ids = [getattr(record, "incident", None), *getattr(record, "incidents", [])]
    incident = next((dataset.incidents[i] for i in incident_ids if i in dataset.incidents), None)
    return incident.when.start_dt.year if incident is not None else None


# A quotation inside our own prose: double quotes, curly or straight, or guillemets, on one line.
_QUOTED = re.compile(r'"[^"\n]{1,400}"|“[^”\n]{1,400}”|«[^»\n]{1,400}»')
# Fields that hold the source's own words: checked even where they use quotation marks.
_SOURCE_WORDS = ("as_reported", "quotes")


def _in_quotation(text: str, found: WeekdayDate) -> bool:
    """True when the weekday and date sit inside a quotation in the text: our prose citing a source's wording."""
    return any(found.text in " ".join(match.group(0).split()) for match in _QUOTED.finditer(text))


def weekday_mismatches(dataset: Dataset, records: dict[str, Located]) -> list[Problem]:
    """A warning at every text of a kept record whose weekday and date disagree in the record's year.

    Where our own prose (a note, a title, a description) quotes a source's wrong weekday in quotation marks, it is
    discussing the error, not making it, and is not flagged; `as_reported` and quotes are the source's own words and
    are always checked.
    """
    problems = []
    for record_id, located in records.items():
        if not located.text_flags[1]:  # no text of it can name a weekday beside a date
            continue
        record = dataset.record(record_id)
        year = record_year(record, dataset) if record is not None else None
        if year is None:
            continue
        for path, text in located.texts:
            own_words = not any(part in _SOURCE_WORDS for part in path)
            for found in weekday_dates(text):
                if own_words and _in_quotation(text, found):
                    continue
                wrong = mismatch(found, year)
                if wrong is not None:
                    said, date, actual = wrong
                    field = loc_text((*located.loc, *path))
                    problems.append(
                        located.problem(
                            codes.WEEKDAY_MISMATCH, *path, field=field, text=found.text, said=said, date=date,
                            actual=actual,
                        )
                    )
    return problems
