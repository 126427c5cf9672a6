"""Pure builders for the overview (the front page): the incidents-per-year chart (an SVG image); the incident a
page shows by default (re-exported for the pages)."""

from __future__ import annotations

from functools import lru_cache
from xml.sax.saxutils import escape

from incidents.model.queries import current_incident

# The claims page reads current_incident here.
__all__ = ["KIND_COLOURS", "current_incident", "kept_per_year_svg", "per_year_svg"]

# One colour per incident kind (Okabe–Ito, then grey for 'other'): distinguishable for the common colour-vision
# deficiencies; legends, hovers (the timeline) and text alternatives name the kind, so colour is never the only carrier.
KIND_COLOURS: dict[str, str] = {
    "strike": "#D55E00",
    "attack-on-mission": "#CC79A7",
    "detention": "#0072B2",
    "drills": "#009E73",
    "expulsion": "#E69F00",
    "airspace": "#56B4E9",
    "border": "#8C6D1F",
    "accusation": "#000000",
    "other": "#999999",
}


# The chart's geometry, in SVG user units: the image is scaled to its column's width, so its 12-13 unit text is
# about that many pixels in a desktop's main column at 1280 px (about 790 px wide; 960 units drew it at 10 px) and
# in a phone's (narrow).
WIDE_WIDTH = 760
NARROW_WIDTH = 360
PLOT_HEIGHT = 190
FONT = 'font-family="-apple-system, Segoe UI, Helvetica, Arial, sans-serif"'
TEXT_COLOUR = "#0e1116"  # the theme's text colour (.streamlit/config.toml)
GRID_COLOUR = "#d9dce1"


def _y_step(tallest: int) -> int:
    """A round step for the count axis: 1 up to 8, then 2, 5, 10, 20, 50, 100, … with at most 6 steps."""
    if tallest <= 8:
        return 1
    magnitude = 1
    while True:
        for step in (2 * magnitude, 5 * magnitude, 10 * magnitude):
            if tallest / step <= 6:
                return step
        magnitude *= 10


def _legend(kinds: list[str], width: int, top: float, narrow: bool) -> tuple[list[str], float]:
    """The legend's SVG elements from `top` down, and the y below them: in a row that wraps (wide), two columns
    (narrow)."""
    parts = [f'<text x="0" y="{top + 12:.0f}" font-size="13" font-weight="600" fill="{TEXT_COLOUR}">Kind</text>']
    x, y = 40.0, top
    column = (width - 40) / 2
    for index, kind in enumerate(kinds):
        item = 22 + 7.2 * len(kind) + 16  # the swatch, the label at about 7 units a letter, a gap
        if narrow:
            x, y = 40 + column * (index % 2), top + 20 * (index // 2)
        elif x + item > width and x > 40:
            x, y = 40.0, y + 20
        parts.append(f'<rect x="{x:.1f}" y="{y + 2:.0f}" width="12" height="12" fill="{KIND_COLOURS[kind]}"/>'
                     f'<text x="{x + 17:.1f}" y="{y + 12:.0f}" font-size="13" fill="{TEXT_COLOUR}">'
                     f"{escape(kind)}</text>")
        x += item  # the next item's place in a wide row (two columns reset it)
    return parts, y + 20


def _bars(counts: dict[int, dict[str, int]], kinds: list[str], left: float, top: float, width: float,
          y_max: int) -> list[str]:
    """One stacked bar per year, kinds bottom up in `kinds` order, each segment titled with its count."""
    years = list(counts)
    band = width / len(years)
    bar = max(1.0, band * 0.72)
    parts = []
    for index, year in enumerate(years):
        base = top + PLOT_HEIGHT
        x = left + index * band + (band - bar) / 2
        for kind in kinds:
            count = counts[year].get(kind, 0)
            if not count:
                continue
            height = PLOT_HEIGHT * count / y_max
            base -= height
            parts.append(f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar:.1f}" height="{height:.1f}" '
                         f'fill="{KIND_COLOURS[kind]}"><title>{year}: {count} {escape(kind)}</title></rect>')
    return parts


def _axes(years: list[int], left: float, top: float, width: float, y_max: int, step: int) -> list[str]:
    """Horizontal grid lines with their counts, the axis' name, and the years below the bars (every year up to 8
    of them, else every fifth)."""
    parts = [f'<text x="0" y="{top - 8:.0f}" font-size="12" fill="{TEXT_COLOUR}">incidents</text>']
    for value in range(0, y_max + 1, step):
        y = top + PLOT_HEIGHT - PLOT_HEIGHT * value / y_max
        parts.append(f'<line x1="{left:.0f}" x2="{left + width:.0f}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="{GRID_COLOUR}" stroke-width="1"/>'
                     f'<text x="{left - 6:.0f}" y="{y + 4:.1f}" font-size="12" text-anchor="end" '
                     f'fill="{TEXT_COLOUR}">{value}</text>')
    band = width / len(years)
    for index, year in enumerate(years):
        if len(years) <= 8 or year % 5 == 0:
            x = left + (index + 0.5) * band
            parts.append(f'<text x="{x:.1f}" y="{top + PLOT_HEIGHT + 16:.0f}" font-size="12" text-anchor="middle" '
                         f'fill="{TEXT_COLOUR}">{year}</text>')
    return parts


def per_year_svg(counts: dict[int, dict[str, int]], phone: bool = False) -> str:
    """Incidents per year, stacked by kind (only the kinds that occur), every year from the first to the last, as
    an SVG image: drawn by the browser as a picture, with no chart library to fetch for the front page. The
    legend is above the bars (wide) or below them in two columns (`phone`). The counts are also in the page's
    text alternative (`per_year_text`). Text is escaped for XML; kinds and years are the only text."""
    width = NARROW_WIDTH if phone else WIDE_WIDTH
    kinds = [k for k in KIND_COLOURS if any(c.get(k) for c in counts.values())]
    if not counts or not kinds:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} 40" {FONT}>'
                f'<text x="0" y="24" font-size="13" fill="{TEXT_COLOUR}">No incidents on record.</text></svg>')
    tallest = max(sum(c.values()) for c in counts.values())
    step = _y_step(tallest)
    y_max = max(step, -(-tallest // step) * step)
    left, plot_width = 36.0, width - 36.0 - 4
    legend, below = ([], 0.0) if phone else _legend(kinds, width, 0, narrow=False)
    top = below + 28
    parts = [*legend, *_axes(list(counts), left, top, plot_width, y_max, step),
             *_bars(counts, kinds, left, top, plot_width, y_max)]
    height = top + PLOT_HEIGHT + 24
    if phone:
        legend, height = _legend(kinds, width, height + 6, narrow=True)
        parts += legend
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:.0f}" {FONT} role="img">'
            + "".join(parts) + "</svg>")


@lru_cache(maxsize=4)
def _kept_svg(counts: tuple[tuple[int, tuple[tuple[str, int], ...]], ...], phone: bool) -> str:
    return per_year_svg({year: dict(kinds) for year, kinds in counts}, phone=phone)


def kept_per_year_svg(counts: dict[int, dict[str, int]], phone: bool = False) -> str:
    """`per_year_svg`, the last few kept by their counts: an edit's new dataset rarely changes them."""
    return _kept_svg(tuple((year, tuple(kinds.items())) for year, kinds in counts.items()), phone)
