"""Hostile and broken YAML ends in one clear YamlError with the file and line."""

from __future__ import annotations

import pytest

from ci_helm.errors import YamlError
from ci_helm.yamlio import load_yaml, load_yaml_all

BOMB = "\n".join(
    ["a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']"]
    + [
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
        f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]"
        for i in range(8)
    ]
)


def test_alias_bomb_is_refused() -> None:
    with pytest.raises(YamlError, match="alias bomb") as info:
        load_yaml(BOMB, path="values.yaml")
    assert str(info.value).startswith("values.yaml:")


def test_syntax_error_names_line() -> None:
    with pytest.raises(YamlError) as info:
        load_yaml("a: 1\nb: [1, 2\nc: 3\n", path="values.yaml")
    assert info.value.path == "values.yaml"
    assert info.value.line is not None


def test_duplicate_keys_error_mode() -> None:
    assert load_yaml("a: 1\na: 2\n") == {"a": 2}
    with pytest.raises(YamlError, match="duplicate key 'a' \\(first at line 1\\)") as info:
        load_yaml("a: 1\na: 2\n", duplicates="error")
    assert info.value.line == 2


def test_size_limit() -> None:
    with pytest.raises(YamlError, match="over the 10-byte limit"):
        load_yaml("a: 123456789012", max_bytes=10)


def test_multi_document_and_empty() -> None:
    assert list(load_yaml_all("a: 1\n---\n---\nb: 2\n")) == [{"a": 1}, None, {"b": 2}]
    assert load_yaml("") is None


def test_recursive_alias_does_not_hang() -> None:
    data = load_yaml("a: &x [*x]\n")
    assert isinstance(data["a"], list)
