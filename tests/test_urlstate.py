"""URL parameters <-> FilterValue (incidents/views/urlstate.py): the round trip, and every class of bad parameter.

A bad parameter is dropped with a Notice that names it, and the rest of the filter stays as the link asked."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from urllib.parse import parse_qs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incidents.views.filtering import RECORD_KINDS, FilterValue
from incidents.views.params import BY_NAME, KNOWN_PARAMS, MAX_TEXT
from incidents.views.urlstate import MARKUP, Notice, from_params, link_params, normalise, query_string, to_params

ACTORS = ("aze", "aze-mfa", "aze-mod", "irn", "irn-general-staff", "irn-mfa")
INCIDENTS = ("nakhchivan-2026-03-05", "crossing-2026-03-12")
RECORDS = ("ev-launch", "ev-airport-damage", "st-mfa-claim", "st-gs-denial")
KNOWN = {"actor_ids": ACTORS, "incident_ids": INCIDENTS, "record_ids": RECORDS}


def parse(raw: dict[str, list[str]]) -> tuple[FilterValue, list[Notice]]:
    return from_params(raw, **KNOWN)


# --- Round trip ---------------------------------------------------------------------------------------------------

# The sidebar's date inputs allow 1990-01-01 … 2100-01-01.
dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1))
# Search text as the sidebar stores it: stripped, at most MAX_TEXT characters, any printable or control character
# except lone surrogates (which no URL can carry), and no markup (`<?`, `<b`), which is never a valid search.
texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=MAX_TEXT).filter(
    lambda t: t == t.strip() and not MARKUP.search(t)
)


def _unique(values: tuple[str, ...]) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(values), unique=True, max_size=len(values)).map(tuple)


@st.composite
def valid_filters(draw: st.DrawFn) -> FilterValue:
    date_from = draw(st.none() | dates)
    date_to = draw(st.none() | dates)
    if date_from and date_to and date_from > date_to:
        date_from, date_to = date_to, date_from
    return FilterValue(
        date_from=date_from,
        date_to=date_to,
        actors=draw(_unique(ACTORS)),
        kinds=draw(_unique(RECORD_KINDS)),
        text=draw(texts),
        incident=draw(st.none() | st.sampled_from(INCIDENTS)),
        record=draw(st.none() | st.sampled_from(RECORDS)),
    )


@given(valid_filters())
def test_any_valid_filter_survives_to_params_from_params(value: FilterValue) -> None:
    assert parse(to_params(value)) == (value, [])


@given(valid_filters())
def test_any_valid_filter_survives_the_query_string(value: FilterValue) -> None:
    """Through the text of a link too: encode, then decode as a browser and Streamlit would."""
    encoded = query_string(to_params(value))
    assert parse(parse_qs(encoded, keep_blank_values=True)) == (value, [])


@given(valid_filters())
def test_defaults_are_left_out(value: FilterValue) -> None:
    params = to_params(value)
    assert all(values and all(v != "" for v in values) for values in params.values())
    assert ("from" in params) == (value.date_from is not None)
    assert ("actor" in params) == bool(value.actors)
    assert ("q" in params) == bool(value.text)
    assert normalise(value) == (value, [])


# (case id, a filter, its query string): the encoding, one row per field kind.
ENCODED: list[tuple[str, FilterValue, str]] = [
    ("default-is-empty", FilterValue(), ""),
    (
        "dates",
        FilterValue(date_from=dt.date(2026, 3, 5), date_to=dt.date(2026, 3, 31)),
        "from=2026-03-05&to=2026-03-31",
    ),
    (
        "lists-are-repeated-keys-in-order",
        FilterValue(actors=("irn-general-staff", "aze-mfa"), kinds=("denial", "claim")),
        "actor=irn-general-staff&actor=aze-mfa&kind=denial&kind=claim",
    ),
    ("text-is-percent-encoded", FilterValue(text="false flag & co"), "q=false+flag+%26+co"),
    (
        "selections",
        FilterValue(incident="nakhchivan-2026-03-05", record="ev-launch"),
        "incident=nakhchivan-2026-03-05&rec=ev-launch",
    ),
    (
        "table-order-whatever-the-fields",
        FilterValue(record="ev-launch", text="x", kinds=("claim",), date_to=dt.date(2026, 3, 31)),
        "to=2026-03-31&kind=claim&q=x&rec=ev-launch",
    ),
]


@pytest.mark.parametrize(("value", "query"), [c[1:] for c in ENCODED], ids=[c[0] for c in ENCODED])
def test_filter_encodes_as_query_string(value: FilterValue, query: str) -> None:
    assert query_string(to_params(value)) == query


VERSION = "0123abcd"
# (case id, filter, page params a page registered, the link's query string)
LINKS: list[tuple[str, FilterValue, dict[str, list[str]], str]] = [
    ("version-always-last", FilterValue(actors=("irn",)), {}, f"actor=irn&v={VERSION}"),
    (
        "page-control-after-filters",
        FilterValue(kinds=("claim",)),
        {"group": ["actor"]},
        f"kind=claim&group=actor&v={VERSION}",
    ),
    ("page-default-left-out", FilterValue(), {"order": ["accuser"]}, f"v={VERSION}"),
    ("no-layers-is-an-empty-value", FilterValue(), {"layers": [""]}, f"layers=&v={VERSION}"),
    (
        "page-controls-in-table-order",
        FilterValue(),
        {"basemap": ["true"], "layers": ["events", "border"]},
        f"layers=events&layers=border&basemap=true&v={VERSION}",
    ),
]


@pytest.mark.parametrize(("value", "page_params", "query"), [c[1:] for c in LINKS], ids=[c[0] for c in LINKS])
def test_link_params_add_page_controls_and_version(
    value: FilterValue, page_params: dict[str, list[str]], query: str
) -> None:
    assert query_string(link_params(value, page_params, VERSION)) == query


@pytest.mark.parametrize("name", ["from", "v", "embed", "nonsense"])
def test_link_params_refuse_a_page_control_missing_from_the_table(name: str) -> None:
    with pytest.raises(KeyError):
        link_params(FilterValue(), {name: ["x"]}, VERSION)


# (parameter, its repeated values, the FilterValue field, what it keeps): single keys keep what their widget keeps.
REPEATS: list[tuple[str, list[str], str, object]] = [
    ("from", ["2026-03-05", "2026-03-06"], "date_from", dt.date(2026, 3, 5)),
    ("to", ["2026-03-30", "2026-03-31"], "date_to", dt.date(2026, 3, 30)),
    ("q", ["drone", "airport"], "text", "airport"),
    ("incident", ["nakhchivan-2026-03-05", "crossing-2026-03-12"], "incident", "crossing-2026-03-12"),
    ("rec", ["st-gs-denial", "ev-launch"], "record", "ev-launch"),
    ("actor", ["irn", "aze"], "actors", ("irn", "aze")),
    ("kind", ["claim", "event"], "kinds", ("claim", "event")),
]


@pytest.mark.parametrize(("name", "values", "field", "kept"), REPEATS, ids=[c[0] for c in REPEATS])
def test_repeated_key_keeps_what_the_table_says(name: str, values: list[str], field: str, kept: object) -> None:
    value, notices = parse({name: values})
    assert getattr(value, field) == kept
    param = BY_NAME[name]
    if param.repeatable:
        assert notices == []
    else:
        assert [n.reason for n in notices] == [f"repeated; only the {param.keeps} value is used"]
        dropped = values[1] if param.keeps == "first" else values[0]
        assert notices[0].value == dropped


@settings(max_examples=300)
@given(
    st.dictionaries(
        st.sampled_from(KNOWN_PARAMS) | st.text(max_size=12),
        st.lists(st.sampled_from(["", "irn", "2026-03-05", "claim", "<b>", "ev-launch"]) | st.text(max_size=30)),
        max_size=8,
    )
)
def test_any_query_parses_without_raising(raw: dict[str, list[str]]) -> None:
    """Whatever a link holds, parsing never raises and returns only values the app knows."""
    value, notices = parse(raw)
    assert set(value.actors) <= set(ACTORS) and set(value.kinds) <= set(RECORD_KINDS)
    assert value.incident in (None, *INCIDENTS) and value.record in (None, *RECORDS)
    assert len(value.text) <= MAX_TEXT
    assert not (value.date_from and value.date_to and value.date_from > value.date_to)
    assert {n.param for n in notices} <= set(raw)


# --- Bad parameters -----------------------------------------------------------------------------------------------

# A link with every shared filter set; each case below spoils one parameter of it.
BASE: dict[str, list[str]] = {
    "from": ["2026-03-05"],
    "to": ["2026-03-31"],
    "actor": ["irn-general-staff"],
    "kind": ["denial"],
    "q": ["drone"],
    "incident": ["nakhchivan-2026-03-05"],
    "rec": ["st-gs-denial"],
}
BASE_VALUE = FilterValue(
    date_from=dt.date(2026, 3, 5),
    date_to=dt.date(2026, 3, 31),
    actors=("irn-general-staff",),
    kinds=("denial",),
    text="drone",
    incident="nakhchivan-2026-03-05",
    record="st-gs-denial",
)
# The FilterValue field each parameter fills, and its value when the parameter is dropped.
FIELDS = {
    "from": ("date_from", None),
    "to": ("date_to", None),
    "actor": ("actors", ()),
    "kind": ("kinds", ()),
    "q": ("text", ""),
    "incident": ("incident", None),
    "rec": ("record", None),
}
SCRIPT = "<script>alert(1)</script>"
HTML = '<img src=x onerror="alert(1)">'

# (case id, the parameter the notice must name, the spoilt values of that parameter)
BAD_CASES: list[tuple[str, str, list[str]]] = [
    # unknown ids
    ("unknown-actor", "actor", ["nobody"]),
    ("unknown-incident", "incident", ["no-such-incident"]),
    ("unknown-record", "rec", ["no-such-record"]),
    ("id-wrong-case", "actor", ["IRN-General-Staff"]),
    # malformed dates
    ("date-month-13", "from", ["2026-13-05"]),
    ("date-feb-30", "to", ["2026-02-30"]),
    ("date-words", "from", ["yesterday"]),
    ("date-dotted", "to", ["05.03.2026"]),
    ("date-with-time", "from", ["2026-03-05T10:00"]),
    ("date-iso-week", "from", ["2026-W10-4"]),  # fromisoformat reads it; the sidebar's date input does not
    # unknown kinds
    ("unknown-kind", "kind", ["rumour"]),
    ("kind-wrong-case", "kind", ["Denial"]),
    # a 10,000-character search
    ("long-q", "q", ["x" * 10_000]),
    # repeated values
    ("repeated-from", "from", ["2026-03-05", "2026-03-06"]),
    ("repeated-actor", "actor", ["irn-general-staff", "irn-general-staff"]),
    ("repeated-kind", "kind", ["denial", "denial"]),
    ("repeated-q", "q", ["drone", "airport"]),
    ("repeated-incident", "incident", ["nakhchivan-2026-03-05", "crossing-2026-03-12"]),
    ("repeated-rec", "rec", ["st-gs-denial", "ev-launch"]),
    # empty values
    *[(f"empty-{name}", name, [""]) for name in BASE],
    # script or HTML in any value
    *[(f"script-in-{name}", name, [SCRIPT]) for name in BASE],
    ("html-in-actor", "actor", [HTML]),
    ("html-in-q", "q", [HTML]),
    ("script-in-v", "v", [SCRIPT]),
]


def _spoil(name: str, values: list[str]) -> dict[str, list[str]]:
    raw = {key: list(vals) for key, vals in BASE.items()}
    raw[name] = values
    return raw


def test_base_link_is_clean() -> None:
    assert parse(BASE) == (BASE_VALUE, [])


@pytest.mark.parametrize(("name", "values"), [(c[1], c[2]) for c in BAD_CASES], ids=[c[0] for c in BAD_CASES])
def test_bad_parameter_gets_a_notice_and_the_rest_stays(name: str, values: list[str]) -> None:
    value, notices = parse(_spoil(name, values))
    named = [n for n in notices if n.param == name]
    assert named, f"no notice names {name!r}: {notices}"
    assert all(n.reason for n in named)
    assert all(n.param == name for n in notices), f"other parameters were touched: {notices}"
    # Every other field is exactly as the clean link had it.
    untouched = {field for param, (field, _) in FIELDS.items() if param != name}
    for field in untouched:
        assert getattr(value, field) == getattr(BASE_VALUE, field), field
    if name in FIELDS:
        field, dropped = FIELDS[name]
        kept = getattr(value, field)
        if name == "q":
            # A search that is too long is cut; any other bad search is dropped.
            assert kept in (dropped, values[0][:MAX_TEXT].strip(), *values)
            assert len(kept) <= MAX_TEXT and "<" not in kept
        else:
            # Dropped, or one of the link's own values for it that is valid on its own (a repeat keeps one).
            alone = [getattr(parse({name: [item]})[0], field) for item in values]
            assert kept == dropped or kept in alone, f"{name}: kept {kept!r}"


def test_from_after_to_drops_to_with_a_notice() -> None:
    value, notices = parse(_spoil("to", ["2026-03-01"]))
    assert value == replace(BASE_VALUE, date_to=None)
    assert [n.param for n in notices] == ["to"]
    assert "2026-03-05" in notices[0].reason


def test_long_q_is_cut_to_max_text() -> None:
    value, notices = parse({"q": ["ab" * 5_000]})
    assert value.text == ("ab" * 5_000)[:MAX_TEXT]
    assert [n.param for n in notices] == ["q"]
    assert len(str(notices[0])) < 200, "the notice quotes a short prefix, not the whole value"


@pytest.mark.parametrize("name", ["bogus", "Actor", "utm_source", SCRIPT, ""])
def test_unknown_parameter_names_get_a_notice(name: str) -> None:
    raw = {**BASE, name: ["1"]}
    value, notices = parse(raw)
    assert value == BASE_VALUE
    assert [n.param for n in notices] == [name]
    assert notices[0].reason == "unknown parameter"


@pytest.mark.parametrize(
    ("name", "item"),
    [("v", "0123abcd"), ("embed", "true"), ("embed_options", "show_toolbar"), ("layers", "events"), ("group", "x")],
)
def test_app_and_page_parameters_are_not_unknown(name: str, item: str) -> None:
    """Streamlit's embed parameters, the data-version pin and per-page state belong to others: no notice here."""
    value, notices = parse({**BASE, name: [item]})
    assert value == BASE_VALUE
    assert notices == []


def test_notices_name_the_parameter_in_their_text() -> None:
    _, notices = parse({"actor": [SCRIPT], "from": ["2026-13-05"]})
    texts = [str(n) for n in notices]
    assert any(t.startswith("Ignored `actor=") for t in texts)
    assert any(t.startswith("Ignored `from=2026-13-05`") for t in texts)
