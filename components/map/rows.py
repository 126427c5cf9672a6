"""Rows of the smaller record layers: border crossings, unlocated closures along their border, claim arcs."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Iterable
from typing import Any

from components.map.icons import ICON_ID
from components.map.jsontext import RawJSON, arcs_json, compact, multiline_feature_collection, round_half_up
from components.map.style import ARC_DECIMALS, POINT_DECIMALS
from incidents.load.review import marked
from incidents.model.dataset import Dataset
from incidents.model.queries import chronological
from incidents.model.records import Event, Statement
from incidents.views.claim_arcs import claim_origins, speaker_labels
from incidents.views.filtering import View
from incidents.views.geometry import GeoData
from incidents.views.locations import (
    borders_near,
    crossing_status,
    is_located,
    last_moment_before,
    place_precision_text,
    status_at,
    status_history_text,
)

CLAIM_LABEL_LINE = 22  # characters a line of a claim's "claimed by" label (a phone's map is about 350 px wide)


def claim_label(parties: Iterable[str]) -> str:
    """The text beside a claimed origin, a few words a line: one long line anchored at the origin ran off the map's
    left edge on a phone."""
    return "\n".join(textwrap.wrap(f"claimed by {', '.join(parties)}", CLAIM_LABEL_LINE, break_long_words=False))


def _latest_moment(view: View) -> dt.datetime | None:
    """`latest_moment` of the view's records, from the view's extent (the columns' window ends when filtered)."""
    extent = view.extent
    return last_moment_before(extent[1]) if extent else None


def crossing_rows(dataset: Dataset, view: View | None = None) -> list[dict[str, Any]]:
    """Every border crossing with its status at the end of the view (reference places: shown whatever the filter).

    A crossing with a recorded history shows the status in force at the last moment the view's records reach, so
    narrowing the dates to 6 March shows the crossings as they were then; its tooltip lists the whole history.
    """
    as_of = _latest_moment(view) if view is not None else None
    rows = []
    for place in dataset.places.values():
        if place.kind != "border-crossing" or not is_located(place):
            continue
        status, change = status_at(place, as_of)
        cited = change.sources if change is not None else place.status_source
        per = "; ".join(dataset.sources[s].title for s in cited if s in dataset.sources)
        history = status_history_text(place)
        rows.append(
            {
                "pos": [round_half_up(place.lon, POINT_DECIMALS), round_half_up(place.lat, POINT_DECIMALS)],
                "icon": ICON_ID[f"crossing-{crossing_status(place, as_of)}"],
                "off": [0, 0],
                "place_id": place.id,
                "title": place.names.en,
                "l2": f"Status: {status or 'not recorded'}" + (f" (history: {history})" if history else ""),
                "l3": f"Where: {place.geo_precision}, within {place.precision_m:,} m",
                "l4": f"Status per: {per}" if per else "",
            }
        )
    return rows


def _closure_borders(dataset: Dataset, geo: GeoData, event: Event) -> list[str]:
    """The shipped borders a closure runs along: those its incident's 'border' places lie on, in file order."""
    incident = dataset.incidents.get(event.incident or "")
    if incident is None:
        return []
    near = {
        fid
        for role in incident.places
        if role.role == "border" and role.place in dataset.places
        for fid in borders_near(geo, dataset.places[role.place])
    }
    return [fid for fid in geo.border_ids() if fid in near]


def closure_rows(
    dataset: Dataset, view: View, geo: GeoData, unlocated: Iterable[Event] | None = None
) -> list[dict[str, Any]]:
    """Unlocated border closures, drawn along the shipped borders their incident's crossings lie on.

    A closure of a whole border names no point; its incident's places with role 'border' say which border.
    `unlocated`: the view's events with no located place, when already known (saves reading every event).
    """
    paths = geo.derived["border_paths"]
    along: dict[str, list[Event]] = {}  # border id -> the closures drawn along it
    for event in view.events if unlocated is None else unlocated:
        if event.type != "border-closure" or (event.place and is_located(dataset.places.get(event.place))):
            continue
        for fid in _closure_borders(dataset, geo, event):
            along.setdefault(fid, []).append(event)
    rows = []
    for fid, events in along.items():
        where = f"Where: along the {geo.border(fid)['properties']['name']} border; no point is named"
        latest = max(events, key=chronological)
        if len(events) == 1:
            claimants = speaker_labels(dataset, latest.reported_in)
            who = f"Reported by: {', '.join(claimants)}" if claimants else "Reported by: the source itself (no speaker)"
            title, l2, l4 = marked(latest, latest.title), f"When: {latest.when.label()}", f"{who} ({latest.status})"
        else:
            # Many closures of one border are one line (its path sent once), saying how many.
            first = min(events, key=chronological)
            title = f"{len(events)} border closures reported along this border"
            l2 = f"When: {first.when.label()} … {latest.when.label()}"
            l4 = f"Latest: {marked(latest, latest.title)} (click to select it)"
        for path in paths[fid]:
            rows.append({"path": path, "rec": latest.id, "title": title, "l2": l2, "l3": where, "l4": l4})
    return rows


def claim_layers(
    dataset: Dataset, view: View, geo: GeoData, *, grouped: bool = False
) -> tuple[RawJSON, list[dict[str, Any]]]:
    """Dashed arcs as one MultiLineString feature per claimed launch (its text sent once), and one label each
    (see incidents.views.claim_arcs for what is drawn). The FeatureCollection comes as JSON (thousands of arcs at
    10,000 records); the labels as dicts. `grouped` (above the map's grouping threshold): one ring per claimed
    origin with the number of launches claimed from it, and no labels."""
    if grouped:
        return _grouped_claim_layers(dataset, view, geo)
    # Coordinates JSON -> (properties, claims drawn there): claims along the same lines are one feature.
    features: dict[str, tuple[dict[str, Any], int]] = {}
    labels: dict[tuple[float, float, str], dict[str, Any]] = {}
    for found in claim_origins(dataset, view, geo):
        claim = found.claim
        launch, targets = claim.launch, claim.targets
        names = [place_precision_text(target) for target in targets[:3]]
        shown = "; ".join(names) + (f"; and {len(targets) - 3} more" if len(targets) > 3 else "")
        disputants = speaker_labels(dataset, [s.id for s in claim.disputing])
        disputed = f" · disputed by: {', '.join(disputants)}" if disputants else ""
        props = {
            "rec": launch.id,
            "title": marked(launch, f"CLAIM, not fact: {launch.title}"),
            "l2": f"When (claimed): {launch.when.label()}",
            "l3": f"From: {found.origin_text}. To: {shown}",
            "l4": f"Claimed by: {', '.join(speaker_labels(dataset, [s.id for s in claim.claiming]))}{disputed}",
        }
        coordinates = arcs_json(found.origin, claim.points)
        earlier, count = features.get(coordinates, (props, 0))
        features[coordinates] = (earlier, count + 1)
        tops = list(dict.fromkeys(_parties(dataset, claim.claiming)))
        # At the claimed-origin end, away from the impact markers.
        o_lat, o_lon = found.origin
        pos = [round_half_up(o_lon, ARC_DECIMALS), round_half_up(o_lat, ARC_DECIMALS)]
        text = claim_label(tops)
        labels.setdefault((pos[0], pos[1], text), {"pos": pos, "text": text})
    merged = [
        (props if count == 1 else {**props, "title": f"CLAIM, not fact: {count} claimed launches along these lines"}, c)
        for c, (props, count) in features.items()
    ]
    return multiline_feature_collection(merged), list(labels.values())


def _parties(dataset: Dataset, statements: Iterable[Statement]) -> list[str]:
    """Each statement's party (the label of its speaker's top actor), in order; none for a statement with no
    speaker. Kept per dataset by speaker: a new view only looks them up."""
    party_of: dict[str, str] = dataset.derive("speaker-top-labels", dict)
    index = dataset.actor_index
    found = []
    for statement in statements:
        if speaker := statement.speaker:
            party = party_of.get(speaker)
            if party is None:
                party = party_of[speaker] = index.label(index.top(speaker))
            found.append(party)
    return found


SITES_NAMED_MAX = 3  # impact sites named in a grouped origin's tooltip


def _grouped_claim_layers(dataset: Dataset, view: View, geo: GeoData) -> tuple[RawJSON, list[dict[str, Any]]]:
    """One point per claimed origin with the launches claimed from it (thousands of arcs would be megabytes and
    unreadable); who claims them is in its tooltip. The arcs and their labels come back below the threshold."""
    # A launch's sites' words depend on the launch alone, kept per dataset: a new view only looks them up.
    site_words: dict[str, dict[str, None]] = dataset.derive("claim-site-words", dict)  # launch id -> its sites
    # origin -> [launches, earliest When, latest When, origin words, site words, parties]
    origins: dict[tuple[float, float], list[Any]] = {}
    for found in claim_origins(dataset, view, geo):
        claim = found.claim
        tops = _parties(dataset, claim.claiming)
        launch = claim.launch
        sites = site_words.get(launch.id)
        if sites is None:
            sites = site_words[launch.id] = dict.fromkeys(place_precision_text(target) for target in claim.targets)
        when = launch.when
        entry = origins.setdefault(found.origin, [0, when, when, found.origin_text, {}, {}])
        entry[0] += 1
        entry[1] = min(entry[1], when, key=lambda w: w.start_dt)
        entry[2] = max(entry[2], when, key=lambda w: w.start_dt)
        entry[4].update(sites)
        entry[5].update(dict.fromkeys(tops))
    features = []
    for (o_lat, o_lon), (count, first, last, origin_text, sites, parties) in origins.items():
        lat, lon = round_half_up(o_lat, ARC_DECIMALS), round_half_up(o_lon, ARC_DECIMALS)
        named = list(sites)[:SITES_NAMED_MAX]
        more_sites = f"; and {len(sites) - len(named)} more" if len(sites) > len(named) else ""
        props = {
            "title": f"CLAIMED ORIGIN, not fact: {count} launch(es) claimed from here",
            "l2": f"When (claimed): {first.label()}" + (f" … {last.label()}" if count > 1 else ""),
            "l3": f"From: {origin_text}. To: {'; '.join(named)}{more_sites}",
            "l4": f"Claimed by: {', '.join(parties) or 'the source itself (no speaker)'}",
        }
        features.append({"type": "Feature", "properties": props,
                         "geometry": {"type": "Point", "coordinates": [lon, lat]}})
    # No labels: hundreds of "claimed by" texts overlap into an unreadable blot; each ring's tooltip names them.
    return RawJSON([compact({"type": "FeatureCollection", "features": features})]), []
