"""Sources: every source with its Admiralty grade and the records that cite it."""

import streamlit as st

from components import responsive
from components.context import get_context
from components.safe import isolate, md_escape, safe_url
from components.sources import citations, source_table, syndication_table
from incidents.records import speaker_name
from incidents.review import marked
from incidents.vocabulary import RELIABILITY_TEXT, reliability_grade

context = get_context()
dataset = context.dataset
responsive.apply_stylesheet()
st.title("Sources")
st.caption(
    "Reliability follows the Admiralty code (A completely reliable … F cannot be judged). A statement's chain of "
    "sources runs from the one nearest the speaker to the document we read."
)
cited = citations(dataset)
st.subheader("Who carries whom")
syndicated = syndication_table(dataset)
if syndicated.empty:
    st.caption("No source carries or rewrites another, so every source is its own origin.")
else:
    carried_pages = syndicated["Pages"].sum()
    st.caption(
        f"{len(syndicated)} origin(s) carried by {carried_pages} page(s) in all. A page that carries an agency's story "
        "as is, or rewrites it, is not an independent report: the claims page counts origins, not pages."
    )
    st.dataframe(
        syndicated,
        hide_index=True,
        width="stretch",
        column_config={
            "Pages": st.column_config.ProgressColumn(
                "Pages", format="%d", min_value=0, max_value=int(syndicated["Pages"].max())
            ),
            "Carried as is by": st.column_config.TextColumn(width="large"),
        },
    )
st.subheader("Every source")
ordered = sorted(dataset.sources.values(), key=lambda s: (s.second_hand, s.kind, s.id))
st.dataframe(
    source_table(ordered, cited),
    hide_index=True,
    width="stretch",
    column_config={"Title": st.column_config.TextColumn(width="large")},
)
st.subheader("Each source")
for source in ordered:
    grade = reliability_grade(source.reliability)
    statements, _ = cited.get(source.id, ([], []))
    title = md_escape(isolate(marked(source, source.title[:110])))
    with st.expander(f"{grade} · {title} — {len(statements)} statement(s)"):
        st.markdown(
            f"**{md_escape(source.title)}** · reliability **{grade}** ({RELIABILITY_TEXT.get(grade, 'not graded')})"
        )
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
        links = [(label, safe_url(url)) for label, url in (("Open", source.url), ("Archived copy", source.archive_url))]
        for label, url in links:
            if url:
                st.link_button(label, url)
        if source.local_copy:
            st.caption(
                md_escape(f"Copy held: {source.local_copy}" + (f" (SHA-256 {source.sha256})" if source.sha256 else ""))
            )
        statements, others = cited.get(source.id, ([], []))
        if statements:
            st.markdown(f"Cited by {len(statements)} statement(s):")
            for statement in statements:
                st.markdown(f"- {md_escape(speaker_name(dataset, statement))}: {md_escape(statement.paraphrase)}")
        if others:
            st.caption(md_escape(f"Also cited by: {', '.join(others)}"))
        if not statements and not others:
            st.caption("Not cited by any record.")
