"""Claimed origins of the drones: which statements assert or dispute a launch, where its arc starts and ends.

A claim arc is drawn from a claimed origin to each impact site of the launch's incident, only while a statement
asserting the launch is in the view. Who asserts and who disputes a launch is the comparison's stance rule,
`incidents.evidence.stances.launch_claims`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from incidents.evidence.stances import launch_claims
from incidents.model.dataset import Dataset
from incidents.model.queries import speaker_name
from incidents.model.records import Event, Place, Statement
from incidents.views.filtering import View, filter_index, own_kept_rows
from incidents.views.geometry import GeoData, feature_containing, nearest_point_on_line, point_in_polygon
from incidents.views.locations import IMPACT_TYPES, is_located, place_precision_text

# How far (km) beyond the border an origin that names only a country is put, so the arc visibly starts there.
ORIGIN_STEP_KM = 8.0


@dataclass(frozen=True)
class Claim:
    """A claimed launch with its located impact sites."""

    launch: Event
    claiming: list[Statement]
    disputing: list[Statement]
    targets: list[Place]
    points: list[tuple[float, float]]  # (lat, lon) of the targets, read once


@dataclass(frozen=True)
class ClaimOrigin:
    """A drawn claim: one with impact sites and an origin (lat, lon), and the words for that origin."""

    claim: Claim
    origin: tuple[float, float]
    origin_text: str


@dataclass(frozen=True)
class ClaimArc:
    """An arc from a claimed origin to an impact site, with who claims and who disputes it."""

    launch: Event
    origin: tuple[float, float]
    origin_text: str
    target: Place
    claimants: list[str]
    disputants: list[str]
    claim_statements: list[Statement]


def speaker_labels(dataset: Dataset, statement_ids: Iterable[str]) -> list[str]:
    """The short names of the statements' speakers, each once, in order."""
    names = [speaker_name(dataset, dataset.statements[s], short=True) for s in statement_ids if s in dataset.statements]
    return list(dict.fromkeys(names))


Sites = dict[str, dict[str, tuple[Place, tuple[float, float]]]]


def _launches_and_sites(dataset: Dataset) -> tuple[list[Event], Sites]:
    """One pass over every event, kept with the dataset (no filter changes it): the launches, and each incident's
    located impact sites."""
    launches: list[Event] = []
    sites: Sites = {}
    places = dataset.places
    for event in dataset.events.values():
        if event.type == "launch":
            launches.append(event)
        elif event.type in IMPACT_TYPES and event.place:
            place = places.get(event.place)
            if place is not None and is_located(place):
                sites.setdefault(event.incident or "", {})[place.id] = (place, (place.lat, place.lon))
    return launches, sites


def claims(dataset: Dataset, view: View) -> list[Claim]:
    """Launch events asserted by a statement in the view, with their incident's located impact sites.

    Geometry-free, so cheap to count. Kept with the view: the map's legend, layers and readouts each ask.
    """
    return view.derive("claims", lambda: _claims(dataset, view))


def _claims(dataset: Dataset, view: View) -> list[Claim]:
    launches, sites = dataset.derive("launches-and-sites", lambda: _launches_and_sites(dataset))
    if not launches:
        return []
    # Every launch's claims over all the statements, worked out once per dataset; a view keeps those among its
    # own statements (the same lists: a launch's claims by the view's statements are these, in the same time order,
    # and a statement disputing it is one of the view's that asserts a rival, or denies). 0.15 s a rerun at 1,000.
    everything = dataset.derive(
        "launch-claims-all", lambda: launch_claims(dataset, launches, dataset.statements.values())
    )
    given = _statement_test(dataset, view)
    found = []
    for position in everything:
        claiming = [s for s in position.claiming if given(s.id)]
        if not claiming:
            continue
        here = list(sites.get(position.launch.incident or "", {}).values())
        found.append(
            Claim(
                launch=position.launch,
                claiming=claiming,
                disputing=[s for s in position.disputing if given(s.id)],
                targets=[place for place, _ in here],
                points=[point for _, point in here],
            )
        )
    return found


def _statement_test(dataset: Dataset, view: View) -> Callable[[str], bool]:
    """Whether a statement id is in the view: for a filtered view, from its columns' mask (a set of the view's
    ids was half of a claims build at 1,000 incidents); for any other view, from its statements."""
    kept = own_kept_rows(dataset, view)
    if kept is not None:
        index = filter_index(dataset)
        rows = dataset.derive("statement-rows", lambda: {s.id: i for i, s in enumerate(index.statements)})
        keep = kept[2].tolist()
        return lambda statement_id: (row := rows.get(statement_id)) is not None and keep[row]
    return {statement.id for statement in view.statements}.__contains__


