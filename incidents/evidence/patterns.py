"""How each party answers the accusations made against it, incident after incident (pure; no UI imports).

`patterns(dataset)` gives a `Patterns`:

- **accusations**: one per (incident, proposition, accused party). An accusation is a proposition that holds a
  party responsible for something its government would deny or contest, made by another party: the proposition's
  `against` names every party it holds responsible (each read as the top of its `parent` chain), and it is *made*
  against one of them when a statement of a party it does *not* hold responsible, in a named voice, asserts or
  suggests it. A party that asserts a proposition holding itself responsible too (a joint act: "we agreed with them")
  reports its own act: that is its answer (acknowledged), never an accusation of its partner. Unnamed sources and
  the publication's own voice accuse no one on record, and answer for no one.
- **answers**: the accused party's named statements that take a stance on the proposition, assert or suggest a
  proposition competing with it (`excludes` either way, or `answers`), or reply (`responds_to`) to an accusing
  statement. Each is classified by the first rule that fits, in the order of
  `incidents.model.vocabulary.ANSWER_TEXT`: acknowledged (asserts, suggests or implies it); blamed a third party
  (asserts or suggests a competing proposition whose `against` names a party other than itself and the first
  accuser: a counter-accusation against another party that joined the accusation still blames a third party);
  another account or motive (a competing proposition that blames no one else, or an alternative-explanation);
  denied (denies it); promised an investigation (an assurance that takes no side on it); declined (doubts or
  declines). A party with no such statement "said nothing on record".
- **lag**: from the first accusing statement's time window to the first answer's, as `incidents.model.when.window_lag`
  gives it: a range, or unordered, never more precise than the two times.
- **recurring**: propositions sharing a `recurs_as` key across two or more incidents, each with its history (the
  incident, its date, the proposition's status in that incident's comparison). Only the curated key groups them;
  similar wording never does, because a text match would join claims the curators did not judge the same.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from incidents.evidence.comparison import Comparison, compare
from incidents.evidence.stances import dataset_exclusions, polarity
from incidents.model.dataset import Dataset
from incidents.model.groups import Groups, groups
from incidents.model.queries import chronological
from incidents.model.records import Incident, Proposition, Statement
from incidents.model.vocabulary import ANSWER_LABELS, ANSWER_TEXT
from incidents.model.when import WindowLag, date_text, format_duration, lag_span_text, time_window, window_lag

ANSWER_KINDS: tuple[str, ...] = tuple(ANSWER_TEXT)
_ACCUSING = ("asserts", "suggests")


@dataclass(frozen=True)
class Answer:
    """One statement of the accused party on the accusation, classified."""

    statement: str
    speaker: str
    answer: str  # a key of ANSWER_TEXT (never 'no-answer')
    when: str  # the statement's time as its sources give it
    blames: tuple[str, ...] = ()  # the third parties it holds responsible (blamed-third-party)


@dataclass(frozen=True)
class Accusation:
    """An accusation made against a party in one incident, and how that party answered it."""

    incident: str
    incident_date: dt.date
    incident_dates: str  # the incident's dates at their precision ('September 2021')
    proposition: str
    text: str
    accused: str
    accusers: tuple[str, ...]
    accusing_statements: tuple[str, ...]
    accused_when: str
    answers: tuple[Answer, ...]
    lag: WindowLag | None  # None when there is no answer

    @property
    def answer(self) -> str:
        """The first answer's kind, or 'no-answer'."""
        return self.answers[0].answer if self.answers else "no-answer"

    @property
    def latest(self) -> str:
        """The latest answer's kind (it may have moved from a denial to an acknowledgement), or 'no-answer'."""
        return self.answers[-1].answer if self.answers else "no-answer"

    @property
    def year(self) -> int:
        return self.incident_date.year


@dataclass(frozen=True)
class Occurrence:
    """A recurring proposition in one incident."""

    incident: str
    incident_date: dt.date
    incident_dates: str
    proposition: str
    text: str
    status: str  # its row status in the incident's comparison (contested, one-sided, agreed, unaddressed)


@dataclass(frozen=True)
class Recurring:
    """Propositions of several incidents that curators marked as the same claim (`recurs_as`), oldest first."""

    key: str
    history: tuple[Occurrence, ...]

    @property
    def incidents(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(o.incident for o in self.history))


