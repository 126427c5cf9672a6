"""Timeline builders (figure JSON, table, CSV) on fixture records; incidents.views.timing has tests/test_timing.py."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import replace

import pandas as pd
import pytest

from components.timeline import (
    DISCREPANCY_COLOUR,
    FLAG_APPROXIMATE,
    FLAG_DISCREPANCY,
    FLAG_UNDATED,
    KIND_SYMBOLS,
    ROW_LABEL_CHARS,
    ROW_LABEL_MAX,
    SYMBOL_CODES,
    TABLE_COLUMNS,
    build_timeline_figure,
    selected_ids,
    timeline_csv,
    timeline_csv_name,
    timeline_frame,
)
from incidents.evidence.discrepancies import discrepancies_by_record
from incidents.load.pipeline import load_dataset
from incidents.model.dataset import Dataset
from incidents.model.records import Actor, Statement, When
from incidents.views.filtering import FilterValue, apply_filter
from tests.conftest import FIXTURES

INCIDENT = "fixture-2026-03-05"


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    loaded = load_dataset(FIXTURES / "timeline")
    assert not loaded.errors, loaded.errors
    return loaded


def figure_dict(dataset: Dataset, value: FilterValue | None = None, **kwargs) -> dict:
    value = value or FilterValue()
    return build_timeline_figure(dataset, apply_filter(dataset, value), value, **kwargs).to_dict()


def record_traces(fig: dict) -> list[dict]:
    return [t for t in fig["data"] if str(t.get("uid", "")).startswith("rec-")]


SYMBOL_NAMES = {code: name for name, code in SYMBOL_CODES.items()}


def iso(ms: float) -> str:
    """Epoch milliseconds (how the figure carries x) as 'YYYY-MM-DD HH:MM:SS' UTC."""
    return (dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=ms)).isoformat(sep=" ", timespec="seconds")


def symbol_name(code: int) -> str:
    return SYMBOL_NAMES[code % 100] + ("-open" if code >= 100 else "")


def markers(fig: dict) -> dict[str, dict]:
    """Record id -> {x, y, symbol, text, ring colour, trace type, customdata, hover} of its marker."""
    found: dict[str, dict] = {}
    for trace in record_traces(fig):
        xs, ys = _values(trace["x"]), _values(trace["y"])
        symbols = _values(trace["marker"]["symbol"])
        rings = _values(trace["marker"]["line"]["color"])
        scale = dict(trace["marker"]["line"]["colorscale"])
        for index, custom in enumerate(trace["customdata"]):
            found[str(custom[0])] = {
                "x": iso(xs[index]),
                "y": ys[index],
                "symbol": symbol_name(symbols[index]),
                "text": str(trace["text"][index]),
                "ring": scale[rings[index]],
                "type": trace["type"],
                "custom": [str(c) for c in custom],
                "hover": rendered_hover(trace["hovertemplate"], custom),
            }
    return found


def rendered_hover(template: str, custom: list) -> str:
    """The hover text plotly shows: the template with its %{customdata[i]} fields filled in."""
    text = re.sub(r"%\{customdata\[(\d+)\]\}", lambda m: str(custom[int(m.group(1))]), template)
    return text.replace("<extra></extra>", "")


def _values(array) -> list:
    """Plotly 7 writes numpy arrays as base64 typed arrays; decode for assertions."""
    if isinstance(array, dict) and "bdata" in array:
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"])).tolist()
    return list(array)


def lane_labels(fig: dict) -> list[str]:
    """The lanes' labels, top to bottom (the y axis also labels each row when there are few records)."""
    return list(fig["layout"]["meta"]["lane_labels"])


def tick_labels(fig: dict) -> dict[float, str]:
    """y value -> the y axis's label there."""
    axis = fig["layout"]["yaxis"]
    return dict(zip(_values(axis["tickvals"]), axis["ticktext"], strict=True))


