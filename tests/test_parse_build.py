"""The one-pass walk builds exactly what PyYAML's safe constructor builds (values and their types), and hands the
files it does not build (tagged collections, merge keys, complex keys) to that constructor."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from incidents.load.parse import parse_file

ROOT = Path(__file__).resolve().parents[1]
CASES = {
    "plain scalars": "a: 1\nb: 2.5\nc: true\nd: ~\ne: 2026-03-05\nf: 2026-03-05T10:00:00+04:00\ng: text\nh: '1'\n",
    # `.inf` and `.nan` are refused since issue 23 (BAD_VALUE: no record number is infinite)
    "other number forms": "a: 0x1F\nb: 1e3\nc: -.5\nd: 1_000\ne: 0o17\n",
    "tagged scalars": "a: !!str 2\nb: !!int '7'\nc: !!float 3\nd: !!binary aGVsbG8=\n",
    "repeated key: the last wins": "a: 1\nb: x\na: 2\n",
    "non-string keys": "1: a\ntrue: b\n2026-03-05: c\n~: d\n",
    "nested lists and maps": "a:\n  - {b: [1, 2, {c: d}]}\n  - []\n  - {}\n",
    "merge key": "m:\n  <<: {y: 2}\n  z: 3\n",
    "tagged collections": "s: !!set {a, b}\no: !!omap [{a: 1}]\np: !!pairs [{a: 1}]\n",
}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_built_like_pyyaml(text: str) -> None:
    parsed = parse_file(text.encode(), "t.yaml", "incident", [])
    assert parsed is not None
    assert repr(parsed.data) == repr(yaml.load(text, Loader=yaml.CSafeLoader))


@pytest.mark.parametrize("path", sorted((ROOT / "data").rglob("*.yaml")), ids=lambda p: p.name)
def test_shipped_files_built_like_pyyaml(path: Path) -> None:
    parsed = parse_file(path.read_bytes(), str(path), "incident", [])
    assert parsed is not None
    assert repr(parsed.data) == repr(yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader))


def test_repeated_key_reported_whether_built_or_handed_over() -> None:
    for text in ("a: 1\na: 2\n", "a: 1\na: 2\nm: {<<: {b: 1}}\n"):
        problems: list = []
        parse_file(text.encode(), "t.yaml", "incident", problems)
        assert [p.code for p in problems] == ["DUPLICATE_KEY"]


@pytest.mark.parametrize("text", ["a: !foo bar\n", "? [1, 2]\n: x\n"], ids=["unknown tag", "list as a key"])
def test_what_pyyaml_cannot_build_is_a_syntax_problem(text: str) -> None:
    with pytest.raises(yaml.YAMLError):
        yaml.load(text, Loader=yaml.CSafeLoader)
    problems: list = []
    assert parse_file(text.encode(), "t.yaml", "incident", problems) is None
    assert [p.code for p in problems] == ["YAML_SYNTAX"]
