"""Step 5 of loading: warnings about the kept records, and about the files the loader does not read.

They never leave a record out; `--strict` makes them fail. A file the loader skips would lose its records without a
word, so each is named with where its records belong (and the app shows these beside the errors).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from incidents.load.filecache import FileResult
from incidents.load.parse import (
    YAML_SUFFIXES,
    all_files,
    at_mark,
    data_files,
    display_path,
    home,
    loc_text,
    read_bounded,
)
from incidents.load.validate import Located
from incidents.model import codes
from incidents.model.dataset import Dataset, Problem
from incidents.model.fields import PLACEHOLDER, PLACEHOLDER_PATTERN
from incidents.model.provenance import origin_of, origins_table
from incidents.model.records import Source, Statement
from incidents.model.registry import BY_KEY, COLLECTIONS, FILE_KINDS

ASSERTING_KINDS = ("claim", "accusation")


def ungraded_sources(dataset: Dataset, records: dict[str, Located]) -> list[Problem]:
    """Sources without an Admiralty reliability grade."""
    return [records[source.id].problem(codes.UNGRADED_SOURCE, "id", id=source.id)
            for source in dataset.sources.values() if _ungraded(source)]


# The rules of the warnings that depend on one record alone: the whole-set functions and `own_warnings` share them.
def _ungraded(source: Source) -> bool:
    return source.reliability is None


def _in_no_incident(statement: Statement) -> bool:
    return not statement.incidents


def _basis_missing(statement: Statement) -> bool:
    return statement.voice == "publication" and statement.basis is None


def own_warnings(located: Located) -> list[Problem]:
    """The warnings a kept record gets whatever the other records are: `ungraded_sources`,
    `statements_in_no_incident`, `basis_missing` and `placeholders`, for this record alone."""
    record = located.record
    found = []
    if isinstance(record, Source) and _ungraded(record):
        found.append(located.problem(codes.UNGRADED_SOURCE, "id", id=record.id))
    if isinstance(record, Statement):
        if _in_no_incident(record):
            found.append(located.problem(codes.STATEMENT_NO_INCIDENT, "id", id=record.id))
        if _basis_missing(record):
            found.append(located.problem(codes.BASIS_MISSING, "voice", id=record.id))
    if located.text_flags[0]:
        found += _placeholders_of(located)
    return found


@dataclass(frozen=True)
class FileWarnings:
    """What one file's records give the warnings, whatever the other files hold."""

    own: list[tuple[str, Problem]]  # (record id, one of its `own_warnings`)
    stances: dict[str, tuple[str, ...]]  # statement id -> the propositions it takes a stance on
    taken: frozenset[str]  # every proposition of `stances`


class FileWarningsMemo:
    """`FileWarnings` per file result, by the result's identity: a load keeps an unchanged file's result, so an
    edit works out only the edited files' (the record-by-record passes took 40-80 ms of every edit at 1,000
    incidents)."""

    def __init__(self) -> None:
        self._by_result: dict[int, tuple[FileResult, FileWarnings]] = {}

    def of(self, result: FileResult) -> FileWarnings:
        found = self._by_result.get(id(result))
        if found is not None and found[0] is result:
            return found[1]
        stances = {
            located.record.id: tuple(stance.proposition for stance in located.record.stances)
            for located in result.records if isinstance(located.record, Statement)
        }
        made = FileWarnings(
            own=[(located.record.id, problem) for located in result.records for problem in own_warnings(located)],
            stances=stances, taken=frozenset(p for propositions in stances.values() for p in propositions),
        )
        self._by_result[id(result)] = (result, made)
        return made

    def keep_only(self, results: Iterable[FileResult]) -> None:
        """Forget the results of files that are gone or changed."""
        kept = {id(result) for result in results}
        self._by_result = {key: found for key, found in self._by_result.items() if key in kept}


def file_warnings(
    dataset: Dataset, records: dict[str, Located], results: list[FileResult], bad: set[str],
    memo: FileWarningsMemo, single_source: SingleSourceMemo | None = None,
) -> list[Problem]:
    """`warnings`, in another order, from each file's `FileWarnings`: for a load whose every record is in
    `records` (no id repeated), and kept unless in `bad`."""
    problems: list[Problem] = []
    taken: set[str] = set()
    for result in results:
        found = memo.of(result)
        if bad.isdisjoint(result.by_id or ()):
            problems += [problem for _record_id, problem in found.own]
            taken |= found.taken
            continue
        problems += [problem for record_id, problem in found.own if record_id not in bad]
        taken.update(p for statement_id, ps in found.stances.items() if statement_id not in bad for p in ps)
    memo.keep_only(results)
    problems += single_source_claims(dataset, records, single_source)
    problems += _orphans(dataset, records, taken)
    return problems


