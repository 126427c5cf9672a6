"""One synthetic incident file: the incident, its events, statements (stances, figures, quotes, replies),
propositions (with exclusions) and discrepancies, about 45 records and 40 kB of YAML, like a busy real one."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from incidents.load.migrate import CURRENT_FORMAT
from incidents.synth.world import LATEST_DAY, World, sentence

EVENTS = 12
STATEMENTS = 25
PROPOSITIONS = 5
DISCREPANCIES = 2
EVENT_TYPES = ("launch", "interception", "impact", "crash", "damage", "injury", "border-closure", "security-meeting")
KINDS = ("claim", "denial", "accusation", "alternative-explanation", "demand", "threat", "assurance")
STANCES = ("asserts", "asserts", "suggests", "implies", "denies", "doubts", "declines")
TOPICS = ("attribution", "target", "damage", "casualties", "intent", "responsibility", "response")
QUANTITIES = ("killed", "injured", "drones-fired", "drones-intercepted", "trucks-waiting")


def _when(start: dt.date, rng: random.Random, days: int) -> dict[str, Any]:
    """A time at one of the precisions curators use: a day, a window of days, or an hour with its offset."""
    day = start + dt.timedelta(days=rng.randrange(days))
    pick = rng.random()
    if pick < 0.5:
        return {"start": day, "precision": "day"}
    if pick < 0.8:
        return {"start": day, "end": day + dt.timedelta(days=rng.randrange(1, 3)), "precision": "days",
                "note": sentence(rng, 8)}
    moment = dt.datetime(day.year, day.month, day.day, rng.randrange(24), 0, tzinfo=dt.timezone(dt.timedelta(hours=4)))
    return {"start": moment, "precision": "hour", "approximate": rng.random() < 0.3}


def _events(prefix: str, incident_id: str, start: dt.date, world: World, rng: random.Random,
            statement_ids: list[str]) -> list[dict[str, Any]]:
    events = []
    for index in range(EVENTS):
        event: dict[str, Any] = {"id": f"{prefix}-ev-{index:02d}", "incident": incident_id,
                                 "title": f"Fictional event {index}: {sentence(rng, 5)}",
                                 "type": rng.choice(EVENT_TYPES), "when": _when(start, rng, 3)}
        if rng.random() < 0.85:
            event["place"] = rng.choice(world.site_ids)
        event["place_note"] = sentence(rng, 12)
        event["actors"] = [rng.choice(world.states)]
        event["reported_in"] = sorted(set(rng.sample(statement_ids, 2)))
        event["status"] = rng.choice(("confirmed", "reported", "claimed", "disputed"))
        event["description"] = sentence(rng, 30)
        event["sources"] = [rng.choice(world.documents)]
        events.append(event)
    return events


def _statement(prefix: str, index: int, incident_id: str, start: dt.date, world: World, rng: random.Random,
               propositions: list[str]) -> dict[str, Any]:
    agency = rng.choice(world.documents)
    outlet = rng.choice(world.documents)
    statement: dict[str, Any] = {"id": f"{prefix}-st-{index:02d}", "incidents": [incident_id],
                                 "speaker": rng.choice(world.speakers), "kind": rng.choice(KINDS),
                                 "when": _when(start, rng, 10), "channel": "statement"}
    if rng.random() < 0.6:
        statement["quotes"] = [{"text": sentence(rng, 14), "language": "en"}]
    statement["paraphrase"] = sentence(rng, 34)
    statement["via"] = [agency, outlet] if agency != outlet else [agency]
    statement["carried_by"] = [rng.choice(world.documents)]
    statement["credibility"] = rng.randrange(1, 7)
    statement["credibility_note"] = sentence(rng, 18)
    if index:
        statement["responds_to"] = [f"{prefix}-st-{rng.randrange(index):02d}"]
    statement["stances"] = [{"proposition": p, "stance": rng.choice(STANCES)}
                            for p in sorted(rng.sample(propositions, 2))]
    if rng.random() < 0.4:
        statement["figures"] = [{"quantity": rng.choice(QUANTITIES), "value": rng.randrange(0, 40)}]
    statement["note"] = sentence(rng, 20)
    return statement


def _propositions(prefix: str, incident_id: str, world: World, rng: random.Random) -> list[dict[str, Any]]:
    found = []
    for index in range(PROPOSITIONS):
        proposition: dict[str, Any] = {"id": f"{prefix}-pr-{index}", "incident": incident_id,
                                       "text": f"Fictional proposition {index}: {sentence(rng, 10)}",
                                       "question": f"{sentence(rng, 6)[:-1]}?", "topic": rng.choice(TOPICS),
                                       "against": [rng.choice(world.states)]}
        if index == 1:
            proposition["excludes"] = [f"{prefix}-pr-0"]
        found.append(proposition)
    return found


def _discrepancies(prefix: str, incident_id: str, concerns: list[str], world: World,
                   rng: random.Random) -> list[dict[str, Any]]:
    return [
        {"id": f"{prefix}-di-{index}", "incident": incident_id, "recorded_on": LATEST_DAY,
         "title": f"Fictional discrepancy {index}", "kind": rng.choice(("internal", "between-sources", "gap")),
         "description": sentence(rng, 35), "concerns": sorted(set(rng.sample(concerns, 3))),
         "sources": [rng.choice(world.documents)], "handling": sentence(rng, 15)}
        for index in range(DISCREPANCIES)
    ]


def incident_file(number: int, world: World, rng: random.Random, incidents: int) -> tuple[str, dict[str, Any]]:
    """The file name and content of incident `number` of `incidents`, spread evenly over about five years."""
    prefix = f"i{number:04d}"
    span = 5 * 365 - 30
    start = LATEST_DAY - dt.timedelta(days=30 + span - span * number // max(1, incidents))
    incident_id = f"{prefix}-{start.isoformat()}"
    propositions = _propositions(prefix, incident_id, world, rng)
    proposition_ids = [p["id"] for p in propositions]
    statements = [_statement(prefix, index, incident_id, start, world, rng, proposition_ids)
                  for index in range(STATEMENTS)]
    statement_ids = [s["id"] for s in statements]
    events = _events(prefix, incident_id, start, world, rng, statement_ids)
    places = sorted({e["place"] for e in events if "place" in e})
    incident = {
        "id": incident_id, "title": f"Fictional incident {number} near {world.places[0]['names']['en']}",
        "summary": sentence(rng, 80), "when": {"start": start, "end": start + dt.timedelta(days=1),
                                               "precision": "days"},
        "places": [{"place": place, "role": "impact" if i == 0 else "context"} for i, place in enumerate(places)],
        "event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike",
        "assessment": {"grade": rng.choice(("confirmed", "fair", "weak", "contested")),
                       "rationale": sentence(rng, 30), "assessed_on": LATEST_DAY},
        "tags": ["synthetic"], "sources": [rng.choice(world.documents)],
        "first_published": LATEST_DAY, "last_updated": LATEST_DAY,
    }
    concerns = [e["id"] for e in events] + statement_ids
    content = {"format": CURRENT_FORMAT, "incident": incident, "events": events, "statements": statements,
               "propositions": propositions,
               "discrepancies": _discrepancies(prefix, incident_id, concerns, world, rng)}
    return f"{incident_id}.yaml", content
