"""About: methodology, field documentation and the validation report.

The method's vocabularies (Admiralty grades, assessment grades, precision, record kinds) are written from
`incidents.model.vocabulary` and the models, so this page says what the data and the filters use.
"""

from typing import get_args

import streamlit as st

from components import responsive
from components.context import get_context
from components.report import render_report
from incidents.curate.docs import field_docs
from incidents.model.records import TIME_PRECISIONS, GeoPrecision
from incidents.model.vocabulary import (
    ASSESSMENT_TEXT,
    CREDIBILITY_TEXT,
    KIND_LABELS,
    RELIABILITY_TEXT,
    STANCE_STRENGTH_TEXT,
    admiralty_grade,
)


def graded(table: dict[str, str] | dict[int, str]) -> str:
    """'**A** completely reliable, **B** usually reliable, …'."""
    return ", ".join(f"**{key}** {text}" for key, text in table.items())


def glossed(table: dict[str, str]) -> str:
    """'**confirmed** (a belligerent accepted responsibility), …, **discounted**'."""
    return ", ".join(f"**{key}** ({text})" if text else f"**{key}**" for key, text in table.items())


def one_of(words: list[str]) -> str:
    """'a, b or c'."""
    return ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else "".join(words)


STATEMENT_LABELS = [label.lower() for kind, label in KIND_LABELS.items() if kind != "event"]

context = get_context()
dataset = context.dataset
responsive.apply_stylesheet()
st.title("About this monitor")
st.markdown(
    f"""
This dashboard tracks the Azerbaijan–Iran border incidents that began with the drone strike on the Nakhchivan
exclave. Every record is curated by hand from a cited source; where sources are vague or contradict each other,
the records say so instead of smoothing it over.

**Gradings**

- *Source reliability* (Admiralty code): {graded(RELIABILITY_TEXT)}.
- *Information credibility* (Admiralty code) on each statement: {graded(CREDIBILITY_TEXT)}. Written together,
  e.g. {admiralty_grade("F", 3)}.
- *Incident assessment* (after Airwars): {glossed(ASSESSMENT_TEXT)}.

**Precision.** Times carry a precision ({", ".join(TIME_PRECISIONS)}) and the wording the source used.
A record known only to the day is drawn as a span across that day, never as an exact point. Places carry a radius in
metres and an ACLED-style ladder ({", ".join(get_args(GeoPrecision))}); the map draws the radius.

**Record kinds.** Each record is an event or a statement: a {one_of(STATEMENT_LABELS)}.

**Claims and stances.** Contested questions are *propositions*. Each statement takes a stance on them, with its
strength ({", ".join(STANCE_STRENGTH_TEXT)}; only *asserts* is a full assertion), so the Claims page can set the
parties side by side. A proposition can exclude another (a false flag excludes the attribution) or answer one (an
assurance answers an accusation). Only what the accused party accepts, or what independent origins report of their
own, counts as established; a one-sided claim never does. Second-hand reports keep their chain of sources ("Iran's
suggestion — via a BBC report — via this article"), and a statement's grade as we hold it is its chain's weakest
link.

**Discrepancies** inside or between sources are records of their own, listed with the incident.

**How to cite.** Cite the view's link (sidebar, "Copy link to this view": it pins the data version `v`) and the
date you read it, e.g. *Azerbaijan–Iran Incident Monitor, claims panel for nakhchivan-2026-03-05, data version
`v`, accessed YYYY-MM-DD*. Cite the underlying sources listed on the Sources page for facts.
"""
)
st.caption(f"Data version {dataset.version} · last updated {dataset.last_updated or 'unknown'}")

st.header("Validation report")
st.caption("The same lines `python -m incidents validate` prints: path:line:col: CODE message.")
render_report(dataset)

st.header("Record fields")
# Drawn only when open (opening reruns the page): its tables were a third of the page's cold time in chromium
# (1.90 s against 1.57 s without them, bench/PROFILE.md), for a reference most readers never open.
fields = st.expander("Field documentation (generated from the models)", key="about-fields", on_change="rerun")
if fields.open:
    with fields, st.container(key=responsive.scroll_key("about-fields")):  # its tables scroll on a phone
        st.markdown(field_docs())
