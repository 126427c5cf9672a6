"""The actor hierarchy, answered once per dataset: top of the `parent` chain, country, names, descendants.

Every module asks this index; none walks `parent` itself. Unknown parents and cycles stop a walk (the loader
reports cycles; the guards keep every answer total on bad data).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from incidents.model.records import Actor


class ActorIndex:
    """Answers about actors by id. Ids that are not actors answer with themselves (or None for a country)."""

    def __init__(self, actors: Mapping[str, Actor]) -> None:
        self._actors = actors
        self._top: dict[str, str] = {}
        self._country: dict[str, str | None] = {}
        self._children: dict[str, list[str]] = {}
        for actor in actors.values():
            if actor.parent:
                self._children.setdefault(actor.parent, []).append(actor.id)

    def top(self, actor_id: str) -> str:
        """Top of the `parent` chain (a ministry -> its state); the id itself when it has no known parent."""
        found = self._top.get(actor_id)
        if found is None:
            seen = {actor_id}
            found = actor_id
            while True:
                actor = self._actors.get(found)
                if actor is None or actor.parent is None or actor.parent in seen or actor.parent not in self._actors:
                    break
                seen.add(actor.parent)
                found = actor.parent
            self._top[actor_id] = found
        return found

    def country(self, actor_id: str | None) -> str | None:
        """The actor's country, or the first country up its hierarchy."""
        if not actor_id:
            return None
        if actor_id not in self._country:
            country = None
            seen: set[str] = set()
            current: str | None = actor_id
            while current and current not in seen:
                seen.add(current)
                actor = self._actors.get(current)
                if actor is None:
                    break
                if actor.country:
                    country = actor.country
                    break
                current = actor.parent
            self._country[actor_id] = country
        return self._country[actor_id]

    def label(self, actor_id: str | None, fallback: str | None = None) -> str:
        """Short display name for charts and lists: `short_name`, else `name`, else the fallback (or the id)."""
        actor = self._actors.get(actor_id) if actor_id else None
        if actor is None:
            return fallback if fallback is not None else (actor_id or "")
        return actor.short_name or actor.name

    def name(self, actor_id: str | None, fallback: str | None = None) -> str:
        """Full name for cards and briefings, where there is room: `name`, else the fallback (or the id)."""
        actor = self._actors.get(actor_id) if actor_id else None
        if actor is None:
            return fallback if fallback is not None else (actor_id or "")
        return actor.name

    def descendants(self, actor_ids: Iterable[str]) -> set[str]:
        """The actors and everything below them in the hierarchy (a ministry is part of its state)."""
        found: set[str] = set()
        stack = list(actor_ids)
        while stack:
            current = stack.pop()
            if current in found:
                continue
            found.add(current)
            stack.extend(self._children.get(current, ()))
        return found

    def ancestors(self, actor_id: str) -> list[str]:
        """The known actors above this one, nearest first (cycles stop the walk)."""
        chain: list[str] = []
        seen = {actor_id}
        parent = self._actors[actor_id].parent if actor_id in self._actors else None
        while parent and parent not in seen and parent in self._actors:
            chain.append(parent)
            seen.add(parent)
            parent = self._actors[parent].parent
        return chain

    def country_names(self) -> dict[str, str]:
        """Country code -> name, from the data's top-level state actors (the code when no state actor names it)."""
        names: dict[str, str] = {}
        for actor in self._actors.values():
            if actor.country and actor.kind == "state" and actor.parent is None:
                names.setdefault(actor.country, actor.short_name or actor.name)
        for actor in self._actors.values():
            if actor.country:
                names.setdefault(actor.country, actor.country)
        return names