@dataclass(frozen=True)
class Patterns:
    """Every accusation with its answer, and the recurring propositions, across the record."""

    accusations: tuple[Accusation, ...]
    recurring: tuple[Recurring, ...]
    party_names: dict[str, str] = field(default_factory=dict)

    @property
    def parties(self) -> tuple[str, ...]:
        """The accused parties, most accused first, then by name."""
        counts: dict[str, int] = {}
        for accusation in self.accusations:
            counts[accusation.accused] = counts.get(accusation.accused, 0) + 1
        return tuple(sorted(counts, key=lambda p: (-counts[p], self.party_names.get(p, p))))

    def grid(self) -> dict[str, dict[str, int]]:
        """party -> answer kind -> how many accusations it answered first that way (every kind present, 0 too)."""
        found = {party: dict.fromkeys(ANSWER_KINDS, 0) for party in self.parties}
        for accusation in self.accusations:
            found[accusation.accused][accusation.answer] += 1
        return found


def _party(dataset: Dataset, statement: Statement) -> str | None:
    """The party a statement speaks for on record: the top of a named speaker's chain; None otherwise."""
    if statement.voice != "named" or statement.speaker is None:
        return None
    return dataset.actor_index.top(statement.speaker)


def _classify(
    statement: Statement,
    proposition: Proposition,
    competing: set[str],
    propositions: dict[str, Proposition],
    tops: dict[str, str],
    accused: str,
    accuser: str,
) -> tuple[str, tuple[str, ...]] | None:
    """The answer kind of one statement of the accused party (with the third parties it blames), None if it is no
    answer. Rules in ANSWER_TEXT order; see the module docstring."""
    own = [s.stance for s in statement.stances if s.proposition == proposition.id]
    if any(polarity(stance) == "for" for stance in own):
        return "acknowledged", ()
    rival = [
        propositions[s.proposition]
        for s in statement.stances
        if s.proposition in competing and s.stance in _ACCUSING and s.proposition in propositions
    ]
    blamed = tuple(
        dict.fromkeys(
            tops.get(a, a) for p in rival for a in p.against if tops.get(a, a) not in (accuser, accused)
        )
    )
    if blamed:
        return "blamed-third-party", blamed
    if rival or (statement.kind == "alternative-explanation" and not own):
        return "other-account", ()
    if "denies" in own or (statement.kind == "denial" and not own):
        return "denied", ()
    if statement.kind == "assurance":
        return "investigation", ()
    if own:  # doubts or declines
        return "declined", ()
    return None


class _Kept:
    """Each incident's accusations, kept across datasets with what they were worked out from: an edit to one file
    leaves the other incidents' records the same objects (the loader reuses them), so only the incidents it touched
    are worked out again (0.85 s for all of them at 1,000 incidents, on every edit). Bounded; thread-safe."""

    MAX_ENTRIES = 50_000

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.actors: tuple[Any, ...] = ()
        self.entries: dict[str, tuple[tuple[Any, ...], list[Accusation]]] = {}

    def entries_for(self, actors: tuple[Any, ...]) -> dict[str, tuple[tuple[Any, ...], list[Accusation]]]:
        """The entries worked out with these actors (whose hierarchy names each statement's party)."""
        with self.lock:
            if not _same(self.actors, actors) or len(self.entries) > self.MAX_ENTRIES:
                self.actors, self.entries = actors, {}
            return self.entries


_KEPT = _Kept()


def _same(old: tuple[Any, ...], new: tuple[Any, ...]) -> bool:
    """The same inputs: the very objects, or equal ones (a record read again from an unchanged file)."""
    return len(old) == len(new) and all(a is b or a == b for a, b in zip(old, new, strict=True))


def _inputs(dataset: Dataset, grouped: Groups, rivals: Mapping[str, set[str]], incident_id: str) -> tuple[Any, ...]:
    """What an incident's accusations are worked out from, besides the actors: the incident, the statements naming
    it, its propositions, and their rival propositions (an answer blaming a third party reads those)."""
    propositions = grouped.propositions.get(incident_id, ())
    competing: list[Any] = []
    for proposition in propositions:
        found = rivals.get(proposition.id)
        if found:
            competing += [frozenset(found), *(dataset.propositions.get(other) for other in sorted(found))]
    return (
        dataset.incidents.get(incident_id), *grouped.statements.get(incident_id, ()), None, *propositions, None,
        *competing,
    )


