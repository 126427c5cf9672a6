"""The reference layers drawn from the shipped geodata: water, countries, borders, labels and the gap measurement."""

from __future__ import annotations

from typing import Any

from components.map.style import (
    BASEMAP_ALPHA,
    BORDER_STYLES,
    COUNTRY_STYLE,
    FRAME_LABELS,
    GAP_FIGURE,
    LABEL_LEFT,
    LABEL_OFFSETS,
    LABEL_STYLE,
    OTHER_COUNTRY,
)
from incidents.views.geometry import GeoData
from incidents.views.readouts import data_scale, source_phrase


def country_features(geo: GeoData, basemap: bool) -> dict[str, Any]:
    """The country polygons with their fill, outline and outline width (a light tint over a basemap)."""
    features = []
    for feat in geo.countries["features"]:
        fid = feat.get("id") or feat["properties"]["id"]
        fill, line, width = COUNTRY_STYLE.get(fid, OTHER_COUNTRY)
        if basemap:
            fill = [*fill[:3], BASEMAP_ALPHA]
        props = {**feat["properties"], "fill": fill, "line": line, "width": width}
        features.append({"type": "Feature", "id": fid, "properties": props, "geometry": feat["geometry"]})
    return {"type": "FeatureCollection", "features": features}


def border_features(geo: GeoData) -> dict[str, Any]:
    """The Azerbaijan–Iran border sections with their colours."""
    features = []
    for fid, (_, _, color) in BORDER_STYLES.items():
        feat = geo.border(fid)
        props = {"id": fid, "name": feat["properties"]["name"], "color": color}
        features.append({"type": "Feature", "id": fid, "properties": props, "geometry": feat["geometry"]})
    return {"type": "FeatureCollection", "features": features}


def _label_style(props: dict[str, Any]) -> dict[str, Any]:
    kind = props.get("kind", "city")
    size, color = LABEL_STYLE.get(kind, LABEL_STYLE["city"])
    is_city = kind == "city"
    if is_city and props.get("rank", 1) > 1:
        size -= 2
    left = props["id"] in LABEL_LEFT
    anchor = "end" if left else "start" if is_city else "middle"
    offset = LABEL_OFFSETS.get(props["id"], [-7, 0] if left else [7, 0] if is_city else [0, 0])
    return {"size": size, "color": color, "anchor": anchor, "offset": offset, "dot": 3 if is_city else 0}


def label_features(geo: GeoData) -> dict[str, Any]:
    """The shipped label points styled by kind, plus the frame's which-side-is-which labels."""
    features = []
    for feat in geo.labels["features"]:
        props = {"text": feat["properties"]["text"], **_label_style(feat["properties"])}
        features.append({"type": "Feature", "properties": props, "geometry": feat["geometry"]})
    for text, (lon, lat), kind, offset in FRAME_LABELS:
        size, color = LABEL_STYLE[kind]
        style = {"size": size, "color": color, "anchor": "middle", "offset": offset, "dot": 0}
        point = {"type": "Point", "coordinates": [lon, lat]}
        features.append({"type": "Feature", "properties": {"text": text, **style}, "geometry": point})
    return {"type": "FeatureCollection", "features": features}


def water(geo: GeoData) -> list[dict[str, Any]]:
    """One polygon over the shipped bbox: the backdrop that makes the sea read as sea without a basemap."""
    box = geo.meta.get("bbox") or {"min_lon": 38.0, "min_lat": 35.0, "max_lon": 52.0, "max_lat": 44.5}
    x0, y0, x1, y1 = box["min_lon"], box["min_lat"], box["max_lon"], box["max_lat"]
    return [{"polygon": [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]}]


def gap_label(geo: GeoData) -> str:
    """Map label of the narrowest gap: the computed width (with the data's scale) beside the source's figure."""
    fig = geo.figure(GAP_FIGURE)
    scale = data_scale(geo)
    text = f"{fig['computed']:g} {fig['unit']} at its narrowest" + (f" ({scale})" if scale else "")
    if fig.get("source_figure") is not None:
        text += f"\nsource: “{source_phrase(fig)}”"
    return text


def gap_rows(geo: GeoData) -> list[dict[str, Any]]:
    """The shortest segment between Nakhchivan and mainland Azerbaijan, plus a tick across each end (the
    drawing comes from derived.json)."""
    fig = geo.figure(GAP_FIGURE)
    source = fig.get("source_figure")
    tip = {
        "title": fig["label"],
        "l2": f"Computed: {fig['computed']:g} {fig['unit']} (shortest line between the two boundaries)",
        "l3": f"Source: “{fig['source_text']}” ({source:g} {fig['unit']})" if source is not None else "",
        "l4": f"Natural Earth {data_scale(geo) or ''} boundaries; see the figures table".replace("  ", " "),
    }
    return [{"path": path, **tip} for path in geo.derived["gap"]["paths"]]


def gap_label_rows(geo: GeoData) -> list[dict[str, Any]]:
    """The gap label at the segment's middle."""
    return [{"pos": geo.derived["gap"]["label_position"], "text": gap_label(geo)}]
