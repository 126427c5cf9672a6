"""Record files of an older format, read as the current one (a pure function on the parsed YAML).

Format 1 (before the evidence model) is every file without a `format` key. Format 2 changed incident files:
- records belong to the incidents they name: the file's incident is written into each event, proposition,
  discrepancy and statement that named none (format 1 implied it);
- `alternative` stances became exclusions between propositions: a statement that offered an alternative to P and
  asserted Q now asserts Q, and Q `excludes` P (an alternative with no proposition asserted beside it becomes a
  denial, which is how format 1 counted it);
- a statement's single `quote` became `quotes`, a list of fragments with their language;
- the incident's `casualties` became figures on the statements that give them (a figure no statement gave
  becomes a statement in the publication's own voice).
The shipped data is written in format 2; old versions of it (and old fixtures) are read through this function, so
old links keep working.
"""

from __future__ import annotations

import copy
from typing import Any

FORMAT_KEY = "format"
CURRENT_FORMAT = 2


def file_format(data: Any) -> int:
    """The format a parsed file declares (1 when it declares none, or something unreadable)."""
    if isinstance(data, dict) and isinstance(data.get(FORMAT_KEY), int):
        return int(data[FORMAT_KEY])
    return 1


def migrate(kind: str, data: Any) -> Any:
    """The file's data in the current format. Never raises: what it cannot read it leaves for validation."""
    if file_format(data) >= CURRENT_FORMAT or kind != "incident" or not isinstance(data, dict):
        return data
    data = copy.deepcopy(data)
    incident = data.get("incident")
    incident_id = incident.get("id") if isinstance(incident, dict) and isinstance(incident.get("id"), str) else None
    statements = [s for s in _items(data, "statements")]
    if incident_id:
        _name_incident(data, incident_id, statements)
    _alternatives_to_exclusions(data, statements)
    for statement in statements:
        _quote_to_quotes(statement)
    if isinstance(incident, dict):
        _casualties_to_figures(data, incident, incident_id, statements)
    data[FORMAT_KEY] = CURRENT_FORMAT
    return data


def _items(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = data.get(key)
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _name_incident(data: dict[str, Any], incident_id: str, statements: list[dict[str, Any]]) -> None:
    for key in ("events", "propositions", "discrepancies"):
        for item in _items(data, key):
            item.setdefault("incident", incident_id)
    for statement in statements:
        named = statement.get("incidents")
        if not isinstance(named, list):
            named = []
        if incident_id not in named:
            statement["incidents"] = [incident_id, *named]


def _alternatives_to_exclusions(data: dict[str, Any], statements: list[dict[str, Any]]) -> None:
    propositions = {p.get("id"): p for p in _items(data, "propositions")}
    for statement in statements:
        stances = statement.get("stances")
        if not isinstance(stances, list):
            continue
        offered = [s.get("proposition") for s in stances if isinstance(s, dict) and s.get("stance") == "alternative"]
        if not offered:
            continue
        asserted = [s.get("proposition") for s in stances if isinstance(s, dict) and s.get("stance") == "asserts"]
        for answer in asserted:
            target = propositions.get(answer)
            if target is None:
                continue
            excludes = target.setdefault("excludes", [])
            for proposition in offered:
                if isinstance(excludes, list) and proposition not in excludes and proposition != answer:
                    excludes.append(proposition)
        if any(answer in propositions for answer in asserted):
            statement["stances"] = [
                s for s in stances if not (isinstance(s, dict) and s.get("stance") == "alternative")
            ]
        else:
            # An alternative with no proposition put forward for it still disputed the proposition in format 1.
            for stance in stances:
                if isinstance(stance, dict) and stance.get("stance") == "alternative":
                    stance["stance"] = "denies"
                    stance.setdefault("note", "Format 1: offered another explanation, recorded with no proposition.")


def _quote_to_quotes(statement: dict[str, Any]) -> None:
    quote = statement.pop("quote", None)
    language = statement.pop("quote_language", "en")
    translated = statement.pop("quote_is_translation", False)
    if quote is None:
        return
    fragment: dict[str, Any] = {"text": quote, "language": language}
    if translated:
        fragment["printed_as_translation"] = translated
    statement.setdefault("quotes", []).insert(0, fragment)


def _figures_of(casualty: dict[str, Any]) -> list[dict[str, Any]]:
    figures = []
    for quantity in ("killed", "injured"):
        low, high = casualty.get(f"{quantity}_min"), casualty.get(f"{quantity}_max")
        if low is None and high is None:
            continue
        figure: dict[str, Any] = {"quantity": quantity}
        if low is None or high is None or low == high:
            figure["value"] = low if low is not None else high
        else:
            figure.update(low=low, high=high)
        if casualty.get("civilians") is not None:
            figure["civilians"] = casualty["civilians"]
        if casualty.get("note"):
            figure["note"] = casualty["note"]
        figures.append(figure)
    return figures


def _casualties_to_figures(
    data: dict[str, Any], incident: dict[str, Any], incident_id: str | None, statements: list[dict[str, Any]]
) -> None:
    casualties = incident.pop("casualties", None)
    if not isinstance(casualties, list):
        return
    by_id = {s.get("id"): s for s in statements}
    for number, casualty in enumerate((c for c in casualties if isinstance(c, dict)), start=1):
        figures = _figures_of(casualty)
        statement = by_id.get(casualty.get("statement"))
        if statement is None:
            statement = _publication_statement(incident, incident_id, casualty, number)
            data.setdefault("statements", []).append(statement)
        statement.setdefault("figures", []).extend(figures)


def _publication_statement(
    incident: dict[str, Any], incident_id: str | None, casualty: dict[str, Any], number: int
) -> dict[str, Any]:
    """A format-1 casualty figure that no statement gave: the publication's own voice, in a statement of its own."""
    raw_sources = casualty.get("sources")
    sources: list[Any] = raw_sources if isinstance(raw_sources, list) else []
    statement: dict[str, Any] = {
        "id": f"{incident_id or 'incident'}-figures-{number}",
        "voice": "publication",
        "kind": "claim",
        "when": incident.get("when"),
        "paraphrase": "Casualty figures given in the publication's own voice.",
        "via": sources[-1:],
        "incidents": [incident_id] if incident_id else [],
        "note": "Written by the format-2 migration from the incident's casualties.",
    }
    if casualty.get("reported_by"):
        statement.update(voice="unnamed", speaker=casualty["reported_by"], unnamed_reason="the figure names no speaker")
    return statement