@dataclass
class SingleSourceMemo:
    """What `single_source_claims` worked out at the last load, so that after an edit it judges again only the
    statements that changed and those asserting a proposition whose documents changed (0.18 s of every edit at
    1,000 incidents). Valid while the origins table is equal; the loader keeps one per `Checks`."""

    table: dict[str, frozenset[str]] | None = None  # the origins table it was made with
    made_from: dict[str, tuple[Statement, Located]] = field(default_factory=dict)
    carriers: dict[str, frozenset[str]] = field(default_factory=dict)  # statement id -> its documents' origins
    asserting: dict[str, set[str]] = field(default_factory=dict)  # proposition id -> the statements asserting it
    documents: dict[str, frozenset[str]] = field(default_factory=dict)  # proposition id -> the asserting origins
    problems: dict[str, Problem] = field(default_factory=dict)  # statement id -> its warning

    def start_over(self, table: dict[str, frozenset[str]]) -> None:
        self.table = table
        self.made_from, self.carriers, self.asserting, self.documents, self.problems = {}, {}, {}, {}, {}


def single_source_claims(
    dataset: Dataset, records: dict[str, Located], memo: SingleSourceMemo | None = None
) -> list[Problem]:
    """A party's claims that reach us through documents of one origin only (two outlets carrying one agency's story
    are one origin). The publication's own reporting is not a party's claim.

    Documents are counted per statement (its last `via` and its `carried_by`) and per proposition (every asserting
    statement's documents). A claim with no asserted stance is single-source when the statement's own documents are
    one origin; a claim with asserted stances is named once, with every asserted proposition whose documents are one
    origin, even when its other stances are well sourced. With `memo`, only what an edit touched is worked out again."""
    memo = memo if memo is not None else SingleSourceMemo()
    # The collections are final here (step 5 runs after `keep`; only the report grows after it), so the origins
    # table worked out once for all sources is kept with the dataset: the pages' source lists read the same one.
    table = origins_table(dataset)  # one lookup per source, not a derive per source (0.03 s a load)
    if memo.table != table:
        memo.start_over(table)  # the origins changed: every statement is judged again
    memo.table = table  # an equal table: this dataset's, so the last dataset's is not kept alive by the memo
    statements = dataset.statements
    if not memo.made_from:
        _judge_all(statements, records, memo)
    else:
        _judge_changed(statements, records, memo)
    return [memo.problems[i] for i in statements if i in memo.problems]


def _judge_all(statements: dict[str, Statement], records: dict[str, Located], memo: SingleSourceMemo) -> None:
    """Every statement judged (a first load), filling the memo."""
    assert memo.table is not None
    table = memo.table
    by_chain_end: dict[tuple[str, ...], frozenset[str]] = {}  # statements share their documents: one set each
    for statement_id, statement in statements.items():
        chain_end = _chain_end(statement)
        found = by_chain_end.get(chain_end)
        if found is None:
            found = by_chain_end[chain_end] = _origins(table, chain_end)
        memo.carriers[statement_id] = found
        for stance in statement.stances:
            if stance.stance == "asserts":
                memo.asserting.setdefault(stance.proposition, set()).add(statement_id)
    memo.made_from = {i: (statement, records[i]) for i, statement in statements.items()}
    carriers = memo.carriers
    memo.documents = {p: frozenset().union(*(carriers[i] for i in ids)) for p, ids in memo.asserting.items()}
    for statement_id, statement in statements.items():
        if statement.kind in ASSERTING_KINDS and statement.voice != "publication":
            problem = _single_source(statement, records[statement_id], memo)
            if problem is not None:
                memo.problems[statement_id] = problem


