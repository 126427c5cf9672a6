"""The map page in Debian's chromium: the canvas is drawn, nothing leaves 127.0.0.1, a click selects a record.

Marker positions come from the same deck the page builds (shipped data, no filter), projected with
web-mercator from its initial view state onto the canvas's real size.
"""

from __future__ import annotations

import io
import json
import math
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from components import map as mapview
from incidents.load.pipeline import load_dataset
from incidents.views.filtering import FilterValue, apply_filter
from incidents.views.geometry import load_geo
from tests.browser.harness import ARTIFACTS, wait_idle

ROOT = Path(__file__).resolve().parents[2]
CANVAS = '[data-testid="stDeckGlJsonChart"] canvas'

pytestmark = pytest.mark.browser


def _deck_json() -> dict:
    dataset = load_dataset(ROOT / "data")
    geo = load_geo(ROOT / "data" / "geo")
    return json.loads(mapview.build_deck(dataset, apply_filter(dataset, FilterValue()), geo).to_json())


def _incident_of(record_id: str) -> str | None:
    return mapview.selection_ids(load_dataset(ROOT / "data"), {"rec": record_id})[1]


def _world(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """Web-mercator pixel coordinates at a zoom (deck.gl: 512-px world at zoom 0)."""
    size = 512 * 2**zoom
    x = (lon + 180) / 360 * size
    y = (math.pi - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))) / (2 * math.pi) * size
    return x, y


def _to_canvas(view: dict, box: dict, lon: float, lat: float) -> tuple[float, float]:
    cx, cy = _world(view["longitude"], view["latitude"], view["zoom"])
    px, py = _world(lon, lat, view["zoom"])
    return box["width"] / 2 + px - cx, box["height"] / 2 + py - cy


def _open_map(page, app_url: str, query: str = ""):
    page.goto(f"{app_url}/map{query}")
    wait_idle(page)
    canvas = page.locator(CANVAS).first
    canvas.wait_for(timeout=60_000)  # the first map of a fresh server, on a busy machine, can take long to draw
    page.wait_for_timeout(2_000)  # the deck draws after its lazily loaded chunk
    return canvas


def _exclave_fill(colour) -> tuple[int, int, int]:
    """The exclave's own fill: the commonest colour over a grid of points inside its polygon (markers, labels and
    precision circles cover some of them, and the curated data puts several there)."""
    from collections import Counter

    from shapely.geometry import Point, shape

    countries = json.loads((ROOT / "data" / "geo" / "countries.geojson").read_text(encoding="utf-8"))
    feature = next(f for f in countries["features"] if "nakhchivan" in str(f.get("id") or f["properties"].get("id")))
    polygon = shape(feature["geometry"])
    west, south, east, north = polygon.bounds
    points = [
        (south + (north - south) * i / 12, west + (east - west) * j / 12) for i in range(1, 12) for j in range(1, 12)
    ]
    inside = [colour(lat, lon) for lat, lon in points if polygon.contains(Point(lon, lat))]
    assert len(inside) >= 20
    return Counter(inside).most_common(1)[0][0]


def _pixels(canvas):
    from PIL import Image

    # A software-GL canvas can take long to capture on a busy machine.
    return Image.open(io.BytesIO(canvas.screenshot(timeout=90_000))).convert("RGB")


def test_canvas_is_drawn_and_stays_local(page, app_url: str) -> None:
    # The fills only: over the whole record's region the exclave is small, and its markers would cover it.
    canvas = _open_map(page, app_url, "?layers=countries&layers=border&layers=labels")
    image = _pixels(canvas)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    image.save(ARTIFACTS / "map.png")
    view = _deck_json()["initialViewState"]
    box = canvas.bounding_box()

    def colour(lat: float, lon: float) -> tuple[int, int, int]:
        x, y = _to_canvas(view, box, lon, lat)
        return image.getpixel((int(x), int(y)))

    # Not blank: many colours, and the countries are where the geometry says, in their own fills.
    assert len(image.getcolors(maxcolors=1 << 20) or []) > 50
    iran = colour(38.25, 46.4)
    # Between Shaki and Zaqatala: no place, circle or label there (39.75 N 47.9 E lies in Parsabad county's circle).
    mainland = colour(41.3, 47.0)
    nakhchivan = _exclave_fill(colour)
    assert iran != mainland != nakhchivan
    assert iran[0] > iran[2] + 20, iran  # sand: red well above blue
    assert mainland[1] > mainland[0] and mainland[1] > mainland[2], mainland  # green
    assert nakhchivan[1] > nakhchivan[0] + 30, nakhchivan  # darker green, told apart from the mainland
    assert sum(nakhchivan) < sum(mainland) - 40
    assert page.outside_requests == [], page.outside_requests
    assert page.locator('[data-testid="stException"]').count() == 0


def test_clicking_a_marker_selects_its_record(page, app_url: str) -> None:
    deck = _deck_json()
    view = deck["initialViewState"]
    events = next(layer for layer in deck["layers"] if layer["id"] == "events")["data"]
    canvas = _open_map(page, app_url)
    box = canvas.bounding_box()

    def pixel(row: dict) -> tuple[float, float]:
        x, y = _to_canvas(view, box, *row["pos"])
        return x + row["off"][0], y + row["off"][1]

    inside = [r for r in events if 20 < pixel(r)[0] < box["width"] - 20 and 20 < pixel(r)[1] < box["height"] - 20]
    assert inside, "no event marker in the initial frame"

    def clearance(row: dict) -> float:
        x, y = pixel(row)
        others = [pixel(o) for o in events if o is not row]
        return min((math.dist((x, y), o) for o in others), default=math.inf)

    target = max(inside, key=clearance)  # the marker least likely to be covered by another
    x, y = pixel(target)
    canvas.hover(position={"x": x, "y": y})
    # The tooltip proves the marker is under the pointer before clicking.
    page.locator(".deck-tooltip").filter(has_text=target["title"]).wait_for(timeout=10_000)
    canvas.click(position={"x": x, "y": y})
    page.wait_for_function(
        "rec => new URLSearchParams(window.location.search).get('rec') === rec", arg=target["rec"], timeout=15_000
    )
    wait_idle(page)
    query = parse_qs(urlparse(page.url).query)
    assert query.get("incident") == [_incident_of(target["rec"])]
    assert query.get("rec") == [target["rec"]]
    detail = page.locator(".st-key-map_detail")
    # A draft's marker title carries its mark ("[Draft] …"); the detail shows the mark as a chip before the title.
    title = re.sub(r"^\[(Draft|In review)\] ", "", target["title"])
    assert title in detail.inner_text()
    page.wait_for_timeout(1_000)
    page.screenshot(path=str(ARTIFACTS / "map-selected.png"), full_page=True)
    assert page.outside_requests == [], page.outside_requests
