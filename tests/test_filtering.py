"""The shared filters as pure code, without Streamlit."""

from __future__ import annotations

import datetime as dt

import pytest

from incidents.filtering import FilterValue, apply_filter
from incidents.loading import load_dataset
from incidents.records import record_kind
from tests.conftest import FIXTURES

VALID = FIXTURES / "validation" / "valid"


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(VALID, today=dt.date(2026, 11, 24))


def ids(view) -> set[str]:
    return {r.id for r in [*view.events, *view.statements]}


def test_no_filter_selects_everything(dataset) -> None:
    view = apply_filter(dataset, FilterValue())
    assert ids(view) == {"ev-impact", "st-claim", "st-denial"}
    assert [i.id for i in view.incidents] == ["fixture-incident"]
    assert [p.id for p in view.places] == ["town-x"]


def test_actor_includes_the_bodies_below_it(dataset) -> None:
    assert dataset.actor_index.descendants(["land-a"]) == {"land-a", "land-a-mod"}
    assert ids(apply_filter(dataset, FilterValue(actors=("land-a",)))) == {"st-claim"}
    assert ids(apply_filter(dataset, FilterValue(actors=("land-a-mod",)))) == {"st-claim"}
    assert ids(apply_filter(dataset, FilterValue(actors=("land-b",)))) == {"st-denial"}


def test_dates_select_by_overlap(dataset) -> None:
    assert ids(apply_filter(dataset, FilterValue(date_from=dt.date(2026, 3, 6)))) == {"st-denial"}
    assert ids(apply_filter(dataset, FilterValue(date_to=dt.date(2026, 3, 5)))) == {"ev-impact", "st-claim"}
    assert ids(apply_filter(dataset, FilterValue(date_from=dt.date(2026, 4, 1)))) == set()


def test_kinds_and_text(dataset) -> None:
    assert ids(apply_filter(dataset, FilterValue(kinds=("event",)))) == {"ev-impact"}
    assert ids(apply_filter(dataset, FilterValue(kinds=("denial", "claim")))) == {"st-claim", "st-denial"}
    assert ids(apply_filter(dataset, FilterValue(text="DENIES"))) == {"st-denial"}
    assert record_kind(dataset.statements["st-denial"]) == "denial"


def test_filters_combine(dataset) -> None:
    value = FilterValue(actors=("land-a",), kinds=("denial",))
    view = apply_filter(dataset, value)
    assert ids(view) == set() and view.incidents == []


def test_selection_never_hides_records(dataset) -> None:
    chosen = FilterValue(incident="fixture-incident", record="st-claim")
    assert ids(apply_filter(dataset, chosen)) == ids(apply_filter(dataset, FilterValue()))


def test_describe_names_every_active_filter() -> None:
    text = FilterValue(dt.date(2026, 3, 1), None, ("irn",), ("denial",), "drone").describe()
    assert "2026-03-01" in text and "irn" in text and "denial" in text and "drone" in text
    assert FilterValue().describe() == "no filter"
