"""The shared records of a synthetic data directory: actors in hierarchies, places (crossings with a status) and
sources with republication chains. Every name is obviously fictional; every value is drawn from a seeded
`random.Random`, so one seed always gives the same records."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

# Real country codes (the app's colours and borders follow them), fictional names.
STATES = {
    "AZE": "Synthetic Azeria",
    "IRN": "Synthetic Irania",
    "ARM": "Synthetic Armenia",
    "TUR": "Synthetic Turkia",
    "GEO": "Synthetic Georgia",
    "RUS": "Synthetic Russia",
}
BODIES = ("Foreign Ministry", "Defence Ministry", "General Staff", "Interior Ministry", "Border Guard",
          "Prosecutor's Office", "Presidency", "Parliament")
UNITS = ("Press Office", "Northern Command", "Southern Command", "Spokesperson", "Regional Office")
MEDIA = ("Daily Placeholder", "Mock Wire", "Fictional Herald", "Imaginary Radio", "Sample Times", "Pretend Press",
         "Dummy Broadcast", "Example Courier")
PLACE_KINDS = ("town", "city", "building", "school", "airport", "other")
WORDS = ("border", "drone", "convoy", "ministry", "statement", "patrol", "crossing", "village", "bridge", "river",
         "airfield", "checkpoint", "report", "official", "shelling", "incursion", "delegation", "talks", "ceasefire",
         "survey", "warehouse", "depot", "school", "road", "pipeline", "station", "hill", "valley", "truck", "ferry")
# The region the places are drawn in: around the Azerbaijan–Iran–Armenia–Turkey borders.
LAT_RANGE = (36.5, 41.5)
LON_RANGE = (43.0, 50.0)
LATEST_DAY = dt.date(2026, 10, 31)  # every date stays in the past, so no FUTURE_DATE


def sentence(rng: random.Random, words: int) -> str:
    """A fictional sentence of `words` words (filler with the size and shape of a curator's note)."""
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


@dataclass
class World:
    """The shared records, kept as plain mappings in file order, and the ids incidents draw from."""

    actors: list[dict[str, Any]] = field(default_factory=list)
    places: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)
    states: list[str] = field(default_factory=list)
    crossings: list[str] = field(default_factory=list)
    site_ids: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)


def build_actors(world: World, rng: random.Random) -> None:
    """Six states, each with bodies and their units (three levels of `parent`), and outlets: about 100 actors."""
    for code, name in STATES.items():
        state_id = code.lower()
        world.states.append(state_id)
        world.actors.append({"id": state_id, "name": f"{name} (fictional state)", "short_name": name,
                             "kind": "state", "country": code, "sources": ["synth-register"]})
        for body_index, body in enumerate(BODIES):
            body_id = f"{state_id}-body-{body_index}"
            world.actors.append({"id": body_id, "name": f"{body} of {name}", "short_name": f"{code} {body}",
                                 "kind": "armed-forces" if "Staff" in body else "government-body", "country": code,
                                 "parent": state_id, "sources": ["synth-register"]})
            world.speakers.append(body_id)
            for unit_index in rng.sample(range(len(UNITS)), 1):
                unit_id = f"{body_id}-unit-{unit_index}"
                world.actors.append({"id": unit_id, "name": f"{UNITS[unit_index]}, {body} of {name}",
                                     "kind": "government-body", "country": code, "parent": body_id,
                                     "sources": ["synth-register"]})
                world.speakers.append(unit_id)
    for index, outlet in enumerate(MEDIA):
        actor_id = f"media-{index}"
        world.actors.append({"id": actor_id, "name": f"{outlet} (fictional outlet)", "kind": "media",
                             "sources": ["synth-register"], "note": sentence(rng, 12)})
        world.speakers.append(actor_id)


def _coordinate(rng: random.Random) -> tuple[float, float]:
    return round(rng.uniform(*LAT_RANGE), 4), round(rng.uniform(*LON_RANGE), 4)


def build_places(world: World, rng: random.Random, count: int = 500) -> None:
    """`count` places: regions, sites within them and border crossings with a status history."""
    codes = list(STATES)
    regions = []
    for index in range(count):
        place_id = f"place-{index:03d}"
        lat, lon = _coordinate(rng)
        country = rng.choice(codes)
        place: dict[str, Any] = {"id": place_id, "names": {"en": f"Placeholder Place {index} (fictional)"}}
        if index % 25 == 0:
            place |= {"kind": "region", "lat": lat, "lon": lon, "precision_m": 40_000, "geo_precision": "region"}
            regions.append(place_id)
        elif index % 10 == 1:
            status = rng.choice(("open", "closed", "closed to trucks", "restricted"))
            since = LATEST_DAY - dt.timedelta(days=rng.randrange(60, 1500))
            place |= {"kind": "border-crossing", "lat": lat, "lon": lon, "precision_m": 2000,
                      "geo_precision": "near", "status": status, "status_source": ["synth-register"],
                      "status_changes": [
                          {"status": "open", "when": {"start": since - dt.timedelta(days=400), "precision": "day"},
                           "sources": ["synth-register"]},
                          {"status": status, "when": {"start": since, "precision": "day"},
                           "sources": ["synth-register"]},
                      ]}
            world.crossings.append(place_id)
        else:
            radius = rng.choice((500, 2000, 5000, 10_000))
            place |= {"kind": rng.choice(PLACE_KINDS), "lat": lat, "lon": lon, "precision_m": radius,
                      "geo_precision": "exact" if radius <= 500 else rng.choice(("near", "settlement"))}
            world.site_ids.append(place_id)
        place["country"] = country
        if regions and place["kind"] != "region":
            place["within"] = rng.choice(regions)
        place["location_note"] = sentence(rng, 14)
        place["sources"] = ["synth-register"]
        world.places.append(place)


def build_sources(world: World, rng: random.Random, count: int) -> None:
    """`count` sources: agency reports, outlets that republish or rewrite them, and official statements."""
    grades = "ABCDEF"
    world.sources.append({"id": "synth-register", "title": "Synthetic register of the fictional world",
                          "kind": "dataset", "publisher": "incidents synth", "language": "en",
                          "reliability": "A", "note": "Every record in this directory is fictional."})
    for index in range(count):
        source_id = f"src-{index:05d}"
        published = LATEST_DAY - dt.timedelta(days=rng.randrange(0, 5 * 365))
        source: dict[str, Any] = {"id": source_id, "title": f"Fictional report {index}: {sentence(rng, 6)}",
                                  "kind": rng.choice(("article", "news-agency-report", "broadcast",
                                                      "official-statement")),
                                  "publisher": rng.choice(MEDIA), "url": f"https://example.org/synth/{index}",
                                  "published": published, "retrieved": LATEST_DAY, "language": "en",
                                  "reliability": rng.choice(grades), "reliability_note": sentence(rng, 10)}
        earlier = world.documents[-200:]
        if earlier and index % 3 == 1:
            source["republishes"] = [rng.choice(earlier)]
        elif earlier and index % 3 == 2:
            source["rewrites"] = sorted(set(rng.sample(earlier, min(2, len(earlier)))))
        world.sources.append(source)
        world.documents.append(source_id)


def build_world(rng: random.Random, incidents: int) -> World:
    world = World()
    build_actors(world, rng)
    build_places(world, rng)
    build_sources(world, rng, max(60, 4 * incidents))
    return world