def lane_of(fig: dict, record_id: str) -> str:
    """The label of the lane band (background shape) the record's marker lies in."""
    y = markers(fig)[record_id]["y"]
    bands = [s for s in fig["layout"]["shapes"] if s["type"] == "rect" and s["yref"] == "y"]
    labels = lane_labels(fig)
    assert len(bands) == len(labels)
    for band, label in zip(bands, labels, strict=True):
        if band["y0"] <= y <= band["y1"]:
            return label
    raise AssertionError(f"{record_id} at y={y} is in no lane")


def segments(trace: dict) -> list[list[tuple[str, float]]]:
    """Polyline pieces of a lines trace (NaN or None separates them), x as 'YYYY-MM-DD HH:MM:SS'."""
    pieces: list[list[tuple[str, float]]] = [[]]
    for x, y in zip(_values(trace["x"]), _values(trace["y"]), strict=True):
        if x is None or x != x:
            pieces.append([])
        else:
            pieces[-1].append((iso(x), y))
    return [p for p in pieces if p]


# --- lanes ------------------------------------------------------------------------------------------------------


def test_lanes_are_the_tops_of_the_actor_hierarchy(dataset: Dataset) -> None:
    fig = figure_dict(dataset)
    assert sorted(lane_labels(fig)) == ["Azerbaijan", "BBC", "Iran", "Unattributed events"]
    assert fig["layout"]["meta"]["lanes"][-1] == "unattributed"  # actorless events come last


@pytest.mark.parametrize(
    ("group", "record_id", "lane"),
    [
        # Two levels down (general staff -> armed forces -> Iran) still lands in Iran's lane.
        ("hierarchy", "st-denial", "Iran"),
        ("hierarchy", "ev-impact", "Iran"),
        ("hierarchy", "st-false-flag", "Iran"),
        ("hierarchy", "st-mfa-claim", "Azerbaijan"),
        ("hierarchy", "ev-trucks", "Azerbaijan"),
        ("hierarchy", "st-bbc", "BBC"),
        ("hierarchy", "ev-unattributed", "Unattributed events"),
        ("country", "st-bbc", "GBR"),  # no state actor names the United Kingdom: its code
        ("country", "st-denial", "Iran"),
        ("actor", "st-denial", "IR General Staff"),
        ("actor", "st-mfa-claim", "AZ Foreign Ministry"),
        ("actor", "st-mod-count", "AZ Defence Ministry"),
    ],
)
def test_each_grouping_puts_a_record_in_its_lane(dataset: Dataset, group: str, record_id: str, lane: str) -> None:
    fig = figure_dict(dataset, group=group)
    assert fig["layout"]["meta"]["group"] == group
    assert lane_of(fig, record_id) == lane


def test_lanes_follow_the_data_not_a_list(dataset: Dataset) -> None:
    """A hierarchy the code has never seen gives its own lane, labelled by its top actor."""
    extra = {
        "arm": Actor(id="arm", name="Republic of Armenia", short_name="Armenia", kind="state", country="ARM"),
        "arm-mfa": Actor(id="arm-mfa", name="Armenian MFA", kind="government-body", country="ARM", parent="arm"),
    }
    statement = Statement(
        id="st-armenia",
        speaker="arm-mfa",
        kind="demand",
        when=When(start=dt.date(2026, 3, 6), precision="day"),
        paraphrase="Armenia called for restraint.",
        via=["article"],
        incidents=[INCIDENT],
    )
    statements = {**dataset.statements, "st-armenia": statement}
    data = replace(dataset, actors={**dataset.actors, **extra}, statements=statements)
    assert data.actor_index.top("arm-mfa") == "arm"
    fig = figure_dict(data)
    assert "Armenia" in lane_labels(fig)
    assert lane_of(fig, "st-armenia") == "Armenia"
    assert markers(fig)["st-armenia"]["symbol"] == KIND_SYMBOLS["demand"]


def test_an_unknown_grouping_falls_back_to_the_hierarchy(dataset: Dataset) -> None:
    assert figure_dict(dataset, group="nonsense")["layout"]["meta"]["group"] == "hierarchy"


