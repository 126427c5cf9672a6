"""Chart colours stay distinguishable for the common colour-vision deficiencies.

Each group of colours a reader must tell apart (the map's event markers, its crossing states, its two border
sections, the timeline's countries on the shipped data) is simulated for full deuteranopia, protanopia and
tritanopia (Machado et al. 2009, through colorspacious) and every pair kept at least MIN_DELTA_E apart in
CAM02-UCS (about 10 is a difference seen at a glance; Okabe–Ito's blue and bluish green are 11.7 apart
for tritanopes, the closest pair).
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

from components.map.style import BORDER_STYLES, CROSSING_STYLES, EVENT_STYLES, RGB
from components.timeline.style import NO_COUNTRY_COLOUR, country_colours
from incidents.load.pipeline import load_dataset
from tests.conftest import ROOT

colorspacious = pytest.importorskip("colorspacious")

MIN_DELTA_E = 11.0
DEFICIENCIES = ["deuteranomaly", "protanomaly", "tritanomaly"]


def _hex(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def closest_pair(colours: list[tuple[int, int, int]], deficiency: str) -> float:
    """The smallest CAM02-UCS distance between two of the colours as a reader with the deficiency sees them."""
    space = {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # colorspacious warns on out-of-gamut intermediate values
        seen = [np.clip(colorspacious.cspace_convert(np.array(c) / 255, space, "sRGB1"), 0, 1) for c in colours]
        return min(
            float(colorspacious.deltaE(a, b, input_space="sRGB1")) for a, b in itertools.combinations(seen, 2)
        )


def groups() -> dict[str, list[tuple[int, int, int]]]:
    countries = country_colours(load_dataset(ROOT / "data"))
    return {
        "map events": [RGB[style.color] for style in EVENT_STYLES.values()],
        "map crossings": [RGB[style.color] for style in CROSSING_STYLES.values()],
        "map borders": [(r, g, b) for _, _, (r, g, b, _) in BORDER_STYLES.values()],
        "timeline countries": [_hex(c) for c in [*dict.fromkeys(countries.values()), NO_COUNTRY_COLOUR]],
    }


@pytest.mark.parametrize("deficiency", DEFICIENCIES)
@pytest.mark.parametrize("group", list(groups()))
def test_colours_stay_apart(group: str, deficiency: str) -> None:
    distance = closest_pair(groups()[group], deficiency)
    assert distance >= MIN_DELTA_E, f"{group} under {deficiency}: two colours only {distance:.1f} apart"


def test_the_check_catches_red_and_green() -> None:
    """The classic red/green pair that deuteranopes confuse fails the check."""
    assert closest_pair([(220, 40, 40), (40, 160, 40)], "deuteranomaly") < MIN_DELTA_E


def test_the_most_present_countries_get_their_own_colours_and_the_rest_share_one() -> None:
    from components.timeline import build_timeline_figure
    from components.timeline.style import DISTINCT_COUNTRIES, OTHER_COUNTRIES, OTHER_COUNTRIES_COLOUR
    from incidents.views.filtering import FilterValue, apply_filter

    dataset = load_dataset(ROOT / "data")
    colours = country_colours(dataset)
    own = {code for code, colour in colours.items() if colour != OTHER_COUNTRIES_COLOUR}
    assert len(own) == DISTINCT_COUNTRIES and {"AZE", "IRN"} <= own  # the two parties are never "other"
    assert colours[OTHER_COUNTRIES] == OTHER_COUNTRIES_COLOUR
    figure = build_timeline_figure(dataset, apply_filter(dataset, FilterValue()), group="country")
    legend = {trace.get("name") for trace in figure.to_dict()["data"] if trace.get("showlegend") is not False}
    assert "Other countries" in legend and not {"Kazakhstan", "Türkiye"} & legend
