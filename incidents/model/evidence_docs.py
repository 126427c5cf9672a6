"""The evidence model explained for curators: the text of `data/README.md`'s "Evidence" and "Briefing" sections.

Kept beside the models it explains; the stance words come from `incidents.model.vocabulary`, so they cannot drift.
"""

from __future__ import annotations

from incidents.model.vocabulary import QUANTITY_TEXT, STANCE_STRENGTH_TEXT, VOICE_TEXT


def _bullets(table: dict[str, str]) -> str:
    return "".join(f"- `{key}`: {text}\n" for key, text in table.items())


def evidence_docs() -> str:
    """How claims are weighed: origins, stance strengths, speakers, figures, competing propositions, what counts as
    established, grades through the chain, history, incidents and ids, the file format and its migration."""
    return (
        "\n## The evidence model\n\n"
        "**Origins, not pages.** A source may `republish` (carry as is) or `rewrite` (with additions) other sources;"
        " neither makes it independent of them. An official statement is one statement however many outlets print"
        " it: list the others in `carried_by`. Corroboration counts independent origins (the ends of the"
        " republication chains) that report a fact *of their own*, never carriers of the same text, and never the"
        " same party's statements.\n\n"
        "**Stance strength.** Only `asserts` is a full assertion:\n\n"
        + _bullets(STANCE_STRENGTH_TEXT)
        + "\n**Who speaks** (`voice`):\n\n"
        + _bullets(VOICE_TEXT)
        + "\nA statement holds any number of quoted `quotes`, each only words the page prints as a quotation, in its"
        " language, with our English `translation` when it is not English (always ours).\n\n"
        "**Figures are claims.** A statement's `figures` put a value (or a `low`–`high` range) on a quantity, with"
        " `as_of`, when it was given. The claims page lists each quantity's values in time order with who gave"
        " them, tells a party revising its own figure from two parties disagreeing, and never sums or averages."
        " Quantities:\n\n"
        + _bullets(QUANTITY_TEXT)
        + "\n**Propositions that compete.** `excludes` names propositions that cannot be true together with this one"
        " (either way round); `answers` names those this one answers without excluding them (an assurance"
        " answering an accusation), one way. A stance for one counts against the other. `against` names the"
        " parties a proposition accuses.\n\n"
        "A proposition's **status**: *contested* (sides disagree), *agreed* (every party that took a side took the"
        " same one, two or more), *one-sided* (one party took a side; the page says whether it asserted or denied),"
        " *unaddressed* (no party took a side). The publication's own reporting is shown apart; it is not a"
        " party.\n\n"
        "**What is established** is only what the party it accuses asserts in full (or, when it accuses no one,"
        " what every party that spoke asserts in full, two or more), or what two or more independent origins"
        " report of their own; and in both cases no party disputes it, nor does any own reporting doubt it. A"
        " one-sided accusation is never established, whoever makes it.\n\n"
        "**Grades through the chain.** A statement's grade as we hold it is the weakest link of its `via` chain"
        " (A best, F cannot be judged; an ungraded link leaves it ungraded), shown beside the nearest source's.\n\n"
        "**History.** Sources carry `graded_on` and their `earlier_grades`; an assessment keeps its `earlier`"
        " versions; a discrepancy has `recorded_on` and a `status`: `open`, `resolved` (with `resolved_by` and"
        " `resolved_on`) or `superseded` (with `superseded_by`).\n\n"
        "**Incidents and ids.** A record belongs to the incidents it names (`incident`, or a statement's"
        " `incidents`), never to its file's by implication. Ids are unique across the data; a collision is reported"
        " at both places with a prefixed id to use instead.\n\n"
        "**File format.** Incident files start with `format: 2`. A file without it is format 1 (before this"
        " model) and is read through `incidents/load/migrate.py`: records get the file's incident, an `alternative`"
        " stance beside an asserted answer becomes an exclusion (alone, a denial), `quote` becomes `quotes`, and"
        " the incident's `casualties` become figures on the statements that gave them (or on a statement in the"
        " publication's voice). Old versions of the data are read the same way.\n"
    )


def briefing_docs() -> str:
    """The shape of `python -m incidents brief --format json`."""
    return (
        "\n## The briefing as data\n\n"
        "`python -m incidents brief [INCIDENT_ID] --format json|md` prints the comparison the claims page shows (the"
        " most recent incident when none is given; `md` is the page's Markdown export; exit 1 for an unknown"
        " incident). The JSON:\n\n"
        "```\n"
        "{\n"
        '  "format": 1, "data_version": "8 hex digits",\n'
        '  "incident": {"id", "title"},\n'
        '  "parties": [{"id", "name", "accuser"}],\n'
        '  "propositions": [{"id", "text", "status", "direction", "status_text", "excludes", "answers",\n'
        '                    "stances": {party id: stance, or "none", or "competing"},\n'
        '                    "statements": {party id: [{"id", "speaker", "speaker_name", "voice", "kind", "stance",\n'
        '                                   "when", "grade_nearest", "grade_chain", "via", "carried_by", "quotes"}]},\n'
        '                    "reporting": [the same, for the publication\'s own voice]}],\n'
        '  "established": [{"proposition", "tier": "accepted" | "corroborated", "why", "origins"}],\n'
        '  "figures": [{"quantity", "disputed", "values": [{"value"} or {"low", "high"}, "by", "by_name",\n'
        '               "as_of" (ISO, UTC: the earliest moment),\n'
        '               "as_of_text" (as precisely as known), "statement", "revises" (true when it changes the same'
        ' giver\'s earlier'
        ' value), "revises_statement", "civilians"?]}]\n'
        "}\n"
        "```\n"
    )
