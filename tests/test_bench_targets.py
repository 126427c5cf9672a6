"""`bench/targets.py`: issue 28's targets judged on a run's figures, held to made-up runs at and across each bound."""

from __future__ import annotations

import dataclasses
import math
import types
from pathlib import Path

import pytest

from bench.targets import PageRun, RunFigures, Target, targets, targets_table

PAGES = ("/", "/timeline", "/map")


def page(path: str, **changes: object) -> PageRun:
    """A page that meets every target against `passing()`'s bare app (1 s cold, 0.2 s rerun)."""
    base = PageRun(path, cold_idle_s=1.0, cold_drawn_s=1.2, warm_idle_s=0.8, warm_drawn_s=1.0, ws_bytes=50_000,
                   dom_nodes=1_000, rerun_s=0.25, script_s=0.1)
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def passing(**changes: object) -> RunFigures:
    run = RunFigures(
        incidents=1000, bare=PageRun("/", 1.0, 1.0, rerun_s=0.2, script_s=0.05),
        big=[page(path) for path in PAGES], shipped=[page(path) for path in PAGES],
        floors={"/timeline": ("its saved figure alone", 1.0), "/map": ("its saved deck alone", 1.0)},
        frame_floor_s=1.3, bare_restart_s=2.0, restart_s=2.5, bare_arrival_s=1.5, arrival_s=2.0, edit_s=0.5,
        rss_ten_mb=500.0, rss_restarted_ten_mb=500.0, restarted_filter_script_s=0.2, rss_cold_hosted_ten_mb=500.0,
    )
    return dataclasses.replace(run, **changes)  # type: ignore[arg-type]


def held(run: RunFigures, start: str) -> bool | None:
    """The verdict of the one target whose text starts with `start`."""
    found = [row.held for row in targets(run) if row.target.startswith(start)]
    assert len(found) == 1, (start, [row.target for row in targets(run)])
    return found[0]


def test_a_run_within_every_bound_holds_every_target() -> None:
    rows = targets(passing())
    # 9 of the targets, the two charts' own floors, the frame's, three servers' memory, the warmed restart,
    # the first filter after a restart
    assert len(rows) == 16
    assert all(row.held is True for row in rows), [row for row in rows if row.held is not True]


def with_page(where: str, path: str, **changes: object) -> RunFigures:
    run = passing()
    rows = [page(p, **changes) if p == path else page(p) for p in PAGES]
    return dataclasses.replace(run, **{where: rows})


# (the target's opening words, a run just within its bound, the same run just past it)
BOUNDS = [
    ("a filter change", with_page("big", "/map", script_s=0.3), with_page("big", "/map", script_s=0.301)),
    ("… the browser's rerun", with_page("big", "/", rerun_s=0.3), with_page("big", "/", rerun_s=0.31)),
    ("… the first filter", passing(restarted_filter_script_s=0.3), passing(restarted_filter_script_s=0.301)),
    ("a restart", passing(restart_s=3.0), passing(restart_s=3.01)),
    ("… the reader arriving", passing(arrival_s=2.5), passing(arrival_s=2.51)),
    ("a one-file edit", passing(edit_s=1.0), passing(edit_s=1.01)),
    ("every page cold", with_page("big", "/", cold_drawn_s=1.5), with_page("big", "/", cold_drawn_s=1.51)),
    ("… `/timeline` within", with_page("big", "/timeline", cold_drawn_s=1.2),
     with_page("big", "/timeline", cold_drawn_s=1.21)),
    ("… `/map` within", with_page("big", "/map", cold_drawn_s=1.2), with_page("big", "/map", cold_drawn_s=1.21)),
    ("… every page within", passing(frame_floor_s=1.0), passing(frame_floor_s=0.99)),
    ("at most 5,000 DOM", with_page("big", "/", dom_nodes=5_000), with_page("big", "/", dom_nodes=5_001)),
    ("at most 1 MB", with_page("big", "/map", ws_bytes=1_000_000), with_page("big", "/map", ws_bytes=1_000_001)),
    ("server memory", passing(rss_ten_mb=600.0), passing(rss_ten_mb=600.5)),
    ("… a server restarted", passing(rss_restarted_ten_mb=600.0), passing(rss_restarted_ten_mb=600.5)),
    ("… a hosted server", passing(rss_cold_hosted_ten_mb=600.0), passing(rss_cold_hosted_ten_mb=600.5)),
    ("on the shipped data", with_page("shipped", "/map", cold_drawn_s=1.5),
     with_page("shipped", "/map", cold_drawn_s=1.6)),
]


@pytest.mark.parametrize(("start", "within", "past"), BOUNDS, ids=[case[0] for case in BOUNDS])
def test_each_target_holds_at_its_bound_and_is_missed_past_it(start: str, within: RunFigures,
                                                              past: RunFigures) -> None:
    assert held(within, start) is True
    assert held(past, start) is False
    # the other targets are untouched by the change
    others = [row.held for row in targets(past) if not row.target.startswith(start)]
    assert all(others), [row for row in targets(past) if not row.target.startswith(start) and not row.held]


