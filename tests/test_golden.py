"""Behaviour is unchanged: every builder's output on the shipped data and the fixtures equals its golden file.

A deliberate change regenerates them (`python -m tests.golden.build`) in a commit of its own that says why.
"""

from __future__ import annotations

import difflib

import pytest

from tests.golden.build import OUT, build


@pytest.fixture(scope="module")
def outputs() -> dict[str, str]:
    return build()


def test_every_golden_file_is_built(outputs: dict[str, str]) -> None:
    on_disk = {path.name for path in OUT.iterdir()}
    assert on_disk == set(outputs), {"missing": sorted(on_disk - set(outputs)), "new": sorted(set(outputs) - on_disk)}


@pytest.mark.parametrize("name", sorted(path.name for path in OUT.iterdir()))
def test_output_equals_golden(outputs: dict[str, str], name: str) -> None:
    expected = (OUT / name).read_bytes().decode("utf-8")
    actual = outputs.get(name)
    assert actual is not None, f"{name} is no longer built"
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True), actual.splitlines(keepends=True), "golden", "now", n=1
            )
        )
        pytest.fail(f"{name} differs from its golden file:\n{diff[:4000]}")
