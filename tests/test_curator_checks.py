"""check-quotes, the stored-copy checks and the weekday check, on temporary copies of the shipped data."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from incidents.cli import main
from incidents.curate.quotecheck import contains, normalise
from incidents.load.pipeline import load_dataset
from incidents.load.weekdays import mismatch, weekday_dates
from tests.conftest import DATA

ARTICLE = "article-2026-03-06"
SHIPPED_COPY = "../shared/sources/000_5091188b6beeb7ae.txt"
INCIDENT_FILE = "incidents/nakhchivan-2026-03-05.yaml"


def _copy_text() -> str:
    """A stand-in for the article's copy: every shipped quote of the article, printed with typographic marks."""
    dataset = load_dataset(DATA)
    quotes = [q.text for s in dataset.statements.values() for q in s.quotes if (q.source or s.via[-1]) == ARTICLE]
    assert quotes
    curly = [q.replace("'", "’").replace(" - ", " – ") for q in quotes]
    return "date 2026-03-06\n" + "\n".join(f"The ministry said “{q}”,\n  according to reports." for q in curly)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """`<tmp>/repo/data`, a copy of the shipped data whose article has a stored copy inside the repository."""
    data = tmp_path / "repo" / "data"
    shutil.copytree(DATA, data)
    copy = tmp_path / "repo" / "copies" / "article.txt"
    copy.parent.mkdir()
    copy.write_text(_copy_text(), encoding="utf-8")
    sources = data / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    old_hash = re.search(r"sha256: ([0-9a-f]{64})", text)
    assert SHIPPED_COPY in text and old_hash
    text = text.replace(SHIPPED_COPY, "copies/article.txt").replace(old_hash.group(1), _sha(copy))
    sources.write_text(text, encoding="utf-8")
    return data


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def _lines(out: str) -> tuple[list[str], tuple[int, int]]:
    """check-quotes' lines, one a quote, and its closing counts (checked, not checked)."""
    *lines, last = out.splitlines()
    found = re.fullmatch(r"(\d+) checked, (\d+) not checked \(no copy here\)", last)
    assert found, last
    return lines, (int(found.group(1)), int(found.group(2)))


def _article_quotes() -> int:
    dataset = load_dataset(DATA)
    return sum(1 for s in dataset.statements.values() for q in s.quotes if (q.source or s.via[-1]) == ARTICLE)


def _all_quotes() -> int:
    return sum(len(s.quotes) for s in load_dataset(DATA).statements.values())


def test_check_quotes_passes_on_typographic_variants(capsys: pytest.CaptureFixture[str], repo: Path) -> None:
    status, out, err = run(capsys, "check-quotes", "--data-dir", str(repo))
    lines, (checked, unchecked) = _lines(out)
    assert status == 0, out
    assert checked == _article_quotes() and checked + unchecked == _all_quotes() == len(lines)
    found = [line for line in lines if ": checked: found in the stored copy copies/article.txt" in line]
    assert len(found) == checked
    assert all(" QUOTE_NOT_CHECKED (warning) " in line for line in lines if line not in found)


def test_check_quotes_catches_a_changed_word(capsys: pytest.CaptureFixture[str], repo: Path) -> None:
    incident = repo / INCIDENT_FILE
    text = incident.read_text(encoding="utf-8")
    quote = "We will not tolerate this groundless act of terror"
    assert quote in text
    incident.write_text(text.replace(quote, quote.replace("groundless", "baseless")), encoding="utf-8")
    line = next(n for n, x in enumerate(incident.read_text(encoding="utf-8").splitlines(), 1) if "baseless" in x)
    status, out, _err = run(capsys, "check-quotes", "--data-dir", str(repo))
    assert status == 1
    (problem,) = [x for x in _lines(out)[0] if " QUOTE_MISMATCH " in x]
    assert re.match(rf"^\S+nakhchivan-2026-03-05\.yaml:{line}:\d+: QUOTE_MISMATCH ", problem), problem
    assert re.search(r"nearest passage: '[^']*We will not tolerate this groundless act of terror", problem), problem