def test_records_sharing_a_window_in_a_lane_get_their_own_rows(dataset: Dataset) -> None:
    fig = figure_dict(dataset)
    found = markers(fig)
    # ev-impact and the approximate launch overlap in time in Iran's lane: different rows.
    assert found["ev-impact"]["y"] != found["ev-launch"]["y"]
    azerbaijan = [found[i]["y"] for i in ("ev-trucks", "st-president", "st-mfa-claim", "st-mod-count")]
    # The truck halt (two days) and the president (that whole day) overlap everything else in the lane.
    assert found["ev-trucks"]["y"] not in azerbaijan[1:]
    assert found["st-president"]["y"] not in (azerbaijan[0], azerbaijan[2], azerbaijan[3])


# --- markers ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("record_id", "symbol", "flags"),
    [
        ("ev-impact", "square", FLAG_DISCREPANCY),
        ("st-mfa-claim", "circle", FLAG_DISCREPANCY),
        ("st-denial", "x", ""),
        ("st-president", "triangle-up", ""),
        ("st-false-flag", "diamond", ""),
        ("ev-launch", "square-open", FLAG_APPROXIMATE),  # approximate times are hollow and marked
        ("st-repeated-denial", "x", FLAG_UNDATED),
    ],
)
def test_marker_symbol_and_flags(dataset: Dataset, record_id: str, symbol: str, flags: str) -> None:
    marker = markers(figure_dict(dataset))[record_id]
    assert (marker["symbol"], marker["text"]) == (symbol, flags)


def test_marker_symbols_follow_the_record_kind(dataset: Dataset) -> None:
    found = markers(figure_dict(dataset))
    # Every symbol used is the one for its kind.
    kinds = {**{e: "event" for e in dataset.events}, **{s.id: s.kind for s in dataset.statements.values()}}
    for record_id, marker in found.items():
        assert marker["symbol"].removesuffix("-open") == KIND_SYMBOLS[kinds[record_id]]


def test_customdata_carries_record_and_incident_ids(dataset: Dataset) -> None:
    fig = figure_dict(dataset)
    found = markers(fig)
    assert set(found) == set(dataset.events) | set(dataset.statements)
    for record_id, marker in found.items():
        assert marker["custom"][:2] == [record_id, INCIDENT]
    # Marker traces, not lines: box and lasso need them.
    for trace in record_traces(fig):
        assert trace["mode"].startswith("markers")
    assert fig["layout"]["meta"]["records"] == len(found)


def test_day_precision_is_a_span_across_the_day(dataset: Dataset) -> None:
    fig = figure_dict(dataset)
    found = markers(fig)
    spans = [t for t in fig["data"] if str(t.get("uid", "")).startswith("span-")]
    pieces = [(p[0], p[-1]) for t in spans for p in segments(t)]
    impact = found["ev-impact"]
    assert (("2026-03-05 00:00:00", impact["y"]), ("2026-03-06 00:00:00", impact["y"])) in pieces
    assert impact["x"] == "2026-03-05 12:00:00"  # the marker only holds the span's middle
    # A 'days' window with an inclusive end date spans both days.
    trucks = found["ev-trucks"]
    assert (("2026-03-05 00:00:00", trucks["y"]), ("2026-03-07 00:00:00", trucks["y"])) in pieces
    # Hour precision is a point: no span under its marker (its row may hold other records' spans elsewhere).
    denial = found["st-denial"]
    assert not [(a, b) for a, b in pieces if a[1] == denial["y"] and a[0] <= denial["x"] <= b[0]]
    # Approximate spans are dotted.
    assert all(t["line"]["dash"] == ("solid" if t["uid"].endswith("solid") else "dot") for t in spans)


