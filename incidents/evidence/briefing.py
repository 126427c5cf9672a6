"""A comparison written out for people outside the app: a Markdown briefing note and a CSV matrix (pure).

Both carry the incident id, the data's last-updated date and version, and the view's link. Record text is escaped
by `incidents.text` (Markdown) and guarded against spreadsheet formulas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from incidents.evidence.comparison import STANCE_TEXT, TIER_TEXT, Cell, Comparison, StatementRef
from incidents.evidence.figures import DISAGREEMENT_TEXT
from incidents.text import md_file, spreadsheet_safe

CSV_COLUMNS = (
    "incident_id",
    "data_last_updated",
    "incident_last_updated",
    "data_version",
    "view_url",
    "proposition_id",
    "proposition",
    "row_status",
    "party_id",
    "party",
    "accusing_party",
    "stance",
    "stances_over_time",
    "statement_ids",
    "speakers",
    "kinds",
    "when",
    "quotes",
    "paraphrases",
    "source_chains",
    "grades",
    "credibility",
)


SECOND_HAND_TEXT = {"unnamed": "unnamed source", "aligned-media": "aligned media"}


def stances_text(cell: Cell) -> str:
    """'asserts · implies (our inference)'; a shift shows as a sequence: 'denies → asserts'; what unnamed sources
    or aligned media say for the party follows in brackets: 'no statement recorded (aligned media: asserts)'."""
    if not cell.shifted:
        text = " · ".join(STANCE_TEXT[s] for s in cell.stances)
    else:
        sequence = [p.stance for p in cell.positions if p.statement.footing == "party"]
        steps = [s for i, s in enumerate(sequence) if i == 0 or s != sequence[i - 1]]
        text = " → ".join(STANCE_TEXT[s] for s in steps)
    for footing, stance in cell.second_hand:
        text += f" ({SECOND_HAND_TEXT.get(footing, footing)}: {STANCE_TEXT[stance]})"
    return text


def metadata(comparison: Comparison, url: str) -> list[tuple[str, str]]:
    """(name, value) pairs every export starts with: incident, data dates and version, the view's link."""
    return [
        ("incident_id", comparison.incident.id),
        ("data_last_updated", comparison.data_last_updated.isoformat() if comparison.data_last_updated else ""),
        ("incident_last_updated", comparison.incident.last_updated.isoformat()),
        ("data_version", comparison.data_version),
        ("view_url", url),
    ]


class _Citations:
    """Sources numbered in the comparison's order, cited as '[1][2]'."""

    def __init__(self, comparison: Comparison) -> None:
        self.numbers = {s.id: i for i, s in enumerate(comparison.sources, start=1)}

    def of(self, source_ids: Iterable[str]) -> str:
        return "".join(f"[{self.numbers[s]}]" for s in source_ids if s in self.numbers)

    def statement(self, statement: StatementRef) -> str:
        return self.of(s.id for s in statement.via)


def to_markdown(comparison: Comparison, url: str) -> str:
    """A briefing note: the matrix, what is established, every statement with its chain, and every source cited."""
    cite = _Citations(comparison)
    lines = _head_lines(comparison, url)
    lines += _established_lines(comparison)
    lines += _matrix_lines(comparison)
    lines += _figure_lines(comparison)
    lines += _proposition_lines(comparison, cite)
    lines += _shift_lines(comparison)
    lines += _reply_lines(comparison)
    if comparison.other_statements:
        lines += ["## Other statements on this incident", ""]
        for statement in comparison.other_statements:
            lines += _statement_lines(statement, None, None, cite.statement(statement))
        lines.append("")
    lines += _discrepancy_lines(comparison, cite)
    lines += ["", "## Sources", ""]
    for source in comparison.sources:
        link = f" <{source.url}>" if source.url else ""
        archive = f" (archived: <{source.archive_url}>)" if source.archive_url else ""
        lines.append(f"{cite.numbers[source.id]}. {md_file(source.citation())}{link}{archive}")
    lines.append("")
    return "\n".join(lines)


def _head_lines(comparison: Comparison, url: str) -> list[str]:
    """Title, metadata, parties, the count of rows per status, and the assessment."""
    incident = comparison.incident
    meta = dict(metadata(comparison, url))
    assessment = incident.assessment
    return [
        f"# Who claims what: {md_file(incident.title)}",
        "",
        f"- Incident: `{incident.id}` · {md_file(incident.when.label())}",
        f"- Data last updated: {meta['data_last_updated'] or 'unknown'} (data version {meta['data_version'] or '?'}); "
        f"this incident's record last updated {meta['incident_last_updated']}",
        f"- View: <{url}>" if url else "- View: (no URL given)",
        "- Parties: "
        + (
            ", ".join(f"{md_file(p.name)}{' (accusing party)' if p.accuser else ''}" for p in comparison.parties)
            or "none have spoken"
        ),
        "- Propositions: "
        + f"{len(comparison.rows)} — "
        + ", ".join(f"{n} {status}" for status, n in comparison.counts.items() if n),
        "",
        "## Assessment",
        "",
        f"**{assessment.grade.capitalize()}** (assessed {assessment.assessed_on.isoformat()}"
        + (f" by {md_file(assessment.assessed_by)}" if assessment.assessed_by else "")
        + f"): {md_file(assessment.rationale)}",
        *(
            f"- Earlier: {earlier.grade} (assessed {earlier.assessed_on.isoformat()}): {md_file(earlier.rationale)}"
            for earlier in reversed(assessment.earlier)
        ),
        "",
    ]


