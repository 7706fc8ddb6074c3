"""Values YAML read with Helm's go-yaml rules, checked against helm_python's own reader."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ci_helm.chart.goyaml import load_values, merge_maps
from ci_helm.errors import YamlError

DOCUMENTS = {
    "yaml11-booleans": "a: y\nb: n\nc: yes\nd: On\ne: off\nf: Y\ng: NO\nh: tRUE\ni: o\n",
    "numbers": "a: 1_000\nb: 0755\nc: 0x1F\nd: 0o17\ne: 1e3\nf: 1.5e+3\ng: -0x1F\nh: 0b101\ni: 1.\nj: .5\n"
    "k: 08\nl: +5\nm: 1000000\nn: 12345678901234567890\no: 18446744073709551615\np: -9223372036854775809\n",
    "strings-that-look-typed": "a: 2001-12-14\nb: 2001-12-14T21:59:43.10-05:00\nc: 1:20\nd: 1.5.3\ne: 0x\n"
    "f: 1e\ng: '1'\nh: \"true\"\ni: !!str 12\nj: 2001-13-45\n",
    "keys": "1: a\ntrue: b\n1.5: c\ny: d\nnull_key: e\n~: f\n",
    "merge-keys": "base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n",
    "binary": "data: !!binary aGVsbG8=\n",
    "other-tags": "s: !!set {x, y}\no: !!omap [x: 1, z: 2]\np: !!pairs [x: 1]\nc: !custom 5\n"
    "m: !custom {y: 1}\nl: !custom [1, y]\npy: !!python/name:os.system\n",
    "duplicates": "a: 1\na: 2\nb: {x: 1}\nb: {y: 2}\n",
    "complex-key": "? [1, 2]\n: x\n",
    "nested": "list: [1, '2', 3.5, null, ~, yes, {a: [y, n]}]\nmap: {a: {b: {c: 0}}}\n",
    "empty": "",
    "comments-only": "# nothing\n",
}


def _normalise(value: Any) -> Any:
    return json.loads(json.dumps(value), parse_int=float)


@pytest.mark.parametrize("case", sorted(DOCUMENTS))
def test_values_yaml_reads_like_helm(case: str) -> None:
    import helm_python

    text = DOCUMENTS[case]
    try:
        helms: Any = _normalise(helm_python.values_from_yaml(text))
    except helm_python.HelmError as exc:
        with pytest.raises(YamlError):
            load_values(text)
        assert str(exc)
        return
    assert _normalise(load_values(text)) == helms


def test_documents_merge_in_order_like_helm_load_values() -> None:
    values = load_values("a: {x: 1, z: 2}\nlist: [1]\n---\na: {z: 3}\nlist: [2]\n---\n")
    assert values == {"a": {"x": 1, "z": 3}, "list": [2]}


@pytest.mark.parametrize("text", ["a: .inf\n", "a: .nan\n", "- 1\n", "just a string\n", "a: 1\n---\n- x\n"])
def test_values_helm_cannot_hold_are_errors(text: str) -> None:
    with pytest.raises(YamlError):
        load_values(text, path="values.yaml")


def test_yaml_errors_name_file_and_line() -> None:
    with pytest.raises(YamlError) as caught:
        load_values("a: 1\nb: [\n", path="chart/values.yaml")
    assert str(caught.value).startswith("chart/values.yaml:")
    assert caught.value.line is not None


def test_recursive_alias_is_refused() -> None:
    with pytest.raises(YamlError):
        load_values("a: &a [*a]\n")


def test_merge_maps_merges_only_maps() -> None:
    assert merge_maps({"a": {"b": 1}, "l": [1], "s": {"x": 1}}, {"a": {"c": 2}, "l": [2], "s": "flat"}) == {
        "a": {"b": 1, "c": 2},
        "l": [2],
        "s": "flat",
    }
