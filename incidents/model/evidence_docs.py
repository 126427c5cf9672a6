"""The evidence model explained for curators: the text of `data/README.md`'s "Evidence" and "Briefing" sections.

Kept beside the models it explains; the stance words come from `incidents.model.vocabulary`, so they cannot drift.
"""

from __future__ import annotations

from incidents.model.vocabulary import (
    AFFILIATION_TEXT,
    BASIS_TEXT,
    QUANTITY_TEXT,
    STANCE_STRENGTH_TEXT,
    VOICE_TEXT,
)


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
        + "\nUnnamed sources are shown as unnamed, with the outlet that quotes them ('a source close to the"
        " Azerbaijani government (unnamed), per Reuters'), never as the party asserting; a publication's own voice"
        " is named by its origin and its carrier ('APA, carried by UNN').\n\n"
        "**Affiliation.** A source's `affiliation` says how its outlet stands to the governments (give it on every"
        " source of the outlet; reference works and official statements need none):\n\n"
        + _bullets(AFFILIATION_TEXT)
        + "\nEvery affiliation has a `reason` in our words; an aligned one names its `party` and the `references`:"
        " ids of source records (`kind: reference`) for the pages that assess the outlet (a press-freedom monitor,"
        " a media-ownership register, the outlet's own about page), each read before it is cited. Where the pages"
        " we hold do not settle it, say `unsettled` and what is missing.\n\n"
        "**Basis of a publication's own voice** (`basis`, for `voice: publication` only; the validator warns when"
        " it is missing):\n\n"
        + _bullets(BASIS_TEXT)
        + "\nA restatement links the statement it restates (`restates`, when we hold it) or names whose it is"
        " (`restates_speaker`); `basis_note` says what the page gives as its attribution. How each statement then"
        " counts: a party's statement in its own name; unnamed sources, shown apart from the party's own stance;"
        " an aligned outlet's own reporting (any basis but `restates`) is its party's voice, shown in that party's"
        " column apart from its own stance, never as corroboration; a restatement is never counted again; an"
        " unattributed recap is shown and never counted; only `observed` reporting from outlets assessed"
        " `independent` (every origin of it) corroborates. An observation from an outlet we could not assess does"
        " not.\n\n"
        "A statement holds any number of quoted `quotes`, each only words the page prints as a quotation, in its"
        " language, with our English `translation` when it is not English (always ours).\n\n"
        "**Figures are claims.** A statement's `figures` put a value (or a `low`–`high` range) on a quantity, with"
        " `as_of`, when it was given. The claims page lists each quantity's values in time order with who gave"
        " them and never sums or averages. A revision is told only within one voice (the same actor or office, or"
        " the same origin); different voices of one party that disagree are said to disagree; several values in one"
        " statement are separate items (`item`: 'flour', 'rice'), never revisions; every quantity has its own name"
        " (an `other` figure is named by its `item`); a value known only to the day sorts as that day, after the"
        " timed values of the day, and never revises one of the same day. Quantities:\n\n"
        + _bullets(QUANTITY_TEXT)
        + "\n**Propositions that compete.** `excludes` names propositions that cannot be true together with this one"
        " (either way round); `answers` names those this one answers without excluding them (an assurance"
        " answering an accusation), one way. A stance for one counts against the other. `against` names the"
        " parties a proposition accuses; `states` the quantities it states a value for.\n\n"
        "A proposition's **status**: *contested* (sides disagree), *agreed* (every party that took a side took the"
        " same one, two or more), *one-sided* (one party took a side), *unaddressed* (no party took a side). Its"
        " words are no stronger than the stances held: *asserted* only where a party asserts it in its own name;"
        " *hedged* and *implied (our inference)* are said as such; a denial that only follows from a competing"
        " position reads *denial (inferred)*; unnamed sources and aligned media are named as such; a party whose"
        " offices take opposite sides reads *its voices disagree*. A change of stance is told only within one"
        " voice. Reporting that is no party's voice is shown apart.\n\n"
        "**What is established**, strictly: a proposition (1) accepted by the party it goes against (one of its"
        " `against` parties asserts it in full, in its own name), or (2) corroborated by two or more independent"
        " origins, each an outlet assessed `independent` reporting what it `observed`; and in either case no party"
        " disputes it, no reporting doubts or denies it, no figure it `states` is disputed among its givers, and no"
        " open discrepancy concerns it or the statements it rests on. Agreement where it goes against no one is not"
        " acceptance. Each established entry names its grounds: the accepting party's statements, or each origin by"
        " outlet name with why it counts. A one-sided accusation is never established, whoever makes it.\n\n"
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
        '  "format": 2, "data_version": "8 hex digits",\n'
        '  "incident": {"id", "title"},\n'
        '  "parties": [{"id", "name", "accuser"}],\n'
        '  "propositions": [{"id", "text", "status", "direction", "strength", "status_text", "excludes", "answers",\n'
        '                    "discrepancies": [ids of those that concern it],\n'
        '                    "stances": {party id: its own stance, or "none", or "competing"},\n'
        '                    "second_hand": {party id: [{"footing": "unnamed" | "aligned-media", "stance"}]},\n'
        '                    "statements": {party id: [{"id", "speaker", "speaker_name", "voice", "kind", "stance",\n'
        '                                   "when", "grade_nearest", "grade_chain", "via", "carried_by", "quotes",\n'
        '                                   "footing", "counts_as", "basis", "restates"}]},\n'
        '                    "reporting": [the same, for reporting that is no party\'s voice]}],\n'
        '  "established": [{"proposition", "tier": "accepted" | "corroborated", "why", "origins",\n'
        '                   "grounds": [{"name", "why"}]}],\n'
        '  "figures": [{"quantity", "name", "label", "disputed", "disagreement": "parties" | "voices" |\n'
        '               "reporting" | null, "values": [{"value"} or {"low", "high"}, "by", "by_name", "voice",\n'
        '               "as_of" (ISO, UTC: the earliest moment), "as_of_text" (as precisely as known), "statement",\n'
        '               "revises" (true when it changes the same voice\'s earlier value), "revises_statement",\n'
        '               "civilians"?]}],\n'
        '  "discrepancies": [{"id", "title", "kind", "status", "concerns", "resolved_by", "resolved_on",\n'
        '                     "superseded_by"}]\n'
        "}\n"
        "```\n"
    )
