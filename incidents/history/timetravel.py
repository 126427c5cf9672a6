"""Which data a link's `v` asks for: today's, an older version from the history, one the history does not know,
or an older one on a deployment without the history (then time travel is unavailable, and the current data is
shown under its own version, never under the old one's name)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from incidents.history.versions import Version

TravelState = Literal["current", "old", "unknown", "unavailable"]


@dataclass(frozen=True)
class Travel:
    """The outcome for one link: `version` is the old version shown (state "old"), `newer` how many came since."""

    state: TravelState
    requested: str | None
    current: str
    version: Version | None = None
    newer: int = 0
    latest: Version | None = None


def resolve(requested: str | None, current: str, versions: list[Version] | None) -> Travel:
    """`versions` is the history newest first, or None when there is no history to read."""
    if requested is None or requested == current:
        return Travel("current", requested, current)
    if versions is None:
        return Travel("unavailable", requested, current)
    for index, item in enumerate(versions):
        if item.version == requested:
            # The working tree may hold edits not yet committed: they count as one more version.
            newer = index + (0 if versions[0].version == current else 1)
            return Travel("old", requested, current, item, newer, versions[0])
    return Travel("unknown", requested, current)
