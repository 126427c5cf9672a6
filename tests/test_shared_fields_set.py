"""Models share what pydantic makes per model (`Record._share_layouts`): one set of the field names they were given
(a restored server at 1,000 incidents went from 415 to 353 MB), and the keys of their dictionaries (32 MB more).
What must not change: what `exclude_unset` dumps, equality, copies with updates, cached properties, the bound a
hostile file cannot push past, and a model's values when its dictionary is not the template's."""

from __future__ import annotations

import sys
from typing import Any

import pytest

import incidents.model.fields as fields
from incidents.model.records import Statement

BASE: dict[str, Any] = {
    "id": "st-one", "speaker": "aze-mfa", "kind": "claim", "when": {"start": "2026-03-05", "precision": "day"},
    "paraphrase": "Said something.", "via": ["src-one"],
}


def statement(**extra: Any) -> Statement:
    return Statement.model_validate({**BASE, **extra})


@pytest.mark.parametrize(
    ("first", "second", "shared"),
    [
        ({}, {"id": "st-two"}, True),  # the same fields given: one set
        ({}, {"id": "st-two", "note": "A note."}, False),  # another field given: sets of their own
        ({"note": "A."}, {"id": "st-two", "note": "B."}, True),  # the same names, other values: one set
    ],
)
def test_models_given_the_same_fields_share_one_set(first: dict[str, Any], second: dict[str, Any],
                                                    shared: bool) -> None:
    one, two = statement(**first), statement(**second)
    assert (one.model_fields_set is two.model_fields_set) is shared
    assert one.model_fields_set == set(BASE) | set(first)
    assert two.model_fields_set == set(BASE) | set(second)
    # Nested models share theirs too: both times were given the same two fields.
    assert one.when.model_fields_set is two.when.model_fields_set


def test_a_shared_set_dumps_what_each_model_was_given() -> None:
    plain, noted = statement(), statement(id="st-two", note="A note.")
    assert "note" not in plain.model_dump(exclude_unset=True)
    assert noted.model_dump(exclude_unset=True)["note"] == "A note."
    assert Statement.model_validate_json(noted.model_dump_json(exclude_unset=True)) == noted


def test_a_copy_with_updates_leaves_the_shared_set_alone() -> None:
    one, two = statement(), statement(id="st-two")
    copied = one.model_copy(update={"note": "Added."})
    assert "note" in copied.model_fields_set
    assert "note" not in one.model_fields_set and "note" not in two.model_fields_set
    assert one.model_fields_set is two.model_fields_set


def test_past_the_bound_a_model_keeps_its_own_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fields, "_SHARED_FIELD_SETS", {})
    monkeypatch.setattr(fields, "MAX_SHARED_FIELD_SETS", 2)  # the statement's and its time's
    one, two = statement(), statement(id="st-two")
    assert one.model_fields_set is two.model_fields_set
    noted, again = statement(note="A."), statement(id="st-two", note="B.")
    assert len(fields._SHARED_FIELD_SETS) == 2
    assert noted.model_fields_set == again.model_fields_set == set(BASE) | {"note"}
    assert noted.model_fields_set is not again.model_fields_set


def test_a_models_dictionary_shares_its_keys_with_its_classs() -> None:
    one, two = statement(), statement(id="st-two", note="A note.")
    for model in (one, two, one.when, two.when):
        ordinary = dict(model.__dict__)
        assert model.__dict__ == ordinary
        assert sys.getsizeof(model.__dict__) < sys.getsizeof(ordinary)  # only its values: the keys are shared
    assert two.note == "A note." and one.note is None and one.id == "st-one" and two.id == "st-two"
    assert one == statement() and one != two
    assert Statement.model_validate_json(two.model_dump_json(exclude_unset=True)) == two


def test_a_compact_dictionary_still_takes_copies_and_cached_properties() -> None:
    one, two = statement(), statement(id="st-two", when={"start": "2026-03-07", "precision": "day"})
    assert str(one.when.first_day) == "2026-03-05" and str(two.when.first_day) == "2026-03-07"  # cached per model
    assert "first_day" in one.when.__dict__ and one.when == statement().when  # cached values leave equality alone
    copied = two.model_copy(update={"note": "Added."})
    assert copied.note == "Added." and two.note is None and copied.id == "st-two"
    with pytest.raises(Exception, match="frozen"):
        one.note = "changed"  # type: ignore[misc]  # the point: a frozen model refuses it


def test_a_dictionary_unlike_the_template_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    # A template with other keys than the model's (as a model holding other than its fields would meet): copying it
    # would give the model a key it does not have, so the model keeps its own dictionary.
    monkeypatch.setattr(fields, "_KEY_SHARING", {Statement: {**dict.fromkeys(Statement.model_fields), "stray": None}})
    kept = statement(note="Kept.")
    assert "stray" not in kept.__dict__ and set(kept.__dict__) == set(Statement.model_fields)
    assert kept.note == "Kept." and kept.id == "st-one" and kept.kind == "claim"
    assert sys.getsizeof(kept.__dict__) == sys.getsizeof(dict(kept.__dict__))
