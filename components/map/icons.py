"""The icon atlas: one SVG with a cell per marker, shipped inline as a data: URL (no request)."""

from __future__ import annotations

import base64
from typing import Any

from components.map.style import EVENT_CATEGORY, RGB

CELL = 48


def _hex(color: str) -> str:
    r, g, b = RGB[color]
    return f"#{r:02x}{g:02x}{b:02x}"


def _body(kind: str, cx: int, cy: int) -> str:
    if kind == "circle":
        return f'<circle cx="{cx}" cy="{cy}" r="12"/>'
    if kind == "diamond":
        return f'<polygon points="{cx},{cy - 15} {cx + 15},{cy} {cx},{cy + 15} {cx - 15},{cy}"/>'
    if kind == "square":
        return f'<rect x="{cx - 11}" y="{cy - 11}" width="22" height="22"/>'
    if kind == "triangle":
        return f'<polygon points="{cx},{cy - 15} {cx + 14},{cy + 11} {cx - 14},{cy + 11}"/>'
    raise ValueError(kind)


def _shape(kind: str, cx: int, fill: str) -> str:
    """A marker shape in a 48-px cell: dark outer edge, white ring, coloured body (reads on any fill)."""
    body = _body(kind, cx, CELL // 2)
    return (
        f'<g stroke-linejoin="round">'
        f'<g fill="#1e1e28" stroke="#1e1e28" stroke-width="9">{body}</g>'
        f'<g fill="#ffffff" stroke="#ffffff" stroke-width="5">{body}</g>'
        f'<g fill="{fill}">{body}</g></g>'
    )


def _crossing(cx: int, color: str, closed: bool) -> str:
    cy = CELL // 2
    box = f'<rect x="{cx - 11}" y="{cy - 11}" width="22" height="22" rx="3"/>'
    bar = f'<rect x="{cx - 8}" y="{cy - 3}" width="16" height="6" fill="{color}"/>' if closed else ""
    return (
        f'<g fill="#ffffff" stroke="#1e1e28" stroke-width="7">{box}</g>'
        f'<g fill="#ffffff" stroke="{color}" stroke-width="4">{box}</g>{bar}'
    )


_ICONS: list[tuple[str, str]] = [
    ("impact", _shape("circle", 0, _hex("red"))),
    ("interception", _shape("diamond", 0, _hex("orange"))),
    ("border-closure", _shape("square", 0, _hex("violet"))),
    ("diplomatic", _shape("triangle", 0, _hex("blue"))),
    ("other", _shape("circle", 0, _hex("gray"))),
    ("crossing-closed", _crossing(0, _hex("red"), True)),
    ("crossing-open", _crossing(0, _hex("green"), False)),
    ("crossing-unknown", _crossing(0, _hex("gray"), False)),
    (
        "ring",
        '<circle r="20" cy="24" fill="none" stroke="#ffffff" stroke-width="7"/>'
        '<circle r="20" cy="24" fill="none" stroke="#1e1e28" stroke-width="3.5"/>',
    ),
]

# Icon name -> the short id rows carry (one per marker: at 10,000 markers a long name costs ~80 KB).
ICON_ID: dict[str, str] = {
    "impact": "i", "interception": "n", "border-closure": "b", "diplomatic": "d", "other": "o",
    "crossing-closed": "cc", "crossing-open": "co", "crossing-unknown": "cu", "ring": "r",
}
# Event type -> its marker's short id (types not listed take ICON_ID["other"]).
ICON_OF_TYPE = {event_type: ICON_ID[category] for event_type, category in EVENT_CATEGORY.items()}


def _icon_atlas() -> tuple[str, dict[str, dict[str, Any]]]:
    cells = []
    mapping: dict[str, dict[str, Any]] = {}
    for index, (name, svg) in enumerate(_ICONS):
        x = index * CELL
        cells.append(f'<g transform="translate({x + CELL // 2},0)">{svg}</g>')
        mapping[ICON_ID[name]] = {"x": x, "y": 0, "width": CELL, "height": CELL, "anchorY": CELL // 2, "mask": False}
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{CELL * len(_ICONS)}" height="{CELL}" '
        f'viewBox="0 0 {CELL * len(_ICONS)} {CELL}">{"".join(cells)}</svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode(), mapping


ICON_ATLAS, ICON_MAPPING = _icon_atlas()  # ICON_MAPPING is keyed by the short ids
