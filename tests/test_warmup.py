"""The server's warm-up (`boot.py`, `components.warmup`): the records the first reader needs are loaded as the
server starts, into the same cache the frame reads, and a failed warm-up leaves the server serving."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from components import records, warmup
from deploy.serve import free_port, healthy
from deploy.smoke import smoke
from incidents.views.filtering import FilterValue, filter_index
from tests.conftest import FIXTURES, ROOT

MONITOR = FIXTURES / "monitor"


@pytest.fixture
def data_dir(records_dir: Path) -> Path:
    """The monitor fixture as the app's data, with its own caches (`records_dir`)."""
    return records_dir


def test_the_warm_up_fills_the_cache_the_first_reader_reads(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[str] = []
    loader_for = records.loader_for
    monkeypatch.setattr(records, "loader_for", lambda where, **kw: loads.append(where) or loader_for(where, **kw))
    assert warmup.warm_records()
    assert loads == [str(data_dir)]
    dataset = records.current(data_dir)  # what app.py calls on the first reader's run
    assert loads == [str(data_dir)], "the first reader loaded the records again"
    assert "patterns" in dataset.derived
    assert FilterValue() in filter_index(dataset)._views


def test_a_failed_warm_up_is_logged_and_the_reader_loads(data_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    def broken(where: str, **settings: object) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(records, "loader_for", broken)
    with caplog.at_level(logging.ERROR, logger=warmup.LOG.name):
        assert not warmup.warm_records()
    assert "the first reader will load them" in caplog.text and "disk gone" in caplog.text
    monkeypatch.undo()
    monkeypatch.setenv("INCIDENTS_DATA_DIR", str(data_dir))
    assert records.current(data_dir).incidents, "nothing was cached by the failed warm-up"


@pytest.mark.parametrize(("thread_name", "kept"), [(warmup.THREAD_NAME, False), ("ScriptRunner.scriptThread", True)])
def test_only_the_warm_up_threads_context_warning_is_dropped(thread_name: str, kept: bool) -> None:
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "missing ScriptRunContext!", None, None)
    record.threadName = thread_name
    assert warmup._OwnThreadWarnings().filter(record) is kept


def test_boot_serves_the_app_warmed(tmp_path: Path) -> None:
    """`streamlit run boot.py` on loopback: the warm-up's line in the server's log, no context warnings, and the
    front page and the map render."""
    port = free_port()
    env = {**os.environ, "INCIDENTS_DATA_DIR": str(MONITOR), "INCIDENTS_PARSE_CACHE": str(tmp_path / "cache")}
    log = tmp_path / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "boot.py"), "--server.address", "127.0.0.1",
             "--server.port", str(port), "--server.headless", "true", "--logger.level", "info"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while "warm-up:" not in log.read_text():
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "no warm-up line in 60 s:\n" + log.read_text()
            time.sleep(0.2)
        assert healthy(f"http://127.0.0.1:{port}")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=5) as response:
            assert (response.status, response.read()) == (200, b"ready\n")
        runs = asyncio.run(smoke(f"http://127.0.0.1:{port}", ("", "map")))
        assert [run.page for run in runs] == ["", "map"]
    finally:
        process.terminate()
        process.wait(timeout=20)
    text = log.read_text()
    assert "records (version" in text and "ready in" in text, text
    assert "missing ScriptRunContext" not in text and "Traceback" not in text, text


