"""Bad link parameters on every page of the real app (AppTest), on the invented fixture data.

Each page opens with the bad parameter in its URL (as a fresh browser would), renders without an exception, and
shows a notice naming the parameter; the filter the page applies is the one the notice describes, with the rest of
the link intact. Also: the `v` data-version pin, page switches keeping the filter, and the tested embed example."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from incidents.load.pipeline import load_dataset
from incidents.text import md_screen
from incidents.views.filtering import FilterValue
from incidents.views.params import PARAMS
from incidents.views.urlstate import from_params

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "export" / "data"
LINKING_DOC = ROOT / "README.md"  # its "Linking" section
PAGES = {
    "overview": None,
    "timeline": "app_pages/timeline.py",
    "map": "app_pages/map.py",
    "claims": "app_pages/claims.py",
    "incidents": "app_pages/incidents.py",
    "patterns": "app_pages/patterns.py",
    "sources": "app_pages/sources.py",
    "about": "app_pages/about.py",
}
NOTICE_TITLE = "Some link parameters were ignored"
UPDATED = "the data has been updated since this link was made"
SCRIPT = "<script>alert(1)</script>"

# A clean link on the fixture data; each case spoils one parameter of it.
BASE: dict[str, list[str]] = {
    "from": ["2026-03-05"],
    "to": ["2026-03-31"],
    "actor": ["irn"],
    "kind": ["denial"],
    "incident": ["nakhchivan-2026-03-05"],
}
BASE_VALUE = FilterValue(
    date_from=dt.date(2026, 3, 5),
    date_to=dt.date(2026, 3, 31),
    actors=("irn",),
    kinds=("denial",),
    incident="nakhchivan-2026-03-05",
)

# One case per bad-parameter class: (class, parameter the notice must name, spoilt values).
CLASSES: list[tuple[str, str, list[str]]] = [
    ("unknown-id", "actor", ["nobody"]),
    ("malformed-date", "from", ["2026-13-05"]),
    ("from-after-to", "to", ["2026-03-01"]),
    ("unknown-kind", "kind", ["rumour"]),
    ("long-q", "q", ["x" * 10_000]),
    ("repeated", "actor", ["irn", "irn"]),
    ("empty", "incident", [""]),
    ("script", "actor", [SCRIPT]),
    ("unknown-name", "utm_source", ["newsletter"]),
]

# More values that Streamlit's bound widgets read in their own way; the notice must tell the truth about each.
CATALOGUE: list[tuple[str, str, list[str]]] = [
    ("unknown-incident", "incident", ["no-such-incident"]),
    ("unknown-record", "rec", ["no-such-record"]),
    ("date-feb-30", "to", ["2026-02-30"]),
    ("date-iso-week", "from", ["2026-W10-4"]),
    ("date-before-widget-range", "from", ["1900-01-01"]),
    ("date-repeated", "from", ["2026-03-05", "2026-03-06"]),
    ("date-repeated-one-bad", "from", ["2026-03-05", "garbage"]),
    ("repeated-q", "q", ["drone", "airport"]),
    ("repeated-incident", "incident", ["nakhchivan-2026-03-05", "crossing-2026-03-12"]),
    ("repeated-rec", "rec", ["st-gs-denial", "ev-launch"]),
    ("repeated-kind", "kind", ["denial", "denial"]),
    ("empty-from", "from", [""]),
    ("empty-actor", "actor", [""]),
    ("empty-kind", "kind", [""]),
    ("empty-q", "q", [""]),
    ("script-in-kind", "kind", [SCRIPT]),
    ("script-in-from", "from", [SCRIPT]),
    ("script-in-q", "q", [SCRIPT]),
    ("html-in-rec", "rec", ['<img src=x onerror="alert(1)">']),
    ("script-in-v", "v", [SCRIPT]),
    ("script-as-name", SCRIPT, ["1"]),
]


@pytest.fixture
def fixture_data(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("INCIDENTS_DATA_DIR", str(FIXTURE))
    return FIXTURE


def open_page(page: str | None, params: dict[str, list[str]]) -> AppTest:
    """Open a page with a URL, as a fresh browser does: the page is chosen before the first run, so the bound
    sidebar widgets are seeded from these parameters."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    if page:
        at.switch_page(page)
    for key, values in params.items():
        at.query_params[key] = values
    return at.run()


