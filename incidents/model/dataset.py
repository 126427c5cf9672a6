"""The loaded records and their validation report: the type every other module works on."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal, TypeVar, cast

from incidents.model.actors import ActorIndex
from incidents.model.records import Actor, Discrepancy, Entry, Event, Incident, Place, Proposition, Source, Statement
from incidents.model.registry import BY_KEY, BY_NAME, COLLECTIONS

Severity = Literal["error", "warning"]
T = TypeVar("T")


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem: prints as `path:line:col: CODE message`."""

    path: str
    line: int
    col: int
    code: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        level = " (warning)" if self.severity == "warning" else ""
        return f"{self.path}:{self.line}:{self.col}: {self.code}{level} {self.message}"


class KeyLocks:
    """A lock per key while something is made under it, so that sessions asking for the same key at once make it
    once: the first makes it, the others wait and then find it (`Derives.derive`, `FilterIndex.view`). A key's lock
    is dropped once its value is made; one whose make failed stays, for the next asker to try again."""

    def __init__(self, reentrant: bool = False) -> None:
        self._guard = threading.Lock()  # held only to look a lock up, add or drop it
        self._locks: dict[Hashable, threading.Lock | threading.RLock] = {}
        self._reentrant = reentrant

    def __len__(self) -> int:
        return len(self._locks)

    @contextmanager
    def holding(self, key: Hashable) -> Iterator[None]:
        with self._guard:
            lock = self._locks.get(key)
            if lock is None:
                lock = self._locks[key] = threading.RLock() if self._reentrant else threading.Lock()
        with lock:
            yield
        with self._guard:
            self._locks.pop(key, None)  # later askers find the value: the lock is needed no more


class Derives:
    """`derive(key, make)`: `make()` worked out once and kept in the object's `derived` dict. For loaded data
    and views, which never change once made and are shared by every session: a new reader's page is not built
    again. `key` names everything else the result depends on."""

    derived: dict[Hashable, Any]

    def derive(self, key: Hashable, make: Callable[[], T]) -> T:
        """`make()`, made once: a session asking while another makes it waits for that one's result. Made by both,
        the server's warm-up and a first reader each built the front page's findings, and the reader waited for
        both (0.56 s alone, 1.0-1.3 s beside the warm-up at 1,000 incidents: bench/PROFILE.md, sixteenth pass).
        The locks are reentrant: a `make` asking for its own key makes it again, as before, rather than hang."""
        if key in self.derived:
            return cast(T, self.derived[key])
        # In the instance's __dict__, not a field: a frozen view has no setter, and a lock is no data. setdefault is
        # atomic, so two first askers end up with the same locks.
        making: KeyLocks | None = self.__dict__.get("_making")
        if making is None:
            making = self.__dict__.setdefault("_making", KeyLocks(reentrant=True))
        with making.holding(key):
            if key not in self.derived:
                self.derived[key] = make()
        return cast(T, self.derived[key])


# The collections' keys in load order (`incident` is the file key, `incidents` the attribute), from the registry.
COLLECTION_ORDER: tuple[str, ...] = tuple(c.key for c in COLLECTIONS)


@dataclass
class Dataset(Derives):
    """The valid records, keyed by id, plus the validation report.

    One typed attribute per collection of `incidents.model.registry` (its `name`); a test checks they agree.
    """

    actors: dict[str, Actor] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    incidents: dict[str, Incident] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    statements: dict[str, Statement] = field(default_factory=dict)
    propositions: dict[str, Proposition] = field(default_factory=dict)
    discrepancies: dict[str, Discrepancy] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    version: str = ""
    # The whole sha256 the version is cut from: what stored caches are keyed on (8 hex digits are for people's links;
    # a file made to share another's 8 would otherwise be served the other's stored table and columns).
    digest: str = ""
    files: list[str] = field(default_factory=list)
    # Where each kept record's id is written, (path, line): the validator's review list points curators there.
    origins: dict[str, tuple[str, int]] = field(default_factory=dict)
    # Where every record of a file starts, valid or not: path → [(line, published?, id or "")], in file order.
    spans: dict[str, list[tuple[int, bool, str]]] = field(default_factory=dict)
    # What pages derive from the whole dataset (`Derives`); filled only once the collections are final (loading's
    # warnings keep the sources' origins table, after `keep`). Not an init field, so `dataclasses.replace` gives a
    # changed dataset a fresh one instead of the original's derivations.
    derived: dict[Hashable, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def last_updated(self) -> dt.date | None:
        """Latest `last_updated` over the incidents: a fact of the data, not of file times. Kept once read (`derive`:
        the loaded data is final), since the claims index asks once per incident and each answer scans them all."""
        return self.derive("last-updated", self._latest_update)

    def _latest_update(self) -> dt.date | None:
        dates = [incident.last_updated for incident in self.incidents.values()]
        return max(dates) if dates else None

    @cached_property
    def actor_index(self) -> ActorIndex:
        """Top of chain, country, names and descendants of every actor, worked out once (the loaded data is final)."""
        return ActorIndex(self.actors)

    def collection(self, name: str) -> dict[str, Any]:
        """A collection by its key in the files ('incident') or its name ('incidents')."""
        found = BY_KEY.get(name) or BY_NAME[name]
        return getattr(self, found.name)

    def record(self, record_id: str) -> Entry | None:
        """Any record by id (ids are unique across kinds)."""
        for collection in COLLECTIONS:
            found = self.collection(collection.name).get(record_id)
            if found is not None:
                return found
        return None