def _judge_changed(statements: dict[str, Statement], records: dict[str, Located], memo: SingleSourceMemo) -> None:
    """The statements whose object or record changed judged again, and those asserting a proposition whose
    documents changed with them."""
    assert memo.table is not None
    table, before = memo.table, memo.made_from
    changed = {i for i, s in statements.items() if (found := before.get(i)) is None or found[0] is not s
               or found[1] is not records[i]}
    changed |= before.keys() - statements.keys()
    touched: set[str] = set()  # propositions whose asserting statements changed
    for statement_id in changed:
        old = before.pop(statement_id, None)
        for proposition in _asserted(old[0]) if old is not None else ():
            memo.asserting[proposition].discard(statement_id)
            touched.add(proposition)
        memo.carriers.pop(statement_id, None)
        memo.problems.pop(statement_id, None)
        statement = statements.get(statement_id)
        if statement is None:
            continue
        before[statement_id] = (statement, records[statement_id])
        memo.carriers[statement_id] = _origins(table, _chain_end(statement))
        for proposition in _asserted(statement):
            memo.asserting.setdefault(proposition, set()).add(statement_id)
            touched.add(proposition)
    judge = set(changed)
    for proposition in touched:
        asserting = memo.asserting.get(proposition) or set()
        documents = frozenset().union(*(memo.carriers[i] for i in asserting))
        if memo.documents.get(proposition) != documents:
            judge |= asserting
        if asserting:
            memo.documents[proposition] = documents
        else:
            memo.asserting.pop(proposition, None)
            memo.documents.pop(proposition, None)
    for statement_id in judge & statements.keys():
        problem = _single_source(statements[statement_id], records[statement_id], memo)
        if problem is None:
            memo.problems.pop(statement_id, None)
        else:
            memo.problems[statement_id] = problem


def _chain_end(statement: Statement) -> tuple[str, ...]:
    """The documents a statement reaches us through: its last `via` and its `carried_by`."""
    return (statement.via[-1], *statement.carried_by)


def _origins(table: dict[str, frozenset[str]], sources: tuple[str, ...]) -> frozenset[str]:
    return frozenset(o for source in sources for o in origin_of(table, source))


def _asserted(statement: Statement) -> list[str]:
    return [stance.proposition for stance in statement.stances if stance.stance == "asserts"]


def _single_source(statement: Statement, located: Located, memo: SingleSourceMemo) -> Problem | None:
    """The statement's single-source warning, or None (see `single_source_claims`)."""
    if statement.kind not in ASSERTING_KINDS or statement.voice == "publication":
        return None
    asserted = [(i, s.proposition) for i, s in enumerate(statement.stances) if s.stance == "asserts"]
    if not asserted:
        if len(memo.carriers[statement.id]) > 1:
            return None
        return located.problem(codes.SINGLE_SOURCE, "via", id=statement.id, document=statement.via[-1], what="")
    weak = [(i, p) for i, p in asserted if len(memo.documents.get(p, frozenset())) <= 1]
    if not weak:
        return None
    names = ", ".join(repr(p) for _i, p in weak)
    what = f" for {names}" if len(weak) < len(asserted) else ""
    return located.problem(
        codes.SINGLE_SOURCE, "stances", weak[0][0], "proposition",
        id=statement.id, document=statement.via[-1], what=what,
    )


def statements_in_no_incident(dataset: Dataset, records: dict[str, Located]) -> list[Problem]:
    """Statements that name no incident: the per-incident briefing and claims page would leave them out silently."""
    return [
        records[statement.id].problem(codes.STATEMENT_NO_INCIDENT, "id", id=statement.id)
        for statement in dataset.statements.values()
        if _in_no_incident(statement)
    ]


def basis_missing(dataset: Dataset, records: dict[str, Located]) -> list[Problem]:
    """Statements in the publication's own voice that do not say how the outlet knows."""
    return [
        records[s.id].problem(codes.BASIS_MISSING, "voice", id=s.id)
        for s in dataset.statements.values()
        if _basis_missing(s)
    ]


def orphan_propositions(dataset: Dataset, records: dict[str, Located]) -> list[Problem]:
    """Propositions no statement takes a stance on."""
    taken = {stance.proposition for s in dataset.statements.values() for stance in s.stances}
    return _orphans(dataset, records, taken)


def _orphans(dataset: Dataset, records: dict[str, Located], taken: set[str]) -> list[Problem]:
    return [
        records[proposition.id].problem(codes.ORPHAN_PROPOSITION, "id", id=proposition.id)
        for proposition in dataset.propositions.values()
        if proposition.id not in taken
    ]


def placeholders(dataset: Dataset, records: dict[str, Located]) -> list[Problem]:
    """Every value of a kept record that still holds the placeholder marker, at that value."""
    problems = []
    kept: set[str] | None = None  # made only when some record holds the marker (few do)
    for record_id, located in records.items():
        if not located.text_flags[0]:
            continue
        kept = _kept(dataset) if kept is None else kept
        if record_id in kept:
            problems += _placeholders_of(located)
    return problems


