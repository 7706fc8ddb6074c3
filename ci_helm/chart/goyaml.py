"""Values YAML read the way Helm reads it (go-yaml v2 scalars, then a trip through JSON).

PyYAML and Helm disagree on plain scalars: Helm takes ``y``/``n`` as booleans, ``1e3``
and ``0o17`` as numbers, ``08`` as 8, keeps dates and ``1:20`` as strings, turns every
map key into a string (``true: x`` has the key ``"true"``) and holds numbers as float64
(integers past 2**53 lose precision). A chart whose values mean one thing to Helm and
another to us would render differently, so values files go through this loader.
Size and alias-bomb guards are ``ci_helm.yamlio``'s.
"""

from __future__ import annotations

import datetime
import math
import re
from pathlib import Path
from typing import Any

import yaml

from ci_helm.errors import YamlError
from ci_helm.yamlio import Duplicates, load_yaml_all

__all__ = ["HelmLoader", "go_resolve", "load_values", "merge_maps"]

_STR, _NULL, _BOOL = "tag:yaml.org,2002:str", "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool"
_INT, _FLOAT, _MERGE = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:merge"
_FLOAT_EXACT = 1 << 53

_MAP: dict[str, tuple[str, Any]] = {}
for _words, _entry in (
    ("y Y yes Yes YES true True TRUE on On ON", (_BOOL, True)),
    ("n N no No NO false False FALSE off Off OFF", (_BOOL, False)),
    ("~ null Null NULL", (_NULL, None)),
    (".nan .NaN .NAN", (_FLOAT, math.nan)),
    (".inf .Inf .INF +.inf +.Inf +.INF", (_FLOAT, math.inf)),
    ("-.inf -.Inf -.INF", (_FLOAT, -math.inf)),
    ("<<", (_MERGE, "<<")),
):
    for _word in _words.split():
        _MAP[_word] = _entry
_MAP[""] = (_NULL, None)

_YAML_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_GO_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+\.?[0-9]*)([eE][-+]?[0-9]+)?")
_INT_BASES = (("0x", 16), ("0o", 8), ("0b", 2))


def go_resolve(value: str) -> tuple[str, Any]:
    """go-yaml v2's ``resolve`` for a plain scalar: its tag and Go value."""
    if value in _MAP:
        return _MAP[value]
    hint = value[0]
    if hint == ".":
        return (_FLOAT, float(value)) if _GO_FLOAT.fullmatch(value) else (_STR, value)
    if not (hint.isdigit() and hint.isascii()) and hint not in "+-":
        return _STR, value
    plain = value.replace("_", "")
    number = _go_parse_int(plain)
    if number is not None:
        return _INT, number
    if _YAML_FLOAT.fullmatch(plain):
        return _FLOAT, float(plain)
    return _STR, value


def _go_parse_int(text: str) -> int | None:
    """``strconv.ParseInt(s, 0, 64)`` then ``ParseUint(s, 0, 64)``."""
    sign, body = (text[0], text[1:]) if text[:1] in "+-" else ("", text)
    base, digits = 10, body
    lower = body.lower()
    for prefix, prefix_base in _INT_BASES:
        if lower.startswith(prefix):
            base, digits = prefix_base, body[2:]
            break
    else:
        if len(body) > 1 and body[0] == "0":
            base, digits = 8, body[1:]
    if not digits or not digits.isascii() or not digits.isalnum():
        return None
    try:
        number = int(digits, base)
    except ValueError:
        return None
    number = -number if sign == "-" else number
    limit_high = (1 << 64) if sign == "" else (1 << 63)
    return number if -(1 << 63) <= number < limit_high else None


class HelmLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SafeLoader with go-yaml v2 plain-scalar resolution."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode and implicit[0]:
            return go_resolve(value)[0]
        return super().resolve(kind, value, implicit)

    def construct_go_scalar(self, node: yaml.ScalarNode) -> Any:
        tag, value = go_resolve(str(node.value))
        if tag == node.tag:
            return value
        if tag == _INT and node.tag == _FLOAT:
            return float(value)
        raise yaml.constructor.ConstructorError(
            None,
            None,
            f"cannot decode {tag.rsplit(':', 1)[-1]} {node.value!r} as {node.tag}",
            node.start_mark,
        )

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[str, Any]:
        """Keys become strings as they are built, so ``1:`` and ``true:`` never collide."""
        self.flatten_mapping(node)
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                name = _key(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, f"unsupported map key {key!r}", key_node.start_mark
                ) from None
            mapping[name] = self.construct_object(value_node, deep=deep)
        return mapping

    def construct_go_timestamp(self, node: yaml.ScalarNode) -> Any:
        return str(node.value)

    def construct_untyped(self, node: yaml.Node) -> Any:
        """Tags go-yaml does not interpret (``!custom``, ``!!set``, ``!!omap``): by node kind."""
        if isinstance(node, yaml.MappingNode):
            return self.construct_mapping(node, deep=True)
        if isinstance(node, yaml.SequenceNode):
            return self.construct_sequence(node, deep=True)
        return str(node.value)


for _tag in (_INT, _FLOAT, _BOOL, _NULL):
    HelmLoader.add_constructor(_tag, HelmLoader.construct_go_scalar)
for _untyped in ("tag:yaml.org,2002:set", "tag:yaml.org,2002:omap", "tag:yaml.org,2002:pairs", None):
    HelmLoader.add_constructor(_untyped, HelmLoader.construct_untyped)
HelmLoader.add_constructor("tag:yaml.org,2002:timestamp", HelmLoader.construct_go_timestamp)


def to_helm(value: Any, path: str | Path, _active: frozenset[int] = frozenset()) -> Any:
    """The value after Helm's YAML→JSON→Go trip: string keys, float64 numbers, no bytes/dates."""
    if isinstance(value, (dict, list)):
        if id(value) in _active:
            raise YamlError("recursive YAML alias", path=path)
        inner = _active | {id(value)}
        if isinstance(value, dict):
            return {_key(k): to_helm(v, path, inner) for k, v in value.items()}
        return [to_helm(v, path, inner) for v in value]
    return _scalar(value, path)


def _scalar(value: Any, path: str | Path) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value if abs(value) < _FLOAT_EXACT else float(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise YamlError(f"json: unsupported value: {value} (NaN and infinity cannot be values)", path=path)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value if isinstance(value, float) else str(value)


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, int):
        return str(key)
    if isinstance(key, float):
        return str(int(key)) if key.is_integer() and abs(key) < 1e21 else repr(key)
    raise TypeError(f"unsupported map key {key!r}")


def load_values(
    text: str | bytes, *, path: str | Path = "<values>", duplicates: Duplicates = "last"
) -> dict[str, Any]:
    """Helm's ``LoadValues``: every document must be a mapping; documents merge in order.

    Helm keeps the last of duplicate keys; ``duplicates="error"`` refuses them instead (lint).
    """
    values: dict[str, Any] = {}
    for doc in load_yaml_all(text, path=path, loader=HelmLoader, duplicates=duplicates):
        if doc is None:
            continue
        if not isinstance(doc, dict):
            raise YamlError(f"values must be a mapping of keys to values, not a {_yaml_kind(doc)}", path=path)
        values = merge_maps(values, to_helm(doc, path))
    return values


def _yaml_kind(value: Any) -> str:
    return "list" if isinstance(value, list) else "scalar"


def merge_maps(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Helm's ``MergeMaps``: nested maps merge, everything else in ``override`` replaces."""
    out = dict(base)
    for key, value in override.items():
        current = out.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            out[key] = merge_maps(current, value)
        else:
            out[key] = value
    return out
