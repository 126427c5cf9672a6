"""`patterns`: how each party answered the accusations made against it, incident after incident, and the
propositions that recur across incidents (what the /patterns page shows), as JSON or Markdown."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from incidents.cli.common import data_dir
from incidents.evidence.patterns import ANSWER_KINDS, Patterns, lag_text, patterns, to_json
from incidents.load.pipeline import load_dataset
from incidents.model.vocabulary import ANSWER_LABELS
from incidents.text import md_file as md_cell


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `patterns`."""
    sub = commands.add_parser(
        "patterns",
        help="how each party answered the accusations against it across incidents, and recurring propositions",
        description=(
            "For each party, every accusation made against it (a proposition naming it in `against`, asserted or "
            "suggested by another party in a named voice) and its first answer, classified as acknowledged, blamed "
            "a third party, another account or motive, denied, promised an investigation, declined, or nothing on "
            "record; the lag from the accusation to that answer, as precisely as the two times allow; the ids of "
            "the statements. Then the propositions that share a `recurs_as` key across incidents, with their "
            "history. Exit 1 when the records have errors (the valid ones are still used)."
        ),
    )
    sub.add_argument("--format", choices=("json", "md"), default="md", help="JSON (for tools) or Markdown (default)")
    sub.add_argument("--data-dir", type=Path, default=data_dir(), help="the data directory (default: data)")
    sub.set_defaults(run=_patterns)


def _patterns(args: argparse.Namespace) -> int:
    dataset = load_dataset(args.data_dir)
    found = patterns(dataset)
    if args.format == "json":
        print(json.dumps(to_json(found), ensure_ascii=False, indent=2))
    else:
        print(to_markdown(found), end="")
    return 1 if dataset.errors else 0


def to_markdown(found: Patterns) -> str:
    """The grid, the accusations and the recurring propositions as Markdown, record text escaped for tables."""
    names = found.party_names
    lines = ["# How each party answered the accusations against it", ""]
    if not found.accusations:
        lines += ["No accusation against a party is on record.", ""]
    else:
        lines += ["## First answers, by party", ""]
        lines += ["| Party | " + " | ".join(ANSWER_LABELS[k] for k in ANSWER_KINDS) + " |"]
        lines += ["|---|" + "---|" * len(ANSWER_KINDS)]
        for party, counts in found.grid().items():
            cells = " | ".join(str(counts[k]) for k in ANSWER_KINDS)
            lines.append(f"| {md_cell(names.get(party, party))} | {cells} |")
        lines += ["", "## Accusations and answers", ""]
        lines += ["| Incident | Accused | By | Accusation | First answer | Lag | Statements |", "|" + "---|" * 7]
        for a in found.accusations:
            statements = ", ".join([*a.accusing_statements, *(x.statement for x in a.answers)])
            lines.append(
                f"| {md_cell(a.incident_dates)} `{md_cell(a.incident)}` | {md_cell(names.get(a.accused, a.accused))} | "
                f"{md_cell(', '.join(names.get(p, p) for p in a.accusers))} | {md_cell(a.text)} | "
                f"{ANSWER_LABELS[a.answer]} | {md_cell(lag_text(a.lag))} | {md_cell(statements)} |"
            )
    lines += ["", "## Recurring propositions", ""]
    if not found.recurring:
        lines += ["No proposition recurs across incidents (none share a `recurs_as` key).", ""]
    for recurring in found.recurring:
        lines.append(f"- **{md_cell(recurring.key)}** ({len(recurring.incidents)} incidents)")
        for o in recurring.history:
            lines.append(f"  - {md_cell(o.incident_dates)} `{md_cell(o.incident)}`: {md_cell(o.text)} ({o.status})")
    return "\n".join(lines).rstrip("\n") + "\n"
