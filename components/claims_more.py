"""Claims panel, the parts below the matrix: discrepancies, stance over time, replies, and the statements of an
incident without propositions (grouped by party). Record text goes through `md_escape`; chips carry fixed labels."""

from __future__ import annotations

import streamlit as st

from components.claims import GRADE_CHIPS, TIER_HEADINGS, chip, stance_chip, statement_caption
from components.safe import md_escape
from incidents.evidence.comparison import Comparison, StatementRef
from incidents.model.dataset import Dataset
from incidents.model.vocabulary import KIND_LABELS


def render_discrepancies(comparison: Comparison) -> None:
    if not comparison.discrepancies:
        st.caption("None recorded for this incident.")
    for item in comparison.discrepancies:
        status = item.status if item.status != "resolved" else f"resolved {item.resolved_on}"
        st.markdown(f"- **{md_escape(item.title)}** · {md_escape(item.kind)} · {md_escape(status)}")
        st.caption(md_escape(item.description))
        if item.handling:
            st.caption("Handling: " + md_escape(item.handling))


def track_lines(comparison: Comparison, proposition_id: str) -> list[str]:
    """Each party's statements on one proposition, numbered in time order; changes of stance marked."""
    lines = []
    for track in (t for t in comparison.tracks if t.proposition == proposition_id):
        party = comparison.party(track.party)
        shift = " " + chip("violet", "⇄ position changed") if track.shifted else ""
        lines.append(f"- **{md_escape(party.label)}**{shift}")
        for number, step in enumerate(track.steps, start=1):
            ref = step.position.statement
            change = f" — *changed: {md_escape(step.change)}*" if step.change not in (None, "same") else ""
            lines.append(
                f"    {number}. {md_escape(ref.when_label)} · {md_escape(ref.speaker_name)} · "
                f"{stance_chip(step.position.stance)}{change}"
            )
    return lines


def render_tracks(comparison: Comparison) -> None:
    """Sequences where a party spoke more than once on a proposition; shifts named first."""
    shifts = [t for t in comparison.tracks if t.shifted]
    if shifts:
        names = ", ".join(
            f"{md_escape(comparison.party(t.party).label)} on #{comparison.row_number(t.proposition)}" for t in shifts
        )
        st.markdown(f"{chip('violet', '⇄ position changed')} {len(shifts)} change(s) of position by one voice: {names}")
    else:
        st.caption("No speaker has changed its own position on any proposition in the records so far.")
    split = [t for t in comparison.tracks if t.voices_disagree]
    if split:
        names = ", ".join(
            f"{md_escape(comparison.party(t.party).label)} on #{comparison.row_number(t.proposition)}" for t in split
        )
        st.markdown(f"{chip('violet', '⇆ its voices disagree')} different offices of one party disagree: {names}")
    repeated = {t.proposition for t in comparison.tracks if len(t.steps) > 1}
    # A change is told against the same voice's earlier stance (two offices of one party are not one voice).
    for number, row in enumerate(comparison.rows, start=1):
        if row.proposition.id in repeated:
            st.markdown(f"**{number}\\. {md_escape(row.proposition.text)}**")
            st.markdown("\n".join(track_lines(comparison, row.proposition.id)))
    if len(repeated) < len(comparison.rows):
        st.caption("On the other propositions each party has spoken once at most; the matrix above shows it.")


def reply_lines(comparison: Comparison) -> list[str]:
    lines = []
    for reply in comparison.replies:
        answer, asked = reply.statement, reply.answers
        lines.append(
            f"- **{md_escape(answer.speaker_name)}** ({KIND_LABELS.get(answer.kind, answer.kind)}, "
            f"{md_escape(answer.when_label)}) ↩ answers **{md_escape(asked.speaker_name)}** "
            f"({KIND_LABELS.get(asked.kind, asked.kind)}, {md_escape(asked.when_label)})"
        )
    return lines


def statements_by_party(comparison: Comparison) -> list[tuple[str, list[StatementRef]]]:
    """An incident's statements grouped by the party they count with (in the order they first spoke), then the
    reporting that counts with no party: for an incident without propositions."""
    groups: dict[str, list[StatementRef]] = {}
    for ref in comparison.other_statements:
        key = ref.party or ""
        groups.setdefault(key, []).append(ref)
    named = [(k, v) for k, v in groups.items() if k]
    ordered = sorted(named, key=lambda kv: kv[1][0].sort_key)
    if "" in groups:
        ordered.append(("", groups[""]))
    return ordered


def render_statements_by_party(dataset: Dataset, comparison: Comparison) -> None:
    """Each party's statements, then the reporting, each with its speaker, time, footing and source chain."""
    for party, refs in statements_by_party(comparison):
        heading = dataset.actor_index.name(party) if party else "Reporting (no party's voice)"
        st.markdown(f"**{md_escape(heading)}** ({len(refs)})")
        for ref in refs:
            st.markdown(f"- {md_escape(ref.paraphrase)}")
            st.caption(statement_caption(ref) + " · Via " + md_escape(ref.via_text))


def established_lines(comparison: Comparison, tier: str) -> list[str]:
    """One line per proposition of a tier: the proposition, why it is here, and any discrepancy about it."""
    lines = []
    for item in (e for e in comparison.established if e.tier == tier):
        line = f"- **{md_escape(item.proposition.text)}** — {md_escape(item.reason)}"
        for discrepancy in item.discrepancies:
            line += f" · ⚠ *see discrepancy: {md_escape(discrepancy.title)}*"
        lines.append(line)
        lines += [f"    - {md_escape(name)}: {md_escape(why)}" for name, why in item.grounds]
    return lines


def render_established(comparison: Comparison) -> None:
    """The 'what is established' strip: agreed, confirmed, then undisputed one-sided facts, each labelled."""
    with st.container(border=True, key="claims-established"):
        st.markdown("**What is established**")
        empty = []
        for tier, (color, label, heading) in TIER_HEADINGS.items():
            lines = established_lines(comparison, tier)
            if not lines:
                empty.append(heading.lower())
                continue
            st.markdown(f"{chip(color, label)} {heading}:\n" + "\n".join(lines))
        if empty:
            st.caption("None yet: " + "; ".join(empty) + ".")
        st.caption(
            "A claim only one side makes is never listed here, whoever makes it; hedged and implied stances do not"
            " count as assertions; outlets that carry the same statement count once; media aligned with a"
            " government speak for it, and restatements and unattributed recaps never corroborate; a disputed"
            " figure or an open discrepancy keeps a proposition off this list."
        )


def render_assessment(comparison: Comparison) -> None:
    assessment = comparison.incident.assessment
    by = f" by {md_escape(assessment.assessed_by)}" if assessment.assessed_by else ""
    st.markdown(
        f"**Assessment** {chip(GRADE_CHIPS[assessment.grade], assessment.grade)} "
        f"(assessed {assessment.assessed_on.isoformat()}{by})"
    )
    st.markdown(md_escape(assessment.rationale))
    for earlier in reversed(assessment.earlier):
        st.caption(f"Earlier ({earlier.assessed_on.isoformat()}): {earlier.grade} — {md_escape(earlier.rationale)}")