def _placeholders_of(located: Located) -> list[Problem]:
    problems = []
    for path, text in located.texts:
        if PLACEHOLDER in text and PLACEHOLDER_PATTERN.search(text):
            value = text if len(text) <= 80 else text[:79] + "…"
            field = loc_text((*located.loc, *path))
            problems.append(located.problem(codes.PLACEHOLDER, *path, field=field, value=value))
    return problems


def _kept(dataset: Dataset) -> set[str]:
    return {record_id for c in COLLECTIONS for record_id in dataset.collection(c.key)}


def warnings(
    dataset: Dataset, records: dict[str, Located], single_source: SingleSourceMemo | None = None
) -> list[Problem]:
    """Every warning about the kept records (`single_source`: the last load's, which an edit's load reuses)."""
    return [
        *ungraded_sources(dataset, records),
        *single_source_claims(dataset, records, single_source),
        *statements_in_no_incident(dataset, records),
        *orphan_propositions(dataset, records),
        *basis_missing(dataset, records),
        *placeholders(dataset, records),
    ]


def _why_unread(path: Path, rel: Path, label: str) -> str:
    """Why the loader skips a file under the data directory (`rel` is its path inside it)."""
    if path.is_dir():
        return "links to folders are not followed"
    if path.is_symlink():
        return "it is a symbolic link, and links are not followed"
    if not path.is_file():
        return "it is not a regular file"
    if len(rel.parts) == 1:
        names = ", ".join(f"{kind.name}.yaml" for kind in FILE_KINDS.values() if kind.directory is None)
        return f"the only record files at the top of {label}/ are {names}"
    folders = {kind.directory for kind in FILE_KINDS.values() if kind.directory}
    if rel.parts[0] not in folders:
        return f"the folder {label}/{rel.parts[0]}/ is not read"
    if len(rel.parts) > 2:
        return f"subfolders of {label}/{rel.parts[0]}/ are not read"
    if rel.suffix.lower() in YAML_SUFFIXES:
        return "only the lower-case suffixes .yaml and .yml are read"
    return "only .yaml and .yml files are read"


def _top_keys(path: Path) -> list[tuple[str, yaml.Mark]]:
    """A file's top-level mapping keys, composed only (never constructed, so an alias bomb stays small)."""
    raw = read_bounded(path, "", []) if path.is_file() and not path.is_symlink() else None
    if raw is None:
        return []
    loader = yaml.CSafeLoader(raw.decode("utf-8", errors="replace"))
    try:
        node = loader.get_single_node()
    except yaml.YAMLError:
        return []
    finally:
        loader.dispose()
    if not isinstance(node, yaml.MappingNode):
        return []
    return [(key.value, key.start_mark) for key, _value in node.value if isinstance(key, yaml.ScalarNode)]


def _placement(keys: list[tuple[str, yaml.Mark]], label: str) -> str:
    """"records under 'actors' belong in data/actors.yaml; records under 'statements' belong in an incident file
    under data/incidents/"."""
    by_home: dict[str, list[str]] = {}
    for key, _mark in keys:
        kind = FILE_KINDS[BY_KEY[key].file_kind]
        by_home.setdefault(home(kind, label), []).append(repr(key))
    return "; ".join(f"records under {', '.join(found)} belong in {where}" for where, found in by_home.items())


def unread_files(data_dir: Path, read_files: Iterable[Path] | None = None) -> list[Problem]:
    """A warning for every file under the data directory that the loader does not read, saying where records go
    (`read_files`: the record files, when the caller has just listed them)."""
    label = display_path(data_dir)
    read = set(read_files) if read_files is not None else {path for path, _kind in data_files(data_dir)}
    *others, last = [home(kind, label) for kind in FILE_KINDS.values()]
    homes = f"{', '.join(others)} or {last}"
    problems = []
    for path in all_files(data_dir):
        if path in read:
            continue
        display = display_path(path)
        why = _why_unread(path, path.relative_to(data_dir), label)
        records = [(key, mark) for key, mark in _top_keys(path) if key in BY_KEY]
        if records:
            placement = _placement(records, label)
            problems.append(at_mark(codes.MISPLACED_RECORDS, display, records[0][1], why=why, placement=placement))
        else:
            problems.append(codes.UNREAD_FILE.at(display, 1, 1, why=why, homes=homes))
    return problems
