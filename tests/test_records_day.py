"""The shared records cache (components.records) is per day as well as per version of the files: a date after
today leaves its record out, so on a server that runs past midnight a record dated the new day must appear."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from components import records


def test_a_new_day_checks_the_records_again(records_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = records_dir
    coming = dt.date.today() + dt.timedelta(days=30)  # after every other date of the fixture
    incident = data_dir / "incidents" / "mx-detention-2025.yaml"
    text = incident.read_text(encoding="utf-8")
    old = "when: {start: 2025-06-03, precision: day}\n    paraphrase: Ruritania's"
    assert old in text
    incident.write_text(text.replace(old, old.replace("2025-06-03", coming.isoformat())), encoding="utf-8")
    loads: list[dt.date | None] = []
    loader = records.loader_for(str(data_dir))  # one loader per directory: the one the cached load asks
    load = loader.load
    monkeypatch.setattr(loader, "load", lambda today=None: loads.append(today) or load(today))
    day_before = coming - dt.timedelta(days=1)
    monkeypatch.setattr(records, "today", lambda: day_before)
    before = records.current(data_dir)
    assert "mx25-rur-admits" not in before.statements, "a record dated after today is left out"
    assert "mx25-bor-accuses" in before.statements
    assert any(p.code == "FUTURE_DATE" for p in before.problems)
    assert records.current(data_dir) is before and loads == [day_before], "the same day: the cached records"
    monkeypatch.setattr(records, "today", lambda: coming)
    after = records.current(data_dir)
    assert "mx25-rur-admits" in after.statements, "its day has come: the record is shown"
    assert not any(p.code == "FUTURE_DATE" for p in after.problems)
    assert loads == [day_before, coming]