def spoil(name: str, values: list[str]) -> dict[str, list[str]]:
    raw = {key: list(vals) for key, vals in BASE.items()}
    raw[name] = values
    return raw


def applied(at: AppTest) -> FilterValue:
    """The filter the page was given (app.py's AppContext)."""
    return at.session_state["_app_context"].filter


def notice_text(at: AppTest) -> str:
    return "\n".join(w.value for w in at.warning if NOTICE_TITLE in w.value)


def expected(raw: dict[str, list[str]]) -> tuple[FilterValue, list]:
    dataset = load_dataset(FIXTURE)
    return from_params(
        raw,
        actor_ids=dataset.actors.keys(),
        incident_ids=dataset.incidents.keys(),
        record_ids=set(dataset.events) | set(dataset.statements),
    )


def check_bad_param(at: AppTest, name: str, raw: dict[str, list[str]]) -> None:
    assert not at.exception, [e.value for e in at.exception]
    text = notice_text(at)
    assert f"**{md_screen(name)}**" in text, f"no notice names {name!r}: {text!r}"
    # What the notices say was ignored is what the page really ignored, and the rest of the link is applied.
    value, notices = expected(raw)
    assert applied(at) == value, f"the page applies {applied(at)}, the notices describe {value}"
    assert {f"**{md_screen(n.param)}**" for n in notices} == set(re.findall(r"\*\*[^*]+\*\*", text)) - {
        f"**{NOTICE_TITLE}**"
    }
    for param in PARAMS:
        if param.field is not None and param.name != name:
            assert getattr(applied(at), param.field) == getattr(BASE_VALUE, param.field), param.field


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(("case", "name", "values"), CLASSES, ids=[c[0] for c in CLASSES])
def test_each_page_survives_each_bad_parameter_class(
    fixture_data: Path, page: str, case: str, name: str, values: list[str]
) -> None:
    raw = spoil(name, values)
    at = open_page(PAGES[page], raw)
    check_bad_param(at, name, raw)


@pytest.mark.parametrize(("case", "name", "values"), CATALOGUE, ids=[c[0] for c in CATALOGUE])
def test_notice_tells_the_truth_about_each_bad_value(
    fixture_data: Path, case: str, name: str, values: list[str]
) -> None:
    """On the claims page, a wider catalogue: each value the widgets could read differently from the notices."""
    raw = spoil(name, values)
    at = open_page(PAGES["claims"], raw)
    check_bad_param(at, name, raw)


def test_clean_link_shows_no_notice(fixture_data: Path) -> None:
    at = open_page(PAGES["map"], BASE)
    assert not at.exception
    assert notice_text(at) == ""
    assert applied(at) == BASE_VALUE


# --- The data-version pin -----------------------------------------------------------------------------------------


# (case id, the link's `v`, whether the page says the data was updated, whether a notice names `v`).
# CURRENT stands for the fixture data's own version.
CURRENT = "current"
VERSION_CASES: list[tuple[str, str, bool, bool]] = [
    ("old-version", "0000beef", True, False),
    ("current-version", CURRENT, False, False),
    ("not-a-version", SCRIPT, False, True),  # script is ignored with a notice, never shown as a version
]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(("case", "version", "updated", "noticed"), VERSION_CASES, ids=[c[0] for c in VERSION_CASES])
def test_version_pin(fixture_data: Path, page: str, case: str, version: str, updated: bool, noticed: bool) -> None:
    if version == CURRENT:
        version = load_dataset(FIXTURE).version
    at = open_page(PAGES[page], {**BASE, "v": [version]})
    assert not at.exception
    infos = [i.value for i in at.info if UPDATED in i.value.lower()]
    assert len(infos) == (1 if updated else 0), [i.value for i in at.info]
    assert ("**v**" in notice_text(at)) == noticed, notice_text(at)
    assert applied(at) == BASE_VALUE  # the current data, filtered as the link asks


# (page, the link it is opened with, the share link's query without `v`, in order).
SHARE_CASES: list[tuple[str, dict[str, list[str]], list[tuple[str, str]]]] = [
    ("timeline", {"actor": ["irn-general-staff"], "from": ["2026-03-05"]},
     [("from", "2026-03-05"), ("actor", "irn-general-staff")]),
    ("timeline", {"group": ["actor"], "kind": ["denial"]}, [("kind", "denial"), ("group", "actor")]),
    # An incident with propositions: the claims page stops before its controls on one without.
    ("claims", {"incident": ["nakhchivan-2026-03-05"], "order": ["name"]},
     [("incident", "nakhchivan-2026-03-05"), ("order", "name")]),
    ("map", {"basemap": ["true"], "layers": ["events"]}, [("layers", "events"), ("basemap", "true")]),
    ("map", {"layers": [""]}, [("layers", "")]),
]