def test_undated_records_sit_at_their_latest_date_with_a_lead_in(dataset: Dataset) -> None:
    fig = figure_dict(dataset)
    marker = markers(fig)["st-repeated-denial"]
    assert FLAG_UNDATED in marker["text"]
    assert marker["x"] == "2026-03-07 00:00:00"  # end of 6 March, its latest date
    lead_ins = [t for t in fig["data"] if str(t.get("uid", "")).endswith("-undated")]
    ends = [(p[-1][0], p[-1][1]) for t in lead_ins for p in segments(t)]
    assert ("2026-03-07 00:00:00", marker["y"]) in ends


def test_discrepancies_are_flagged_and_named_in_the_hover(dataset: Dataset) -> None:
    found = markers(figure_dict(dataset))
    for record_id in ("ev-impact", "st-mfa-claim"):
        assert FLAG_DISCREPANCY in found[record_id]["text"]
        assert found[record_id]["ring"] == DISCREPANCY_COLOUR
        assert "Discrepancy:" in found[record_id]["hover"]
        assert "Thursday" in found[record_id]["hover"]
    assert FLAG_DISCREPANCY not in found["st-denial"]["text"]
    assert found["st-denial"]["ring"] != DISCREPANCY_COLOUR


@pytest.mark.parametrize(
    ("record_id", "fragment"),
    [
        ("ev-impact", "<b>Drone hits near the airport building</b>"),
        ("ev-impact", "Time: Wednesday (March 5)"),  # the time exactly as reported
        ("ev-impact", "known only to the day: drawn across the window"),
        ("ev-impact", "— IR Armed Forces"),
        ("ev-impact", "First source: Azerbaijan accuses Iran of drone attack"),
        ("ev-launch", "approximately; known to the hour"),
        ("st-denial", "denial — IR General Staff"),
        ("st-false-flag", "First source: BBC report"),  # the nearest source of the chain
        ("st-repeated-denial", "undated: only a latest date is known; drawn at that date"),
    ],
)
def test_hover_has_title_time_text_precision_actor_and_first_source(
    dataset: Dataset, record_id: str, fragment: str
) -> None:
    assert fragment in markers(figure_dict(dataset))[record_id]["hover"]


def test_hover_escapes_record_text(dataset: Dataset) -> None:
    hostile = dataset.statements["st-denial"].model_copy(
        update={"paraphrase": '<a href="javascript:alert(1)">x</a><img src=x onerror=alert(1)>'}
    )
    data = replace(dataset, statements={**dataset.statements, "st-denial": hostile})
    hover = markers(figure_dict(data))["st-denial"]["hover"]
    assert "<a" not in hover and "<img" not in hover
    assert "&lt;a href=" in hover


def test_responds_to_is_drawn_as_connectors_with_arrowheads(dataset: Dataset) -> None:
    fig = figure_dict(dataset)
    found = markers(fig)
    connectors = [t for t in fig["data"] if t.get("uid") == "connectors"]
    assert len(connectors) == 1
    pieces = segments(connectors[0])
    pairs = {(p[0], p[-1]) for p in pieces}
    expected = [("st-mfa-claim", "st-denial"), ("st-mfa-claim", "st-false-flag"), ("st-president", "st-false-flag")]
    assert len(pieces) == len(expected)
    for source, target in expected:
        start = (found[source]["x"], found[source]["y"])
        ys = {p[-1][1] for p in pieces if p[0] == start}
        assert found[target]["y"] in ys, (source, target, pairs)
    arrows = fig["layout"]["annotations"]
    assert len(arrows) == len(expected)
    assert {(a["x"], a["y"]) for a in arrows} == {
        (found[t]["x"], found[t]["y"]) for _, t in expected
    }


def test_connectors_skip_answers_to_filtered_out_statements(dataset: Dataset) -> None:
    fig = figure_dict(dataset, FilterValue(actors=("irn",)))
    assert not [t for t in fig["data"] if t.get("uid") == "connectors"]
    assert list(fig["layout"].get("annotations", [])) == []
    # Iran's records answer Azerbaijan's, which the actor filter leaves out.
    assert set(markers(fig)) == {"ev-impact", "ev-launch", "st-denial", "st-false-flag", "st-repeated-denial"}