def test_check_quotes_warns_on_an_absent_copy_and_strict_fails(capsys: pytest.CaptureFixture[str], repo: Path) -> None:
    (repo.parent / "copies" / "article.txt").unlink()
    status, out, _err = run(capsys, "check-quotes", "--data-dir", str(repo))
    lines, counts = _lines(out)
    assert status == 0 and counts == (0, _all_quotes())
    assert all(" QUOTE_NOT_CHECKED (warning) " in line for line in lines)
    assert sum("stored copy copies/article.txt of 'article-2026-03-06' is not on this machine" in x for x in lines) == (
        _article_quotes()
    )
    strict, _, _ = run(capsys, "check-quotes", "--data-dir", str(repo), "--strict")
    assert strict == 1


def test_check_quotes_fails_on_an_unreadable_copy(capsys: pytest.CaptureFixture[str], repo: Path) -> None:
    copy = repo.parent / "copies" / "article.txt"
    copy.unlink()
    copy.mkdir()  # there, but not a file it can read
    status, out, _err = run(capsys, "check-quotes", "--data-dir", str(repo))
    lines = [x for x in _lines(out)[0] if " QUOTE_NOT_CHECKED " not in x]
    assert status == 1 and len(lines) == _article_quotes()
    assert all(" QUOTE_COPY_UNREADABLE " in line for line in lines)


@pytest.mark.parametrize(
    ("copy", "quote", "found"),
    [
        ("it’s “fine” — he said", "it's \"fine\" - he said", True),
        ("it's \"fine\" - he said", "it’s “fine” — he said", True),
        ("Naxçıvan", "Naxc\u0327\u0131van", True),  # NFC against NFD
        ("a groundless\n   act   of terror", "a groundless act of terror", True),
        ("the army was told to prepare retaliatory measures", "the army … retaliatory measures", True),
        ("the army was told to prepare retaliatory measures", "retaliatory measures ... the army", False),
        ("a groundless act of terror", "a baseless act of terror", False),
        ("a groundless act of terror", "A groundless act of terror", False),
    ],
)
def test_quote_comparison(copy: str, quote: str, found: bool) -> None:
    assert contains(normalise(copy), normalise(quote)) is found


def test_stored_copy_hash_mismatch_is_an_error(capsys: pytest.CaptureFixture[str], repo: Path) -> None:
    copy = repo.parent / "copies" / "article.txt"
    recorded = _sha(copy)
    assert load_dataset(repo).errors == []
    copy.write_text(copy.read_text(encoding="utf-8") + "edited\n", encoding="utf-8")
    (problem,) = [p for p in load_dataset(repo).errors]
    assert problem.code == "STORED_COPY_HASH" and Path(problem.path).name == "sources.yaml"
    assert recorded in problem.message and _sha(copy) in problem.message
    line = (repo / "sources.yaml").read_text(encoding="utf-8").splitlines()[problem.line - 1]
    assert line.strip() == f"sha256: {recorded}"
    assert run(capsys, "validate", str(repo))[0] == 1


def test_missing_and_unhashed_copies_are_warnings(capsys: pytest.CaptureFixture[str], repo: Path) -> None:
    sources = repo / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    sources.write_text(re.sub(r"\n    sha256: [0-9a-f]{64}", "", text, count=1), encoding="utf-8")
    (unhashed,) = [p for p in load_dataset(repo).problems if p.code.startswith("STORED_COPY")]
    assert unhashed.code == "STORED_COPY_UNHASHED" and unhashed.severity == "warning"
    (repo.parent / "copies" / "article.txt").unlink()
    (missing,) = [p for p in load_dataset(repo).problems if p.code.startswith("STORED_COPY")]
    assert missing.code == "STORED_COPY_MISSING" and missing.severity == "warning"
    assert "copies/article.txt" in missing.message and "clean clone" in missing.message
    assert run(capsys, "validate", str(repo))[0] == 0


