"""The shared filters as pure code, without Streamlit."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from incidents.load.pipeline import load_dataset
from incidents.model.dataset import Dataset
from incidents.model.queries import record_kind
from incidents.views import filtering
from incidents.views.filtering import FilterValue, View, apply_filter, record_choices
from tests.conftest import DATA, FIXTURES

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


def test_the_same_filter_gives_the_same_view_and_a_new_one_its_own(dataset) -> None:
    first = apply_filter(dataset, FilterValue(text="drone"))
    assert apply_filter(dataset, FilterValue(text="drone", record="st-claim")) is first  # selections never filter
    other = apply_filter(dataset, FilterValue(text="strike"))
    assert other is not first and ids(other) != ids(first)


def test_views_kept_are_bounded(dataset) -> None:
    index = filtering.filter_index(dataset)
    for day in range(index.VIEWS_KEPT + 5):
        apply_filter(dataset, FilterValue(date_from=dt.date(2026, 1, 1) + dt.timedelta(days=day)))
    assert len(index._views) == index.VIEWS_KEPT


def _records_of(dataset, incident: str) -> set[str]:
    return {e.id for e in dataset.events.values() if e.incident == incident} | {
        s.id for s in dataset.statements.values() if incident in s.incidents
    }


@pytest.mark.parametrize(
    ("limit", "incident", "current", "expect"),
    [
        (1000, None, None, "all"),  # few records: every one is offered
        (1000, "fixture-incident", None, "all"),
        (1, "fixture-incident", None, "incident"),  # many: those of the chosen incident
        (1, None, None, "incident"),  # many, no choice: those of the most recent incident
        (1, "no-such-incident", None, "incident"),
        (1, "fixture-incident", "st-claim", "incident"),
        (1, "fixture-incident", "unknown-record", "incident"),  # an unknown `rec` is not offered
    ],
)
def test_record_choices(dataset, monkeypatch, limit, incident, current, expect) -> None:
    monkeypatch.setattr(filtering, "RECORD_CHOICES_MAX", limit)
    offered = record_choices(dataset, incident, current)
    everything = set(dataset.events) | set(dataset.statements)
    wanted = everything if expect == "all" else _records_of(dataset, "fixture-incident")
    if current in everything:
        wanted = wanted | {current}
    assert set(offered) == wanted and offered == sorted(offered)


def test_record_choices_keep_the_current_record_of_another_incident(monkeypatch) -> None:
    data = load_dataset(DATA)
    monkeypatch.setattr(filtering, "RECORD_CHOICES_MAX", 1)
    latest = max(data.incidents.values(), key=lambda i: i.when.start_dt).id
    elsewhere = next(s.id for s in data.statements.values() if latest not in s.incidents)
    offered = record_choices(data, None, elsewhere)
    assert elsewhere in offered and set(offered) - {elsewhere} == _records_of(data, latest)


def test_derive_makes_once_per_key_and_view(dataset) -> None:
    made: list[str] = []

    def make(label: str) -> str:
        made.append(label)
        return label.upper()

    view = apply_filter(dataset, FilterValue(kinds=("claim",)))
    assert view.derive(("table", "a"), lambda: make("a")) == "A"
    assert view.derive(("table", "a"), lambda: make("again")) == "A"  # kept with the view
    assert view.derive(("table", "b"), lambda: make("b")) == "B"  # another key is made anew
    other = apply_filter(dataset, FilterValue(kinds=("denial",)))
    assert other.derive(("table", "a"), lambda: make("other")) == "OTHER"  # another view has its own
    assert made == ["a", "b", "other"]
    assert view == View(view.events, view.statements, view.incidents, view.places)  # derived: not part of equality


@pytest.mark.parametrize("shared", ["view", "dataset"])
def test_derive_makes_once_when_sessions_ask_at_once(shared: str) -> None:
    """A session asking while another makes the same key waits for that one's result instead of making it too (the
    warm-up and a first reader each made the front page's findings); another key is not held up meanwhile."""
    owner = View() if shared == "view" else Dataset()
    started, release = threading.Event(), threading.Event()
    made: list[str] = []

    def slow() -> list[str]:
        made.append("slow")
        started.set()
        assert release.wait(10), "the test never released the first make"
        return ["first"]

    got: dict[str, object] = {}
    first = threading.Thread(target=lambda: got.__setitem__("first", owner.derive("key", slow)))
    first.start()
    assert started.wait(10)
    second = threading.Thread(target=lambda: got.__setitem__("second", owner.derive("key", lambda: ["second"])))
    second.start()
    try:
        assert owner.derive("other", lambda: "not held up") == "not held up"
        second.join(0.2)
        assert second.is_alive(), "the second asker did not wait for the first make"
    finally:
        release.set()
    first.join(10)
    second.join(10)
    assert made == ["slow"] and got["first"] is got["second"] == ["first"]


def test_a_view_asked_for_by_sessions_at_once_is_made_once(dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two sessions asking for the same new filter at once get one view, made once; another filter is not held up
    meanwhile."""
    index = filtering.FilterIndex(dataset)  # its own, so that no other test has made these views
    real_select = filtering._select
    started, release = threading.Event(), threading.Event()
    made: list[filtering.FilterValue] = []

    def slow_select(index: filtering.FilterIndex, value: filtering.FilterValue) -> View:
        made.append(value)
        if value.text == "drone":
            started.set()
            assert release.wait(10), "the test never released the first make"
        return real_select(index, value)

    monkeypatch.setattr(filtering, "_select", slow_select)
    got: dict[str, View] = {}
    wanted = FilterValue(text="drone")
    first = threading.Thread(target=lambda: got.__setitem__("first", index.view(wanted)))
    first.start()
    assert started.wait(10)
    second = threading.Thread(target=lambda: got.__setitem__("second", index.view(FilterValue(text="drone",
                                                                                               record="x"))))
    second.start()
    try:
        assert index.view(FilterValue(kinds=("claim",))).statements  # another filter is made meanwhile
        second.join(0.2)
        assert second.is_alive(), "the second session did not wait for the first one's view"
    finally:
        release.set()
    first.join(10)
    second.join(10)
    assert made == [wanted, FilterValue(kinds=("claim",))]
    assert got["first"] is got["second"] and got["first"] == real_select(index, wanted)
    assert not index._making  # no lock is kept once its view is made


def test_derive_after_a_failed_make_makes_again_and_a_make_may_ask_its_own_key() -> None:
    owner = View()

    def fails() -> str:
        raise ValueError("no")

    with pytest.raises(ValueError):
        owner.derive("key", fails)
    assert owner.derive("key", lambda: "made") == "made"
    # Reentrant: a make that asks for its own key makes it again, as a plain dict did, rather than hang (asked in a
    # thread, so that a hang fails the test instead of stopping the suite).
    got: list[str] = []
    asking = threading.Thread(
        target=lambda: got.append(owner.derive("self", lambda: owner.derive("self", lambda: "inner") + "+outer")),
        daemon=True)
    asking.start()
    asking.join(10)
    assert got == ["inner+outer"]