def test_date_filter_is_the_visible_window(dataset: Dataset) -> None:
    value = FilterValue(date_from=dt.date(2026, 3, 4), date_to=dt.date(2026, 3, 10))
    fig = figure_dict(dataset, value)
    assert fig["layout"]["xaxis"]["range"] == ["2026-03-04 00:00:00", "2026-03-11 00:00:00"]
    unfiltered = figure_dict(dataset)["layout"]["xaxis"]["range"]
    assert unfiltered[0] < "2026-03-05" and unfiltered[1] > "2026-03-07"


def test_webgl_for_large_views_and_an_empty_view_builds(dataset: Dataset) -> None:
    assert {t["type"] for t in record_traces(figure_dict(dataset))} == {"scatter"}
    assert {t["type"] for t in record_traces(figure_dict(dataset, webgl=True))} == {"scattergl"}
    empty = figure_dict(dataset, FilterValue(text="no record says this"))
    assert record_traces(empty) == []
    assert empty["layout"]["yaxis"]["ticktext"] == []
    assert lane_labels(empty) == []


def test_colour_follows_country_and_is_stable_under_filters(dataset: Dataset) -> None:
    full = {t["name"]: t["marker"]["color"] for t in record_traces(figure_dict(dataset))}
    iran_only = record_traces(figure_dict(dataset, FilterValue(actors=("irn",))))
    only_iran = {t["name"]: t["marker"]["color"] for t in iran_only}
    assert set(only_iran) == {"Iran"}
    assert only_iran["Iran"] == full["Iran"]
    assert full["Iran"] != full["Azerbaijan"]
    legend = [t["name"] for t in figure_dict(dataset)["data"] if str(t.get("uid", "")).startswith("key-country-")]
    assert legend == ["Azerbaijan", "GBR", "Iran", "No country"]


def test_selected_ids_reads_customdata_and_ignores_the_rest() -> None:
    event = {
        "selection": {
            "points": [
                {"customdata": ["st-denial", INCIDENT]},
                {"curve_number": 3},
                {"customdata": ["ev-impact", INCIDENT]},
                {"customdata": ["st-denial", INCIDENT]},
            ]
        }
    }
    assert selected_ids(event) == ["st-denial", "ev-impact"]


class _Attributes:
    """An event read by attribute, as Streamlit's state objects also allow."""

    def __init__(self, **values: object) -> None:
        self.__dict__.update(values)


@pytest.mark.parametrize(
    ("event", "ids"),
    [
        (None, []),
        ({"selection": {"points": []}}, []),
        ({"selection": None}, []),
        ({"selection": {"points": 3}}, []),  # not a list of points
        ({"selection": {"points": [{"customdata": "ev-impact"}, {"customdata": ""}]}}, ["ev-impact"]),
        ({"selection": {"points": [{"customdata": [7, "x"]}, {"customdata": []}]}}, []),
        (_Attributes(selection=_Attributes(points=[_Attributes(customdata=["st-bbc", INCIDENT])])), ["st-bbc"]),
    ],
)
def test_selected_ids_of_odd_events(event: object, ids: list[str]) -> None:
    assert selected_ids(event) == ids


def test_discrepancies_by_record_look_up_what_concerns_a_record(dataset: Dataset) -> None:
    assert discrepancies_by_record(dataset) == {"ev-impact": ["weekday-mismatch"], "st-mfa-claim": ["weekday-mismatch"]}


# --- table and CSV -----------------------------------------------------------------------------------------------


def test_table_is_chronological_with_a_precision_column(dataset: Dataset) -> None:
    frame = timeline_frame(dataset, apply_filter(dataset, FilterValue()))
    assert list(frame.columns) == list(TABLE_COLUMNS)
    assert len(frame) == len(dataset.events) + len(dataset.statements)
    precision = dict(zip(frame["Id"], frame["Precision"], strict=True))
    assert precision["ev-impact"] == "day"
    assert precision["ev-launch"] == "~hour"
    assert precision["st-denial"] == "hour"
    assert precision["st-repeated-denial"] == "undated"
    assert precision["ev-trucks"] == "days"
    dated = frame.dropna(subset=["From (UTC)"])
    assert dated["From (UTC)"].is_monotonic_increasing
    row = frame.set_index("Id").loc["ev-impact"]
    assert row["Until (UTC)"] == pd.Timestamp("2026-03-05 23:59:59")
    assert row["Lane"] == "Iran" and row["Discrepancies"].startswith("'Wednesday (March 5)'")


