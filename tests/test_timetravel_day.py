"""The app's older versions and their diffs are kept per day, as the current records are (`components.records`):
a long-running server checks them against the new day instead of keeping the first day's check."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

import components.records as records
import components.timetravel as timetravel
from incidents.history.versions import find_repo, history

DAYS = (dt.date(2026, 3, 4), dt.date(2026, 3, 4), dt.date(2026, 12, 6))


def test_an_old_version_is_loaded_again_on_a_new_day(repo_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[dt.date | None] = []
    real = timetravel.load_version

    def recording(repo: Any, version: Any, today: dt.date | None = None) -> Any:
        asked.append(today)
        return real(repo, version, today)

    monkeypatch.setattr(timetravel, "load_version", recording)
    oldest = history(find_repo(repo_data))[-1]
    loaded = []
    for day in DAYS:
        monkeypatch.setattr(records, "today", lambda day=day: day)
        loaded.append(timetravel.load_at(str(repo_data), oldest))
    assert asked == [DAYS[0], DAYS[2]]  # the same day twice is one load
    assert loaded[0] is loaded[1] and len(loaded[0].statements) < len(loaded[2].statements)


def test_a_diff_is_worked_out_again_on_a_new_day(repo_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[tuple[int, int]] = []
    real = timetravel.diff

    def recording(old: Any, new: Any) -> Any:
        made.append((len(old.statements), len(new.statements)))
        return real(old, new)

    monkeypatch.setattr(timetravel, "diff", recording)
    newest, oldest = history(find_repo(repo_data))[:2]
    for day in DAYS:
        monkeypatch.setattr(records, "today", lambda day=day: day)
        timetravel.cached_diff(str(repo_data), oldest, newest)
    assert len(made) == 2  # once per day
    assert made[0][0] < made[1][0]  # the second day's versions hold the records dated after the first day
