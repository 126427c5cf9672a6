"""About: methodology, field documentation and the validation report."""

import streamlit as st

from components.context import get_context
from components.report import render_report
from incidents.docs import field_docs

context = get_context()
dataset = context.dataset
st.title("About this monitor")
st.markdown(
    """
This dashboard tracks the Azerbaijan–Iran border incidents that began with the drone strike on the Nakhchivan
exclave. Every record is curated by hand from a cited source; where sources are vague or contradict each other,
the records say so instead of smoothing it over.

**Gradings**

- *Source reliability* (Admiralty code): **A** completely reliable, **B** usually reliable, **C** fairly reliable,
  **D** not usually reliable, **E** unreliable, **F** reliability cannot be judged.
- *Information credibility* (Admiralty code) on each statement: **1** confirmed by other sources, **2** probably
  true, **3** possibly true, **4** doubtful, **5** improbable, **6** truth cannot be judged. Written together, e.g. F3.
- *Incident assessment* (after Airwars): **confirmed** (a belligerent accepted responsibility), **fair** (two or
  more credible sources), **weak** (a single source), **contested** (competing claims), **discounted**.

**Precision.** Times carry a precision (minute … day, days, week, month, undated) and the wording the source used.
A record known only to the day is drawn as a span across that day, never as an exact point. Places carry a radius in
metres and an ACLED-style ladder (exact, near, settlement, region, country); the map draws the radius.

**Claims and stances.** Contested questions are *propositions*. Each statement takes a stance on them (asserts,
denies, or offers an alternative), so the Claims page can set the parties side by side. Second-hand reports keep
their chain of sources ("Iran's suggestion — via a BBC report — via this article").

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
with st.expander("Field documentation (generated from the models)"):
    st.markdown(field_docs())