def test_an_empty_view_gives_an_empty_table_with_every_column(dataset: Dataset) -> None:
    frame = timeline_frame(dataset, apply_filter(dataset, FilterValue(text="no record says this")))
    assert frame.empty and list(frame.columns) == list(TABLE_COLUMNS)
    assert timeline_csv(frame).decode("utf-8-sig").strip() == ",".join(TABLE_COLUMNS)


def test_csv_is_exactly_the_table(dataset: Dataset) -> None:
    frame = timeline_frame(dataset, apply_filter(dataset, FilterValue(kinds=("denial", "event"))))
    data = timeline_csv(frame)
    assert data.startswith("\ufeff".encode())
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False)
    assert list(back.columns) == list(frame.columns)
    assert list(back["Id"]) == list(frame["Id"])
    assert list(back["Precision"]) == list(frame["Precision"])
    assert set(back["Kind"]) == {"denial", "event"}
    assert back.loc[back["Id"] == "ev-impact", "From (UTC)"].item() == "2026-03-05T00:00:00Z"


def test_csv_neutralises_formulas(dataset: Dataset) -> None:
    hostile = dataset.statements["st-denial"].model_copy(update={"paraphrase": '=HYPERLINK("http://x","y")'})
    data = replace(dataset, statements={**dataset.statements, "st-denial": hostile})
    frame = timeline_frame(data, apply_filter(data, FilterValue()))
    back = pd.read_csv(io.BytesIO(timeline_csv(frame)), encoding="utf-8-sig", keep_default_na=False)
    assert back.loc[back["Id"] == "st-denial", "Record"].item() == "'=HYPERLINK(\"http://x\",\"y\")"


@pytest.mark.parametrize(
    ("value", "name"),
    [
        (
            FilterValue(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 10)),
            "timeline_2026-03-01_2026-03-10.csv",
        ),
        (FilterValue(), "timeline_all-dates.csv"),
        (FilterValue(date_from=dt.date(2026, 3, 1)), "timeline_2026-03-01_end.csv"),
        (FilterValue(date_to=dt.date(2026, 3, 10)), "timeline_start_2026-03-10.csv"),
        (
            FilterValue(actors=("irn", "aze-mfa"), kinds=("denial",), text="False flag?/../"),
            "timeline_all-dates_actor-irn-aze-mfa_kind-denial_q-false-flag.csv",
        ),
        (FilterValue(record="st-denial", incident=INCIDENT), "timeline_all-dates.csv"),  # selections are no filter
    ],
)
def test_csv_name_carries_the_filter(value: FilterValue, name: str) -> None:
    assert timeline_csv_name(value) == name


def test_symbol_codes_are_plotlys() -> None:
    from plotly.validator_cache import ValidatorCache

    values = ValidatorCache.get_validator("scatter.marker", "symbol").values
    numbers = {values[i + 2]: values[i] for i in range(0, len(values), 3)}
    for name, code in SYMBOL_CODES.items():
        assert numbers[name] == code, name
        assert numbers[name + "-open"] == code + 100