def test_start_warms_in_a_daemon_thread(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[str] = []
    loader_for = records.loader_for
    monkeypatch.setattr(records, "loader_for", lambda where, **kw: loads.append(where) or loader_for(where, **kw))
    thread = warmup.start(ROOT)
    assert thread.daemon and thread.name == warmup.THREAD_NAME
    assert {"components.map", "components.timeline.aggregate", "components.claims"} <= set(warmup.import_modules(ROOT))
    thread.join(timeout=60)
    assert not thread.is_alive() and loads == [str(data_dir)]
    records.current(data_dir)
    assert loads == [str(data_dir)]


def test_ready_answers_503_until_the_warm_up_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(warmup, "_finished", threading.Event())
    waiting = asyncio.run(warmup.readiness(None))  # type: ignore[arg-type]  # the route reads nothing of its request
    assert (waiting.status_code, waiting.body) == (503, b"warming up\n")
    warmup._finished.set()
    ready = asyncio.run(warmup.readiness(None))  # type: ignore[arg-type]  # as above
    assert (ready.status_code, ready.body) == (200, b"ready\n")


def test_a_failed_warm_up_still_ends(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A replica whose warm-up failed must still become ready: its first reader loads the records."""
    monkeypatch.setattr(warmup, "_finished", threading.Event())
    monkeypatch.setattr(warmup, "warm_records", lambda: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(RuntimeError):
        warmup._warm_then_finish()
    assert warmup.finished()


def test_the_columns_are_made_after_the_warm_up_says_it_is_ready(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(warmup, "_finished", threading.Event())
    seen: list[bool] = []
    monkeypatch.setattr(warmup, "warm_columns", lambda: seen.append(warmup.finished()) or True)
    warmup._warm_then_finish()
    assert seen == [True], "the columns must come after readiness, once"
    monkeypatch.undo()
    monkeypatch.setenv("INCIDENTS_DATA_DIR", str(data_dir))
    dataset = records.current(data_dir)
    assert filter_index(dataset).columns_if_built() is None
    assert warmup.warm_columns()
    assert filter_index(records.current(data_dir)).columns_if_built() is not None


def test_failed_columns_are_logged_and_the_server_goes_on(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(warmup, "current", lambda _where: broken())
    with caplog.at_level(logging.ERROR, logger=warmup.LOG.name):
        assert not warmup.warm_columns()
    assert "the first filter will make them" in caplog.text and "disk gone" in caplog.text


def test_no_columns_after_a_failed_load(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(warmup, "_finished", threading.Event())
    monkeypatch.setattr(warmup, "warm_records", lambda: False)
    monkeypatch.setattr(warmup, "warm_columns", lambda: pytest.fail("columns made after a failed load"))
    warmup._warm_then_finish()
    assert warmup.finished()


NEXT_DAY_CASES = [
    ("a second before midnight", dt.datetime(2026, 12, 7, 23, 59, 59), warmup.NEW_DAY_MIN_WAIT_S),
    ("noon", dt.datetime(2026, 12, 7, 12, 0), 12 * 3600 + warmup.NEW_DAY_AFTER_S),
    ("just after midnight", dt.datetime(2026, 12, 8, 0, 0, 1), 24 * 3600 - 1 + warmup.NEW_DAY_AFTER_S),
    ("the last day of a year", dt.datetime(2026, 12, 31, 18, 0), 6 * 3600 + warmup.NEW_DAY_AFTER_S),
    ("a clock with a zone", dt.datetime(2026, 3, 1, 21, 0, tzinfo=dt.timezone(dt.timedelta(hours=4))),
     3 * 3600 + warmup.NEW_DAY_AFTER_S),
]


@pytest.mark.parametrize(("label", "now", "seconds"), NEXT_DAY_CASES, ids=[c[0] for c in NEXT_DAY_CASES])
def test_the_new_day_warm_up_waits_until_just_after_midnight(label: str, now: dt.datetime, seconds: float) -> None:
    assert warmup.seconds_to_next_day(now) == pytest.approx(seconds)


def test_each_new_day_warms_the_records_then_the_columns_after_each_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    clock = iter([dt.datetime(2026, 12, 7, 12, 0), dt.datetime(2026, 12, 8, 0, 0, 5)])
    monkeypatch.setattr(warmup, "warm_records", lambda: calls.append("records") or True)
    monkeypatch.setattr(warmup, "warm_columns", lambda: calls.append("columns") or True)
    warmup.each_new_day(sleep=lambda s: calls.append(f"sleep {s:.0f}"), now=lambda: next(clock), days=2)
    assert calls == [f"sleep {12 * 3600 + warmup.NEW_DAY_AFTER_S:.0f}", "records", "columns",
                     f"sleep {24 * 3600:.0f}", "records", "columns"]


def test_a_new_day_whose_records_fail_makes_no_columns_and_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(warmup, "warm_records", lambda: calls.append("records") and False)
    monkeypatch.setattr(warmup, "warm_columns", lambda: pytest.fail("columns made after a failed load"))
    warmup.each_new_day(sleep=lambda _s: None, now=lambda: dt.datetime(2026, 12, 7, 12, 0), days=2)
    assert calls == ["records", "records"]


def test_start_also_starts_the_new_day_thread(data_dir: Path) -> None:
    before = sum(t.name == warmup.NEW_DAY_THREAD_NAME for t in threading.enumerate())
    warmup.start(ROOT).join(timeout=60)
    after = [t for t in threading.enumerate() if t.name == warmup.NEW_DAY_THREAD_NAME]
    assert len(after) == before + 1 and all(t.daemon for t in after)


def test_the_new_day_threads_context_warning_is_dropped_too() -> None:
    record = logging.LogRecord("x", logging.WARNING, "", 0, "no script run context", None, None)
    record.threadName = warmup.NEW_DAY_THREAD_NAME
    assert not warmup._OwnThreadWarnings().filter(record)


def test_after_the_new_day_warm_up_the_days_first_reader_loads_nothing(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = dt.date(2026, 12, 7)
    monkeypatch.setattr(records, "today", lambda: day)
    assert warmup.warm_records()
    loads: list[str] = []
    loader_for = records.loader_for
    monkeypatch.setattr(records, "loader_for", lambda where, **kw: loads.append(where) or loader_for(where, **kw))
    day = dt.date(2026, 12, 8)  # midnight has passed
    warmup.each_new_day(sleep=lambda _s: None, now=lambda: dt.datetime(2026, 12, 8, 0, 0, 5), days=1)
    assert loads == [str(data_dir)]  # the new day's load, by the warm-up
    dataset = records.current(data_dir)  # the day's first reader
    assert loads == [str(data_dir)], "the first reader of the new day loaded the records again"
    assert filter_index(dataset).columns_if_built() is not None