def accusations(dataset: Dataset, incident_ids: Iterable[str] | None = None) -> list[Accusation]:
    """Every accusation made against a party, with its answers, oldest incident first (see the module docstring).

    Each incident's are kept (`_Kept`) and reused while its inputs (`_inputs`) and the actors are unchanged."""
    wanted = set(dataset.incidents) if incident_ids is None else set(incident_ids) & set(dataset.incidents)
    grouped = groups(dataset)
    rivals = dataset_exclusions(dataset)
    kept = _KEPT.entries_for(tuple(dataset.actors.values()))
    found: list[Accusation] = []
    todo: dict[str, tuple[Any, ...]] = {}
    for incident_id in wanted:
        inputs = _inputs(dataset, grouped, rivals, incident_id)
        hit = kept.get(incident_id)
        if hit is not None and _same(hit[0], inputs):
            found += hit[1]
        else:
            todo[incident_id] = inputs
    made = _accusations(dataset, grouped, rivals, set(todo))
    made_by_incident: dict[str, list[Accusation]] = {}
    for accusation in made:  # one pass: a scan of `made` per incident took 0.27 s at 1,000 incidents
        made_by_incident.setdefault(accusation.incident, []).append(accusation)
    for incident_id, inputs in todo.items():
        kept[incident_id] = (inputs, made_by_incident.get(incident_id, []))
    found += made
    found.sort(key=lambda a: (a.incident_date, a.incident, a.accused, a.proposition))
    return found


def _accusations(
    dataset: Dataset, grouped: Groups, rivals: Mapping[str, set[str]], wanted: set[str]
) -> list[Accusation]:
    """The accusations of the `wanted` incidents, in no set order."""
    index = dataset.actor_index
    tops = {actor_id: index.top(actor_id) for actor_id in dataset.actors}
    statements_of = {i: grouped.statements.get(i, ()) for i in wanted}
    # Each statement's time-order key and party once: the loops below would otherwise work them out per
    # proposition and per accused party (75,000 time keys at 1,000 incidents).
    order = {s.id: chronological(s) for found in statements_of.values() for s in found}
    by_incident = {i: sorted(found, key=lambda s: order[s.id]) for i, found in statements_of.items()}
    party_of = {s.id: _party(dataset, s) for found in statements_of.values() for s in found}
    found: list[Accusation] = []
    # `wanted` holds only this dataset's incidents, and an incident's propositions are those that name it.
    for incident, proposition in ((dataset.incidents[i], p) for i in wanted for p in grouped.propositions.get(i, ())):
        statements = by_incident[incident.id]
        held = dict.fromkeys(tops.get(a, a) for a in proposition.against)
        # The incident's statements with a stance on this proposition, in time order (as `statements` has them).
        stance_ids = {s.id for s in grouped.stances.get(proposition.id, ())}
        on_it = [s for s in statements if s.id in stance_ids]
        for accused in held:
            # Made by another party, and by none the proposition also holds responsible: a party asserting a joint
            # act of its own (Cohen's "I agreed … to form a united front") reports it; it does not accuse its partner.
            accusing = [
                s
                for s in on_it
                if (party := party_of[s.id]) is not None
                and party not in held
                and any(st.proposition == proposition.id and st.stance in _ACCUSING for st in s.stances)
            ]
            if not accusing:
                continue
            accusers = {p for s in accusing if (p := party_of[s.id]) is not None}
            accusing_ids = {s.id for s in accusing}
            first_accuser = party_of[accusing[0].id] or ""
            competing = rivals.get(proposition.id, set())
            answers: list[tuple[Statement, Answer]] = []
            for statement in statements:
                if party_of[statement.id] != accused:
                    continue
                touches = (
                    any(st.proposition == proposition.id or st.proposition in competing for st in statement.stances)
                    or bool(accusing_ids & set(statement.responds_to))
                )
                if not touches:
                    continue
                classified = _classify(
                    statement, proposition, competing, dataset.propositions, tops, accused, first_accuser
                )
                if classified is None:
                    continue
                kind, blamed = classified
                answers.append(
                    (
                        statement,
                        Answer(statement.id, statement.speaker or "", kind, statement.when.label(), blamed),
                    )
                )
            first = accusing[0]
            lag = window_lag(time_window(first.when), time_window(answers[0][0].when)) if answers else None
            found.append(
                Accusation(
                    incident=incident.id,
                    incident_date=_date(incident),
                    incident_dates=date_text(incident.when),
                    proposition=proposition.id,
                    text=proposition.text,
                    accused=accused,
                    accusers=tuple(sorted(accusers)),
                    accusing_statements=tuple(s.id for s in accusing),
                    accused_when=first.when.label(),
                    answers=tuple(a for _, a in answers),
                    lag=lag,
                )
            )
    return found


def _date(incident: Incident) -> dt.date:
    """The day an incident starts (or, undated, the latest day it may have happened)."""
    return incident.when.first_day