def test_a_large_view_is_webgl_and_serialises() -> None:
    """The unvalidated fast path (above GL_THRESHOLD records) still gives a complete, serialisable figure."""
    import importlib.util

    import plotly.io

    from tests.conftest import ROOT

    spec = importlib.util.spec_from_file_location("bench_timeline", ROOT / "bench" / "bench_timeline.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    data = bench.synthetic(records=1_500, incidents=20)
    view = apply_filter(data, FilterValue())
    fig = build_timeline_figure(data, view)
    as_dict = fig.to_dict()
    assert {t["type"] for t in record_traces(as_dict)} == {"scattergl"}
    found = markers(as_dict)
    assert set(found) == set(data.events) | set(data.statements)
    text = plotly.io.to_json(as_dict, validate=False)
    assert '"bdata"' in text and len(text) > 100_000


def test_markers_stay_inside_the_visible_window(dataset: Dataset) -> None:
    """A window running past the date filter keeps its full bar, but its marker sits in the visible part."""
    fig = figure_dict(dataset, FilterValue(date_from=dt.date(2026, 3, 5), date_to=dt.date(2026, 3, 5)))
    found = markers(fig)
    assert found["ev-trucks"]["x"] == "2026-03-05 12:00:00"  # window 5–6 March, visible 5 March only
    spans = [p for t in fig["data"] if str(t.get("uid", "")).startswith("span-") for p in segments(t)]
    assert [("2026-03-05 00:00:00", found["ev-trucks"]["y"]), ("2026-03-07 00:00:00", found["ev-trucks"]["y"])] in spans
    low, high = fig["layout"]["xaxis"]["range"]
    for marker in found.values():
        assert low <= marker["x"] <= high


def test_lane_and_legend_labels_are_escaped(dataset: Dataset) -> None:
    hostile = dataset.actors["irn"].model_copy(update={"short_name": '<a href="javascript:alert(1)">Iran</a>'})
    data = replace(dataset, actors={**dataset.actors, "irn": hostile})
    fig = figure_dict(data)
    labels = list(fig["layout"]["yaxis"]["ticktext"]) + [t.get("name", "") for t in fig["data"]]
    assert not [label for label in labels if "<a" in label]
    assert '&lt;a href="javascript:alert(1)"&gt;Iran&lt;/a&gt;' in lane_labels(fig)
    # The lane's header row on the y axis, and the rows of Iran's own statements, carry it escaped too.
    escaped = '&lt;a href="javascript:alert(1)"&gt;Iran&lt;/a&gt;'
    assert sum(escaped in label for label in fig["layout"]["yaxis"]["ticktext"]) == 3  # header + two statements


# --- row labels ---------------------------------------------------------------------------------------------------


def test_each_row_is_labelled_with_its_record(dataset: Dataset) -> None:
    """Few records: one row each, labelled "speaker · kind" (short name, else name) or with the event's title."""
    fig = figure_dict(dataset)
    assert fig["layout"]["meta"]["row_labels"] is True
    found = markers(fig)
    ticks = tick_labels(fig)
    assert ticks[found["st-mfa-claim"]["y"]] == "AZ Foreign Ministry · claim"
    assert ticks[found["st-denial"]["y"]] == "IR General Staff · denial"
    assert ticks[found["st-false-flag"]["y"]] == "Iran · alternative explanation"
    assert ticks[found["st-bbc"]["y"]] == "BBC · claim"  # no short name: the name
    assert ticks[found["ev-impact"]["y"]] == "Drone hits near the airport building"
    assert ticks[found["ev-unattributed"]["y"]] == "Damage to a school reported"
    # Every record has a row of its own, and every row a label.
    ys = [marker["y"] for marker in found.values()]
    assert len(set(ys)) == len(ys)
    assert set(ys) <= set(ticks)
    # Each lane's name heads its rows (bold), at the top of its band.
    bands = [s for s in fig["layout"]["shapes"] if s["type"] == "rect" and s["yref"] == "y"]
    for band, label in zip(bands, lane_labels(fig), strict=True):
        headers = [text for y, text in ticks.items() if band["y0"] <= y <= band["y1"] and "<b>" in text]
        assert len(headers) == 1 and f"<b>{label}</b>" in headers[0]
        assert min(y for y in ticks if band["y0"] <= y <= band["y1"]) == next(
            y for y, text in ticks.items() if text == headers[0]
        )


def test_rows_within_a_lane_run_in_time_order(dataset: Dataset) -> None:
    found = markers(figure_dict(dataset))
    iran = ["ev-launch", "ev-impact", "st-denial", "st-false-flag", "st-repeated-denial"]
    ordered = sorted(iran, key=lambda i: found[i]["y"])
    # The launch (about 05:00–08:00 UTC) starts after the impact's day begins; the undated denial comes last.
    assert ordered == ["ev-impact", "ev-launch", "st-denial", "st-false-flag", "st-repeated-denial"]


def test_row_labels_are_escaped_and_shortened(dataset: Dataset) -> None:
    hostile_actor = dataset.actors["irn-general-staff"].model_copy(update={"short_name": "<b>IR</b> & <i>co</i>"})
    long_title = "<img src=x onerror=alert(1)> " + "a very long event title " * 5
    hostile_event = dataset.events["ev-impact"].model_copy(update={"title": long_title})
    data = replace(
        dataset,
        actors={**dataset.actors, "irn-general-staff": hostile_actor},
        events={**dataset.events, "ev-impact": hostile_event},
    )
    fig = figure_dict(data)
    found = markers(fig)
    ticks = tick_labels(fig)
    assert ticks[found["st-denial"]["y"]] == "&lt;b&gt;IR&lt;/b&gt; &amp; &lt;i&gt;co&lt;/i&gt; · denial"
    event_label = ticks[found["ev-impact"]["y"]]
    # Shortened at a word boundary, then escaped.
    assert event_label == "&lt;img src=x onerror=alert(1)&gt; a very…"
    assert len(event_label.replace("&lt;", "<").replace("&gt;", ">")) <= ROW_LABEL_CHARS
    # The only markup left on the axis is the lane headers' own.
    for text in ticks.values():
        assert "<img" not in text and "<i>" not in text
        assert text.replace('<span style="font-size:14px"><b>', "").replace("</b></span>", "").count("<") == 0


def _bench_dataset(records: int) -> Dataset:
    import importlib.util

    from tests.conftest import ROOT

    spec = importlib.util.spec_from_file_location("bench_timeline", ROOT / "bench" / "bench_timeline.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench.synthetic(records=records, incidents=5)


def test_many_records_fall_back_to_lane_labels() -> None:
    """Above ROW_LABEL_MAX records rows are packed and only the lanes are labelled, once each."""
    few = _bench_dataset(ROW_LABEL_MAX)
    fig = figure_dict(few)
    assert fig["layout"]["meta"]["row_labels"] is True
    assert len(fig["layout"]["yaxis"]["ticktext"]) == ROW_LABEL_MAX + len(lane_labels(fig))

    many = _bench_dataset(ROW_LABEL_MAX + 1)
    fig = figure_dict(many)
    assert fig["layout"]["meta"]["records"] == ROW_LABEL_MAX + 1
    assert fig["layout"]["meta"]["row_labels"] is False
    assert list(fig["layout"]["yaxis"]["ticktext"]) == lane_labels(fig)
    assert len(lane_labels(fig)) == len(fig["layout"]["meta"]["lanes"])
    # Packed: some records share a row.
    ys = [marker["y"] for marker in markers(fig).values()]
    assert len(set(ys)) < len(ys)


def test_undated_marker_stays_inside_a_window_that_ends_at_its_latest_date(dataset: Dataset) -> None:
    """The undated denial's latest date is 6 March, the last day shown: its marker sits inside the right edge."""
    fig = figure_dict(dataset, FilterValue(date_from=dt.date(2026, 3, 5), date_to=dt.date(2026, 3, 6)))
    marker = markers(fig)["st-repeated-denial"]
    low, high = fig["layout"]["xaxis"]["range"]
    assert high == "2026-03-07 00:00:00"
    assert low < marker["x"] < high
    assert FLAG_UNDATED in marker["text"]
    # The legend explains the mark.
    keys = [t["name"] for t in fig["data"] if t.get("legend") == "legend2"]
    assert any(name.startswith(f"{FLAG_UNDATED} undated") for name in keys)
