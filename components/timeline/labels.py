"""Record text as the timeline shows it: shortened, HTML-escaped for plotly, and the precision and source wording.

Record text is untrusted: plotly renders a subset of HTML (<b>, <a>, <br> …) in hover text and axis labels.
"""

from __future__ import annotations

import html

from components.timeline.lanes import Record
from components.timeline.style import HOVER_TEXT_MAX, KIND_NAMES, ROW_LABEL_CHARS
from incidents.load.review import marked
from incidents.model.dataset import Dataset
from incidents.model.records import Statement
from incidents.model.vocabulary import PRECISION_WORDS, source_label
from incidents.model.when import TimeWindow


def plot_text(text: str | None, limit: int = HOVER_TEXT_MAX) -> str:
    """Untrusted text for a plotly label: whitespace collapsed, shortened, then HTML-escaped."""
    if not text:
        return ""
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text, quote=False)


def precision_text(window: TimeWindow) -> str:
    """How precisely the time is known, and how it is drawn: 'approximately; known to the hour'."""
    if window.undated:
        return "undated: only a latest date is known; drawn at that date"
    words = PRECISION_WORDS.get(window.precision, window.precision)
    prefix = "approximately; " if window.approximate else ""
    if window.is_point:
        return f"{prefix}known {words}"
    return f"{prefix}known {words}: drawn across the window"


def precision_label(window: TimeWindow) -> str:
    """'day', '~hour' (approximate), 'undated'."""
    if window.undated:
        return "undated"
    return ("~" if window.approximate else "") + window.precision


def source_text(dataset: Dataset, source_id: str) -> str:
    """A source as lists name it ('Title (Publisher) · reliability B'); its id when the data does not hold it."""
    source = dataset.sources.get(source_id)
    if source is None:
        return source_id
    return source_label(source.title, source.publisher, source.reliability)


def row_label(record: Record, speaker: str, limit: int = ROW_LABEL_CHARS) -> str:
    """A row's y-axis label: "speaker · kind" for a statement, the shortened title for an event; escaped, since
    plotly renders its HTML subset in tick text. `speaker` is the plain (unescaped) name of the speaker."""
    text = f"{speaker} · {KIND_NAMES[record.kind]}" if isinstance(record, Statement) else record.title
    text = marked(record, " ".join(text.split()))
    if len(text) > limit:
        # Cut at a word boundary when one is near, so a label never ends mid-word.
        cut = text[: limit - 1]
        space = cut.rfind(" ")
        text = (cut[:space] if space > limit * 0.6 else cut).rstrip(" ·,;:-") + "…"
    return plot_text(text, limit)