def recurring(dataset: Dataset, comparisons: dict[str, Comparison] | None = None) -> list[Recurring]:
    """Propositions sharing a `recurs_as` key across two or more incidents, with their history, most incidents first.

    `comparisons` may pass the incidents' comparisons when they are already made (incident id -> Comparison)."""
    comparisons = dict(comparisons or {})
    groups: dict[str, list[Occurrence]] = {}
    for proposition in dataset.propositions.values():
        incident = dataset.incidents.get(proposition.incident or "")
        if proposition.recurs_as is None or incident is None:
            continue
        if incident.id not in comparisons:
            made = compare(dataset, incident.id)
            if isinstance(made, Comparison):
                comparisons[incident.id] = made
        comparison = comparisons.get(incident.id)
        status = next(
            (row.status for row in comparison.rows if row.proposition.id == proposition.id), "unaddressed"
        ) if comparison else "unaddressed"
        groups.setdefault(proposition.recurs_as, []).append(
            Occurrence(incident.id, _date(incident), date_text(incident.when), proposition.id, proposition.text, status)
        )
    found = [
        Recurring(key, tuple(sorted(history, key=lambda o: (o.incident_date, o.incident, o.proposition))))
        for key, history in groups.items()
        if len({o.incident for o in history}) >= 2
    ]
    found.sort(key=lambda r: (-len(r.incidents), r.key))
    return found


def patterns(dataset: Dataset, comparisons: dict[str, Comparison] | None = None) -> Patterns:
    """The accusations with their answers and the recurring propositions of the whole record."""
    found = accusations(dataset)
    parties = {a.accused for a in found} | {p for a in found for p in a.accusers}
    parties |= {p for a in found for answer in a.answers for p in answer.blames}
    names = {p: dataset.actor_index.label(p) for p in parties}
    return Patterns(tuple(found), tuple(recurring(dataset, comparisons)), names)


def lag_text(lag: WindowLag | None) -> str:
    """The lag in words at the precision the times allow ('about 5 h', 'between 24 h and 3 days'; the words of
    incidents.model.when.lag_span_text, as the timeline's response lags), or why there is none."""
    if lag is None:
        return "no answer"
    if lag.kind == "undated" or lag.low is None or lag.high is None:
        return "not measurable: a time is undated"
    if lag.kind == "unordered":
        # The answer's whole window may lie before the accusation's (a denial given before the other side spoke):
        # that order is known, so say it, rather than calling the times overlapping.
        if lag.high < dt.timedelta(0):
            return f"the answer came first: between {format_duration(-lag.high)} and {format_duration(-lag.low)} before"
        return "the times overlap: which came first cannot be told"
    return lag_span_text(lag.low, lag.high, lag.kind == "exact")


def to_json(found: Patterns) -> dict[str, Any]:
    """Plain data for `python -m incidents patterns --format json` and the page's export."""
    return {
        "answer_kinds": {key: {"label": ANSWER_LABELS[key], "text": ANSWER_TEXT[key]} for key in ANSWER_KINDS},
        "parties": {p: found.party_names.get(p, p) for p in found.parties},
        "grid": found.grid(),
        "accusations": [
            {
                "incident": a.incident,
                "incident_date": a.incident_date.isoformat(),
                "incident_dates": a.incident_dates,
                "proposition": a.proposition,
                "text": a.text,
                "accused": a.accused,
                "accusers": list(a.accusers),
                "accusing_statements": list(a.accusing_statements),
                "accused_when": a.accused_when,
                "answer": a.answer,
                "latest_answer": a.latest,
                "lag": None
                if a.lag is None
                else {
                    "kind": a.lag.kind,
                    "low_minutes": None if a.lag.low is None else round(a.lag.low.total_seconds() / 60),
                    "high_minutes": None if a.lag.high is None else round(a.lag.high.total_seconds() / 60),
                    "text": lag_text(a.lag),
                },
                "answers": [
                    {
                        "statement": x.statement,
                        "speaker": x.speaker,
                        "answer": x.answer,
                        "when": x.when,
                        "blames": list(x.blames),
                    }
                    for x in a.answers
                ],
            }
            for a in found.accusations
        ],
        "recurring": [
            {
                "key": r.key,
                "incidents": list(r.incidents),
                "history": [
                    {
                        "incident": o.incident,
                        "incident_date": o.incident_date.isoformat(),
                        "incident_dates": o.incident_dates,
                        "proposition": o.proposition,
                        "text": o.text,
                        "status": o.status,
                    }
                    for o in r.history
                ],
            }
            for r in found.recurring
        ],
    }