def _in_country(geo: GeoData, country: str, lat: float, lon: float) -> bool:
    """Point in the country's polygon; tests only that one feature when it exists (the hot path)."""
    try:
        return point_in_polygon(lat, lon, geo.country(country)["geometry"])
    except KeyError:
        return feature_containing(geo, lat, lon) == country


@functools.lru_cache(maxsize=1024)
def claimed_origin_point(geo: GeoData, country: str, lat: float, lon: float) -> tuple[float, float] | None:
    """Where to start an arc for 'launched from <country>': just inside that country, at the border point
    nearest to the target. The claim names a country, not a site, so this is the least committal point.
    Memoised: the same claim is drawn on every rerun."""
    lines = geo.border_lines(country)
    if not lines:
        return None
    b_lat, b_lon, d = nearest_point_on_line(lat, lon, lines)
    # Step further along the target -> border direction, so the arc visibly starts on the far side.
    if d > 0:
        k = ORIGIN_STEP_KM / d
        o_lat, o_lon = b_lat + (b_lat - lat) * k, b_lon + (b_lon - lon) * k
        if _in_country(geo, country, o_lat, o_lon):
            return o_lat, o_lon
    return b_lat, b_lon


def _origin(dataset: Dataset, geo: GeoData, claim: Claim) -> tuple[tuple[float, float], str] | None:
    """The launch's own located place, else a point just inside the first country its actors belong to."""
    launch = claim.launch
    origin_place = dataset.places.get(launch.place) if launch.place else None
    if origin_place is not None and is_located(origin_place):
        return (origin_place.lat, origin_place.lon), place_precision_text(origin_place)
    index = dataset.actor_index
    countries = list(dict.fromkeys(c for a in launch.actors if (c := index.country(a))))
    if not countries:
        return None
    c_lat = sum(lat for lat, _ in claim.points) / len(claim.points)
    c_lon = sum(lon for _, lon in claim.points) / len(claim.points)
    origin = claimed_origin_point(geo, countries[0], c_lat, c_lon)
    if origin is None:
        return None
    text = (
        f"{geo.country_name(countries[0])} (the claim names only the country: the line starts at its "
        "border, not at a known launch site)"
    )
    return origin, text


def claim_origins(dataset: Dataset, view: View, geo: GeoData) -> list[ClaimOrigin]:
    """Each drawn claim (one with impact sites and an origin), with its origin and the words for it.

    Kept with the view for this `geo` (the legend and two layers ask for the same)."""
    # Keyed on the geo itself (GeoData hashes by identity), not its id(): the key keeps it alive, so none can collide.
    return view.derive(("claim-origins", geo), lambda: _claim_origins(dataset, view, geo))


def _claim_origins(dataset: Dataset, view: View, geo: GeoData) -> list[ClaimOrigin]:
    # A launch's origin depends on the launch and its incident's sites alone, not on the view: kept per dataset
    # and geo, so a new view only looks them up.
    known: dict[str, tuple[tuple[float, float], str] | None] = dataset.derive(("launch-origins", geo), dict)
    found = []
    for claim in claims(dataset, view):
        if not claim.targets:
            continue
        launch_id = claim.launch.id
        if launch_id in known:
            origin = known[launch_id]
        else:
            origin = known[launch_id] = _origin(dataset, geo, claim)
        if origin is not None:
            found.append(ClaimOrigin(claim, *origin))
    return found


def claim_arcs(dataset: Dataset, view: View, geo: GeoData) -> list[ClaimArc]:
    """Arcs from each claimed origin to each impact site; drawn only while a claiming statement is in the view.

    When the claim names only a country, one origin serves all the launch's sites: just inside that country,
    at the border point nearest to the sites' centre (see claimed_origin_point).
    """
    arcs: list[ClaimArc] = []
    for found in claim_origins(dataset, view, geo):
        claim = found.claim
        claimants = speaker_labels(dataset, [s.id for s in claim.claiming])
        disputants = speaker_labels(dataset, [s.id for s in claim.disputing])
        for target in claim.targets:
            arcs.append(
                ClaimArc(
                    launch=claim.launch,
                    origin=found.origin,
                    origin_text=found.origin_text,
                    target=target,
                    claimants=claimants,
                    disputants=disputants,
                    claim_statements=claim.claiming,
                )
            )
    return arcs
