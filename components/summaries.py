"""Short text alternatives for the timeline chart and the map: what each shows, how many records, the date span.

Pure functions of the view (and, for the map, of the legend's counts), so a screen reader gets the same facts
the picture gives. Only counts, dates and our own words go in: no record text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from components.map.legend import LegendEntry
from incidents.model.queries import record_actors
from incidents.model.records import Event, Statement
from incidents.views.filtering import View


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """'1 event', '3 events', '0 events'."""
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


def span_text(span: tuple[dt.date, dt.date] | None) -> str:
    """'from 2026-03-04 to 2026-03-20', 'on 2026-03-05', or '' when there is no span."""
    if span is None:
        return ""
    first, last = span
    return f"on {first.isoformat()}" if first == last else f"from {first.isoformat()} to {last.isoformat()}"


def timeline_summary(view: View) -> str:
    """What the timeline chart shows, in one or two sentences."""
    records: Sequence[Event | Statement] = [*view.events, *view.statements]
    if not records:
        return "The timeline chart is empty: no events or statements match the filters."
    actors = {actor for record in records for actor in record_actors(record)}
    return (
        f"The timeline chart shows {plural(len(records), 'record')} ({plural(len(view.events), 'event')}, "
        f"{plural(len(view.statements), 'statement')}) by {plural(len(actors), 'actor')}, "
        f"{span_text(view.span)}. "
        "The chronological table below lists every record, and a row picked there selects it."
    )


# The map's record layers, in the order the summary names them: layer -> (singular, plural).
MAP_COUNTED = {
    "places": ("located place", "located places"),
    "events": ("event marker", "event markers"),
    "event-groups": ("event in the circles at places", "events in the circles at places"),
    "crossings": ("border crossing", "border crossings"),
    "claims": ("dashed claim line (a claimed origin, not a fact)", "dashed claim lines (claimed origins, not facts)"),
    "claim-origins": ("ring at a claimed origin (a claim, not a fact)", "rings at claimed origins (claims, not facts)"),
}


def map_summary(view: View, entries: Sequence[LegendEntry], unlocated: int) -> str:
    """What the map shows: the setting, then how many of each record layer it draws, the span, what it omits."""
    counts = {layer: 0 for layer in MAP_COUNTED}
    for entry in entries:
        if entry.layer in counts and entry.count is not None:
            counts[entry.layer] += entry.count
    drawn = [plural(counts[layer], *words) for layer, words in MAP_COUNTED.items() if counts[layer]]
    layers = {entry.layer for entry in entries}
    setting = "the Nakhchivan exclave, mainland Azerbaijan and Iran" if "countries" in layers else "the region"
    text = f"The map shows {setting}"
    text += (" with the border along the Aras" if "border" in layers else "") + "."
    span = span_text(view.span)
    if drawn:
        text += f" It draws {', '.join(drawn)}" + (f", for records {span}." if span else ".")
    else:
        text += " It draws no records: no record layer is on, or none match the filters."
    if unlocated:
        verb = "is" if unlocated == 1 else "are"
        text += f" {plural(unlocated, 'event')} with no reported place {verb} listed under the map."
    return text + " The Timeline page's table lists every record in the view."
