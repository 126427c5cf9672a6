"""Record cards: quote, paraphrase, speaker, time with precision, source chain with grades.

All record text goes through `md_escape` or escaping elements; nothing here uses unsafe_allow_html.
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.safe import md_escape, rtl, safe_url
from incidents.load.review import review_mark
from incidents.model import vocabulary
from incidents.model.dataset import Dataset
from incidents.model.provenance import weakest_grade
from incidents.model.queries import speaker_name
from incidents.model.records import Entry, Event, Source, Statement
from incidents.model.vocabulary import KIND_LABELS, admiralty_grade, credibility_text, reliability_grade


def mark_prefix(record: Entry) -> str:
    """A badge 'Draft' or 'In review' and a space before an unpublished record's heading; '' when published."""
    mark = review_mark(record)
    return f":orange-badge[{mark}] " if mark else ""


def actor_name(dataset: Dataset, actor_id: str | None) -> str:
    """The actor's full name; its id when it is not an actor; 'unknown' when there is none."""
    if not actor_id:
        return "unknown"
    return dataset.actor_index.name(actor_id)


def source_label(source: Source) -> str:
    """'Title (Publisher) · reliability B'."""
    return vocabulary.source_label(source.title, source.publisher, source.reliability)


def chain_text(dataset: Dataset, statement: Statement) -> str:
    """'Speaker — via BBC report [B] — via article [F]': the statement's path to us, nearest first."""
    links = [speaker_name(dataset, statement)]
    for source_id in statement.via:
        source = dataset.sources.get(source_id)
        grade = reliability_grade(source.reliability) if source else "?"
        title = source.title if source else source_id
        links.append(f"via {title} [{grade}]")
    return " — ".join(links)


def grade_text(dataset: Dataset, statement: Statement) -> str:
    """'B3 at the nearest source, F3 as we hold it': the nearest source's grade beside the chain's weakest link."""
    chain = [dataset.sources[s].reliability if s in dataset.sources else None for s in statement.via]
    nearest = admiralty_grade(chain[0], statement.credibility)
    held = admiralty_grade(weakest_grade(chain), statement.credibility)
    return nearest if held == nearest else f"{nearest} at the nearest source, {held} as we hold it"


def quote_markdown(statement: Statement) -> str:
    """Every quoted fragment, escaped, with its language and our translation; right-to-left scripts are wrapped in
    Unicode isolates so they keep their direction."""
    blocks = []
    for quote in statement.quotes:
        text = "\u2067" + quote.text + "\u2069" if rtl(quote.language) else quote.text
        printed = ", printed as a translation" if quote.printed_as_translation else ""
        block = f"> “{md_escape(text)}” ({md_escape(quote.language)}{printed})"
        if quote.translation:
            block += f"  \n> Our translation: “{md_escape(quote.translation)}”"
        blocks.append(block)
    return "\n\n".join(blocks)


def render_statement_card(dataset: Dataset, statement: Statement, container: DeltaGenerator | None = None) -> None:
    """A bordered card for one statement."""
    target = container or st
    box = target.container(border=True)
    box.markdown(
        mark_prefix(statement) + f"**{md_escape(speaker_name(dataset, statement))}** · {KIND_LABELS[statement.kind]} · "
        f"{md_escape(statement.when.label())}"
    )
    if statement.quote:
        box.markdown(quote_markdown(statement))
    box.markdown(md_escape(statement.paraphrase))
    credibility = credibility_text(statement.credibility)
    channel = md_escape(statement.channel or "not stated")
    box.caption(f"Grade {md_escape(grade_text(dataset, statement))} · {credibility} · channel: {channel}")
    box.caption("Source chain: " + md_escape(chain_text(dataset, statement)))
    for source_id in statement.via:
        source = dataset.sources.get(source_id)
        url = safe_url(source.url) if source else None
        if source is not None and url:
            box.link_button(f"Open {md_escape(source.title[:40])}", url)
    if statement.responds_to:
        box.caption("Responds to: " + md_escape(", ".join(statement.responds_to)))


def render_event_card(dataset: Dataset, event: Event, container: DeltaGenerator | None = None) -> None:
    """A bordered card for one event: when, where (with precision), who reported it, and its sources."""
    target = container or st
    box = target.container(border=True)
    box.markdown(
        mark_prefix(event) + f"**{md_escape(event.title)}** · {md_escape(event.type)} · {md_escape(event.status)}"
    )
    box.caption("When: " + md_escape(event.when.label()))
    if event.when.note:
        box.caption("Time note: " + md_escape(event.when.note))
    place = dataset.places.get(event.place) if event.place else None
    if place:
        box.caption(f"Where: {md_escape(place.names.en)} · {place.geo_precision}, within {place.precision_m:,} m")
    if event.place_note:
        box.caption("Place note: " + md_escape(event.place_note))
    if event.description:
        box.markdown(md_escape(event.description))
    claimants = [
        speaker_name(dataset, dataset.statements[s]) for s in event.reported_in if s in dataset.statements
    ]
    if claimants:
        box.caption("Reported by: " + md_escape(", ".join(dict.fromkeys(claimants))))
    box.caption("Sources: " + md_escape("; ".join(source_label(dataset.sources[s]) for s in event.sources)))