def _established_lines(comparison: Comparison) -> list[str]:
    lines = ["## What is established", ""]
    if not comparison.established:
        return [
            *lines,
            "- Nothing yet: no proposition is accepted by the party it concerns or corroborated by independent"
            " reporting while no party disputes it.",
        ]
    for item in comparison.established:
        flags = "".join(f" (see discrepancy: {md_file(d.title)})" for d in item.discrepancies)
        lines.append(f"- **{TIER_TEXT[item.tier]}:** {md_file(item.proposition.text)} — {md_file(item.reason)}{flags}")
        for name, why in item.grounds:
            lines.append(f"  - {md_file(name)}: {md_file(why)}")
    return lines


def _matrix_lines(comparison: Comparison) -> list[str]:
    """The matrix as a Markdown table: stances per party, a competing assertion named by its row number."""
    lines = ["", "## The matrix", ""]
    if not comparison.parties:
        return [*lines, "No party has taken a stance on this incident's propositions yet."]
    lines.append("| # | Proposition | " + " | ".join(md_file(p.label) for p in comparison.parties) + " | Status |")
    lines.append("|---" * (len(comparison.parties) + 3) + "|")
    numbers = {r.proposition.id: n for n, r in enumerate(comparison.rows, start=1)}
    for row in comparison.rows:
        cells = " | ".join(
            stances_text(row.cell(p.id))
            + "".join(f" (supports #{numbers[o]} instead)" for o in row.cell(p.id).competing if o in numbers)
            for p in comparison.parties
        )
        lines.append(
            f"| {numbers[row.proposition.id]} | {md_file(row.proposition.text)} | {cells} | {row.status_text} |"
        )
    return lines


def _figure_lines(comparison: Comparison) -> list[str]:
    """Each figure's values in time order, with who gave them; revisions (one voice) and disagreements (between
    parties, or between one party's voices) said, never averaged."""
    if not comparison.figures:
        return []
    lines = ["", "## Figures", ""]
    for track in comparison.figures:
        flag = f" — {DISAGREEMENT_TEXT[track.disagreement]}" if track.disagreement else ""
        lines.append(f"- **{md_file(track.label)}**{flag}:")
        for value in track.values:
            revised = f" (revises this voice's earlier figure, {value.revises})" if value.revises else ""
            civilians = " civilians" if value.civilians else ""
            lines.append(
                f"  - {value.label}{civilians} per {md_file(value.by_name)}, as of "
                f"{md_file(value.as_of_text)} ({value.statement}){revised}"
            )
    return lines


def _proposition_lines(comparison: Comparison, cite: _Citations) -> list[str]:
    """Each proposition with each party's statements in full."""
    lines = ["", "## Proposition by proposition", ""]
    for index, row in enumerate(comparison.rows, start=1):
        lines.append(f"### {index}. {md_file(row.proposition.text)} — {row.status_text}")
        lines.append("")
        if row.proposition.question:
            lines += [f"*{md_file(row.proposition.question)}*", ""]
        for item in row.discrepancies:
            lines += [f"- Discrepancy ({item.status}): {md_file(item.title)}"]
        if row.discrepancies:
            lines.append("")
        for party in comparison.parties:
            cell = row.cell(party.id)
            lines.append(f"**{md_file(party.label)}: {stances_text(cell)}**")
            lines.append("")
            for position in cell.positions:
                statement = position.statement
                lines += _statement_lines(statement, position.stance, position.note, cite.statement(statement))
            lines.append("")
        if row.reporting:
            lines += ["**Reporting (the publication's voice, not a party; only independent observation counts):**", ""]
            for position in row.reporting:
                statement = position.statement
                lines += _statement_lines(statement, position.stance, position.note, cite.statement(statement))
            lines.append("")
    return lines


