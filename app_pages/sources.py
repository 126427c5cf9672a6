"""Sources: every source with its Admiralty grade, its syndication and the records that cite it.

One table of every source (paged past components.paging.PAGE_ROWS: its rows are picked) and one source in detail: a
page never builds an element per source or per citing statement, so it stays small at thousands of statements. The
tables nobody picks from (who carries whom, a source's citing statements) are lazy (`components.paging.searched`).
The detail is a fragment: choosing another source, or searching its statements, reruns it alone.
"""

import streamlit as st

from components import responsive
from components.context import get_context
from components.paging import paged, searched
from components.safe import md_escape, safe_url
from components.sources import carried_by, citations, citing_table, origin_text, source_table, syndication_table
from incidents.load.review import marked
from incidents.model.vocabulary import RELIABILITY_TEXT, reliability_grade

PICK_KEY = "source_pick"
TABLE_KEY = "sources_table"
MAX_OTHERS = 30  # ids of other citing records named in the detail

context = get_context()
dataset = context.dataset
responsive.apply_stylesheet()
st.title("Sources")
st.caption(
    "Reliability follows the Admiralty code (A completely reliable … F cannot be judged). A statement's chain of "
    "sources runs from the one nearest the speaker to the document we read. A source that republishes (carries "
    "as is) or rewrites another is not independent of it: “Text comes from” names the origins at the end of its "
    "chains."
)
# Worked out once per dataset (`Dataset.derive`): every new reader gets them ready-made.
cited = dataset.derive("citations", lambda: citations(dataset))
st.subheader("Who carries whom")
syndicated = dataset.derive("syndication-table", lambda: syndication_table(dataset))
if syndicated.empty:
    st.caption("No source carries or rewrites another, so every source is its own origin.")
else:
    carried_pages = syndicated["Pages"].sum()
    st.caption(
        f"{len(syndicated)} origin(s) carried by {carried_pages} page(s) in all. A page that carries an agency's story "
        "as is, or rewrites it, is not an independent report: the claims page counts origins, not pages."
    )
    st.dataframe(
        searched(syndicated, "syndication-rows", "origins"),
        hide_index=True,
        width="stretch",
        lazy=True,
        key="syndication_table",
        column_config={
            "Pages": st.column_config.ProgressColumn(
                "Pages", format="%d", min_value=0, max_value=int(syndicated["Pages"].max())
            ),
            "Carried as is by": st.column_config.TextColumn(width="large"),
        },
    )
st.subheader("Every source")
ordered = sorted(dataset.sources.values(), key=lambda s: (s.second_hand, s.kind, s.id))
table = dataset.derive("source-table", lambda: source_table(ordered, cited, dataset))
page = paged(table, "sources-rows", "sources")


def _on_table_pick() -> None:
    state = st.session_state.get(TABLE_KEY)
    rows = list(state["selection"]["rows"]) if state else []
    if rows and 0 <= rows[0] < len(page):
        st.session_state[PICK_KEY] = str(page.iloc[rows[0]]["Id"])


st.dataframe(
    page,
    hide_index=True,
    width="stretch",
    on_select=_on_table_pick,
    selection_mode="single-row",
    key=TABLE_KEY,
    column_config={
        "Title": st.column_config.TextColumn(width="large"),
        "Text comes from": st.column_config.TextColumn(help="'its own': an origin; else the sources it carries"),
    },
)
st.caption("Pick a row to see that source in detail below.")

st.subheader("One source in detail")
# The sources of the table's page (and the one picked): a list of thousands of titles would be sent every time.
ids = [str(i) for i in page["Id"]]
if st.session_state.get(PICK_KEY) in dataset.sources and st.session_state[PICK_KEY] not in ids:
    ids.insert(0, st.session_state[PICK_KEY])
if st.session_state.get(PICK_KEY) not in ids:
    st.session_state.pop(PICK_KEY, None)


@st.fragment
def source_detail(ids: list[str]) -> None:
    """The picker and the picked source: its own widgets rerun this alone (the table's pick reruns the page)."""
    picked = st.selectbox(
        "Source",
        ids,
        help="The sources on the table's page above: search or turn its pages to reach the others."
        if len(ids) < len(ordered) else None,
        key=PICK_KEY,
        format_func=lambda i: f"{reliability_grade(dataset.sources[i].reliability)} · "
        f"{marked(dataset.sources[i], dataset.sources[i].title[:90])}",
    )
    source = dataset.sources.get(picked) if picked else None
    if source is not None:
        grade = reliability_grade(source.reliability)
        statements, others = cited.get(source.id, ([], []))
        meaning = RELIABILITY_TEXT.get(grade, "not graded")
        st.markdown(f"**{md_escape(marked(source, source.title))}** · reliability **{grade}** ({meaning})")
        facts = [
            f"id {source.id}",
            source.kind,
            f"publisher: {source.publisher or 'not named'}",
            f"published {source.published or 'unknown'}",
            f"retrieved {source.retrieved or 'not retrieved by us'}",
            f"language {source.language}",
        ]
        if source.second_hand:
            facts.append("known only second-hand")
        st.caption(md_escape(" · ".join(facts)))
        for note in (source.reliability_note, source.note):
            if note:
                st.caption(md_escape(note))
        chain = [
            ("Republishes (carries as is)", source.republishes),
            ("Rewrites (with additions)", source.rewrites),
            ("Carried by", carried_by(dataset).get(source.id, [])),
        ]
        lines = [f"- {label}: {md_escape(', '.join(found))}" for label, found in chain if found]
        lines.append(f"- Text comes from: {md_escape(origin_text(dataset, source))}")
        st.markdown("\n".join(lines))
        links = [(label, safe_url(url)) for label, url in (("Open", source.url), ("Archived copy", source.archive_url))]
        for label, url in links:
            if url:
                st.link_button(label, url)
        if source.local_copy:
            st.caption(
                md_escape(f"Copy held: {source.local_copy}" + (f" (SHA-256 {source.sha256})" if source.sha256 else ""))
            )
        if statements:
            st.markdown(f"Cited by {len(statements)} statement(s):")
            citing = dataset.derive(("citing-table", source.id), lambda: citing_table(dataset, statements))
            rows = searched(citing, "source-citing", "statements")
            wide = {"Statement": st.column_config.TextColumn(width="large")}
            st.dataframe(
                rows, hide_index=True, width="stretch", column_config=wide, key="source_citing_table", lazy=True
            )
        if others:
            more = f" and {len(others) - MAX_OTHERS} more" if len(others) > MAX_OTHERS else ""
            st.caption(md_escape(f"Also cited by: {', '.join(others[:MAX_OTHERS])}{more}"))
        if not statements and not others:
            st.caption("Not cited by any record.")


source_detail(ids)
