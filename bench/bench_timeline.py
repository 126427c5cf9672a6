"""Benchmark the timeline figure on 10,000 synthetic records (generated in memory, never written to data/).

Times what a rerun of the page pays for the chart: `build_timeline_figure`, then what st.plotly_chart does with it
(`fig.to_dict()` and `plotly.io.to_json(..., validate=False)`). Prints the median of several runs, the split, and
the JSON size. Target (issue #4): build + serialisation < 400 ms.

    .venv/bin/python bench/bench_timeline.py [records]
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import random
import statistics
import sys
import time
from pathlib import Path

import plotly.io

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from components.timeline import GL_THRESHOLD, build_timeline_figure, timeline_csv, timeline_frame  # noqa: E402
from incidents.model.dataset import Dataset  # noqa: E402
from incidents.model.records import (  # noqa: E402
    Actor,
    Assessment,
    Discrepancy,
    Event,
    Incident,
    Source,
    Statement,
    When,
)
from incidents.views.filtering import FilterValue, apply_filter  # noqa: E402
from incidents.views.timing import lag_lines, response_lags  # noqa: E402

RECORDS = 10_000
INCIDENTS = 200
RUNS = 7
TARGET_MS = 400
EVENT_TYPES = ["impact", "crash", "damage", "injury", "interception", "border-closure", "diplomatic-withdrawal"]
KINDS = ["claim", "denial", "accusation", "alternative-explanation", "demand", "threat", "assurance"]
WORDS = "drone strike near village road bridge depot school market clinic hangar field checkpoint border".split()
BAKU = dt.timezone(dt.timedelta(hours=4))


def _when(rng: random.Random, day: dt.date) -> When:
    """A mix of precisions, as real reporting gives them."""
    roll = rng.random()
    if roll < 0.25:
        moment = dt.datetime.combine(day, dt.time(rng.randrange(24), rng.randrange(60)), tzinfo=BAKU)
        return When(start=moment, precision="minute")
    if roll < 0.45:
        moment = dt.datetime.combine(day, dt.time(rng.randrange(24)), tzinfo=BAKU)
        return When(start=moment, precision="hour", approximate=rng.random() < 0.3)
    if roll < 0.8:
        return When(start=day, precision="day", as_reported=day.strftime("%A (%B %-d)"))
    if roll < 0.95:
        return When(start=day, end=day + dt.timedelta(days=rng.randint(1, 3)), precision="days")
    return When(end=day, precision="undated")


def synthetic(records: int = RECORDS, incidents: int = INCIDENTS, seed: int = 11) -> Dataset:
    """Two states with bodies two levels deep, media and third parties; incidents over a year."""
    rng = random.Random(seed)
    data = Dataset()
    for country, name in (("AZE", "Azerbaijan"), ("IRN", "Iran"), ("ARM", "Armenia"), ("TUR", "Turkey")):
        top = country.lower()
        data.actors[top] = Actor(id=top, name=name, kind="state", country=country)
        for body in range(4):
            body_id = f"{top}-body-{body}"
            data.actors[body_id] = Actor(id=body_id, name=f"{name} body {body}", kind="government-body",
                                         country=country, parent=top)
            unit_id = f"{body_id}-unit"
            data.actors[unit_id] = Actor(id=unit_id, name=f"{name} unit {body}", kind="armed-forces",
                                         country=country, parent=body_id)
    data.actors["media"] = Actor(id="media", name="Media", kind="group")
    for outlet in range(5):
        data.actors[f"outlet-{outlet}"] = Actor(id=f"outlet-{outlet}", name=f"Outlet {outlet}", kind="media",
                                                country=rng.choice(["GBR", "USA", "QAT"]), parent="media")
    actor_ids = [a for a in data.actors if a != "media"]
    for index in range(20):
        data.sources[f"src-{index}"] = Source(id=f"src-{index}", title=f"Report {index}", url="https://example.org/r",
                                              reliability=rng.choice("ABCDEF"))
    source_ids = list(data.sources)
    start = dt.date(2026, 1, 1)
    for index in range(incidents):
        day = start + dt.timedelta(days=rng.randrange(365))
        incident_id = f"inc-{index:04d}"
        data.incidents[incident_id] = Incident(
            id=incident_id, title=f"Incident {index}", summary="Synthetic.",
            when=When(start=day, precision="day"), event_type="Explosions/Remote violence",
            sub_event_type="Air/drone strike",
            assessment=Assessment(grade="weak", rationale="Synthetic.", assessed_on=day),
            sources=[rng.choice(source_ids)], first_published=day, last_updated=day,
        )
    incident_ids = list(data.incidents)
    statements_by_incident: dict[str, list[str]] = {}
    for index in range(records):
        incident_id = rng.choice(incident_ids)
        day = data.incidents[incident_id].when.first_day + dt.timedelta(days=rng.randrange(4))
        title = " ".join(rng.choice(WORDS) for _ in range(8)).capitalize()
        if rng.random() < 0.35:
            record_id = f"ev-{index:05d}"
            data.events[record_id] = Event(
                id=record_id, title=title, type=rng.choice(EVENT_TYPES), when=_when(rng, day),
                actors=[rng.choice(actor_ids)] if rng.random() < 0.8 else [],
                status=rng.choice(["reported", "claimed", "disputed", "confirmed"]),
                sources=[rng.choice(source_ids)], incident=incident_id,
            )
        else:
            record_id = f"st-{index:05d}"
            earlier = statements_by_incident.setdefault(incident_id, [])
            data.statements[record_id] = Statement(
                id=record_id, speaker=rng.choice(actor_ids), kind=rng.choice(KINDS), when=_when(rng, day),
                paraphrase=title + ".", quotes=[{"text": title}] if rng.random() < 0.3 else [],
                via=[rng.choice(source_ids), rng.choice(source_ids)], credibility=rng.randint(1, 6),
                responds_to=[rng.choice(earlier)] if earlier and rng.random() < 0.3 else [],
                incidents=[incident_id],
            )
            earlier.append(record_id)
        if rng.random() < 0.05:
            data.discrepancies[f"d-{index}"] = Discrepancy(
                id=f"d-{index}", title="Dates disagree", kind="calendar", description="Synthetic.",
                concerns=[record_id], sources=[rng.choice(source_ids)], incident=incident_id,
            )
    return data


def timed(function, runs: int = RUNS) -> tuple[float, object]:
    """Median wall time in ms over `runs` (after one warm-up run), and the last result."""
    result = function()
    times = []
    for _ in range(runs):
        result = None  # free the last result outside the timed part
        gc.collect()  # start each run from the same heap, so one run's garbage does not bill the next
        began = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), result


def main() -> int:
    records = int(sys.argv[1]) if len(sys.argv) > 1 else RECORDS
    # Wall times on a shared machine: say how busy it was.
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    began = time.perf_counter()
    dataset = synthetic(records)
    value = FilterValue()
    view = apply_filter(dataset, value)
    print(f"timeline bench: {view.record_count:,} records ({len(view.events):,} events, "
          f"{len(view.statements):,} statements), {len(dataset.actors)} actors, "
          f"generated in {(time.perf_counter() - began):.1f} s; median of {RUNS} runs")

    build_ms, figure = timed(lambda: build_timeline_figure(dataset, view, value))
    dict_ms, as_dict = timed(lambda: figure.to_dict())  # what st.plotly_chart does first
    json_ms, spec = timed(lambda: plotly.io.to_json(as_dict, validate=False))
    def whole() -> str:
        return plotly.io.to_json(build_timeline_figure(dataset, view, value).to_dict(), validate=False)

    total_ms, _ = timed(whole)
    trace_types = sorted({trace.type for trace in figure.data if trace.customdata is not None})
    print(f"  build_timeline_figure      {build_ms:8.1f} ms   (marker traces: {', '.join(trace_types)}; "
          f"WebGL above {GL_THRESHOLD:,} records)")
    print(f"  fig.to_dict()              {dict_ms:8.1f} ms")
    print(f"  plotly.io.to_json          {json_ms:8.1f} ms   ({len(spec) / 1e6:.2f} MB of JSON)")
    print(f"  build + serialise (total)  {total_ms:8.1f} ms   target < {TARGET_MS} ms: "
          f"{'OK' if total_ms < TARGET_MS else 'OVER'}")

    # Not part of the target, printed so a slow table or lag readout shows up too.
    frame_ms, frame = timed(lambda: timeline_frame(dataset, view), runs=3)
    csv_ms, data = timed(lambda: timeline_csv(frame), runs=3)
    lags_ms, _ = timed(lambda: lag_lines(dataset, response_lags(dataset, view.statements)), runs=3)
    print(f"  table frame                {frame_ms:8.1f} ms   CSV {csv_ms:.1f} ms ({len(data) / 1e6:.2f} MB)")
    print(f"  response-lag readout       {lags_ms:8.1f} ms")
    return 0 if total_ms < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