def _shift_lines(comparison: Comparison) -> list[str]:
    """Shifts of one voice (the same actor or office), and parties whose voices disagree, told apart."""
    if not any(t.shifted or t.voices_disagree for t in comparison.tracks):
        return []
    names = {p.id: p.label for p in comparison.parties}
    lines = ["## Shifts in position", ""]
    for track in comparison.tracks:
        topic = md_file(comparison.proposition_text(track.proposition))
        if track.shifted:
            changed = {s.position.statement.speaker_key for s in track.steps if s.change not in (None, "same")}
            steps = " → ".join(
                f"{s.position.stance} ({md_file(s.position.statement.speaker_name)}, "
                f"{md_file(s.position.statement.when_label)})"
                for s in track.steps
                if s.position.statement.speaker_key in changed
            )
            lines.append(f"- {md_file(names[track.party])} on “{topic}”, one voice changed: {steps}")
        if track.voices_disagree:
            voices = "; ".join(
                f"{md_file(s.position.statement.speaker_name)} {s.position.stance}" for s in track.steps
            )
            lines.append(f"- {md_file(names[track.party])} on “{topic}”: the party's voices disagree ({voices})")
    return [*lines, ""]


def _reply_lines(comparison: Comparison) -> list[str]:
    if not comparison.replies:
        return []
    lines = ["## Who answered whom", ""]
    for reply in comparison.replies:
        answer, asked = reply.statement, reply.answers
        lines.append(
            f"- {md_file(answer.speaker_name)} ({answer.kind}, {md_file(answer.when_label)}) "
            f"answers {md_file(asked.speaker_name)} ({asked.kind}, {md_file(asked.when_label)})"
        )
    return [*lines, ""]


def _discrepancy_lines(comparison: Comparison, cite: _Citations) -> list[str]:
    lines = ["## Discrepancies", ""]
    if not comparison.discrepancies:
        return [*lines, "- None recorded."]
    for item in comparison.discrepancies:
        handling = f" Handling: {md_file(item.handling)}" if item.handling else ""
        refs = cite.of([*item.sources, *item.resolved_by])
        status: str = item.status
        if item.status == "resolved" and item.resolved_on:
            status = f"resolved on {item.resolved_on.isoformat()}"
        elif item.superseded_by:
            status = f"superseded by {item.superseded_by}"
        head = f"- **{md_file(item.title)}** ({item.kind}, {status}; concerns {', '.join(item.concerns)}): "
        head += md_file(item.description)
        lines.append(f"{head}{handling} {refs}".rstrip())
    return lines


def _statement_lines(statement: StatementRef, stance: str | None, note: str | None, cite: str) -> list[str]:
    """One statement in full: when, who, kind, stance and grade; the quote; paraphrase; note; source chain."""
    head = f"- {md_file(statement.when_label)} · {md_file(statement.speaker_name)} · {statement.kind}"
    if stance:
        head += f" · {STANCE_TEXT[stance]}"
    grades = f"grade {statement.grade} (nearest source), {statement.chain_grade} as we hold it"
    lines = [head + f" · {grades}, {statement.credibility_text} {cite}".rstrip()]
    if statement.footing != "party":
        lines.append(f"  How it counts: {md_file(statement.footing_text)}")
    for quote in statement.quotes:
        printed = " (as printed, a translation)" if quote.printed_as_translation else ""
        # On its own line, so a right-to-left quote gets its own paragraph direction.
        lines += ["", f"  > “{md_file(quote.text)}” [{md_file(quote.language)}]{printed}", ""]
        if quote.translation:
            lines += [f"  Our translation: “{md_file(quote.translation)}”", ""]
    lines.append(f"  {md_file(statement.paraphrase)}")
    if note:
        lines.append(f"  Stance note: {md_file(note)}")
    lines.append(f"  Source chain: {md_file(statement.chain_text)}")
    return lines


def to_csv(comparison: Comparison, url: str) -> bytes:
    """One row per cell (proposition × party), UTF-8 with a BOM so spreadsheets keep Persian and Azerbaijani."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    meta = [value for _, value in metadata(comparison, url)]

    def joined(values: Iterable[str | None]) -> str:
        return "\n".join(v or "" for v in values)

    for row in comparison.rows:
        for party in comparison.parties:
            cell = row.cell(party.id)
            statements = [p.statement for p in cell.positions]
            values = [
                *meta,
                row.proposition.id,
                row.proposition.text,
                row.status_text,
                party.id,
                party.name,
                "yes" if party.accuser else "no",
                cell.stance,
                " → ".join(p.stance for p in cell.positions),
                joined(s.id for s in statements),
                joined(s.speaker_name for s in statements),
                joined(s.kind for s in statements),
                joined(s.when_label for s in statements),
                joined(s.quote for s in statements),
                joined(s.paraphrase for s in statements),
                joined(s.chain_text for s in statements),
                joined(f"{s.grade} (held {s.chain_grade})" for s in statements),
                joined(str(s.credibility or "") for s in statements),
            ]
            writer.writerow([spreadsheet_safe(v) for v in values])
    return buffer.getvalue().encode("utf-8-sig")
