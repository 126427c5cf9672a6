"""Benchmark the map deck on 10,000 synthetic located records (generated in memory, never written to data/).

Prints the size of the deck JSON the browser receives and the time to build it (build_deck + to_json), the
median of several runs. Targets (issue #3): JSON < 5 MB, build < 300 ms on the 2-core CI machine.

    .venv/bin/python bench/bench_map.py
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from components import map as mapview  # noqa: E402
from incidents.model.dataset import Dataset  # noqa: E402
from incidents.model.records import (  # noqa: E402
    Actor,
    Assessment,
    Event,
    Incident,
    Place,
    PlaceNames,
    PlaceRole,
    Proposition,
    Source,
    Stance,
    Statement,
    When,
)
from incidents.views.filtering import FilterValue, apply_filter  # noqa: E402
from incidents.views.geometry import load_geo  # noqa: E402

RECORDS = 10_000
INCIDENTS = 100
RUNS = 7
TYPES = ["impact", "crash", "damage", "injury", "interception", "border-closure", "diplomatic-withdrawal", "other"]
WORDS = "drone strike near village road bridge depot school market clinic hangar field checkpoint".split()


def synthetic(records: int, places: int, seed: int = 7, clustered: bool = False) -> Dataset:
    """Incidents in and around Nakhchivan and the border, each with a claimed launch and located events.

    clustered: each incident's events fall on its own 10 places within ~15 km (how incidents look); otherwise
    every event picks any of `places` random places (a stress case: thousands of circles and claim lines).
    """
    rng = random.Random(seed)
    data = Dataset()
    data.sources["src"] = Source(id="src", title="Synthetic source", reliability="C")
    data.actors["aze"] = Actor(id="aze", name="Azerbaijan", kind="state", country="AZE")
    data.actors["aze-mod"] = Actor(id="aze-mod", name="AZ Defence Ministry", kind="government-body", parent="aze")
    data.actors["irn"] = Actor(id="irn", name="Iran", kind="state", country="IRN")
    centres = [(rng.uniform(38.6, 40.0), rng.uniform(45.0, 48.7)) for _ in range(INCIDENTS)]
    for index in range(places):
        place_id = f"p{index}"
        if clustered:
            c_lat, c_lon = centres[(index // 10) % INCIDENTS]
            lat, lon = c_lat + rng.uniform(-0.12, 0.12), c_lon + rng.uniform(-0.15, 0.15)
        else:
            lat, lon = rng.uniform(38.4, 40.2), rng.uniform(44.8, 48.9)
        data.places[place_id] = Place(
            id=place_id,
            names=PlaceNames(en=f"Synthetic place {index} ({rng.choice(WORDS)})"),
            kind=rng.choice(["town", "building", "school", "airport", "other"]),
            lat=round(lat, 5),
            lon=round(lon, 5),
            precision_m=rng.choice([100, 500, 1000, 3000, 10000, 25000]),
            geo_precision=rng.choice(["exact", "near", "settlement", "region"]),
            country="AZE",
            sources=["src"],
        )
    start = dt.date(2024, 1, 1)
    per_incident = records // INCIDENTS
    place_ids = list(data.places)
    for i in range(INCIDENTS):
        incident_id = f"inc-{i}"
        day = start + dt.timedelta(days=7 * i)
        when = When(start=day, precision="day")
        roles = [PlaceRole(place=rng.choice(place_ids), role="impact") for _ in range(3)]
        data.incidents[incident_id] = Incident(
            id=incident_id, title=f"Synthetic incident {i}", summary="Generated for the benchmark.", when=when,
            places=roles, event_type="Explosions/Remote violence", sub_event_type="Air/drone strike",
            assessment=Assessment(grade="weak", rationale="synthetic", assessed_on=day), sources=["src"],
            first_published=day, last_updated=day,
        )
        prop_id = f"prop-{i}"
        data.propositions[prop_id] = Proposition(id=prop_id, text="Iran launched the drones.", topic="attribution",
                                                 incident=incident_id)
        claim_id = f"claim-{i}"
        data.statements[claim_id] = Statement(
            id=claim_id, speaker="aze-mod", kind="claim", when=when, paraphrase="Iran fired the drones.", via=["src"],
            stances=[Stance(proposition=prop_id, stance="asserts")], incidents=[incident_id],
        )
        launch_id = f"launch-{i}"
        data.events[launch_id] = Event(
            id=launch_id, title="Drones launched", type="launch", when=when, actors=["irn"],
            reported_in=[claim_id], status="disputed", sources=["src"], incident=incident_id,
        )
        for j in range(per_incident - 1):
            event_id = f"e-{i}-{j}"
            kind = rng.choice(TYPES)
            data.events[event_id] = Event(
                id=event_id,
                title=f"{kind.replace('-', ' ').capitalize()} near the {rng.choice(WORDS)} {rng.choice(WORDS)} #{j}",
                type=kind,
                when=When(start=day + dt.timedelta(days=rng.randint(0, 3)), precision=rng.choice(["day", "days"]),
                          end=day + dt.timedelta(days=4)),
                place=f"p{i * 10 + rng.randrange(10)}" if clustered else rng.choice(place_ids),
                reported_in=[claim_id],
                status=rng.choice(["reported", "claimed", "confirmed"]),
                sources=["src"],
                incident=incident_id,
            )
    return data


def measure(label: str, data: Dataset) -> None:
    geo = load_geo(ROOT / "data" / "geo")
    view = apply_filter(data, FilterValue())
    located = sum(1 for e in view.events if e.place)
    times, cpu, size = [], [], 0
    for _ in range(RUNS):
        began, began_cpu = time.perf_counter(), time.process_time()
        text = mapview.build_deck(data, view, geo).to_json()
        times.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
        size = len(text.encode())
    began = time.perf_counter()
    mapview.legend(data, view, geo)
    mapview.unlocated_events(data, view, geo)
    extras = time.perf_counter() - began
    print(
        f"{label}: {located:,} located events, {len(view.places):,} places -> deck JSON {size / 1e6:.2f} MB "
        f"(target < 5 MB); build_deck + to_json wall median {statistics.median(times) * 1000:.0f} ms, "
        f"min {min(times) * 1000:.0f} ms, CPU median {statistics.median(cpu) * 1000:.0f} ms over {RUNS} runs "
        f"(target < 300 ms); legend + unlocated {extras * 1000:.0f} ms"
    )
    # Where the bytes go: the layers over 100 kB.
    sizes = {
        layer["id"]: len(json.dumps(layer, separators=(",", ":"), ensure_ascii=False).encode())
        for layer in json.loads(text)["layers"]
    }
    big = sorted(((n, name) for name, n in sizes.items() if n > 100_000), reverse=True)
    print("    layers: " + ", ".join(f"{name} {n / 1e6:.2f} MB" for n, name in big))


if __name__ == "__main__":
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (other work slows the wall times)")
    measure("clustered: 10k records, 10 places per incident", synthetic(RECORDS, 10 * INCIDENTS, clustered=True))
    measure("stress: 10k records over 10k random places", synthetic(RECORDS, RECORDS))