@pytest.mark.parametrize(("page", "params", "query"), SHARE_CASES)
def test_share_link_carries_page_filter_page_controls_and_version(
    fixture_data: Path, page: str, params: dict[str, list[str]], query: list[tuple[str, str]]
) -> None:
    at = open_page(PAGES[page], params)
    assert not at.exception
    parts = urlsplit(at.sidebar.code[-1].value)
    assert parts.path.endswith(f"/{page}")
    assert parse_qsl(parts.query, keep_blank_values=True) == [*query, ("v", load_dataset(FIXTURE).version)]


def test_page_switch_keeps_the_shared_filters(fixture_data: Path) -> None:
    at = open_page(PAGES["timeline"], {"actor": ["irn"], "from": ["2026-03-05"], "kind": ["denial", "claim"]})
    want = FilterValue(date_from=dt.date(2026, 3, 5), actors=("irn",), kinds=("denial", "claim"))
    assert applied(at) == want
    for page in ("app_pages/map.py", "app_pages/claims.py", "app_pages/sources.py"):
        at.switch_page(page).run()
        assert not at.exception
        assert applied(at) == want, page
        assert at.query_params["actor"] == ["irn"] or at.query_params["actor"] == "irn"


# --- Embedding ----------------------------------------------------------------------------------------------------


def embed_example() -> str:
    """The embed URL the README's Linking section promises works (the line after the `tested-embed-example` marker)."""
    match = re.search(r"<!-- tested-embed-example -->\s*```[a-z]*\s*(\S+)\s*```", LINKING_DOC.read_text("utf-8"))
    assert match, "the README's Linking section lost its tested embed example"
    return match.group(1)


def test_embed_example_renders(fixture_data: Path) -> None:
    url = urlsplit(embed_example())
    page = url.path.strip("/")
    params = parse_qs(url.query, keep_blank_values=True)
    assert page in PAGES and page != "overview"
    assert params.get("embed") == ["true"]
    at = open_page(PAGES[page], params)
    assert not at.exception
    assert notice_text(at) == "", "the example's parameters must all be valid"
    assert applied(at) != FilterValue(), "the example should show a filtered view"


def doc_examples() -> list[str]:
    """Every example link in the README's Linking section (a path with a query, with or without the example host)."""
    text = LINKING_DOC.read_text("utf-8")
    return re.findall(r"(?:https://monitor\.example\.org)?(/[a-z]*\?[^\s\"`]+)", text)


def test_doc_examples_are_valid_on_the_real_data() -> None:
    """The documented links use ids that exist in the curated data, and values the app accepts."""
    dataset = load_dataset(ROOT / "data")
    examples = doc_examples()
    assert len(examples) >= 6, examples
    for example in examples:
        url = urlsplit(example)
        assert url.path.strip("/") in (*PAGES, ""), example
        _, notices = from_params(
            parse_qs(url.query, keep_blank_values=True),
            actor_ids=dataset.actors.keys(),
            incident_ids=dataset.incidents.keys(),
            record_ids=set(dataset.events) | set(dataset.statements),
        )
        assert notices == [], (example, notices)


@pytest.mark.parametrize(
    ("page", "name", "item"),
    [
        ("timeline", "group", SCRIPT),
        ("timeline", "group", "lanes"),
        ("claims", "order", "alphabetical"),
        ("incidents", "sort", "alphabetical"),
        ("incidents", "type", "rumour"),
        ("incidents", "status", SCRIPT),
        ("incidents", "year", "1999"),
        ("incidents", "year", "twenty"),
        ("incidents", "party", "nobody"),
    ],
)
def test_bad_page_control_value_gets_a_notice(fixture_data: Path, page: str, name: str, item: str) -> None:
    """A page control's bound widget drops a value it has no option for; the reader is told, as for the filters."""
    at = open_page(PAGES[page], {**BASE, name: [item]})
    assert not at.exception
    assert applied(at) == BASE_VALUE
    assert f"**{md_screen(name)}**" in notice_text(at), notice_text(at)