@pytest.mark.parametrize(
    ("as_reported", "warning"),
    [
        ("Wednesday (March 5)", "says Wednesday, but 5 March 2026 was a Thursday"),
        ("Thursday (March 5)", None),
        ("Thursday, 5 March", None),
        ("Wed 5 Mar 2026", "says Wednesday, but 5 March 2026 was a Thursday"),
        ("5 March (Thursday)", None),
        ("5 March (Friday)", "says Friday, but 5 March 2026 was a Thursday"),
        ("Wednesday, 5 March 2025", None),  # the text's own year wins: 5 March 2025 was a Wednesday
        ("on Wednesday, as reported", None),
    ],
)
def test_weekday_beside_a_date_is_checked(repo: Path, as_reported: str, warning: str | None) -> None:
    incident = repo / INCIDENT_FILE
    lines = incident.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index("incident:\n")
    index = next(i for i, x in enumerate(lines) if i > start and x.startswith("    as_reported: "))
    lines[index] = f"    as_reported: {as_reported}\n"
    incident.write_text("".join(lines), encoding="utf-8")
    found = [p for p in load_dataset(repo).warnings if p.code == "WEEKDAY_MISMATCH" and p.line == index + 1]
    assert [p.message.split(": ", 1)[1].split("' ", 1)[1] for p in found] == ([warning] if warning else [])
    if found:
        assert found[0].message.startswith("incident.when.as_reported: ")


@pytest.mark.parametrize(
    ("note", "warned"),
    [
        ("The Federal wrote Wednesday (March 5) for the attack.", True),  # our prose making the claim
        ('The Federal\'s "Wednesday (March 5)" is a rewrite of AP\'s Thursday.', False),  # our prose quoting it
        ("The Federal\u2019s \u201cWednesday (March 5)\u201d is a rewrite.", False),
    ],
)
def test_a_quoted_wrong_weekday_in_our_prose_is_discussion(repo: Path, note: str, warned: bool) -> None:
    incident = repo / INCIDENT_FILE
    lines = incident.read_text(encoding="utf-8").splitlines(keepends=True)
    first = next(i for i, x in enumerate(lines) if i > lines.index("incident:\n") and x == "    note: >-\n")
    last = next(i for i in range(first + 1, len(lines)) if not lines[i].startswith("      "))
    lines[first:last] = [f"    note: >-\n      {note}\n"]
    incident.write_text("".join(lines), encoding="utf-8")
    found = [p for p in load_dataset(repo).warnings if p.code == "WEEKDAY_MISMATCH" and "when.note" in p.message]
    assert bool(found) == warned, found


def test_weekday_year_comes_from_a_source_publication(write_data) -> None:
    root = write_data(
        sources="""\
        sources:
          - id: s1
            title: A report
            published: 2026-03-06
            reliability: B
            note: It dates the attack Wednesday (March 5).
        """
    )
    (problem,) = load_dataset(root).warnings
    assert problem.code == "WEEKDAY_MISMATCH" and (problem.line, problem.col) == (6, 11)


@pytest.mark.parametrize(
    ("text", "count"),
    [("Wednesday " + ", " * 20_000 + "5 March", 0), ("5 March " * 5_000 + "(", 0), ("Monday\n  March 9", 1)],
)
def test_weekday_patterns_are_bounded(text: str, count: int) -> None:
    assert len(list(weekday_dates(text))) == count
    assert all(mismatch(found, 2026) is None for found in weekday_dates(text))  # 9 March 2026 was a Monday


def test_check_quotes_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["check-quotes", "--help"])
    assert exit_info.value.code == 0 and capsys.readouterr().out.startswith("usage: python -m incidents check-quotes")


def test_check_quotes_does_not_read_a_copy_over_the_cap(
    capsys: pytest.CaptureFixture[str], repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import incidents.curate.quotecheck

    monkeypatch.setattr(incidents.curate.quotecheck, "MAX_BYTES", 100)
    status, out, _err = run(capsys, "check-quotes", "--data-dir", str(repo))
    lines = [x for x in _lines(out)[0] if " QUOTE_NOT_CHECKED " not in x]
    assert status == 1 and len(lines) == _article_quotes()
    assert all(" QUOTE_COPY_UNREADABLE " in x and "larger than" in x for x in lines)