@pytest.mark.parametrize(("start", "run"), [
    ("a filter change", with_page("big", "/timeline", script_s=None)),
    ("every page cold", with_page("big", "/map", cold_drawn_s=math.nan)),
    ("a restart", passing(bare_restart_s=math.nan)),
    ("… the reader arriving", passing(arrival_s=math.nan)),
    ("a one-file edit", passing(edit_s=math.nan)),
    ("server memory", passing(rss_ten_mb=math.nan)),
    ("… a server restarted", passing(rss_restarted_ten_mb=math.nan)),
    ("… a hosted server", passing(rss_cold_hosted_ten_mb=math.nan)),
    ("… the first filter", passing(restarted_filter_script_s=math.nan)),
    ("… `/map` within", passing(floors={"/timeline": ("its saved figure alone", 1.0), "/map": ("deck", math.nan)})),
])
def test_a_figure_the_run_did_not_get_is_not_measured_never_held(start: str, run: RunFigures) -> None:
    assert held(run, start) is None
    assert "not measured" in next(row.figure for row in targets(run) if row.target.startswith(start))


def test_the_figure_names_the_slowest_page_from_the_run() -> None:
    run = with_page("big", "/timeline", script_s=2.25)
    row = next(row for row in targets(run) if row.target.startswith("a filter change"))
    assert row.figure == "0.10 s (`/`) to 2.25 s (`/timeline`)"
    row = next(row for row in targets(run) if row.target.startswith("every page cold"))
    assert row.figure == "1.2× (`/`) to 1.2× (`/`)"


def test_the_table_marks_misses_and_counts_what_held() -> None:
    text = targets_table([Target("a", "1 s", True), Target("b", "2 s", False), Target("c", "not measured", None)])
    assert text.splitlines()[2:5] == [
        "| a | 1 s | yes |", "| b | 2 s | **no** |", "| c | not measured | not measured |",
    ]
    assert text.endswith("1 of 3 targets held.")


def test_served_apps_write_their_bytecode_as_a_hosted_instance_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """A sandbox's PYTHONDONTWRITEBYTECODE made every benchmark restart compile the app's modules again."""
    from bench.e2e import server_env

    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    env = server_env({"INCIDENTS_DATA_DIR": "/tmp/x"})
    assert "PYTHONDONTWRITEBYTECODE" not in env
    assert env["INCIDENTS_DATA_DIR"] == "/tmp/x" and env["PYTHONUNBUFFERED"] == "1" and env["PATH"]


@pytest.mark.parametrize(
    ("lines", "since", "until", "expected"),
    [
        # One rerun: its request to its finished run.
        (["10.0 rerun", "10.25 finished"], 9.0, 11.0, 0.25),
        # A rerun that set off another (a chart's selection reset): to the last finished run.
        (["10.0 rerun", "10.1 finished", "10.2 rerun", "10.5 finished"], 9.0, 11.0, 0.5),
        # Runs before the press and after the wait are another rerun's.
        (["8.0 rerun", "8.5 finished", "10.0 rerun", "10.2 finished", "12.0 rerun", "12.9 finished"], 9.0, 11.0,
         0.2),
        # A finished run from before the request (the page's first run) is not this rerun's end.
        (["9.5 finished", "10.0 rerun", "10.3 finished"], 9.0, 11.0, 0.3),
        # No request, or a request whose run has not finished: not measured.
        (["10.2 finished"], 9.0, 11.0, None),
        (["10.0 rerun"], 9.0, 11.0, None),
        # Torn or foreign lines are skipped.
        (["garbage", "10.0 rerun", "x finished", "10.4 finished", "10.45 other"], 9.0, 11.0, 0.4),
    ],
)
def test_the_server_script_is_read_from_the_server_clock(
    tmp_path: Path, lines: list[str], since: float, until: float, expected: float | None
) -> None:
    from bench.clocked_server import server_script_s

    log = tmp_path / "runs.log"
    log.write_text("\n".join(lines) + "\n")
    got = server_script_s(str(log), since, until)
    assert got == (None if expected is None else pytest.approx(expected))


def test_the_clocked_server_logs_a_rerun_request_and_its_finished_run(tmp_path: Path) -> None:
    """The patched session methods write one line per rerun request and per finished run, and still call the
    originals (the app must work the same)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.app_session import AppSession

    import bench.clocked_server as clocked

    calls: list[str] = []
    original = AppSession.handle_backmsg, AppSession._enqueue_forward_msg
    try:
        AppSession.handle_backmsg = lambda self, msg: calls.append("back")  # type: ignore[method-assign]
        AppSession._enqueue_forward_msg = lambda self, msg: calls.append("forward")  # type: ignore[method-assign]
        log = clocked.install(str(tmp_path / "runs.log"))
        rerun, heartbeat = BackMsg(), BackMsg()
        rerun.rerun_script.query_string = ""
        heartbeat.app_heartbeat = True
        finished, delta = ForwardMsg(), ForwardMsg()
        finished.script_finished = ForwardMsg.FINISHED_SUCCESSFULLY
        delta.delta.new_element.markdown.body = "x"
        session = types.SimpleNamespace()  # the patched methods only pass it on
        for back in (rerun, heartbeat):
            AppSession.handle_backmsg(session, back)
        for forward in (delta, finished):
            AppSession._enqueue_forward_msg(session, forward)
    finally:
        AppSession.handle_backmsg, AppSession._enqueue_forward_msg = original  # type: ignore[method-assign]
    log.close()
    assert calls == ["back", "back", "forward", "forward"]
    events = [line.split()[1] for line in (tmp_path / "runs.log").read_text().splitlines()]
    assert events == ["rerun", "finished"]
    moments = [float(line.split()[0]) for line in (tmp_path / "runs.log").read_text().splitlines()]
    assert moments == sorted(moments)
